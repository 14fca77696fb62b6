# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ONE place that knows the MIM CM enumerations and the lifecycle rules over them.

SmartcardStatus, RequestStatus and RequestType (names <-> integers), the words of the operations
list, and the rules: which statuses a card may move to and from, which is terminal, which request
type authorises a target status, which request statuses are open or executable. The numbers are
recorded with their evidence in docs/enumerations.md (the public reference names the members but
not all numbers). The module (before a write) and the plan (on the controller) both ask here; each
words its own reasons.

An integer that is not in a table is reported as ``Unknown(<n>)``, never an exception.
"""

import re

UNKNOWN_FORMAT = 'Unknown(%s)'
_INTEGER_RE = re.compile(r'^-?\d+$')

# SmartcardStatus (decision): None=0, New=1, Assigned=2, Active=3, Suspended=4, Disabled=5, Retired=6.
# The declaration order is also the order of charts and tables.
SMARTCARD_STATUS = (
    ('None', 0),
    ('New', 1),
    ('Assigned', 2),
    ('Active', 3),
    ('Suspended', 4),
    ('Disabled', 5),
    ('Retired', 6),
)

# RequestStatus (decision, from the FIM CM SQL API's externalGetStatus, which matches both REST examples:
# 3 for a request ready to execute, 8 once completed). Abandoned can be set through PUT but its integer is
# unknown: it is not in the table. The name filter of GET /requests?status= is the server's own
# classification; the client learns the integers from it at run time and trusts this table only until then.
REQUEST_STATUS = (
    ('None', 0),
    ('Approved', 3),
    ('Denied', 4),
    ('Completed', 8),
    ('Failed', 9),
    ('Pending', 16),
    ('Canceled', 17),
    ('Executing', 18),
)

# The names GET /requests?status= takes (reference).
REQUEST_STATUS_FILTERS = ('Approved', 'Canceled', 'Completed', 'Denied', 'Executing', 'Failed', 'None', 'Pending')

# RequestType (decision; the reference only shows Enroll=1 and Unblock=5).
REQUEST_TYPE = (
    ('Enroll', 1),
    ('Duplicate', 2),
    ('OfflineUnblock', 3),
    ('OnlineUpdate', 4),
    ('Unblock', 5),
    ('Renew', 6),
    ('Recover', 7),
    ('RecoverOnBehalf', 8),
    ('Reinstate', 9),
    ('Retire', 10),
    ('Revoke', 11),
    ('TemporaryCards', 12),
)

# Names the operations endpoint may answer with (it answers in lower case: compare case-insensitively).
OPERATIONS = ('OnlineUpdate', 'Renew', 'Recover', 'RecoverOnBehalf', 'Retire', 'Revoke', 'Unblock',
              'Reinstate', 'TemporaryCards', 'Duplicate', 'OfflineUnblock', 'Enroll', 'Disable')


class _Enum(object):
    """A bidirectional name <-> integer table with case-insensitive name lookup."""

    def __init__(self, pairs):
        self.default = tuple(pairs)
        self.renumber({})

    def renumber(self, numbers):
        """Use ``numbers`` ({canonical name: integer}) over the default table (a server that numbers
        differently, configured by the user: smartcard_status_map); ``{}`` restores the default."""
        pairs = [(name, numbers.get(name, value)) for name, value in self.default]
        self.names = tuple(name for name, dummy in pairs)
        self._by_int = dict((value, name) for name, value in pairs)
        self._by_name = dict((name, value) for name, value in pairs)
        self._canonical = dict((name.lower(), name) for name, dummy in pairs)

    def canonical(self, name):
        """The canonical spelling of ``name`` (any letter case), or None."""
        if name is None:
            return None
        return self._canonical.get(str(name).strip().lower())

    def name(self, value):
        """The name for an integer (or a numeric string, or a name); ``Unknown(n)`` when unknown."""
        if value is None:
            return None
        if isinstance(value, bool):
            return UNKNOWN_FORMAT % value
        if isinstance(value, int):
            return self._by_int.get(value, UNKNOWN_FORMAT % value)
        text = str(value).strip()
        if _INTEGER_RE.match(text):
            return self._by_int.get(int(text), UNKNOWN_FORMAT % text)
        canonical = self.canonical(text)
        return canonical if canonical else UNKNOWN_FORMAT % text

    def code(self, value):
        """The integer for a name (any case) or an integer; None when unknown."""
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if _INTEGER_RE.match(text):
            return int(text)
        canonical = self.canonical(text)
        return self._by_name[canonical] if canonical else None

    def is_known(self, value):
        return not self.name(value).startswith('Unknown(')

    def order(self, names):
        """``names`` in table order, then the others (unknown integers, 'Missing') alphabetically."""
        names = [n for n in names if n is not None]
        return [n for n in self.names if n in names] + sorted(n for n in names if n not in self.names)


SmartcardStatus = _Enum(SMARTCARD_STATUS)
RequestStatus = _Enum(REQUEST_STATUS)
RequestType = _Enum(REQUEST_TYPE)

_OPERATIONS_CANONICAL = dict((name.lower(), name) for name in OPERATIONS)


def canonical_operation(name):
    """``retire`` -> ``Retire``; an unknown name is returned as given (stripped)."""
    text = str(name).strip()
    return _OPERATIONS_CANONICAL.get(text.lower(), text)


def canonical_operations(names):
    return [canonical_operation(n) for n in (names or [])]


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

# What PUT /requests/{id} sets (reference), and the statuses a request may be in for each (decision: the
# reference does not say): Completed only from Executing (its card change was made), Canceled and Abandoned
# from any open status. Finished requests (Completed, Canceled, Denied, Failed, Abandoned) never move.
SETTABLE_REQUEST_STATUSES = ('Canceled', 'Abandoned', 'Completed')
REQUEST_STATUS_SOURCES = {'Canceled': OPEN_REQUEST_STATUSES, 'Abandoned': OPEN_REQUEST_STATUSES,
                          'Completed': ('Executing',)}


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


# The words of the operations list that allow requesting each target status. A server may say "disable"
# for revoking (the reference's software-profile example answers ["renew","disable","recover"]).
# "reinstate" is not in the documented vocabulary: its absence does not refuse a Reinstate, the server's
# answer to the request decides (a 403 is reported as such).
OPERATION_WORDS = {'Retired': ('Retire',), 'Disabled': ('Revoke', 'Disable'), 'Active': ('Reinstate',),
                   'Suspended': ()}
UNLISTED_OPERATION_ALLOWED = ('Active',)


def operation_words(target):
    """The operations-list words that allow ``target``, for messages: ``Revoke or Disable``."""
    return ' or '.join(OPERATION_WORDS.get(SmartcardStatus.canonical(target), ())) or 'none'


def operation_allowed(operations, target):
    """Whether the caller's ``operations`` (any letter case) allow requesting ``target``."""
    target = SmartcardStatus.canonical(target)
    listed = set(canonical_operation(o) for o in (operations or ()))
    return bool(listed & set(OPERATION_WORDS.get(target, ()))) or target in UNLISTED_OPERATION_ALLOWED


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
