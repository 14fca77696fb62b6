"""Dialects: the points where a real MIM CM server may differ from our reading of the reference.

Each key is a switch with a fixed list of values; the first value is the default (our reading,
the "(decision)" column of ../shared/mimcm-api.md), the others are the alternatives a real server
may show. The switches combine freely. This module is the one place that knows them: the key and
value table, parsing of ``--dialect KEY=VALUE[,KEY=VALUE...]``, and the numbering tables.

The store keeps every integer in the *internal* numbering of model.py (SmartcardStatus and
RequestType as in the default dialect, RequestStatus in the SQL API numbering) and a Dialect
translates on the way out (API answers, admin answers, the journal) and on the way in (integers
in bodies and query parameters).
"""

from .model import REQUEST_STATUS, REQUEST_TYPE, SMARTCARD_STATUS

# key -> (values, default first), in the order of the issue and of the README's table
KEYS = (
    ("request-status", ("sql", "sequential")),
    ("card-status", ("default", "shifted")),
    ("request-type", ("default", "other")),
    ("rule-errors", ("400", "403", "500")),
    ("card-put", ("card", "204")),
    ("put-completes", ("no", "yes")),
    ("complete-again", ("200", "204", "error")),
    ("request-listing", ("caller", "all")),
    ("revoke-word", ("revoke", "disable")),
    ("datacollection", ("any", "string")),
    ("data-items", ("none", "required")),
    ("post-fields", ("optional", "required")),
    ("created-uri", ("relative", "absolute")),
)
VALUES = dict(KEYS)
DEFAULT = {key: values[0] for key, values in KEYS}
# "every alternative at once": the last value of every key
EVERY_ALTERNATIVE = {key: values[-1] for key, values in KEYS}

# What each value does (the README's table is written from the same words).
DESCRIPTIONS = {
    ("request-status", "sql"): "RequestStatus as the FIM CM SQL API: None 0, Approved 3, Denied 4, Completed 8, "
                               "Failed 9, Pending 16, Canceled 17, Executing 18, Abandoned 20 (ours: unknown)",
    ("request-status", "sequential"): "the old guess: None 0, Pending 1, Denied 2, Approved 3, Executing 4, Failed 5, "
                                      "Canceled 6, Abandoned 7, Completed 8",
    ("card-status", "default"): "SmartcardStatus None 0, New 1, Assigned 2, Active 3, Suspended 4, Disabled 5, Retired 6",
    ("card-status", "shifted"): "the SQL sc_status order shifted by one: Disabled 4, Suspended 5 (others unchanged)",
    ("request-type", "default"): "RequestType Enroll 1, Duplicate 2, OfflineUnblock 3, OnlineUpdate 4, Unblock 5, "
                                 "Renew 6, Recover 7, RecoverOnBehalf 8, Reinstate 9, Retire 10, Revoke 11, "
                                 "TemporaryCards 12",
    ("request-type", "other"): "the default order reversed: TemporaryCards 1, Revoke 2, Retire 3, Reinstate 4, "
                               "RecoverOnBehalf 5, Recover 6, Renew 7, Unblock 8, OnlineUpdate 9, "
                               "OfflineUnblock 10, Duplicate 11, Enroll 12 (no type keeps its integer)",
    ("rule-errors", "400"): "a lifecycle rule violation answers 400 {\"Message\": <what rule>}",
    ("rule-errors", "403"): "... answers 403 {\"Message\": <what rule>}",
    ("rule-errors", "500"): "... answers 500 {\"Message\": \"An error has occurred. Please contact your "
                            "administrator with correlation ID <guid>.\"} (no rule text, no other key)",
    ("card-put", "card"): "PUT /requests/{id}/smartcards/{uuid} answers 200 with the updated card",
    ("card-put", "204"): "... answers 204 with no body (the change is made)",
    ("put-completes", "no"): "the card PUT moves an Approved request to Executing; PUT /requests/{id} completes it",
    ("put-completes", "yes"): "the card PUT also completes the request (Executing, then Completed)",
    ("complete-again", "200"): "with put-completes=yes: PUT /requests/{id} Completed on a Completed request "
                               "answers 200 with the request unchanged (nothing journaled)",
    ("complete-again", "204"): "... answers 204 with no body (nothing changes)",
    ("complete-again", "error"): "... answers like a rule violation (see rule-errors)",
    ("request-listing", "caller"): "GET /requests without targetuser: requests the caller originated or targets",
    ("request-listing", "all"): "GET /requests without targetuser: every user's requests (self users: still own); "
                                "seeds --unrelated-requests (default 2000) requests of other users",
    ("revoke-word", "revoke"): "the operations list says revoke (and reinstate for Suspended cards)",
    ("revoke-word", "disable"): "the operations list says disable instead of revoke and never lists reinstate "
                                "(a Reinstate request is still accepted for a Suspended card)",
    ("datacollection", "any"): "POST /requests takes datacollection as an array or as a string holding one",
    ("datacollection", "string"): "POST /requests takes only the string form; an array answers 400",
    ("data-items", "none"): "no data collection item is required",
    ("data-items", "required"): "Retire needs \"Retire Reason\", Revoke needs \"Revoke Reason\": a request made "
                                "without them has IsDataCollectionComplete false and its card PUT is a rule violation",
    ("post-fields", "optional"): "profiletemplateuuid and target may be omitted on POST /requests",
    ("post-fields", "required"): "POST /requests without profiletemplateuuid or target answers 400; a target that is "
                                 "not the card's AssignedUserUuid, or a template that is not the card's, is a rule "
                                 "violation",
    ("created-uri", "relative"): "201 answers \"api/v1.0/requests/<id>\"",
    ("created-uri", "absolute"): "201 answers \"/CertificateManagement/api/v1.0/requests/<ID>\" (upper case)",
}

