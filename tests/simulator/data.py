"""Deterministic data set of the simulator: users, profile templates, smart cards.

Everything here is a pure function of the seed and the card count, so two state
directories made with the same ``--seed``/``--cards`` hold the same objects.
"""

import bisect
import hashlib
import itertools
import random
from datetime import datetime, timedelta, timezone

from .model import ZERO_GUID

JDOE_UUID = "8f1590dc-d932-4b66-8e68-2e91c5880780"
REFERENCE_TEMPLATE_UUID = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
REFERENCE_ATR = "3b8d0180fba000000397425446590301c8"

# The two cards of the reference pages (seeds/): reproduced exactly.
REFERENCE_CARDS = [
    {
        "Uuid": "17cf063d-e337-4aa9-a822-346554ddd3c9",
        "Status": 2,
        "Flags": 1,
        "ParentSmartcardUuid": ZERO_GUID,
        "PrimarySmartcardUuid": ZERO_GUID,
        "PermanentSmartcardUuid": ZERO_GUID,
        "AssignedUserUuid": JDOE_UUID,
        "ProfileTemplateUuid": REFERENCE_TEMPLATE_UUID,
        "ProfileTemplateVersion": 46,
        "Comment": "",
        "SerialNumber": "{bc88f13f-83ba-4037-8262-46eba1291c6e}",
        "Middleware": "MSBaseCSP",
        "Atr": REFERENCE_ATR,
    },
    {
        "Uuid": "438d1b30-f3b4-4bed-85fa-285e08605ba7",
        "Status": 3,
        "Flags": 1,
        "ParentSmartcardUuid": ZERO_GUID,
        "PrimarySmartcardUuid": ZERO_GUID,
        "PermanentSmartcardUuid": ZERO_GUID,
        "AssignedUserUuid": JDOE_UUID,
        "ProfileTemplateUuid": REFERENCE_TEMPLATE_UUID,
        "ProfileTemplateVersion": 46,
        "Comment": "",
        "SerialNumber": "{d1ef6869-5517-42a0-8f05-16ca1a0b834d}",
        "Middleware": "MSBaseCSP",
        "Atr": REFERENCE_ATR,
    },
]

HELPDESK_UUID = "5b7c1f1e-2d1c-4a59-9d6a-0f1e2d3c4b5a"
# The card's certificate profile in the reference (get-request example 2, the completion example).
REFERENCE_PROFILE_UUID = "b99ff38c-6653-471f-ae3c-325bb351a6bc"
# The "Virtual Smartcard VPN" template of the sample enrollment walkthrough (upper case, as there).
WALKTHROUGH_TEMPLATE_UUID = "97CD65FA-AF4B-4587-9309-0DD6BFD8B4E1"

# The domain SID of the reference's security descriptors; requests carry descriptors of the same
# shape, padded with NUL characters as the reference's are.
DOMAIN_SID = "S-1-5-21-2127521184-1604012920-1887927527"
_SD_1 = ("O:{d}-14134865D:(D;;LC;;;{d}-14995557)(A;;DCSW;;;{d}-5094533)(A;;DCSW;;;{d}-5094534)"
         "(A;;DCSW;;;{d}-5219125)(A;;SWRC;;;{d}-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;{d}-14134865)"
         "(A;;DCSW;;;{d}-14995557)(A;;CCDCSW;;;{d}-14995557)").format(d=DOMAIN_SID) + "\x00" * 9
_SD_2 = ("O:{d}-14134865D:(D;;LC;;;{d}-14995557)(A;;SWRC;;;{d}-5094533)(A;;RC;;;WD)"
         "(A;;CCDCLCSWSDRC;;;{d}-14134865)(A;;DCSW;;;{d}-14995557)(A;;CCDCSW;;;{d}-14995557)"
         ).format(d=DOMAIN_SID) + "\x00" * 6

