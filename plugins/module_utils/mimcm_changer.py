# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend of mimcm_smartcard_status: move cards to a status, one result per card.

For each card: read it; if it is not yet in the target status, check the transition
(mimcm_enums) and the caller's operations, find our open request (mimcm_open_requests) or
create one, execute it when it is approved, and complete it. Cards run concurrently; every card
gets a result whatever happens to the others, and its audit line as soon as it is known.
"""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_audit import NoAudit, audited
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_options import ID_KIND_WORDS, NONE_GIVEN, mixed_up_hint
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_result import (
    blank_result,
    known_cards_by_uuid,
    set_outcome,
    status_diff,
    status_summary,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_requests import CardRequests, missing_data_items
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import card_id_of, normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import (
    MAX_CONCURRENCY,
    bounded_concurrency,
    bounded_processes,
    run_parallel,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import fetch_card, queries_of
from ansible_collections.mim.cm.plugins.module_utils.mimcm_run_guard import NOT_ATTEMPTED, stopped_error
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import (
    ACCEPTED_REQUEST_TYPE_FOR_STATUS,
    EXECUTABLE_REQUEST_STATUSES,
    SmartcardStatus,
    operation_allowed,
    operation_words,
    request_type_for_status,
    settable_status,
    transition_problem,
)


class StatusChanger(object):
    """Backend of mimcm_smartcard_status: move cards to ``status``, one result per card."""

    def __init__(self, client, status, comment='', request_id=None, complete_request=True, check_mode=False,
                 concurrency=8, audit=None, processes=0, data_items=None, check_operations=True, progress=None,
                 known_cards=None):
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
        self.check_operations = check_operations
        self.check_mode = check_mode
        self.concurrency = bounded_concurrency(concurrency, MAX_CONCURRENCY)
        self.processes = bounded_processes(processes)
        self.audit = audit if audit is not None else NoAudit()
        self.progress = progress  # mimcm_progress.Progress: counts each card's state as it is known
        self.known = known_cards_by_uuid(known_cards)  # {uuid: (card, card id)} the caller read moments ago
        self.requests = CardRequests(client, self.request_type, self.comment, data_items)

    # ---------------------------------------------------------------- public

    def run(self, uuids=None, card_ids=None, cards=None):
        """Returns the list of per-card results, in input order."""
        queries = queries_of(uuids, card_ids, cards)
        if not queries:
            raise errors.InvalidInput(NONE_GIVEN)
        if self.request_id and len(queries) > 1:
            raise errors.InvalidInput('request_id %s is for one card, but %d cards were given'
                                      % (self.request_id, len(queries)))
        # each worker process lists the open requests itself (3 calls) when it first needs them: a listing
        # made here before the fork would cost a connection beyond the concurrency
        results, states = run_parallel(self.client, self._process, queries, self.concurrency, self.processes,
                                       self._lost, child_state=self._child_state,
                                       progress=self.progress)
        for state in states:
            if state.get('warning') and not self.requests.open.warning:
                self.requests.open.warning = state['warning']
            self.client.statuses.merge(state.get('statuses'))
            for code, name in (state.get('types') or {}).items():
                self.client.request_types.setdefault(code, name)
        if self.client.guard.reason:
            first = self.client.guard.error and str(self.client.guard.error)
            first = first or next((s['stopped'] for s in states if s.get('stopped')), None)
            error = stopped_error(self.client.guard, first, len(results), sum(1 for r in results if NOT_ATTEMPTED in r['msg']),
                                  sum(1 for r in results if r['changed']))
            error.results = results
            raise error
        return results

    def _child_state(self):
        """What a worker process learned, for the module process."""
        return {'warning': self.requests.open.warning, 'statuses': self.client.statuses.learned(),
                'types': dict(self.client.request_types),
                'stopped': str(self.client.guard.error) if self.client.guard.error else None}

    @property
    def warnings(self):
        return [self.requests.open.warning] if self.requests.open.warning else []

    summary = staticmethod(status_summary)
    diff = staticmethod(status_diff)

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
        return audited(self.audit, result, self.target)

    def _lost(self, query, reason):
        """The result of a card whose worker process ended before reporting it (mimcm_parallel)."""
        kind, value = query
        result = self._blank(kind, value)
        result['msg'] = self.client.redact(
            'card %s: outcome unknown, the %s before reporting it (the card may or may not have changed); run '
            'again: a rerun reads the card again and picks up its request' % (value, reason))
        return self._audited(result)

    _blank = staticmethod(blank_result)

    def _set(self, result, state, msg, changed=False, after=None, request_id=None):
        set_outcome(result, state, msg, changed, after, request_id)

    def _change(self, kind, value, result):
        target = self.target
        card, known_id = self.known.get(normalize_guid(value), (None, None)) if kind == 'uuid' else (None, None)
        try:
            card = card or fetch_card(self.client, kind, value)  # a known card is not read again
        except errors.NotFound:
            card = None
        if card is None:
            self._set(result, 'failed', 'card %s not found: no smart card has %s %s; check the id%s'
                      % (value, ID_KIND_WORDS[kind], value, mixed_up_hint(kind)))
            return
        uuid = normalize_guid(card.get('Uuid')) or value
        result['uuid'] = uuid
        result['card_id'] = card_id_of(card.get('SerialNumber')) or known_id or result['card_id']
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
            request_id = self.request_id
            request = self.client.get_request(request_id, card=uuid)
            problem = self.requests.user_request_problem(request, request_id, uuid, target)
            if problem:
                self._set(result, 'failed', problem, request_id=request_id)
                return
        elif self.request_type is None:
            self._set(result, 'failed',
                      'card %s: %s has no request type a caller can create over REST; pass request_id (an '
                      'approved %s request for this card)' % (uuid, target, ACCEPTED_REQUEST_TYPE_FOR_STATUS[target]))
            return
        else:
            operations = self.client.get_operations(uuid) if self.check_operations else None
            if operations is not None and not operation_allowed(operations, target):
                self._set(result, 'skipped', 'card %s left %s: the caller may not request %s for this card '
                          '(operations: %s)' % (uuid, before, operation_words(target), ', '.join(operations) or 'none'))
                return
            request = self.requests.find_open(uuid)
            if request is not None:
                request_id = normalize_guid(request.get('Uuid'))
            elif self.check_mode:
                self._set(result, 'changed', 'would create a %s request for card %s and set it %s (check mode; if '
                          'the request needs approval the real run reports it pending)' % (self.request_type, uuid, target),
                          changed=True, after=target)
                return
            else:
                request_id, request = self.requests.create(card)
                created = True
        result['request_id'] = request_id
        self._execute(uuid, before, request, request_id, created, result)

    def _execute(self, uuid, before, request, request_id, created, result):
        target = self.target
        missing = missing_data_items(request)
        if missing:
            self._set(result, 'failed', 'card %s left %s: request %s needs data collection items the server asks for: '
                      '%s. Give them in data_collection, and cancel this request (mim.cm.mimcm_request) or complete '
                      'its data in the CM portal' % (uuid, before, request_id, ', '.join(missing)),
                      changed=created, request_id=request_id)
            return
        status = self.requests.status_of(request, uuid)
        if status is None:
            self._set(result, 'failed', 'card %s left %s: request %s has status %s, which no status filter of the server '
                      'lists, so it is neither executed nor completed; set request_status_map if your server numbers '
                      'request statuses differently' % (uuid, before, request_id, request.get('Status')),
                      changed=created, request_id=request_id)
            return
        if status == 'Pending':
            self._set(result, 'pending', 'card %s stays %s: %s request %s is pending approval by a CM approver; '
                      'run again once it is approved (the same request is picked up)'
                      % (uuid, before, self.request_type or 'the', request_id), changed=created, request_id=request_id)
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
        try:
            card = self.client.set_card_status(request_id, uuid, target)
        except (errors.BadRequest, errors.Forbidden, errors.ServerError) as exc:
            self._refused(uuid, before, request_id, created, exc, result)
            return
        after = card.get('Status')
        if SmartcardStatus.name(after) != target:
            self._set(result, 'failed', 'card %s: the server accepted setting it to %s under request %s, but the card '
                      'reads %s afterwards; check the card and the request in the CM portal'
                      % (uuid, target, request_id, SmartcardStatus.name(after)), changed=True, request_id=request_id)
            return
        self._set(result, 'changed', 'card %s set from %s to %s under request %s' % (uuid, before, target, request_id),
                  changed=True, after=after, request_id=request_id)
        if self.complete_request:
            try:
                self.requests.complete(request_id, uuid)
            except errors.MimCmError as exc:
                self._set(result, 'failed', 'card %s was set to %s, but completing request %s failed: %s. Run '
                          'again to complete it' % (uuid, target, request_id, exc), changed=True)

    def _refused(self, uuid, before, request_id, created, exc, result):
        """The card status write was refused: read the card, so a concurrent change is not blamed on a permission."""
        try:
            now = SmartcardStatus.name(self.client.get_card(uuid).get('Status'))
        except errors.MimCmError:
            now = before
        if now == self.target:
            self._set(result, 'unchanged', 'card %s is %s: another job changed it at the same time (a concurrent change; '
                      'this run wrote nothing to the card)' % (uuid, now), changed=created, request_id=request_id)
        elif now != before:
            self._set(result, 'failed', 'card %s changed from %s to %s while this run worked on it (a concurrent '
                      'change); nothing was written to it: check the card, then run again' % (uuid, before, now),
                      changed=created, request_id=request_id)
        else:
            self._set(result, 'failed', str(exc), changed=created, request_id=request_id)

    def _already_there(self, uuid, result):
        """Card already in the target status: nothing to do, unless our request for it was left Executing."""
        target = self.target
        leftover = None
        if self.complete_request:
            if self.request_id:
                request = self.client.get_request(self.request_id, card=uuid)
                if (self.requests.status_of(request, uuid) == 'Executing'
                        and not self.requests.user_request_problem(request, self.request_id, uuid, target)):
                    leftover = self.request_id
            elif self.request_type:
                request = self.requests.find_open(uuid, statuses=('Executing',))
                if request is not None:
                    leftover = normalize_guid(request.get('Uuid'))
        if leftover is None:
            self._set(result, 'unchanged', 'card %s is already %s' % (uuid, target))
            return
        if self.check_mode:
            self._set(result, 'changed', 'card %s is already %s; would complete its request %s, left executing '
                      '(check mode)' % (uuid, target, leftover), changed=True, request_id=leftover)
            return
        self.requests.complete(leftover, uuid)
        self._set(result, 'changed', 'card %s is already %s; completed its request %s, which had been left '
                  'executing' % (uuid, target, leftover), changed=True, request_id=leftover)