# ---------------------------------------------------------------- numbering tables (name -> integer)
REQUEST_STATUS_SEQUENTIAL = {
    "None": 0, "Pending": 1, "Denied": 2, "Approved": 3, "Executing": 4,
    "Failed": 5, "Canceled": 6, "Abandoned": 7, "Completed": 8,
}
SMARTCARD_STATUS_SHIFTED = dict(SMARTCARD_STATUS, Disabled=4, Suspended=5)
_TYPE_ORDER = sorted(REQUEST_TYPE, key=REQUEST_TYPE.get)
REQUEST_TYPE_OTHER = {name: len(_TYPE_ORDER) - i for i, name in enumerate(_TYPE_ORDER)}

NUMBERING = {
    ("request-status", "sql"): REQUEST_STATUS,
    ("request-status", "sequential"): REQUEST_STATUS_SEQUENTIAL,
    ("card-status", "default"): SMARTCARD_STATUS,
    ("card-status", "shifted"): SMARTCARD_STATUS_SHIFTED,
    ("request-type", "default"): REQUEST_TYPE,
    ("request-type", "other"): REQUEST_TYPE_OTHER,
}


class DialectError(ValueError):
    """A bad --dialect key or value; the message names it and lists what is allowed."""


def _allowed_keys():
    return ", ".join(key for key, dummy in KEYS)


def parse(specs, base=None):
    """Resolve dialect settings into the full map (every key, defaults filled in).

    ``specs``: a string ``"k=v,k=v"``, a list of such strings (repeated ``--dialect``), or a dict.
    ``base``: the map to start from (default: DEFAULT). A key given twice with different values
    is an error. Raises DialectError naming the bad key or value and listing the allowed ones.
    """
    out = dict(DEFAULT if base is None else base)
    seen = {}
    if specs is None:
        specs = []
    if isinstance(specs, dict):
        pairs = [(str(k), v) for k, v in specs.items()]
    else:
        if isinstance(specs, str):
            specs = [specs]
        pairs = []
        for spec in specs:
            if not isinstance(spec, str):
                raise DialectError("dialect settings must be KEY=VALUE strings, not %r" % (spec,))
            for item in spec.split(","):
                item = item.strip()
                if not item:
                    continue
                key, sep, value = item.partition("=")
                if not sep:
                    raise DialectError("dialect setting %r is not KEY=VALUE; keys: %s" % (item, _allowed_keys()))
                pairs.append((key, value))
    for key, value in pairs:
        key = key.strip().lower()
        if not isinstance(value, str):
            if isinstance(value, bool) or not isinstance(value, int):
                raise DialectError("dialect %s must be a string, not %r; allowed values: %s"
                                   % (key, value, ", ".join(VALUES.get(key, ()))))
            value = str(value)
        value = value.strip().lower()
        if key not in VALUES:
            raise DialectError("unknown dialect key %r; known keys: %s" % (key, _allowed_keys()))
        if value not in VALUES[key]:
            raise DialectError("dialect %s=%s is not valid; allowed values for %s: %s"
                               % (key, value, key, ", ".join(VALUES[key])))
        if key in seen and seen[key] != value:
            raise DialectError("dialect %s is given twice (%s and %s); give it once" % (key, seen[key], value))
        seen[key] = value
        out[key] = value
    return out