# The requests of the reference pages, reproduced so their examples can be replayed literally:
# - b105403d-...: the Approved Retire request of "Update Smartcard Status" (made by a CM helpdesk
#   account, targeting jdoe: in nobody's caller listing);
# - a9b4b42c-...: jdoe's Approved Enroll request of get-request example 1 (also the request of the
#   assign-smartcard-to-request and cancel-abandon-complete-request examples);
# - 0c96d73f-...: jdoe's Approved Unblock request of get-request example 2, with its incomplete
#   "Sample Data Item".
# Statuses and types are internal codes (model.py).
REFERENCE_REQUESTS = [
    {
        "uuid": "b105403d-d021-41ea-9f11-be3d677d229e", "type": 10, "status": 3,
        "datacollection": [], "dc_complete": True,
        "card": "17cf063d-e337-4aa9-a822-346554ddd3c9", "new_card": None,
        "template": REFERENCE_TEMPLATE_UUID, "originator": HELPDESK_UUID, "target": JDOE_UUID,
        "submitted": "2017-09-26T10:00:00Z", "comment": "", "security": _SD_1,
    },
    {
        "uuid": "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", "type": 1, "status": 3,
        "datacollection": [], "dc_complete": False,
        "card": None, "new_card": None,
        "template": REFERENCE_TEMPLATE_UUID, "originator": JDOE_UUID, "target": JDOE_UUID,
        "submitted": "2015-07-07T23:36:21.93Z", "comment": "", "security": _SD_1,
    },
    {
        "uuid": "0c96d73f-967b-420e-854a-43ad2a1504bc", "type": 5, "status": 3,
        "datacollection": [{"Name": "Sample Data Item", "Value": None}], "dc_complete": False,
        "card": "17cf063d-e337-4aa9-a822-346554ddd3c9", "new_card": None,
        "template": REFERENCE_TEMPLATE_UUID, "originator": JDOE_UUID, "target": JDOE_UUID,
        "submitted": "2015-07-07T23:40:33.133Z", "comment": "", "security": _SD_2,
    },
]
REFERENCE_REQUEST = REFERENCE_REQUESTS[0]


def profile_uuid(card_uuid):
    """The certificate profile of a smart card (Old/NewProfileUuid of its requests)."""
    if not card_uuid:
        return None
    card = card_uuid.lower()
    if card == REFERENCE_CARDS[0]["Uuid"]:
        return REFERENCE_PROFILE_UUID
    h = hashlib.md5(b"profile:" + card.encode("ascii", "replace")).hexdigest()
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])


def security_descriptor(owner_uuid, extra=0):
    """A request's SecurityDescriptor: the reference's shape, ending in NUL characters."""
    rid = 1000000 + int(owner_uuid.replace("-", "")[:7], 16) % 9000000
    d = DOMAIN_SID
    text = ("O:%s-%dD:(D;;LC;;;%s-14995557)(A;;SWRC;;;%s-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;%s-%d)"
            "(A;;DCSW;;;%s-14995557)(A;;CCDCSW;;;%s-14995557)" % (d, rid, d, d, d, rid, d, d))
    text += "".join("(A;;DCSW;;;%s-%d)" % (d, 5094533 + i) for i in range(extra))
    return text + "\x00" * (4 + rid % 9)


# name, version, approval_required, restricted, weight (share of generated cards)
TEMPLATES = [
    ("Smart Card Logon", 46, False, False, 40),
    ("Corporate Badge Smart Card", 12, False, False, 20),
    ("Virtual Smartcard VPN", 7, False, False, 10),
    ("Executive Smart Card", 3, True, False, 8),
    ("Contractor Smart Card", 5, True, False, 7),
    ("Domain Admin Smart Card", 9, False, True, 6),
    ("PKI Officer Smart Card", 2, True, True, 4),
    ("Temporary Smart Card", 1, False, False, 5),
]

# Status -> weight: most cards Active, every status present.
STATUS_WEIGHTS = [(0, 1), (1, 3), (2, 6), (3, 70), (4, 8), (5, 6), (6, 6)]

MIDDLEWARE = [
    ("MSBaseCSP", 60),
    ("Microsoft Smart Card Key Storage Provider", 15),
    ("Gemalto IDPrime MD Minidriver", 15),
    ("YubiKey Smart Card Minidriver", 10),
]
ATRS = [
    REFERENCE_ATR,
    "3bf81300008131fe15597562696b657934d4",
    "3b7f96000080318065b0855956fb120ffe829000",
    "3bff9600008131fe4380318065b0846566fb12017882900085",
    "3b8a80010031c173c8400000900090",
]
COMMENTS = ["", "", "", "", "Issued at HQ", "Replacement card", "Issued by helpdesk", "Spare reader kit"]

# The users clients log in as (NTLM, or bearer). Their passwords are made per state dir.
NAMED_USERS = [
    # key, login name, role
    ("operator", "operator", "operator"),
    ("reader", "reader", "reader"),
    ("jdoe", "jdoe", "self"),
    ("bearer", "svc-bearer", "operator"),
]
DOMAIN = "CONTOSO"
UPN_SUFFIX = "contoso.com"  # user principal names: operator@contoso.com


