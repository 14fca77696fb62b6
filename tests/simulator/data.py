"""Deterministic data set of the simulator: users, profile templates, smart cards.

Everything here is a pure function of the seed and the card count, so two state
directories made with the same ``--seed``/``--cards`` hold the same objects.
"""

import bisect
import itertools
import random

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

# The request of the "Update Smartcard Status" example: an Approved Retire request for
# card 17cf063d-..., made by a CM helpdesk account (not one of the login users, so it is in
# nobody's GET /requests listing), so the reference's PUT can be replayed literally.
HELPDESK_UUID = "5b7c1f1e-2d1c-4a59-9d6a-0f1e2d3c4b5a"
REFERENCE_REQUEST = {
    "uuid": "b105403d-d021-41ea-9f11-be3d677d229e",
    "type": 10,  # Retire
    "status": 3,  # Approved
    "card": "17cf063d-e337-4aa9-a822-346554ddd3c9",
    "template": REFERENCE_TEMPLATE_UUID,
    "originator": HELPDESK_UUID,
    "target": JDOE_UUID,
    "submitted": "2017-09-26T10:00:00",
    "comment": "",
}

# name, version, approval_required, restricted, weight (share of generated cards)
TEMPLATES = [
    ("Smart Card Logon", 46, False, False, 40),
    ("Corporate Badge Smart Card", 12, False, False, 20),
    ("Virtual Smart Card", 7, False, False, 10),
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
