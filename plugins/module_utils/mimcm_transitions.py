# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ONE place that knows the lifecycle rules of MIM CM.

Which statuses a card may move to and from, which is terminal, which request type authorises a
target status, which operations-list word the caller needs for it, and which request statuses
are open or executable. The module (before a write) and the plan (plugin_utils) both ask here;
each words its own reasons.
"""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus, canonical_operation

# The statuses a user may ask mimcm_smartcard_status for.
SETTABLE_STATUSES = ('Retired', 'Disabled', 'Active', 'Suspended')

# Target status -> the request type a caller creates to reach it (decision). Suspended has no REST
# request type a caller can create: it needs a request_id the caller supplies.
REQUEST_TYPE_FOR_STATUS = {
    'Retired': 'Retire',
    'Disabled': 'Revoke',
    'Active': 'Reinstate',
    'Suspended': None,
}

# The request type the server accepts for each target status when a request_id is supplied.
ACCEPTED_REQUEST_TYPE_FOR_STATUS = {
    'Retired': 'Retire',
    'Disabled': 'Revoke',
    'Active': 'Reinstate',
    'Suspended': 'TemporaryCards',
}

# Target status -> the statuses a card may be in to reach it.
LEGAL_SOURCES = {
    'Retired': ('None', 'New', 'Assigned', 'Active', 'Suspended', 'Disabled'),
    'Disabled': ('Assigned', 'Active', 'Suspended'),
    'Active': ('Suspended',),
    'Suspended': ('Active',),
}

TERMINAL_STATUSES = ('Retired',)

# Request statuses: not finished yet (ours may be picked up again), and ready to execute.
OPEN_REQUEST_STATUSES = ('Pending', 'Approved', 'Executing')
EXECUTABLE_REQUEST_STATUSES = ('Approved', 'Executing')


def settable_status(name):
    """Canonical spelling of a status the status module may set, or None."""
    canonical = SmartcardStatus.canonical(name)
    return canonical if canonical in SETTABLE_STATUSES else None


def plannable_statuses():
    """The target statuses a change can be planned for: those with a request type a caller can create."""
    return tuple(s for s in SETTABLE_STATUSES if REQUEST_TYPE_FOR_STATUS[s])


def request_type_for_status(status):
    """The request type a caller creates to reach ``status`` (None for Suspended)."""
    return REQUEST_TYPE_FOR_STATUS.get(SmartcardStatus.canonical(status))


def operation_for_request_type(request_type):
    """The operations-list entry that allows creating a request of ``request_type``."""
    return canonical_operation(request_type) if request_type else None


def operation_allowed(operations, target):
    """Whether the caller's ``operations`` (any letter case) allow requesting ``target``."""
    needed = operation_for_request_type(request_type_for_status(target))
    return needed is not None and needed in set(canonical_operation(o) for o in (operations or ()))


def blocked_transition(current, target):
    """Why a card in status ``current`` cannot move to ``target``: None (it can), ``('terminal', name)``
    or ``('illegal', allowed_sources)``. The caller words the reason."""
    current_name = SmartcardStatus.name(current)
    if current_name in TERMINAL_STATUSES:
        return ('terminal', current_name)
    sources = LEGAL_SOURCES.get(SmartcardStatus.canonical(target), ())
    if current_name not in sources:
        return ('illegal', sources)
    return None


def transition_problem(current, target):
    """None when a card in status ``current`` may move to ``target``, else the reason (text)."""
    blocked = blocked_transition(current, target)
    if blocked is None:
        return None
    if blocked[0] == 'terminal':
        return 'the card is %s, which is terminal: its lifecycle has ended and its status cannot change' % blocked[1]
    return 'a card cannot go from %s to %s (allowed from: %s)' % (
        SmartcardStatus.name(current), SmartcardStatus.canonical(target), ', '.join(blocked[1]))
