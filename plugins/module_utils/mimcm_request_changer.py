# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend of mimcm_request: mark the selected requests Canceled, Abandoned or Completed, one result each.

Per request, from the status the reader gave it (the server's own name): already in the target, nothing to
do; a status no filter of the server names, or one the target cannot be reached from (mimcm_enums), skipped
with the reason and no write; else ``PUT /requests/{id}`` (re-checked before a repeat by the client) and the
answer confirmed. Requests run concurrently; each gets its audit line as soon as its outcome is known.
"""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_audit import NoAudit, audited
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import REQUEST_STATUS_SOURCES, SETTABLE_REQUEST_STATUSES
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import (
    MAX_CONCURRENCY,
    bounded_concurrency,
    bounded_processes,
    run_parallel,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_result import change_diff, change_result, change_summary
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_statuses import status_code

# The keys of a request's audit line (mimcm_audit.AuditLog ``keys``); ``status`` is the target.
REQUEST_RECORD_KEYS = ('time', 'id', 'card', 'comment', 'status', 'before', 'after', 'state', 'changed',
                       'check_mode', 'msg')

_STATES = dict((name.lower(), name) for name in SETTABLE_REQUEST_STATUSES)


def settable_state(value):
    """The request status ``state`` names (any letter case): Canceled, Abandoned or Completed; else InvalidInput."""
    name = _STATES.get(str(value).strip().lower()) if value is not None else None
    if name is None:
        raise errors.InvalidInput('state %r cannot be set through the API: use canceled, abandoned or completed '
                                  '(approving or denying a request is for a CM approver, in the CM portal)' % (value,))
    return name


class RequestChanger(object):
    """Mark requests ``state`` (Canceled, Abandoned or Completed); ``run(requests)`` returns one result each."""

    def __init__(self, client, state, check_mode=False, concurrency=8, processes=0, audit=None):
        self.client = client
        self.target = settable_state(state)
        self.check_mode = check_mode
        self.concurrency = bounded_concurrency(concurrency, MAX_CONCURRENCY)
        self.processes = bounded_processes(processes)
        self.audit = audit if audit is not None else NoAudit()

    summary = staticmethod(change_summary)
    diff = staticmethod(change_diff)

    def run(self, requests):
        """``requests``: results of mimcm_request_result.request_to_result (with their status names)."""
        if not requests:
            return []
        results, states = run_parallel(self.client, self._process, requests, self.concurrency, self.processes,
                                       self._lost, child_state=self._child_state)
        for state in states:
            self.client.statuses.merge(state.get('statuses'))
        return results

    def _child_state(self):
        return {'statuses': self.client.statuses.learned()}

    # ---------------------------------------------------------------- one request

    def _process(self, request):
        result = change_result(request)
        try:
            self._change(request, result)
        except errors.MimCmError as exc:
            self._set(result, 'failed', self.client.redact(str(exc)))
        except Exception as exc:  # noqa: BLE001 - one request's bug must not lose the other requests' results
            self._set(result, 'failed', self.client.redact('unexpected error for request %s: %s: %s'
                                                           % (request['id'], type(exc).__name__, exc)))
        return self._audited(result)

    def _audited(self, result):
        return audited(self.audit, result, self.target)

    def _lost(self, request, reason):
        result = change_result(request)
        self._set(result, 'failed', self.client.redact(
            'request %s: outcome unknown, the %s before reporting it (the request may or may not have changed); run '
            'again: a rerun reads it again' % (request['id'], reason)))
        return self._audited(result)

    def _set(self, result, state, msg, changed=False, after=None, after_code=None):
        result['state'] = state
        result['msg'] = msg
        result['changed'] = changed
        if after is not None:
            result['after'] = after
            result['after_code'] = after_code

    def _known_code(self, name):
        """The integer of status ``name`` on this server when this run learned exactly one, else None."""
        codes = self.client.statuses.learned().get(name) or []
        return codes[0] if len(codes) == 1 else None

    def _change(self, request, result):
        rid, before, target = request['id'], request['status'], self.target
        if before == target:
            self._set(result, 'unchanged', 'request %s is already %s' % (rid, target))
            return
        if before is None:
            self._set(result, 'skipped', 'request %s left as it is: its status %s is not one any status filter of the '
                      'server lists (Abandoned has no filter), so whether it may be marked %s is not known; if %s means '
                      'Abandoned on your server, set request_status_map {"Abandoned": %s}'
                      % (rid, request['status_code'], target, request['status_code'], request['status_code']))
            return
        sources = REQUEST_STATUS_SOURCES[target]
        if before not in sources:
            self._set(result, 'skipped', 'request %s left %s: a request cannot go from %s to %s (allowed from: %s)'
                      % (rid, before, before, target, ', '.join(sources)))
            return
        if self.check_mode:
            self._set(result, 'changed', 'would mark request %s %s (it is %s; check mode)' % (rid, target, before),
                      changed=True, after=target, after_code=self._known_code(target))
            return
        try:
            answer = self.client.set_request_status(rid, target, card=request['card'])
        except (errors.BadRequest, errors.Forbidden, errors.ServerError) as exc:
            self._refused(request, result, exc)
            return
        self._confirm(request, result, answer)

    def _confirm(self, request, result, answer):
        """The request after the write: the answer when it is the request, else read again (a 204)."""
        rid, target = request['id'], self.target
        if not (isinstance(answer, dict) and answer.get('Status') is not None):
            answer = self.client.get_request(rid, card=request['card'])
        code = status_code(answer.get('Status'))
        name = self.client.statuses.certain(code)
        if name is None and code is not None and code != request['status_code']:
            # a new integer, in the server's answer to marking the request target: the server's integer for target
            # (the only way to learn Abandoned's, which no status filter lists)
            self.client.statuses.learn_one(target, code)
            name = self.client.statuses.certain(code)
        if name != target:
            self._set(result, 'failed', 'request %s: the server accepted marking it %s, but it reads %s afterwards; '
                      'check the request in the CM portal' % (rid, target, name or 'status %s' % code),
                      changed=True, after=name, after_code=code)
            return
        self._set(result, 'changed', 'request %s marked %s (it was %s)' % (rid, target, request['status']),
                  changed=True, after=target, after_code=code)

    def _refused(self, request, result, exc):
        """The write was refused: read the request, so a concurrent change is not reported as a refusal."""
        rid, before, target = request['id'], request['status'], self.target
        try:
            again = self.client.get_request(rid, card=request['card'])
            now = self.client.request_status(again)
        except errors.MimCmError:
            again, now = {}, before
        if now == target:
            self._set(result, 'unchanged', 'request %s is %s: another job marked it at the same time (a concurrent '
                      'change; this run wrote nothing)' % (rid, now), after=now, after_code=status_code(again.get('Status')))
        elif now != before:
            self._set(result, 'failed', 'request %s changed from %s to %s while this run worked on it (a concurrent '
                      'change); nothing was written to it: check it, then run again' % (rid, before, now))
        else:
            self._set(result, 'failed', str(exc))
