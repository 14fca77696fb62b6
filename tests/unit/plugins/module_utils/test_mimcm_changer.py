"""The per-card status-change algorithm (backend of mimcm_smartcard_status), against the in-process fake API."""


import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_changer import StatusChanger
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import SmartcardReader

from mimcm_fakes import SECRET, Fault, make_client


def run(client, uuids=None, card_ids=None, status='Retired', **kw):
    changer = StatusChanger(client, status, **kw)
    return changer.run(uuids=uuids, card_ids=card_ids), changer


def test_retire_one_card_takes_six_calls_plus_the_listings(cm, client):
    uid = cm.add_card()
    (result,), dummy = run(client, [uid], comment='CHG1')
    assert result['state'] == 'changed' and result['changed'] is True
    assert (result['before'], result['before_code'], result['after'], result['after_code']) == ('Active', 3, 'Retired', 6)
    assert result['request_id'] in cm.requests and cm.requests[result['request_id']]['Status'] == 8
    kinds = [(m, p.split('/api/v1.0')[1]) for m, p, q, b in cm.calls]
    listing = [q for m, p, q, b in cm.calls if (m, p.split('/api/v1.0')[1]) == ('GET', '/requests')]
    # the open requests (3 name filters), then the new request's integer is classified by the server's own
    # filter (Pending, then Approved, where it is): learned once per run, not per card (issue 11)
    assert [q['status'] for q in listing] == ['Pending', 'Approved', 'Executing', 'Pending', 'Approved']
    per_card = [k for k in kinds if k != ('GET', '/requests')]
    assert [m for m, p in per_card] == ['GET', 'GET', 'POST', 'GET', 'PUT', 'PUT']
    post = [b for m, p, q, b in cm.calls if m == 'POST'][0]
    card = cm.cards[uid]
    assert post == {'type': 'Retire', 'smartcard': uid, 'datacollection': '[]', 'comment': 'CHG1',
                    'profiletemplateuuid': card['ProfileTemplateUuid'], 'target': card['AssignedUserUuid']}
    assert client.statuses.learned() == {'Approved': [3]} and client.request_types == {10: 'Retire'}


def test_already_in_target_is_unchanged_without_writes(cm, client):
    uid = cm.add_card(status='Retired')
    (result,), dummy = run(client, [uid])
    assert result['state'] == 'unchanged' and not result['changed'] and cm.writes() == []
    assert result['request_id'] is None


def test_terminal_retired_is_skipped_with_reason(cm, client):
    uid = cm.add_card(status='Retired')
    (result,), dummy = run(client, [uid], status='disabled')
    assert result['state'] == 'skipped' and 'terminal' in result['msg'] and cm.writes() == []


def test_missing_operation_is_skipped_with_reason(cm, client):
    uid = cm.add_card(restricted=True)
    (result,), dummy = run(client, [uid])
    assert result['state'] == 'skipped'
    assert 'the caller may not request Retire for this card (operations: OnlineUpdate, Renew, Recover, Unblock)' \
        in result['msg']
    assert cm.writes() == []


def test_reader_gets_skipped_with_no_operations(cm, client):
    cm.role = 'reader'
    uid = cm.add_card()
    (result,), dummy = run(client, [uid])
    assert result['state'] == 'skipped' and '(operations: none)' in result['msg']


def test_illegal_transition_is_skipped(cm, client):
    uid = cm.add_card(status='New')
    (result,), dummy = run(client, [uid], status='Active')
    assert result['state'] == 'skipped' and 'cannot go from New to Active' in result['msg']


def test_pending_request_is_reported_then_picked_up(cm, client):
    uid = cm.add_card(approval=True)
    (first,), dummy = run(client, [uid], comment='CHG1')
    assert first['state'] == 'pending' and first['changed'] is True and first['request_id']
    assert 'pending approval' in first['msg'] and first['after'] == 'Active'
    (second,), dummy = run(client, [uid], comment='CHG1')
    assert second['state'] == 'pending' and second['changed'] is False
    assert second['request_id'] == first['request_id'] and cm.count('POST') == 1
    cm.requests[first['request_id']]['Status'] = 3  # an approver approves
    (third,), dummy = run(client, [uid], comment='CHG1')
    assert third['state'] == 'changed' and third['request_id'] == first['request_id'] and cm.count('POST') == 1
    assert cm.cards[uid]['Status'] == 6


