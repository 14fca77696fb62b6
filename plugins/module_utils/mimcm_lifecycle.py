# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backends of the two modules, usable (and unit tested) without Ansible.

* :class:`SmartcardReader`: fetch cards by uuid / card_id / the caller's own, concurrently.
* :class:`StatusChanger`: the per-card status change algorithm, concurrently, one result per
  card whatever happens to the others, with an optional JSON-lines audit log.
"""

import datetime
import json
import os
import re
import threading

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils import mimcm_parallel as parallel
from ansible_collections.mim.cm.plugins.module_utils.mimcm_client import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_status import (
    ACCEPTED_REQUEST_TYPE_FOR_STATUS,
    EXECUTABLE_REQUEST_STATUSES,
    OPEN_REQUEST_STATUSES,
    RequestStatus,
    RequestType,
    SmartcardStatus,
    operation_for_request_type,
    request_type_for_status,
    settable_status,
    transition_problem,
)

STATES = ('changed', 'unchanged', 'pending', 'failed', 'skipped')
MAX_CONCURRENCY = 64

CARD_FIELDS = (
    ('Uuid', 'uuid'),
    ('Status', 'status'),
    ('Flags', 'flags'),
    ('ParentSmartcardUuid', 'parent_smartcard_uuid'),
    ('PrimarySmartcardUuid', 'primary_smartcard_uuid'),
    ('PermanentSmartcardUuid', 'permanent_smartcard_uuid'),
    ('AssignedUserUuid', 'assigned_user_uuid'),
    ('ProfileTemplateUuid', 'profile_template_uuid'),
    ('ProfileTemplateVersion', 'profile_template_version'),
    ('Comment', 'comment'),
    ('SerialNumber', 'serial_number'),
    ('Middleware', 'middleware'),
    ('Atr', 'atr'),
)
_GUID_FIELDS = ('uuid', 'parent_smartcard_uuid', 'primary_smartcard_uuid', 'permanent_smartcard_uuid',
                'assigned_user_uuid', 'profile_template_uuid')
_CARD_KEY_MAP = dict(CARD_FIELDS)
_CAMEL_RE = re.compile(r'(?<=[a-z0-9])([A-Z])|(?<=[A-Z])([A-Z][a-z])')


def snake_case(name):
    return _CAMEL_RE.sub(lambda m: '_' + (m.group(1) or m.group(2)), str(name)).lower()


def card_to_result(card):
    """API card object (PascalCase) -> result dict (snake_case, plus status_name and card_id)."""
    result = {}
    for key, value in (card or {}).items():
        name = _CARD_KEY_MAP.get(key) or snake_case(key)
        result[name] = value
    for name in _GUID_FIELDS:
        if isinstance(result.get(name), str):
            result[name] = normalize_guid(result[name]) or result[name]
    result['status_name'] = SmartcardStatus.name(result.get('status'))
    serial = result.get('serial_number')
    result['card_id'] = card_id_of(serial)
    return result


def card_id_of(serial):
    if serial is None:
        return None
    return normalize_guid(serial) or str(serial).strip().strip('{}').lower()


def validate_guid_list(values, option, allow_duplicates=False):
    """Normalised GUIDs, or InvalidInput naming the option and the bad value."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    normalized = []
    seen = {}
    for index, value in enumerate(values):
        guid = normalize_guid(value) if isinstance(value, str) else None
        if guid is None:
            raise errors.InvalidInput('%s[%d] %r is not a GUID (expected e.g. 17cf063d-e337-4aa9-a822-346554ddd3c9)'
                                      % (option, index, value))
        if guid in seen:
            if allow_duplicates:
                continue
            raise errors.InvalidInput('%s lists %s twice (items %d and %d): remove the duplicate'
                                      % (option, guid, seen[guid], index))
        seen[guid] = index
        normalized.append(guid)
    return normalized


def bounded_concurrency(concurrency, items):
    try:
        concurrency = int(concurrency)
    except (TypeError, ValueError):
        raise errors.InvalidInput('concurrency %r is not a whole number' % (concurrency,))
    if concurrency < 1 or concurrency > MAX_CONCURRENCY:
        raise errors.InvalidInput('concurrency must be between 1 and %d, got %d' % (MAX_CONCURRENCY, concurrency))
    return max(1, min(concurrency, items))