def format_map(dialect_map, only_changes=True):
    """``"k=v,k=v"`` for a map (only the keys that differ from the default, unless told)."""
    return ",".join("%s=%s" % (k, dialect_map[k]) for k, dummy in KEYS
                    if not only_changes or dialect_map[k] != DEFAULT[k])


class _Table:
    """One enumeration as a dialect numbers it: internal code <-> external integer <-> name."""

    def __init__(self, internal, external, what):
        self.what = what
        self.external = dict(external)  # name -> external integer
        self.name_of_internal = {v: k for k, v in internal.items()}
        self.internal_of_name = dict(internal)
        self.name_of_external = {v: k for k, v in external.items()}
        self._lower = {k.lower(): k for k in external}

    def out(self, code):
        """External integer for an internal code (an integer outside the table passes through)."""
        name = self.name_of_internal.get(code)
        return self.external[name] if name is not None else code

    def name(self, code):
        """Name for an internal code, or None."""
        return self.name_of_internal.get(code)

    def parse(self, value, allow_unknown=False):
        """Internal code for a name (any case) or an external integer (or its text).

        Raises ValueError naming the accepted values; an integer outside the table is passed
        through unchanged when ``allow_unknown`` (the admin API may force such values).
        """
        number = None
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            number = value
        elif isinstance(value, str):
            text = value.strip()
            if text.lstrip("-").isdigit():
                number = int(text)
            elif text.lower() in self._lower:
                return self.internal_of_name[self._lower[text.lower()]]
        if number is not None:
            if number in self.name_of_external:
                return self.internal_of_name[self.name_of_external[number]]
            if allow_unknown:
                return number
        raise ValueError("%s %r is not valid; expected one of %s" % (
            self.what, value, ", ".join("%s (%d)" % (n, c) for n, c in self.external.items())))


class Dialect:
    """An immutable, resolved dialect: the map plus its numbering tables and answers."""

    def __init__(self, dialect_map=None):
        self.map = parse(dialect_map or {})
        m = self.map
        self.card_status = _Table(SMARTCARD_STATUS, NUMBERING[("card-status", m["card-status"])],
                                  "smart card status")
        self.request_status = _Table(REQUEST_STATUS, NUMBERING[("request-status", m["request-status"])],
                                     "request status")
        self.request_type = _Table(REQUEST_TYPE, NUMBERING[("request-type", m["request-type"])], "request type")
        self.rule_status = int(m["rule-errors"])
        self.card_put_204 = m["card-put"] == "204"
        self.put_completes = m["put-completes"] == "yes"
        self.complete_again = m["complete-again"]
        self.list_all = m["request-listing"] == "all"
        self.disable_word = m["revoke-word"] == "disable"
        self.datacollection_string_only = m["datacollection"] == "string"
        self.data_items_required = m["data-items"] == "required"
        self.post_fields_required = m["post-fields"] == "required"
        self.absolute_uri = m["created-uri"] == "absolute"

    def changed(self, changes):
        """A new Dialect: this one with ``changes`` applied (``{"reset": true}`` starts from the default)."""
        changes = dict(changes)
        base = DEFAULT if changes.pop("reset", False) else self.map
        return Dialect(parse(changes, base=base))

    def numbering(self):
        """The three tables as the API numbers them (name -> integer)."""
        return {
            "card_status": dict(self.card_status.external),
            "request_status": dict(self.request_status.external),
            "request_type": dict(self.request_type.external),
        }

    def operations(self, ops):
        """The operations list as this server words it."""
        if not self.disable_word:
            return ops
        return ["disable" if o == "revoke" else o for o in ops if o != "reinstate"]

    def created_uri(self, rid):
        if self.absolute_uri:
            return "/CertificateManagement/api/v1.0/requests/%s" % rid.upper()
        return "api/v1.0/requests/%s" % rid
