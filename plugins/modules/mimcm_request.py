#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: mimcm_request
short_description: Cancel, abandon or complete MIM Certificate Management requests
version_added: 0.2.0
description:
  - Marks CM requests V(canceled), V(abandoned) or V(completed) (C(PUT /requests/{id})), for a list of request ids
    or for the requests selected with the same options as M(mim.cm.mimcm_request_info), for example every Pending
    request with the comment C(CHG0042) for a list of cards.
  - Use it to clean up what a change leaves behind - requests still waiting for an approver that the change no longer
    needs, the requests of an interrupted run - instead of going to the CM portal request by request.
  - Idempotent. A request already in the target status is V(unchanged) and gets no write. A request in a status the
    target cannot be reached from (a finished request; a request that is not V(Executing), for V(completed)) is
    V(skipped) with the reason and no write; so is a request whose status integer no status filter of the server
    names.
  - The status of each request is the server's own name for it (the status filter it was listed under, or that
    lists its integer), never a guess from a table.
  - A list is processed concurrently; every request gets a result even when others fail.
author:
  - mim.cm maintainers (@mim-cm)
extends_documentation_fragment:
  - mim.cm.connection
  - mim.cm.server
  - mim.cm.requests
  - mim.cm.cards
  - mim.cm.parallel
  - mim.cm.attributes
  - mim.cm.attributes.CHANGES
options:
  state:
    description:
      - The status to mark each selected request with, in any letter case. The API sets these three only.
      - V(canceled) and V(abandoned) take a request that is V(Pending), V(Approved) or V(Executing).
      - V(completed) takes a request that is V(Executing) (its card change was made, its completion was not).
    type: str
    required: true
  fail_on_skipped:
    description:
      - Fail the task (after all requests were processed) when any request was V(skipped), because you asked for a
        change that was not made. A skip is always reported as a warning with the count.
      - A request already in the target status is V(unchanged), not skipped.
    type: bool
    default: true
  fail_on_error:
    description:
      - Fail the task (after all requests were processed) when any request RV(results[].state=failed).
    type: bool
    default: true
  audit_log:
    description:
      - Append one JSON line per request to this file as soon as that request's outcome is known, flushed and
        fsynced. The directory must exist.
      - Each line holds C(time) (UTC, ISO 8601), C(id), C(card), C(comment), C(status) (the target), C(before),
        C(after), C(state), C(changed), C(check_mode), C(msg), and the keys of O(audit_context).
      - Lines are written in check mode too, with C(check_mode=true). Never contains a password or token.
    type: path
  audit_context:
    description:
      - Keys merged into every audit line, for example the operator and the change ticket. The keys listed in
        O(audit_log) take precedence.
    type: dict
attributes:
  check_mode:
    support: full
    description:
      - Nothing is written to the server; the requests are still read and selected. Each request is reported as a
        real run would report it, a request that would be marked as V(changed) with RV(results[].after) the target.
  diff_mode:
    support: full
    description: RV(diff) holds the status before and after of every request that changes.
notes:
  - A selection by O(status) must be narrowed (cards, O(comment), O(comment_prefix), O(mine), O(originator) or
    O(targeting_me)), because on some servers a status alone lists every user's requests.
  - A selection that matches no request is not an error; the module returns RV(changed=false) and says so in RV(msg).
  - "HTTP calls: those of M(mim.cm.mimcm_request_info) to select the requests, then one C(PUT /requests/{id}) per
    request to change (and a read when the server answers it with no body)."
seealso:
  - module: mim.cm.mimcm_request_info
  - module: mim.cm.mimcm_smartcard_status
'''

EXAMPLES = r'''
- name: Cancel the requests of change CHG0042 still waiting for an approver, for the cards of the change
  mim.cm.mimcm_request:
    url: https://cm.contoso.com
    username: CONTOSO\svc-ansible
    password: "{{ vault_mimcm_password }}"
    status: Pending
    comment: CHG0042
    uuids: "{{ change_cards }}"
    state: canceled
    audit_log: /var/log/mimcm/cleanup-CHG0042.jsonl
    audit_context:
      ticket: CHG0042
  register: cleanup