def bounded_processes(processes):
    """``processes`` option: 0 (automatic) to ``mimcm_parallel.MAX_PROCESSES``."""
    try:
        processes = int(processes or 0)
    except (TypeError, ValueError):
        raise errors.InvalidInput('processes %r is not a whole number' % (processes,))
    if processes < 0 or processes > parallel.MAX_PROCESSES:
        raise errors.InvalidInput('processes must be between 0 (automatic) and %d, got %d'
                                  % (parallel.MAX_PROCESSES, processes))
    return processes


def _run_parallel(client, func, queries, concurrency, processes, lost, child_state=None):
    """``[func(q) for q in queries]`` over threads and worker processes (mimcm_parallel); the workers'
    call counters are added to ``client``'s. Returns ``(results, states)``."""
    workers = bounded_concurrency(concurrency, len(queries))
    count = parallel.worker_processes(processes, workers, len(queries))

    def state():
        extra = child_state() if child_state is not None else {}
        extra.update(calls=client.calls, retried=client.retried)
        return extra

    results, states = parallel.map_parallel(func, queries, workers, processes=count, child_setup=client.after_fork,
                                            child_state=state, lost=lost)
    for extra in states:
        client.calls += extra.get('calls', 0)
        client.retried += extra.get('retried', 0)
    return results, states


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


class AuditLog(object):
    """Append one JSON line per card as soon as its outcome is known; flush and fsync each.

    Thread safe. Secrets are removed from every line.
    """

    def __init__(self, path, context=None, secrets=(), check_mode=False):
        self.path = path
        self.context = dict(context or {})
        self.secrets = tuple(secrets)
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

    def write(self, result, target):
        record = dict(self.context)
        record.update({
            'time': None,
            'uuid': result.get('uuid'),
            'card_id': result.get('card_id'),
            'status': target,
            'before': result.get('before'),
            'after': result.get('after'),
            'request_id': result.get('request_id'),
            'state': result.get('state'),
            'changed': result.get('changed'),
            'check_mode': self.check_mode,
            'msg': result.get('msg'),
        })
        with self._lock:
            record['time'] = utc_now()
            line = errors.redact(json.dumps(record, sort_keys=False, default=str), self.secrets) + '\n'
            data = line.encode('utf-8')
            os.write(self._fd, data)
            self._appended += 1
            mine = self._appended
        # Group commit (issue 6): the line is durable once an fsync that began after it was appended
        # has returned. One fsync covers every line appended before it, so a writer whose line
        # another writer's fsync already covered returns at once; and no fsync runs under the append
        # lock, so the other workers keep appending meanwhile. One fsync per card under the append
        # lock made that lock the queue of all workers (a third of their time at concurrency 16).
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


class SmartcardReader(object):
    """Backend of mimcm_smartcard_info."""

    def __init__(self, client, concurrency=8, include_operations=False, processes=0):
        self.client = client
        self.concurrency = bounded_concurrency(concurrency, MAX_CONCURRENCY)
        self.include_operations = include_operations
        self.processes = bounded_processes(processes)

    def read(self, uuids=None, card_ids=None):
        """Returns ``(smartcards, missing)``; ``smartcards`` in input order."""
        queries = [('uuid', u) for u in (uuids or [])] + [('card_id', c) for c in (card_ids or [])]
        if not queries:
            cards = [card_to_result(c) for c in self.client.my_cards()]
            for card in cards:
                card['query'] = None
            if self.include_operations:
                workers = bounded_concurrency(self.concurrency, len(cards))
                operations = parallel.map_threads(lambda c: self.client.get_operations(c['uuid']), cards, workers)
                for card, ops in zip(cards, operations):
                    card['operations'] = ops
            return cards, []
        outcomes, _states = _run_parallel(self.client, self._read_one, queries, self.concurrency, self.processes,
                                          self._lost)
        smartcards, missing, failures = [], [], []
        for (kind, query), outcome in zip(queries, outcomes):
            if outcome is None:
                missing.append(query)
            elif isinstance(outcome, errors.MimCmError):
                failures.append(outcome)
            else:
                smartcards.append(outcome)
        if failures:
            first = failures[0]
            if len(failures) > 1:
                first.message = '%s (and %d more cards failed)' % (first.message, len(failures) - 1)
            raise first
        return smartcards, missing

    def _lost(self, query, reason):
        kind, value = query
        return errors.MimCmError(self.client.redact(
            'Reading the card %s: no outcome, the %s; run again' % (value, reason)), card=value)

    def _read_one(self, query):
        kind, value = query
        try:
            card = self.client.get_card(value) if kind == 'uuid' else self.client.find_card(value)
        except errors.NotFound:
            return None
        except errors.MimCmError as exc:
            return exc
        result = card_to_result(card)
        result['query'] = value
        if self.include_operations:
            try:
                result['operations'] = self.client.get_operations(result['uuid'])
            except errors.MimCmError as exc:
                return exc
        return result