# Profile template descriptions (GET /profiletemplates); IsVirtualSmartcardProfileTemplate for the VPN one.
TEMPLATE_DESCRIPTIONS = {
    "Smart Card Logon": "Smart card logon and e-mail certificates for every employee",
    "Corporate Badge Smart Card": "Badge card with logon certificate",
    "Virtual Smartcard VPN": "Virtual smart card with VPN certificates",
    "Executive Smart Card": "Executives; every request needs an approver",
    "Contractor Smart Card": "Contractors; every request needs an approver",
    "Domain Admin Smart Card": "Domain administrators; retire/revoke only by the PKI team",
    "PKI Officer Smart Card": "PKI officers; approval required, retire/revoke only by the PKI team",
    "Temporary Smart Card": "Temporary card while the permanent one is unavailable",
}


def format_time(dt):
    """A date as the reference shows it: 2015-07-07T23:36:21.93Z (fraction without trailing zeros).

    Like .NET's serializer: the fraction is trimmed, so two texts of the same second need not sort
    in time order as strings.
    """
    frac = ("%03d" % (dt.microsecond // 1000)).rstrip("0")
    return "%04d-%02d-%02dT%02d:%02d:%02d%sZ" % (
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, "." + frac if frac else "")


# Unrelated requests (request-listing=all): types and statuses by weight (internal codes).
_UNRELATED_TYPES = [(1, 25), (6, 15), (5, 20), (4, 10), (10, 10), (11, 8), (9, 2), (7, 5), (12, 3), (2, 2)]
_UNRELATED_STATUSES = [(8, 60), (17, 8), (4, 4), (9, 4), (20, 3), (16, 8), (3, 8), (18, 5)]
_OPEN = {16, 3, 18}
_UNRELATED_COMMENTS = ["", "", "Lost card", "Forgot PIN", "Renewal", "Leaver", "Card broken", "Re-issue"]
_REASONS = ["Need VPN Certs", "New starter", "Lost", "Expired", "Stolen", "Replacement"]


UNRELATED_BLOCK = 1000


def generate_unrelated(seed, start, stop, owners, cards):
    """Requests number ``start`` .. ``stop``-1 of other users, for request-listing=all.

    Deterministic per index (made in blocks of 1000 with a generator per block, so a restart
    with a larger count adds the same ones). ``owners``: user uuids that are not login users;
    ``cards``: (uuid, owner, template) of existing cards. About a third refer to existing cards
    (open ones only as Unblock/Renew/OnlineUpdate); the others to cards of other systems. Each
    carries a long SecurityDescriptor ending in NUL characters. Returns dicts shaped like
    REFERENCE_REQUESTS (plus "priority" and "completed").
    """
    types = [t for t, _ in _UNRELATED_TYPES]
    t_cum = list(itertools.accumulate(w for _, w in _UNRELATED_TYPES))
    statuses = [s for s, _ in _UNRELATED_STATUSES]
    s_cum = list(itertools.accumulate(w for _, w in _UNRELATED_STATUSES))
    epoch = datetime(2019, 1, 1, tzinfo=timezone.utc)
    bis = bisect.bisect_right
    out = []
    for block in range(start // UNRELATED_BLOCK, (stop + UNRELATED_BLOCK - 1) // UNRELATED_BLOCK):
        rng = random.Random(int(seed) * 1000003 + block)
        rand = rng.random
        for i in range(block * UNRELATED_BLOCK, (block + 1) * UNRELATED_BLOCK):
            rtype = types[bis(t_cum, rand() * t_cum[-1])]
            status = statuses[bis(s_cum, rand() * s_cum[-1])]
            originator = owners[int(rand() * len(owners))]
            other = owners[int(rand() * len(owners))]
            target = originator if rand() < 0.6 else other
            card = None
            template = REFERENCE_TEMPLATE_UUID
            pick, which = rand(), cards[int(rand() * len(cards))] if cards else None
            foreign = _guid(rng)
            if which and pick < 0.33 and (status not in _OPEN or rtype in (4, 5, 6)):
                card, target, template = which
            elif rtype != 1:
                card = foreign
            submitted = epoch + timedelta(seconds=int(rand() * 6 * 365 * 86400), microseconds=int(rand() * 1e6))
            took = timedelta(seconds=int(rand() * 7 * 86400))
            reason = _REASONS[int(rand() * len(_REASONS))] if rand() < 0.3 else None
            comment = _UNRELATED_COMMENTS[int(rand() * len(_UNRELATED_COMMENTS))]
            if rand() < 0.2:
                comment = "CHG%04d" % int(rand() * 10000)  # change numbers collide with other runs' comments
            priority, extra = int(rand() * 4), int(rand() * 5)
            uuid = _guid(rng)
            if not start <= i < stop:
                continue
            out.append({
                "uuid": uuid, "type": rtype, "status": status,
                "datacollection": [{"Name": "Request Reason", "Value": reason}] if reason else [],
                "dc_complete": True, "card": card, "new_card": None, "template": template,
                "originator": originator, "target": target, "submitted": format_time(submitted),
                "completed": None if status in _OPEN else format_time(submitted + took),
                "comment": comment, "priority": priority,
                "security": security_descriptor(originator, extra=extra),
            })
    return out


def _guid(rng):
    value = rng.getrandbits(128)
    h = "%032x" % value
    # shape it as a version 4 GUID
    h = h[:12] + "4" + h[13:16] + "89ab"[int(h[16], 16) & 3] + h[17:]
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def generate(seed, cards):
    """Return (users, templates, cards) for a seed and a card count.

    users: list of dicts {uuid, name, role, key}; templates: list of dicts
    {uuid, name, version, approval_required, restricted}; cards: list of API-shaped dicts.
    """
    rng = random.Random(seed)
    users = []
    for key, name, role in NAMED_USERS:
        uuid = JDOE_UUID if key == "jdoe" else _guid(rng)
        users.append({"uuid": uuid, "name": name, "role": role, "key": key})
    users.append({"uuid": HELPDESK_UUID, "name": "cmhelpdesk", "role": None, "key": None})
    n_owners = max(50, min(500, cards // 4))
    owners = []
    for i in range(n_owners):
        uuid = _guid(rng)
        users.append({"uuid": uuid, "name": "user%04d" % (i + 1), "role": None, "key": None})
        owners.append(uuid)

    templates = []
    for i, (name, version, approval, restricted, _w) in enumerate(TEMPLATES):
        uuid = REFERENCE_TEMPLATE_UUID if i == 0 else _guid(rng)
        if name == "Virtual Smartcard VPN":
            uuid = WALKTHROUGH_TEMPLATE_UUID  # drawn all the same: the rest of the data set is unchanged
        templates.append(
            {"uuid": uuid, "name": name, "version": version,
             "approval_required": approval, "restricted": restricted}
        )

    out = [dict(c) for c in REFERENCE_CARDS[: max(0, cards)]]
    t_cum = list(itertools.accumulate(t[4] for t in TEMPLATES))
    statuses = [s for s, _ in STATUS_WEIGHTS]
    s_cum = list(itertools.accumulate(w for _, w in STATUS_WEIGHTS))
    middlewares = [m for m, _ in MIDDLEWARE]
    m_cum = list(itertools.accumulate(w for _, w in MIDDLEWARE))
    rand = rng.random
    bis = bisect.bisect_right

    def pick(seq, cum):
        return seq[bis(cum, rand() * cum[-1])]

    prev = []
    for i in range(len(out), cards):
        uuid = _guid(rng)
        serial = _guid(rng)
        # a few cards carry upper-case GUIDs: clients must not assume lower case
        if i % 40 == 13:
            uuid = uuid.upper()
        if i % 40 == 27:
            serial = serial.upper()
        t = pick(templates, t_cum)
        owner = JDOE_UUID if i % 97 == 5 else owners[int(rand() * n_owners)]
        parent = ZERO_GUID
        if prev and rand() < 0.05:
            parent = prev[int(rand() * len(prev))]
        primary = permanent = ZERO_GUID
        if t["name"] == "Temporary Smart Card" and prev:
            primary = permanent = prev[int(rand() * len(prev))]
        out.append({
            "Uuid": uuid,
            "Status": pick(statuses, s_cum),
            "Flags": 1 if rand() < 0.9 else 3,
            "ParentSmartcardUuid": parent,
            "PrimarySmartcardUuid": primary,
            "PermanentSmartcardUuid": permanent,
            "AssignedUserUuid": owner,
            "ProfileTemplateUuid": t["uuid"],
            "ProfileTemplateVersion": t["version"] - int(rand() * min(4, t["version"])),
            "Comment": COMMENTS[int(rand() * len(COMMENTS))],
            "SerialNumber": "{%s}" % serial,
            "Middleware": pick(middlewares, m_cum),
            "Atr": ATRS[int(rand() * len(ATRS))],
        })
        if len(prev) < 1000:
            prev.append(uuid)
    return users, templates, out