- name: What would be canceled, with the before and after of each
  mim.cm.mimcm_request:
    status: [Pending, Approved]
    comment_prefix: CHG0042
    mine: true
    state: canceled
  check_mode: true
  diff: true

- name: Complete a request an interrupted run left executing
  mim.cm.mimcm_request:
    id: 0c96d73f-967b-420e-854a-43ad2a1504bc
    state: completed

- name: Abandon requests by id, accepting that some cannot be abandoned any more
  mim.cm.mimcm_request:
    ids: "{{ stale_requests }}"
    state: abandoned
    fail_on_skipped: false
'''

RETURN = r'''
changed:
  description: Whether any request changed (or would, in check mode).
  returned: always
  type: bool
  sample: true
msg:
  description: What the run did, in one line (also when no request matched the selection).
  returned: always
  type: str
  sample: "3 request(s) selected (status Pending, comment 'CHG0042', 3 card(s)): 3 changed, 0 unchanged, 0 skipped,
    0 failed"
results:
  description: One result per selected request, in the order of RV(mim.cm.mimcm_request_info#module:requests).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The request id (lower case).
      type: str
      returned: always
      sample: 0c96d73f-967b-420e-854a-43ad2a1504bc
    card:
      description: The card the request is for; null for none.
      type: str
      returned: always
      sample: 17cf063d-e337-4aa9-a822-346554ddd3c9
    comment:
      description: The request's comment.
      type: str
      returned: always
      sample: CHG0042
    request_type:
      description: The request type name when this run learned its integer, else null.
      type: str
      returned: always
      sample: null
    request_type_code:
      description: The request type integer.
      type: int
      returned: always
      sample: 10
    before:
      description: The status name before the run, as the server names it; null when no status filter names it.
      type: str
      returned: always
      sample: Pending
    before_code:
      description: The status integer before the run.
      type: int
      returned: always
      sample: 16
    after:
      description: The status name after the run (in check mode, the status a real run would set).
      type: str
      returned: always
      sample: Canceled
    after_code:
      description: The status integer after the run; in check mode the target's integer where this run learned it,
        else null.
      type: int
      returned: always
      sample: 17
    changed:
      description: Whether this request changed (or would).
      type: bool
      returned: always
      sample: true
    state:
      description:
        - V(changed) the request was marked (in check mode, would be);
        - V(unchanged) it already had the target status;
        - V(skipped) it cannot be marked so from its status, or its status is not known; nothing was written;
        - V(failed) an error, described in RV(results[].msg).
      type: str
      returned: always
      sample: changed
    msg:
      description: What happened to this request, or what failed and what to do.
      type: str
      returned: always
      sample: request 0c96d73f-967b-420e-854a-43ad2a1504bc marked Canceled (it was Pending)
summary:
  description: How many requests ended in each state.
  returned: always
  type: dict
  contains:
    total:
      description: Number of requests selected.
      type: int
      returned: always
      sample: 3
    changed:
      description: Requests changed (or that would change).
      type: int
      returned: always
      sample: 3
    unchanged:
      description: Requests already in the target status.
      type: int
      returned: always
      sample: 0
    skipped:
      description: Requests that cannot be marked so.
      type: int
      returned: always
      sample: 0
    failed:
      description: Requests that failed.
      type: int
      returned: always
      sample: 0
diff:
  description: Status of each changed request before and after, keyed by request id (shown with C(--diff)).
  returned: always
  type: dict
  contains:
    before:
      description: Request id to status name before.
      type: dict
      returned: always
      sample: {"0c96d73f-967b-420e-854a-43ad2a1504bc": "Pending"}
    after:
      description: Request id to status name after.
      type: dict
      returned: always
      sample: {"0c96d73f-967b-420e-854a-43ad2a1504bc": "Canceled"}
missing:
  description: The request ids of O(id) (normalised) that matched no request.
  returned: always
  type: list
  elements: str
  sample: []
missing_cards:
  description: The card ids of O(card_id) and O(card) that matched no card.
  returned: always
  type: list
  elements: str
  sample: []
error:
  description: What went wrong, when the module fails before changing requests (bad input, connection,
    authentication, a read that failed).
  returned: failure
  type: dict
  contains:
    kind:
      description: The error type (invalid_input, forbidden, server_error, auth_failed, tls, timeout, connection, ...).
      type: str
      returned: always
      sample: invalid_input
    msg:
      description: The message.
      type: str
      returned: always
      sample: "state 'approved' cannot be set through the API: use canceled, abandoned or completed (approving or
        denying a request is for a CM approver, in the CM portal)"
