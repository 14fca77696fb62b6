# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy: which answers are worth another attempt, how long to wait, and what each kind of
call may do before it is sent again (its resend policy). The loop that applies it is
``Transport.send`` (mimcm_transport.py), the only place that repeats a call.
"""

import email.utils
import time

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors

RETRY_STATUS_CODES = frozenset((500, 502, 503, 504))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 300.0


def backoff(attempt, retry_after, rand):
    """Seconds to wait before retry number ``attempt`` (0-based): ``Retry-After`` (capped) when the server
    gave one, else exponential with jitter (``rand()`` in [0, 1))."""
    if retry_after is not None:
        return min(retry_after, RETRY_AFTER_CAP)
    delay = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt))
    return delay / 2.0 + rand() * delay / 2.0


class Resend(object):
    """What :meth:`Transport.send` may do after a failed attempt (connection error, time-out, 5xx).

    ``retry``: send again at all. ``settled()``: asked after an ambiguous failure (the server may have
    acted) before the call is sent again, and once more before giving up; a value other than None is
    the call's result (the write happened, or the request it created was found). ``recheck_refusal``:
    a repeat refused with 400/409 may be refused because the first attempt worked: ask ``settled()``.
    ``give_up_note``: appended to the error when every attempt failed.
    """

    def __init__(self, retry=True, settled=None, recheck_refusal=False, give_up_note=None):
        self.retry = retry
        self.settled = settled
        self.recheck_refusal = recheck_refusal
        self.give_up_note = give_up_note

    def ask(self):
        if self.settled is None:
            return None
        try:
            return self.settled()
        except errors.MimCmError:
            return None  # unknown: the call's own outcome decides


READ = Resend()


def checked_write(check):
    """A write that sets a state: repeated only after ``check()`` shows it has not happened."""
    return Resend(settled=check, recheck_refusal=True)


def recovered_create(find, note):
    """A non-idempotent create: after an ambiguous failure ``find()`` looks for what it may have made."""
    return Resend(settled=find, give_up_note=note)


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/invalid."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, parsed.timestamp() - now)
