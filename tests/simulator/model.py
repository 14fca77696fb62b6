"""Enumerations and role rules of the MIM CM REST API simulator.

The numbers are the project's decisions (see docs/dev/contracts.md and
../shared/mimcm-api.md); this module is the one place the simulator keeps them.
"""

SMARTCARD_STATUS = {
    "None": 0,
    "New": 1,
    "Assigned": 2,
    "Active": 3,
    "Suspended": 4,
    "Disabled": 5,
    "Retired": 6,
}
SMARTCARD_STATUS_NAME = {v: k for k, v in SMARTCARD_STATUS.items()}

REQUEST_STATUS = {
    "None": 0,
    "Pending": 1,
    "Denied": 2,
    "Approved": 3,
    "Executing": 4,
    "Failed": 5,
    "Canceled": 6,
    "Abandoned": 7,
    "Completed": 8,
}
REQUEST_STATUS_NAME = {v: k for k, v in REQUEST_STATUS.items()}

REQUEST_TYPE = {
    "Enroll": 1,
    "Duplicate": 2,
    "OfflineUnblock": 3,
    "OnlineUpdate": 4,
    "Unblock": 5,
    "Renew": 6,
    "Recover": 7,
    "RecoverOnBehalf": 8,
    "Reinstate": 9,
    "Retire": 10,
    "Revoke": 11,
    "TemporaryCards": 12,
}
REQUEST_TYPE_NAME = {v: k for k, v in REQUEST_TYPE.items()}

NEW, ASSIGNED, ACTIVE, SUSPENDED, DISABLED, RETIRED = 1, 2, 3, 4, 5, 6
PENDING, DENIED, APPROVED, EXECUTING, CANCELED, ABANDONED, COMPLETED = 1, 2, 3, 4, 6, 7, 8

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
UNSET_DATE = "0001-01-01T00:00:00"

ROLES = ("reader", "operator", "self")

# Operations the operator role may request, by card status (lower case, as in the reference).
OPERATOR_OPERATIONS = {
    NEW: ["retire", "revoke"],
    ASSIGNED: ["retire", "revoke"],
    ACTIVE: ["onlineupdate", "renew", "recover", "retire", "revoke", "unblock"],
    SUSPENDED: ["reinstate", "retire", "revoke"],
    DISABLED: ["retire"],
}
# Operations the operator may not request on cards of a restricted profile template.
RESTRICTED_OPERATIONS = {"retire", "revoke", "reinstate"}
# The self role: own cards only, Active only.
SELF_OPERATIONS = {ACTIVE: ["onlineupdate", "renew", "unblock"]}

# Card status transitions on PUT /requests/{rid}/smartcards/{uuid}:
# target status -> (request type that allows it, statuses it may come from)
TRANSITIONS = {
    RETIRED: ("Retire", {0, NEW, ASSIGNED, ACTIVE, SUSPENDED, DISABLED}),
    DISABLED: ("Revoke", {ASSIGNED, ACTIVE, SUSPENDED}),
    ACTIVE: ("Reinstate", {SUSPENDED}),
    SUSPENDED: ("TemporaryCards", {ACTIVE}),
}

# PUT /requests/{id}: target request status -> statuses it may come from
REQUEST_TRANSITIONS = {
    COMPLETED: {EXECUTING},
    CANCELED: {PENDING, APPROVED, EXECUTING},
    ABANDONED: {PENDING, APPROVED, EXECUTING},
}


def lookup_enum(table, value, what):
    """Resolve a name (case-insensitive) or an integer against an enumeration table.

    Returns the integer or raises ValueError with a message naming the accepted values.
    """
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        if value in table.values():
            return value
    elif isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit() and int(text) in table.values():
            return int(text)
        for name, code in table.items():
            if name.lower() == text.lower():
                return code
    raise ValueError(
        "%s %r is not valid; expected one of %s"
        % (what, value, ", ".join("%s (%d)" % (n, c) for n, c in table.items()))
    )


def operations_for(role, user_uuid, card, template):
    """The operations list the caller may request for a card (lower case)."""
    status = card["Status"]
    if role == "operator":
        ops = list(OPERATOR_OPERATIONS.get(status, []))
        if template and template["restricted"]:
            ops = [o for o in ops if o not in RESTRICTED_OPERATIONS]
        return ops
    if role == "self":
        if card["AssignedUserUuid"].lower() != user_uuid.lower():
            return []
        return list(SELF_OPERATIONS.get(status, []))
    return []
