# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fail fast, fail safe: a failure that is about the server or the credentials ends the whole run.

* Authentication: until one call of this process has been answered with anything but 401, calls go
  one at a time (the login gate), so a wrong password costs one failed logon per worker process, not
  one per card; the first 401 stops the run. Active Directory locks an account after a few failures.
* TLS verification failure, and a server that cannot be reached (connection refused, DNS, connect
  time-out) after the retries of the first affected call, stop the run too: they are the same for
  every card.
* The stop reaches every thread and every forked worker process (a flag in shared memory made before
  the fork); the calls not yet made raise :class:`mimcm_errors.RunStopped` without touching the network.
"""

import mmap
import threading

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors

REASONS = {
    1: 'authentication failed',
    2: 'TLS verification failed',
    3: 'the server could not be reached',
}
NOT_ATTEMPTED = 'not attempted: the run stopped'
_KIND_CODES = {'auth_failed': 1, 'tls': 2, 'connection': 3, 'timeout': 3}


def stops_the_run(error):
    """Whether ``error`` is about the server or the credentials rather than about one card."""
    if isinstance(error, (errors.AuthFailed, errors.TLSError)):
        return True
    return isinstance(error, (errors.ConnectionFailed, errors.Timeout)) and getattr(error, 'unreachable', False)


class RunGuard(object):
    """The stop flag of one module run, shared with its worker processes, and the login gate."""

    def __init__(self):
        self._flag = mmap.mmap(-1, 1)  # anonymous shared memory: forked workers see the same byte
        self.error = None  # the failure that stopped the run, when it happened in this process
        self._lock = threading.Lock()
        self._gate = threading.RLock()  # a call of the first login may make calls of its own (re-checks)
        self._proven = threading.Event()

    def after_fork(self):
        """In a forked worker: its own login gate and locks; the stop flag stays shared."""
        self._lock = threading.Lock()
        self._gate = threading.RLock()  # a call of the first login may make calls of its own (re-checks)
        self._proven = threading.Event()
        self.error = None

    @property
    def reason(self):
        """Why the run stopped (anywhere), or None."""
        return REASONS.get(self._flag[0])

    def trip(self, error):
        with self._lock:
            if self.error is None and not self._flag[0]:
                self.error = error
            if not self._flag[0]:
                self._flag[0] = _KIND_CODES.get(error.kind, 3)

    def check(self, action, card):
        """Raise RunStopped when the run has stopped: the call is not made."""
        if self._flag[0]:
            what = action[0].upper() + action[1:] + (' for card %s' % card if card else '')
            raise errors.RunStopped('%s: %s because %s (see the first failure)'
                                    % (what, NOT_ATTEMPTED, REASONS.get(self._flag[0])), card=card)

    def passed(self):
        """A call was answered without 401: the credentials work; every thread may go."""
        self._proven.set()

    def gate(self):
        """A context for one call: until a call has been answered without 401, one call at a time."""
        return _Gate(self)


class _Gate(object):
    def __init__(self, guard):
        self.guard = guard
        self.held = False

    def __enter__(self):
        if not self.guard._proven.is_set():
            self.guard._gate.acquire()
            self.held = not self.guard._proven.is_set()
            if not self.held:
                self.guard._gate.release()
        return self

    def __exit__(self, *exc):
        if self.held:
            self.guard._gate.release()


_WHY = {
    1: 'so that the same credentials are not tried again (Active Directory locks an account after a few failed '
       'logons)',
    2: 'it is about the server, not about a card',
    3: 'it is about the server, not about a card',
}
_CLASSES = {1: errors.AuthFailed, 2: errors.TLSError, 3: errors.ConnectionFailed}


def stopped_error(guard, first, total, not_attempted, changed, what='cards'):
    """The one error a module reports when its run stopped: the first failure, and what it left undone.

    ``first``: the message of the failure that stopped the run (from this process or a worker's).
    """
    code = guard._flag[0]
    error_class = type(guard.error) if guard.error is not None else _CLASSES.get(code, errors.MimCmError)
    done = ('nothing was written' if not changed else
            '%d %s were changed before it (see the results)' % (changed, what))
    message = '%s. The run stopped at this first failure, %s: %d of %d %s were not attempted, and %s' % (
        (first or REASONS.get(code, 'a failure')).rstrip('.'), _WHY.get(code, ''), not_attempted, total, what, done)
    error = error_class(message)
    error.http_status = getattr(guard.error, 'http_status', None)
    return error
