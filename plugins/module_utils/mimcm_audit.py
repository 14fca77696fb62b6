# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit log: one JSON line per item, on disk as soon as the item's outcome is known.

Use it as a context manager (``with AuditLog(path, ...) as audit:``); it is closed however the
block ends. Thread safe; secrets are removed from every line.
"""

import datetime
import json
import os
import threading

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors

# The keys of each line, in order; the record's own keys take precedence over the context's.
RECORD_KEYS = ('time', 'uuid', 'card_id', 'status', 'before', 'after', 'request_id', 'state', 'changed',
               'check_mode', 'msg')


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


class AuditLog(object):
    """Append one JSON line per card as soon as its outcome is known; flush and fsync each."""

    def __init__(self, path, context=None, secrets=(), check_mode=False, keys=RECORD_KEYS):
        self.path = path
        self.keys = tuple(keys)  # the record keys of each line (RECORD_KEYS: a card's)
        self.context = dict(context or {})
        self.secrets = secrets  # live: tokens obtained later in the run are redacted too
        self.check_mode = check_mode
        self._lock = threading.Lock()  # appends
        self._sync_lock = threading.Lock()  # fsyncs
        self._appended = 0  # lines appended
        self._synced = 0  # lines known to be on disk
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise errors.InvalidInput('audit_log %s: the directory %s does not exist' % (path, directory))
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        except OSError as exc:
            raise errors.InvalidInput('audit_log %s cannot be opened for appending: %s' % (path, exc.strerror))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def write(self, result, target):
        record = dict(self.context)
        record.update((key, result.get(key)) for key in self.keys)
        record.update(status=target, check_mode=self.check_mode)
        with self._lock:
            record['time'] = utc_now()
            line = errors.redact(json.dumps(record, sort_keys=False, default=str), self.secrets) + '\n'
            os.write(self._fd, line.encode('utf-8'))
            self._appended += 1
            mine = self._appended
        # Group commit (issue 6): the line is durable once an fsync that began after it was appended
        # has returned. One fsync covers every line appended before it, so a writer whose line
        # another writer's fsync already covered returns at once; and no fsync runs under the append
        # lock, so the other workers keep appending meanwhile.
        with self._sync_lock:
            if self._synced < mine:
                upto = self._appended
                os.fsync(self._fd)
                self._synced = upto

    def close(self):
        with self._lock, self._sync_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def audited(audit, result, target):
    """``result`` after its audit line is written; an item whose line could not be written has failed."""
    if audit.path is not None:
        try:
            audit.write(result, target)
        except OSError as exc:
            result['state'] = 'failed'
            result['msg'] += ' (and writing the audit log %s failed: %s)' % (audit.path, exc.strerror)
    return result


class NoAudit(object):
    """The audit log of a run that keeps none."""

    path = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def write(self, result, target):
        pass

    def close(self):
        pass