class _OpenRequests(object):
    """The caller's open requests, listed once per invocation (lazily, thread safe)."""

    def __init__(self, client):
        self.client = client
        self._lock = threading.Lock()
        self._index = None
        self.warning = None

    def _load(self):
        index = {}
        try:
            listing = self.client.list_open_requests()
        except errors.Forbidden as exc:
            self.warning = ('Could not list open requests (%s): requests waiting for approval will not be '
                            'picked up, new ones are created instead' % exc)
            listing = []
        for item in listing:
            card = normalize_guid(item.get('OldSmartcardUuid'))
            rtype = RequestType.name(item.get('RequestType'))
            if card:
                index.setdefault((card, rtype), []).append(item)
        return index

    def find(self, card, request_type, comment, statuses=OPEN_REQUEST_STATUSES):
        with self._lock:
            if self._index is None:
                self._index = self._load()
        best, best_key = None, None
        for item in self._index.get((card, request_type), ()):
            status = RequestStatus.name(item.get('Status'))
            if status not in statuses:
                continue
            key = (OPEN_REQUEST_STATUSES.index(status),
                   (item.get('Comment') or '') == (comment or ''),
                   str(item.get('Submitted') or ''))
            if best_key is None or key > best_key:
                best, best_key = item, key
        return best


class StatusChanger(object):
    """Backend of mimcm_smartcard_status: move cards to ``status``, one result per card."""

    def __init__(self, client, status, comment='', request_id=None, complete_request=True, check_mode=False,
                 concurrency=8, audit=None, processes=0):
        target = settable_status(status)
        if target is None:
            raise errors.InvalidInput('status %r is not one of Retired, Disabled, Active, Suspended' % (status,))
        self.client = client
        self.target = target
        self.request_type = request_type_for_status(target)
        self.comment = comment or ''
        self.request_id = normalize_guid(request_id) if request_id else None
        if request_id and not self.request_id:
            raise errors.InvalidInput('request_id %r is not a GUID' % (request_id,))
        self.complete_request = complete_request
        self.check_mode = check_mode
        self.concurrency = bounded_concurrency(concurrency, MAX_CONCURRENCY)
        self.processes = bounded_processes(processes)
        self.audit = audit
        self.open_requests = _OpenRequests(client)

    # ---------------------------------------------------------------- public

    def run(self, uuids=None, card_ids=None):
        """Returns the list of per-card results, in input order."""
        queries = [('uuid', u) for u in (uuids or [])] + [('card_id', c) for c in (card_ids or [])]
        if not queries:
            raise errors.InvalidInput('no cards given: set uuid, uuids or card_ids')
        if self.request_id and len(queries) > 1:
            raise errors.InvalidInput('request_id %s is for one card, but %d cards were given'
                                      % (self.request_id, len(queries)))
        # each worker process lists the open requests itself (3 calls) when it first needs them: a listing
        # made here before the fork would cost a connection beyond the concurrency
        results, states = _run_parallel(self.client, self._process, queries, self.concurrency, self.processes,
                                        self._lost, child_state=lambda: {'warning': self.open_requests.warning})
        for state in states:
            if state.get('warning') and not self.open_requests.warning:
                self.open_requests.warning = state['warning']
        return results

    @property
    def warnings(self):
        return [self.open_requests.warning] if self.open_requests.warning else []

    @staticmethod
    def summary(results):
        summary = dict((state, 0) for state in STATES)
        for result in results:
            summary[result['state']] = summary.get(result['state'], 0) + 1
        summary['total'] = len(results)
        return summary

    @staticmethod
    def diff(results):
        before, after = {}, {}
        for result in results:
            if result.get('changed') and result.get('uuid'):
                before[result['uuid']] = result.get('before')
                after[result['uuid']] = result.get('after')
        return {'before': before, 'after': after}

    # ---------------------------------------------------------------- one card

    def _process(self, query):
        kind, value = query
        result = self._blank(kind, value)
        try:
            self._change(kind, value, result)
        except errors.MimCmError as exc:
            result['state'] = 'failed'
            result['msg'] = self.client.redact(str(exc))
        except Exception as exc:  # noqa: BLE001 - one card's bug must not lose the other cards' results
            result['state'] = 'failed'
            result['msg'] = self.client.redact('unexpected error for card %s: %s: %s'
                                               % (value, type(exc).__name__, exc))
        return self._audited(result)

    def _audited(self, result):
        """``result`` after its audit line is written; a card whose line could not be written has failed."""
        if self.audit is not None:
            try:
                self.audit.write(result, self.target)
            except OSError as exc:
                result['state'] = 'failed'
                result['msg'] += ' (and writing the audit log %s failed: %s)' % (self.audit.path, exc.strerror)
        return result

    def _lost(self, query, reason):
        """The result of a card whose worker process ended before reporting it (mimcm_parallel)."""
        kind, value = query
        result = self._blank(kind, value)
        result['msg'] = self.client.redact(
            'card %s: outcome unknown, the %s before reporting it (the card may or may not have changed); run '
            'again: a rerun reads the card again and picks up its request' % (value, reason))
        return self._audited(result)

    @staticmethod
    def _blank(kind, value):
        return {
            'uuid': value if kind == 'uuid' else None,
            'card_id': value if kind == 'card_id' else None,
            'before': None, 'before_code': None, 'after': None, 'after_code': None,
            'changed': False, 'request_id': None, 'state': 'failed', 'msg': '',
        }

    def _set(self, result, state, msg, changed=False, after=None, request_id=None):
        result['state'] = state
        result['msg'] = msg
        result['changed'] = changed
        if after is not None:
            result['after'] = SmartcardStatus.name(after)
            result['after_code'] = SmartcardStatus.code(after)
        if request_id:
            result['request_id'] = request_id

    def _change(self, kind, value, result):
        target = self.target
        try:
            card = self.client.get_card(value) if kind == 'uuid' else self.client.find_card(value)
        except errors.NotFound:
            self._set(result, 'failed', 'card %s not found: no smart card has %s %s; check the id'
                      % (value, 'uuid' if kind == 'uuid' else 'card_id (serial number)', value))
            return
        uuid = normalize_guid(card.get('Uuid')) or value
        result['uuid'] = uuid
        result['card_id'] = card_id_of(card.get('SerialNumber')) or result['card_id']
        code = card.get('Status')
        before = SmartcardStatus.name(code)
        result['before'] = before
        result['before_code'] = code if isinstance(code, int) else SmartcardStatus.code(code)
        result['after'] = before
        result['after_code'] = result['before_code']

        if before == target:
            self._already_there(uuid, result)
            return

        problem = transition_problem(before, target)
        if problem:
            self._set(result, 'skipped', 'card %s left %s: %s' % (uuid, before, problem))
            return

        created = False
        if self.request_id:
            request = self.client.get_request(self.request_id, card=uuid)
            problem = self._foreign_request(request, uuid)
            if problem:
                self._set(result, 'failed', problem, request_id=self.request_id)
                return
            request_id = self.request_id
        else:
            if self.request_type is None:
                self._set(result, 'failed',
                          'card %s: %s has no request type a caller can create over REST; pass request_id (an '
                          'approved %s request for this card)' % (uuid, target, ACCEPTED_REQUEST_TYPE_FOR_STATUS[target]))
                return
            operations = self.client.get_operations(uuid)
            needed = operation_for_request_type(self.request_type)
            if needed not in operations:
                self._set(result, 'skipped', 'card %s left %s: the caller may not request %s for this card '
                          '(operations: %s)' % (uuid, before, needed, ', '.join(operations) or 'none'))
                return
            request = self.open_requests.find(uuid, self.request_type, self.comment)
            if request is not None:
                request_id = normalize_guid(request.get('Uuid'))
            elif self.check_mode:
                self._set(result, 'changed', 'would create a %s request for card %s and set it %s (check mode; if '
                          'the request needs approval the real run reports it pending)' % (self.request_type, uuid, target),
                          changed=True, after=target)
                return
            else:
                request_id, recovered = self.client.create_request(self.request_type, uuid, self.comment)
                created = True
                result['request_id'] = request_id
                request = self.client.get_request(request_id, card=uuid)

        result['request_id'] = request_id
        self._execute(uuid, before, request, request_id, created, result)

    def _foreign_request(self, request, uuid):
        card = normalize_guid(request.get('OldSmartcardUuid'))
        if card and card != uuid:
            return 'request %s is for card %s, not %s: pass the request made for this card' % (
                self.request_id, card, uuid)
        expected = ACCEPTED_REQUEST_TYPE_FOR_STATUS[self.target]
        rtype = RequestType.name(request.get('RequestType'))
        if request.get('RequestType') is not None and rtype != expected:
            return 'request %s is a %s request; setting %s needs a %s request' % (
                self.request_id, rtype, self.target, expected)
        return None

    def _execute(self, uuid, before, request, request_id, created, result):
        target = self.target
        status = RequestStatus.name(request.get('Status'))
        if status == 'Pending':
            self._set(result, 'pending', 'card %s stays %s: %s request %s is pending approval by a CM approver; '
                      'run again once it is approved (the same request is picked up)'
                      % (uuid, before, request_id and RequestType.name(request.get('RequestType')), request_id),
                      changed=created, request_id=request_id)
            return
        if status not in EXECUTABLE_REQUEST_STATUSES:
            self._set(result, 'failed', 'card %s left %s: request %s is %s, so it cannot be executed; %s'
                      % (uuid, before, request_id, status,
                         'create a new request (omit request_id)' if self.request_id else 'run again to create a new one'),
                      changed=created, request_id=request_id)
            return
        if self.check_mode:
            self._set(result, 'changed', 'would set card %s from %s to %s under request %s (check mode)'
                      % (uuid, before, target, request_id), changed=True, after=target, request_id=request_id)
            return
        card = self.client.set_card_status(request_id, uuid, target)
        after = card.get('Status') if isinstance(card, dict) and card.get('Status') is not None else target
        self._set(result, 'changed', 'card %s set from %s to %s under request %s' % (uuid, before,
                  SmartcardStatus.name(after), request_id), changed=True, after=after, request_id=request_id)
        if self.complete_request:
            try:
                self.client.complete_request(request_id, card=uuid)
            except errors.MimCmError as exc:
                self._set(result, 'failed', 'card %s was set to %s, but completing request %s failed: %s. Run '
                          'again to complete it' % (uuid, target, request_id, exc), changed=True)

    def _already_there(self, uuid, result):
        """Card already in the target status: nothing to do, unless our request for it was left Executing."""
        target = self.target
        leftover = None
        if self.complete_request:
            if self.request_id:
                request = self.client.get_request(self.request_id, card=uuid)
                if RequestStatus.name(request.get('Status')) == 'Executing' and not self._foreign_request(request, uuid):
                    leftover = self.request_id
            elif self.request_type:
                request = self.open_requests.find(uuid, self.request_type, self.comment, statuses=('Executing',))
                if request is not None:
                    leftover = normalize_guid(request.get('Uuid'))
        if leftover is None:
            self._set(result, 'unchanged', 'card %s is already %s' % (uuid, target))
            return
        if self.check_mode:
            self._set(result, 'changed', 'card %s is already %s; would complete its request %s, left executing '
                      '(check mode)' % (uuid, target, leftover), changed=True, request_id=leftover)
            return
        self.client.complete_request(leftover, card=uuid)
        self._set(result, 'changed', 'card %s is already %s; completed its request %s, which had been left '
                  'executing' % (uuid, target, leftover), changed=True, request_id=leftover)
