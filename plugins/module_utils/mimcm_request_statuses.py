# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request status integers of THIS server, as its own name filter classifies them.

``GET /requests?status=Pending`` answers Pending requests, whatever integers the server gives them:
every integer seen in such a listing is learned as that name. A user who knows their server's
numbering can configure it (``request_status_map``). Only a learned or configured integer is
*certain*; the default table (mimcm_enums, evidence from the SQL API) only labels what is shown.
An irreversible step (executing or completing a request) is taken on a certain status only.
"""

import threading

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import RequestStatus, UNKNOWN_FORMAT

# The order in which a request whose integer is not known yet is looked for in the name-filtered
# listings: the statuses a request of this collection is most likely in first.
RECLASSIFY_ORDER = ('Pending', 'Approved', 'Executing', 'Completed', 'Denied', 'Failed', 'Canceled', 'None')


def status_code(value):
    """The integer of a request's ``Status`` (an int or a numeric string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class RequestStatusBook(object):
    """Learned (and configured) request status integers of one server. Thread safe."""

    def __init__(self, configured=None):
        self._lock = threading.Lock()
        self._names = {}
        self._conflicts = {}
        self.configured = dict(configured or {})
        for name, code in self.configured.items():
            self._names[code] = name

    def learn(self, name, items):
        """Every item of a ``?status=<name>`` listing has status ``name``."""
        for item in items or ():
            self.learn_one(name, item.get('Status') if isinstance(item, dict) else item)

    def learn_one(self, name, value):
        code = status_code(value)
        if code is None:
            return
        with self._lock:
            known = self._names.get(code)
            if known is None:
                self._names[code] = name
            elif known != name and code not in self.configured.values():
                self._conflicts.setdefault(code, set()).update((known, name))

    def certain(self, value):
        """The name of a learned or configured integer; None when it is not known (or contradicted)."""
        code = status_code(value)
        with self._lock:
            if code is None or code in self._conflicts:
                return None
            return self._names.get(code)

    def label(self, value):
        """A name to show: certain, else the default table's, else ``Unknown(<n>)``."""
        return self.certain(value) or RequestStatus.name(value) or UNKNOWN_FORMAT % value

    def learned(self):
        """``{name: [integers]}`` of what is certain, for reports and the probe."""
        out = {}
        with self._lock:
            for code, name in sorted(self._names.items()):
                if code not in self._conflicts:
                    out.setdefault(name, []).append(code)
        return out

    def conflicts(self):
        with self._lock:
            return dict((code, sorted(names)) for code, names in self._conflicts.items())

    def merge(self, learned):
        """Add what a worker process learned (``learned()`` of its book)."""
        for name, codes in (learned or {}).items():
            for code in codes:
                self.learn_one(name, code)
