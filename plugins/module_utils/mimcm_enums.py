# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ONE place that knows the MIM CM enumerations: names <-> integers.

SmartcardStatus, RequestStatus and RequestType, and the words of the operations list. The
numbers are the decisions recorded in docs/enumerations.md (the public reference names the
members but not all numbers). What may move between them (transitions, which request a target
status needs) is in mimcm_transitions.py.

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
              'Reinstate', 'TemporaryCards', 'Duplicate', 'OfflineUnblock', 'Enroll')


class _Enum(object):
    """A bidirectional name <-> integer table with case-insensitive name lookup."""

    def __init__(self, pairs):
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
