"""Enumerations and role rules of the MIM CM REST API simulator.

The numbers are the project's decisions (see docs/dev/contracts.md and
../shared/mimcm-api.md) and the simulator's internal numbering: the store keeps these
integers, and dialects.py translates them when a dialect numbers differently.
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

# The internal numbering, also the default dialect's: the FIM CM SQL API's externalGetStatus
# (None 0, Approved 3, Denied 4, Completed 8, Failed 9, Pending 16, Canceled 17, Executing 18).
# Abandoned is settable through PUT but the reference gives no integer: ours is 20.
REQUEST_STATUS = {
    "None": 0,
    "Approved": 3,
    "Denied": 4,
    "Completed": 8,
    "Failed": 9,
    "Pending": 16,
    "Canceled": 17,
    "Executing": 18,
    "Abandoned": 20,
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
PENDING, DENIED, APPROVED, EXECUTING, CANCELED, ABANDONED, COMPLETED = 16, 4, 3, 18, 17, 20, 8
FAILED = 9

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
# The self role: own cards only. Unblock on an own Assigned card: the reference's create-request
# example 2 is an Unblock by the card's owner for card 17cf063d-..., which is Assigned (2).
SELF_OPERATIONS = {ACTIVE: ["onlineupdate", "renew", "unblock"], ASSIGNED: ["unblock"]}

# data-items=required: the data collection items each request type's policy demands
# (every profile template). Items are matched by name, case-insensitively.
REQUIRED_DATA_ITEMS = {"Retire": ["Retire Reason"], "Revoke": ["Revoke Reason"]}

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