'''

from ansible_collections.mim.cm.plugins.module_utils.mimcm_audit import AuditLog, NoAudit
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MimCmError
from ansible_collections.mim.cm.plugins.module_utils.mimcm_module import MimCmModule
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import parallel_argument_spec
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_changer import REQUEST_RECORD_KEYS, RequestChanger
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_reader import RequestReader
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_selection import (
    RequestSelection,
    selection_argument_spec,
)


def main():
    spec = selection_argument_spec()
    spec.update(parallel_argument_spec())
    spec.update(
        state=dict(type='str', required=True),
        fail_on_skipped=dict(type='bool', default=True),
        fail_on_error=dict(type='bool', default=True),
        audit_log=dict(type='path'),
        audit_context=dict(type='dict'),
    )
    base = MimCmModule(argument_spec=spec)
    params = base.params
    empty = dict(changed=False, results=[], summary=RequestChanger.summary([]), diff={'before': {}, 'after': {}},
                 missing=[], missing_cards=[])
    try:
        changer = RequestChanger(base.client, params['state'], check_mode=base.check_mode,
                                 concurrency=params['concurrency'], processes=params['processes'])
        selection = RequestSelection.from_params(params, require_narrowing=True)
        reader = RequestReader(base.client, selection, concurrency=params['concurrency'],
                               processes=params['processes'])
        audit = NoAudit()
        if params['audit_log']:
            audit = AuditLog(params['audit_log'], params['audit_context'], secrets=base.config.secrets,
                             check_mode=base.check_mode, keys=REQUEST_RECORD_KEYS)
        with audit:
            requests, missing, missing_cards = reader.read()
            changer.audit = audit
            results = changer.run(requests)
    except MimCmError as exc:
        base.fail(exc, **empty)

    if missing:
        base.module.warn('%d request id(s) match no request: %s' % (len(missing), ', '.join(missing)))
    if missing_cards:
        base.module.warn('%d card id(s) match no card, so no request is selected for them: %s'
                         % (len(missing_cards), ', '.join(missing_cards)))
    summary = RequestChanger.summary(results)
    what = selection.describe()
    outcome = dict(changed=any(r['changed'] for r in results), results=results, summary=summary,
                   diff=RequestChanger.diff(results), missing=missing, missing_cards=missing_cards)
    if not results:
        base.exit(msg='no request matched the selection (%s): nothing to mark %s' % (what, changer.target), **outcome)
    outcome['msg'] = ('%d request(s) selected (%s): %d %s, %d unchanged, %d skipped, %d failed'
                      % (summary['total'], what, summary['changed'],
                         'would change' if base.check_mode else 'changed', summary['unchanged'],
                         summary['skipped'], summary['failed']))
    if summary['skipped']:
        first = next(r for r in results if r['state'] == 'skipped')
        base.module.warn('%d of %d request(s) skipped, not marked %s; first: %s'
                         % (summary['skipped'], summary['total'], changer.target, first['msg']))
    problems = [r for r in results if (r['state'] == 'failed' and params['fail_on_error'])
                or (r['state'] == 'skipped' and params['fail_on_skipped'])]
    if problems:
        first = problems[0]
        outcome['msg'] = '%s; first: %s%s' % (outcome['msg'], first['msg'],
                                              ' (set fail_on_skipped: false to accept skipped requests)'
                                              if first['state'] == 'skipped' else '')
        base.close()
        base.module.fail_json(**outcome)
    base.exit(**outcome)


if __name__ == '__main__':
    main()