def test_an_approved_request_with_another_comment_is_not_ours(cm, client):
    """issue 11: open requests are matched by card and comment (the change ticket), not by a guessed type."""
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Retire', 'Approved', comment='OLD')
    (result,), dummy = run(client, [uid], comment='NEW')
    assert result['request_id'] != rid and cm.count('POST') == 1 and result['state'] == 'changed'
    assert cm.requests[rid]['Status'] == 3  # left alone


def test_an_approved_request_with_our_comment_is_reused(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Retire', 'Approved', comment='CHG7')
    (result,), dummy = run(client, [uid], comment='CHG7')
    assert result['request_id'] == rid and cm.count('POST') == 0 and result['state'] == 'changed'


def test_list_is_concurrent_and_every_card_gets_a_result(cm, client):
    good = [cm.add_card() for dummy in range(6)]
    missing = '17cf063d-e337-4aa9-a822-346554ddd3c9'
    cm.faults.append(Fault('GET', '/smartcards/' + good[2], 500, times=99))
    uuids = good[:3] + [missing] + good[3:]
    results, changer = run(client, uuids, concurrency=4)
    assert [r['uuid'] for r in results] == [u.lower() for u in uuids]
    states = [r['state'] for r in results]
    assert states == ['changed', 'changed', 'failed', 'failed', 'changed', 'changed', 'changed']
    assert 'not found' in results[3]['msg'] and 'HTTP 500' in results[2]['msg']
    summary = StatusChanger.summary(results)
    assert summary == {'total': 7, 'changed': 5, 'unchanged': 0, 'pending': 0, 'failed': 2, 'skipped': 0}
    assert client.session_count <= 4
    # one open-request listing for the whole run, plus at most one classification per concurrent card
    assert 3 <= cm.count('GET', '/requests$') <= 3 + 2 * 4


def test_by_card_id(cm, client):
    serial = 'bc88f13f-83ba-4037-8262-46eba1291c6e'
    uid = cm.add_card(serial=serial)
    (result,), dummy = run(client, card_ids=['{%s}' % serial.upper()])
    assert result['uuid'] == uid and result['card_id'] == serial and result['state'] == 'changed'


def test_check_mode_writes_nothing_and_gives_the_same_verdict(cm, client):
    a, b, c = cm.add_card(), cm.add_card(status='Retired'), cm.add_card(approval=True)
    d = cm.add_card(approval=True)
    rid = cm.add_request(d, 'Retire', 'Pending')
    results, dummy = run(client, [a, b, c, d], check_mode=True)
    assert cm.writes() == []
    assert [r['state'] for r in results] == ['changed', 'unchanged', 'changed', 'pending']
    assert [r['changed'] for r in results] == [True, False, True, False]
    assert results[0]['after'] == 'Retired' and results[3]['request_id'] == rid
    real, dummy = run(client, [a, b, c, d])
    assert [r['changed'] for r in real] == [True, False, True, False]
    assert [r['state'] for r in real] == ['changed', 'unchanged', 'pending', 'pending']


def test_check_mode_with_an_approved_request(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Retire', 'Approved')
    (result,), dummy = run(client, [uid], check_mode=True)
    assert result['state'] == 'changed' and result['request_id'] == rid and cm.writes() == []


def test_executing_leftover_is_completed_when_card_already_there(cm, client):
    uid = cm.add_card(status='Retired')
    rid = cm.add_request(uid, 'Retire', 'Executing')
    (checked,), dummy = run(client, [uid], check_mode=True)
    assert checked['state'] == 'changed' and cm.writes() == []
    (result,), dummy = run(client, [uid])
    assert result['state'] == 'changed' and result['request_id'] == rid and cm.requests[rid]['Status'] == 8
    (again,), dummy = run(client, [uid])
    assert again['state'] == 'unchanged'


def test_complete_request_false_leaves_executing_and_is_left_alone(cm, client):
    uid = cm.add_card()
    (result,), dummy = run(client, [uid], complete_request=False)
    assert cm.requests[result['request_id']]['Status'] == 18
    (again,), dummy = run(client, [uid], complete_request=False)
    assert again['state'] == 'unchanged' and cm.requests[result['request_id']]['Status'] == 18


def test_request_id_is_used(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Revoke', 'Approved')
    (result,), dummy = run(client, [uid], status='Disabled', request_id=rid.upper())
    assert result['state'] == 'changed' and result['request_id'] == rid and cm.count('POST') == 0
    assert cm.count('GET', '/requests$') == 2  # its status integer classified by the name filter: Pending, Approved


@pytest.mark.parametrize('status,problem', [('Denied', 'is Denied'), ('Canceled', 'is Canceled'),
                                            ('Completed', 'is Completed')])
def test_request_id_not_executable_fails_with_reason(cm, client, status, problem):
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Retire', status)
    (result,), dummy = run(client, [uid], request_id=rid)
    assert result['state'] == 'failed' and problem in result['msg'] and cm.writes() == []


def test_request_id_for_another_card_or_type_fails(cm, client):
    uid, other = cm.add_card(), cm.add_card()
    rid = cm.add_request(other, 'Retire', 'Approved')
    (result,), dummy = run(client, [uid], request_id=rid)
    assert result['state'] == 'failed' and 'is for card' in result['msg']
    rid2 = cm.add_request(uid, 'Revoke', 'Approved')
    # the request type integer is not known: the server decides, and refuses; nothing is written
    (result,), dummy = run(client, [uid], request_id=rid2)
    assert result['state'] == 'failed' and 'rejected by the server (HTTP 400)' in result['msg']
    assert cm.cards[uid]['Status'] == 3 and cm.requests[rid2]['Status'] == 3
    # once learned (from a request this client created and read back), the type is checked before any write
    client.learn_request_type({'RequestType': 11}, 'Revoke')
    (result,), dummy = run(client, [uid], request_id=rid2)
    assert result['state'] == 'failed' and 'needs a Retire request' in result['msg']
    assert len(cm.writes()) == 1  # only the refused attempt of the first run


def test_suspended_without_request_id_fails_clearly(cm, client):
    uid = cm.add_card()
    (result,), dummy = run(client, [uid], status='suspended')
    assert result['state'] == 'failed' and 'request_id' in result['msg'] and cm.writes() == []


def test_suspended_with_request_id(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid, 'TemporaryCards', 'Approved')
    (result,), dummy = run(client, [uid], status='Suspended', request_id=rid)
    assert result['state'] == 'changed' and result['after'] == 'Suspended'


def test_lost_post_answer_does_not_create_a_second_request(cm, client):
    uid = cm.add_card()
    cm.faults.append(Fault('POST', '/requests$', 'drop_after'))
    (result,), dummy = run(client, [uid], comment='CHG7')
    assert result['state'] == 'changed' and len(cm.requests) == 1 and cm.count('POST') == 1


def test_complete_failure_is_reported_failed_but_changed(cm):
    client = make_client(cm, retries=0)
    uid = cm.add_card()
    cm.faults.append(Fault('PUT', '/requests/[^/]+$', 403, body={'Message': 'no'}))
    (result,), dummy = run(client, [uid])
    assert result['state'] == 'failed' and result['changed'] is True and result['after'] == 'Retired'
    assert 'Run again' in result['msg']


def test_unexpected_exception_in_one_card_is_contained(cm, client, monkeypatch):
    a, b = cm.add_card(), cm.add_card()
    original = client.get_operations

    def boom(uuid):
        if uuid == a:
            raise KeyError('password %s' % SECRET)
        return original(uuid)
    monkeypatch.setattr(client, 'get_operations', boom)
    results, dummy = run(client, [a, b])
    assert results[0]['state'] == 'failed' and 'KeyError' in results[0]['msg'] and SECRET not in results[0]['msg']
    assert results[1]['state'] == 'changed'


def test_diff_holds_changed_cards_only(cm, client):
    a, b = cm.add_card(), cm.add_card(status='Retired')
    results, dummy = run(client, [a, b])
    assert StatusChanger.diff(results) == {'before': {a: 'Active'}, 'after': {a: 'Retired'}}


def test_bad_input_before_any_call(cm, client):
    with pytest.raises(errors.InvalidInput, match='status'):
        StatusChanger(client, 'Deleted')
    with pytest.raises(errors.InvalidInput, match='no cards'):
        StatusChanger(client, 'Retired').run(uuids=[])
    with pytest.raises(errors.InvalidInput, match='concurrency'):
        StatusChanger(client, 'Retired', concurrency=0)
    with pytest.raises(errors.InvalidInput, match='concurrency'):
        SmartcardReader(client, concurrency=65)
    with pytest.raises(errors.InvalidInput, match='one card'):
        StatusChanger(client, 'Retired', request_id=cm.add_card()).run(uuids=[cm.add_card(), cm.add_card()])
    assert cm.calls == []


# ---------------------------------------------------------------- reader


def _known(cm, uid, **changes):
    card = cm.cards[uid]
    entry = {'uuid': uid.upper(), 'status': card['Status'], 'card_id': 'CARD-1',
             'profile_template_uuid': card['ProfileTemplateUuid'], 'assigned_user_uuid': card['AssignedUserUuid']}
    entry.update(changes)
    return entry


def test_a_known_card_is_not_read_again_five_calls_per_card(cm, client):
    uid = cm.add_card()
    other = cm.add_card()
    results, dummy = run(client, [uid, other], comment='CHG1', check_operations=False, known_cards=[_known(cm, uid)])
    assert [r['state'] for r in results] == ['changed', 'changed']
    assert results[0]['card_id'] == 'CARD-1' and results[0]['before'] == 'Active'
    # the known card: POST, GET request, PUT card, PUT request; the other one is read first
    assert cm.count('GET', '/smartcards/' + uid) == 0 and cm.count('GET', '/smartcards/' + other) == 1
    post = [b for m, p, q, b in cm.calls if m == 'POST' and b['smartcard'] == uid][0]
    assert post['profiletemplateuuid'] == cm.cards[uid]['ProfileTemplateUuid']
    assert post['target'] == cm.cards[uid]['AssignedUserUuid']


def test_a_known_card_already_in_the_target_writes_nothing(cm, client):
    uid = cm.add_card(status='Retired')
    (result,), dummy = run(client, [uid], known_cards=[_known(cm, uid)])
    assert result['state'] == 'unchanged' and cm.writes() == [] and cm.count('GET', '/smartcards/') == 0


@pytest.mark.parametrize('entry', [{'uuid': 'not-a-guid', 'status': 3}, {'uuid': None, 'status': 3},
                                   'a string', {'status': 3}])
def test_a_known_card_it_cannot_interpret_is_refused_before_any_call(cm, client, entry):
    uid = cm.add_card()
    with pytest.raises(errors.InvalidInput) as caught:
        run(client, [uid], known_cards=[entry])
    assert 'known_cards[0] must be a card as mim.cm.mimcm_smartcard_info returns it' in str(caught.value)
    assert cm.calls == []


def test_a_known_card_without_an_integer_status_is_refused(cm, client):
    uid = cm.add_card()
    with pytest.raises(errors.InvalidInput) as caught:
        run(client, [uid], known_cards=[_known(cm, uid, status='Active')])
    assert "known_cards[0]" in str(caught.value) and "'status': 'Active'" in str(caught.value)
    assert cm.calls == []
