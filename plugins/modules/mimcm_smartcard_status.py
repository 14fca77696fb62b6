#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: mimcm_smartcard_status
short_description: Retire, disable, reinstate or suspend smart cards in MIM Certificate Management
version_added: 0.1.0
description:
  - Sets the status of one smart card or a list of them through the MIM CM REST API, the way CM
    requires it. For each card the module reads the card, and if it is not yet in the target status checks that the
    transition is legal and that the caller may request it (the card's operations), then finds or creates the
    request that authorises the change (C(Retire) for V(Retired), C(Revoke) for V(Disabled), C(Reinstate) for
    V(Active)), checks it is approved, sets the card status under it, and completes the request.
  - A request waiting for approval is reported per card as RV(results[].state=pending) with its id, not as an error
    and not as done. The next run picks the same request up instead of creating another.
  - The caller's open requests (Pending, Approved, Executing) are listed once per run, not per card.
  - Idempotent. A card already in the target status is V(unchanged) and gets no request and no write.
    If a previous run set the status but did not complete its request (left C(Executing)), the request is completed
    and the card is reported V(changed).
  - A list is processed concurrently; every card gets a result even when others fail.
  - Cards are given with O(uuid), O(card_id) or O(card) (the same options as M(mim.cm.mimcm_smartcard_info));
    they may be combined. A card listed twice in one option fails before any call.
  - Creating a request is never retried blindly. After a lost answer the module looks for the request it may have
    created (same card, type and comment, not completed) before it creates another.
author:
  - mim.cm maintainers (@mim-cm)
extends_documentation_fragment:
  - mim.cm.connection
  - mim.cm.server
  - mim.cm.cards
  - mim.cm.parallel
  - mim.cm.progress
  - mim.cm.attributes
  - mim.cm.attributes.CHANGES
options:
  status:
    description:
      - The status to set, one of V(Retired), V(Disabled), V(Active) or V(Suspended), in any letter case.
      - V(Retired) is terminal. V(Disabled) is reached from Assigned, Active or Suspended; V(Active) only from
        Suspended (a reinstatement); V(Suspended) only from Active.
      - V(Suspended) has no request type that can be created over REST, so it needs O(request_id).
    type: str
    required: true
  comment:
    description:
      - Comment stored with a request the module creates. Put the change ticket here.
      - Also used to find the request a lost answer may have hidden, and preferred when several open requests
        exist for a card.
    type: str
    default: ''
  request_id:
    description:
      - Use this existing request (its uuid) instead of finding or creating one. Only with a single card.
      - The request must be for that card, of the type the status needs, and Approved or Executing.
    type: str
  data_collection:
    description:
      - 'Data collection items for the requests the module creates, as a dict of item name to value, for example
        V({"Retire Reason": "card lost"}). A profile template''s retire or revoke policy may require items; they
        are sent in the request''s C(datacollection) (as a string holding JSON, as the reference''s examples do).'
      - A request the server reports with its data collection incomplete is not executed and is not created again
        on the next run; the card fails with the names of the missing items.
      - Values must be text without control characters.
    type: dict
  complete_request:
    description:
      - Mark the request C(Completed) after the card status is set.
      - With V(false) the request is left C(Executing).
    type: bool
    default: true
  fail_on_error:
    description:
      - Fail the task (after all cards were processed) when any card RV(results[].state=failed).
      - Cards that are V(pending) (awaiting approval) never fail the task; V(skipped) ones fail it with
        O(fail_on_skipped).
    type: bool
    default: true
  check_operations:
    description:
      - Read each card's operations (what the caller may request) before creating a request, and skip the card when
        the needed one is not listed.
      - V(false) trusts a permission read shortly before (the plan of the role C(mim.cm.smartcard_lifecycle) did) and saves one
        call per card; the server's answer to the request then decides, and a refusal (HTTP 403) is reported for the
        card.
    type: bool
    default: true
  known_cards:
    description:
      - Cards as the caller read them moments ago, in the shape RV(mim.cm.mimcm_smartcard_info#module:smartcards) has
        (C(uuid), C(status), C(card_id), C(profile_template_uuid), C(assigned_user_uuid)). A card given by O(uuids) that is
        listed here is not read again, one HTTP call less per card (the role C(mim.cm.smartcard_lifecycle) passes the cards
        its drift check has just read); the others are read as usual.
      - The server still decides; a request it refuses is reported for the card with its reason, and a write whose
        answer contradicts the expected status fails the card. An entry without a GUID C(uuid) or an integer C(status)
        is refused before any call.
    type: list
    elements: dict
  fail_on_skipped:
    description:
      - Fail the task (after all cards were processed) when any card RV(results[].state=skipped), that is when a
        change the task asked for was not made because it is not allowed (a terminal or illegal transition, or the
        caller may not request it). A green run then means every card is in the target status or waits for approval.
      - With V(false) the task succeeds; the skipped cards are still counted in a warning.
      - A card already in the target status is V(unchanged), never skipped.
    type: bool
    default: true
  audit_log:
    description:
      - Append one JSON line per card to this file as soon as that card's outcome is known, flushed and
        fsynced. The directory must exist.
      - Each line holds C(time) (UTC, ISO 8601), C(uuid), C(card_id), C(status) (the target), C(before),
        C(after), C(request_id), C(state), C(changed), C(check_mode), C(msg), and the keys of O(audit_context).
      - Lines are written in check mode too, with C(check_mode=true).
      - Never contains a password or token.
    type: path
  audit_context:
    description:
      - Keys merged into every audit line, for example the operator, the change ticket and the batch number.
        The keys listed in O(audit_log) take precedence.
    type: dict
attributes:
  check_mode:
    support: full
    description:
      - No request is created and nothing is written to the server; the cards, their operations and the open
        requests are still read.
      - The verdict is the one a real run would give. A card that would need a new request is reported
        V(changed) with RV(results[].after) the target status; a real run reports it V(changed), or
        V(pending) if the profile requires approval. RV(changed) is V(true) either way, because creating a
        request is a change on the server.
  diff_mode:
    support: full
    description: RV(diff) holds the before and after status of every card that changes.
notes:
  - "RV(changed) is true when the server state changed: a card status was set, a request was created
    (also when it then waits for approval), or a request left executing was completed."
  - "HTTP calls per card for a retirement: read the card, read its operations (not with O(check_operations=false)),
    create the request, read the request, set the card status, complete the request. A card already in the target
    status costs one read. Once per run, the open requests are listed (one listing per open status), and the status
    integer of a new request is looked up in the server's name-filtered listings until it is learned."
seealso:
  - module: mim.cm.mimcm_smartcard_info
'''

EXAMPLES = r'''
- name: Retire one card, the change ticket as the comment
  mim.cm.mimcm_smartcard_status:
    url: https://cm.contoso.com
    username: CONTOSO\svc-ansible
    password: "{{ vault_mimcm_password }}"
    ca_path: /etc/pki/contoso-root.pem
    uuid: 17cf063d-e337-4aa9-a822-346554ddd3c9
    status: Retired
    comment: CHG0042

- name: Retire a list of cards by serial number, with an audit trail
  mim.cm.mimcm_smartcard_status:
    card_ids: "{{ cards_to_retire }}"
    status: retired
    comment: CHG0042
    concurrency: 16
    audit_log: /var/log/mimcm/retire-CHG0042.jsonl
    audit_context:
      ticket: CHG0042
      operator: "{{ lookup('env', 'USER') }}"
  register: retire

- name: Cards whose request waits for a CM approver
  ansible.builtin.debug:
    msg: "{{ retire.results | selectattr('state', 'equalto', 'pending') | map(attribute='request_id') | list }}"

- name: Disable a card under a request an approver already approved, leaving the request open
  mim.cm.mimcm_smartcard_status:
    uuid: 17cf063d-e337-4aa9-a822-346554ddd3c9
    status: Disabled
    request_id: b105403d-d021-41ea-9f11-be3d677d229e
    complete_request: false

- name: Connection from the environment (MIMCM_URL, MIMCM_USERNAME, MIMCM_PASSWORD, MIMCM_CA_PATH), plan only
  mim.cm.mimcm_smartcard_status:
    uuids: "{{ cards }}"
    status: Retired
  check_mode: true
  diff: true
'''

RETURN = r'''
changed:
  description: Whether any card's server state changed (or would, in check mode).
  returned: always
  type: bool
  sample: true
results:
  description: One result per card, in input order.
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: The card uuid (lower case); null when a card given by card id was not found.
      type: str
      returned: always
      sample: 17cf063d-e337-4aa9-a822-346554ddd3c9
    card_id:
      description: The physical card id (serial number without braces, lower case), or the input card id.
      type: str
      returned: always
      sample: bc88f13f-83ba-4037-8262-46eba1291c6e
    before:
      description: The status name before the run (C(Unknown(<n>)) for an integer outside the table); null when the card could not be read.
      type: str
      returned: always
      sample: Active
    before_code:
      description: The status integer before the run.
      type: int
      returned: always
      sample: 3
    after:
      description: The status name after the run (in check mode, the status a real run would set).
      type: str
      returned: always
      sample: Retired
    after_code:
      description: The status integer after the run.
      type: int
      returned: always
      sample: 6
    changed:
      description: Whether this card's server state changed (or would).
      type: bool
      returned: always
      sample: true
    request_id:
      description: The request used, created or waiting for approval; null when none was needed.
      type: str
      returned: always
      sample: 0c96d73f-967b-420e-854a-43ad2a1504bc
    state:
      description:
        - V(changed) the card was set to the target status (or a request left executing was completed);
        - V(unchanged) it already had the target status;
        - V(pending) its request waits for approval (run again after approval);
        - V(skipped) the change is not allowed (terminal status, illegal transition, or the caller may not request it),
          nothing was written;
        - V(failed) an error, described in RV(results[].msg).
      type: str
      returned: always
      sample: changed
    msg:
      description: What happened to this card, or what failed and what to do.
      type: str
      returned: always
      sample: card 17cf063d-e337-4aa9-a822-346554ddd3c9 set from Active to Retired under request 0c96d73f-967b-420e-854a-43ad2a1504bc
summary:
  description: How many cards ended in each state.
  returned: always
  type: dict
  contains:
    total:
      description: Number of cards.
      type: int
      returned: always
      sample: 3
    changed:
      description: Cards changed (or that would change).
      type: int
      returned: always
      sample: 1
    unchanged:
      description: Cards already in the target status.
      type: int
      returned: always
      sample: 1
    pending:
      description: Cards whose request waits for approval.
      type: int
      returned: always
      sample: 0
    failed:
      description: Cards that failed.
      type: int
      returned: always
      sample: 0
    skipped:
      description: Cards whose change is not allowed.
      type: int
      returned: always
      sample: 1
diff:
  description: Status of each changed card before and after, keyed by card uuid (shown with C(--diff)).
  returned: always
  type: dict
  contains:
    before:
      description: Card uuid to status name before.
      type: dict
      returned: always
      sample: {"17cf063d-e337-4aa9-a822-346554ddd3c9": "Active"}
    after:
      description: Card uuid to status name after.
      type: dict
      returned: always
      sample: {"17cf063d-e337-4aa9-a822-346554ddd3c9": "Retired"}
error:
  description: What went wrong, when the module fails before processing cards (bad input, connection, authentication).
  returned: failure
  type: dict
  contains:
    kind:
      description: The error type (invalid_input, auth_failed, tls, timeout, connection, forbidden, server_error, ...).
      type: str
      returned: always
      sample: invalid_input
    msg:
      description: The message.
      type: str
      returned: always
      sample: "uuids[1] 'abc' is not a GUID"
'''

from ansible_collections.mim.cm.plugins.module_utils.mimcm_audit import AuditLog, NoAudit
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_options import card_argument_spec, card_selection
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_requests import check_text, data_items
from ansible_collections.mim.cm.plugins.module_utils.mimcm_changer import StatusChanger
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MimCmError
from ansible_collections.mim.cm.plugins.module_utils.mimcm_module import MimCmModule
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import parallel_argument_spec
from ansible_collections.mim.cm.plugins.module_utils.mimcm_progress import progress_argument_spec, progress_for


def main():
    spec = card_argument_spec()
    spec.update(parallel_argument_spec())
    spec.update(progress_argument_spec())
    spec.update(
        status=dict(type='str', required=True),
        comment=dict(type='str', default=''),
        request_id=dict(type='str'),
        data_collection=dict(type='dict'),
        complete_request=dict(type='bool', default=True),
        fail_on_error=dict(type='bool', default=True),
        fail_on_skipped=dict(type='bool', default=True),
        check_operations=dict(type='bool', default=True),
        known_cards=dict(type='list', elements='dict'),
        audit_log=dict(type='path'),
        audit_context=dict(type='dict'),
    )
    base = MimCmModule(argument_spec=spec)
    params = base.params
    empty = dict(changed=False, results=[], summary=StatusChanger.summary([]), diff={'before': {}, 'after': {}})
    try:
        cards = card_selection(params)
        changer = StatusChanger(
            base.client, params['status'], comment=check_text(params['comment'], 'comment'), request_id=params['request_id'],
            complete_request=params['complete_request'], check_mode=base.check_mode,
            concurrency=params['concurrency'], processes=params['processes'],
            data_items=data_items(params['data_collection']), check_operations=params['check_operations'],
            progress=progress_for(params, lambda result: result['state'], check_mode=base.check_mode),
            known_cards=params['known_cards'])
        audit = NoAudit()
        if params['audit_log']:
            audit = AuditLog(params['audit_log'], params['audit_context'], secrets=base.config.secrets,
                             check_mode=base.check_mode)
        with audit:
            changer.audit = audit
            results = changer.run(**cards)
    except MimCmError as exc:
        results = getattr(exc, 'results', [])
        if results:
            empty.update(results=results, summary=StatusChanger.summary(results), diff=StatusChanger.diff(results),
                         changed=any(r['changed'] for r in results))
        base.fail(exc, **empty)

    for warning in changer.warnings:
        base.module.warn(warning)
    summary = StatusChanger.summary(results)
    outcome = dict(
        changed=any(r['changed'] for r in results),
        results=results,
        summary=summary,
        diff=StatusChanger.diff(results),
    )
    skipped = [r for r in results if r['state'] == 'skipped']
    if skipped:
        base.module.warn('%d of %d cards were skipped, not changed to %s (the change is not allowed); first: %s'
                         % (len(skipped), summary['total'], changer.target, skipped[0]['msg']))
    if skipped and params['fail_on_skipped'] and not (summary['failed'] and params['fail_on_error']):
        base.close()
        base.module.fail_json(
            msg='%d of %d cards skipped, not changed to %s as asked (%d changed, %d unchanged, %d pending); first: '
                '%s. Set fail_on_skipped=false to accept skipped cards' % (
                    len(skipped), summary['total'], changer.target, summary['changed'], summary['unchanged'],
                    summary['pending'], skipped[0]['msg']),
            **outcome)
    if summary['failed'] and params['fail_on_error']:
        first = next(r for r in results if r['state'] == 'failed')
        base.close()
        base.module.fail_json(
            msg='%d of %d cards failed (%d changed, %d unchanged, %d pending, %d skipped); first: %s'
                % (summary['failed'], summary['total'], summary['changed'], summary['unchanged'],
                   summary['pending'], summary['skipped'], first['msg']),
            **outcome)
    base.exit(**outcome)


if __name__ == '__main__':
    main()
