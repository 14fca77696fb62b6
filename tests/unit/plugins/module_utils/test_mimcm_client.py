"""The endpoints: lost answers to writes are checked, POST /requests is never repeated blindly."""


import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors


from mimcm_fakes import Fault


# ------------------------------------------------------------------ URLs and sessions

def test_post_lost_answer_without_request_is_posted_again(cm, client):
    uid = cm.add_card()
    cm.faults.append(Fault('POST', '/requests$', 'drop_before', times=1))
    rid, recovered = client.create_request('Retire', uid, 'CHG1')
    assert recovered is False and cm.count('POST') == 2 and len(cm.requests) == 1
    # the lookup (one listing per open status) happened between the two POSTs
    methods = [c[0] for c in cm.calls]
    assert methods == ['POST', 'GET', 'GET', 'GET', 'POST']


def test_post_lookup_matches_card_type_and_comment(cm, client):
    uid = cm.add_card()
    other = cm.add_card()
    cm.add_request(uid, 'Retire', 'Approved', comment='OTHER-TICKET')
    cm.add_request(other, 'Retire', 'Approved', comment='CHG1')
    before = cm.add_request(uid, 'Revoke', 'Approved', comment='CHG1')  # listed before the POST: not ours
    cm.add_request(uid, 'Retire', 'Completed', comment='CHG1')
    cm.faults.append(Fault('POST', '/requests$', 503, times=1))
    rid, recovered = client.create_request('Retire', uid, 'CHG1', existing=[before.upper()])
    assert recovered is False and cm.count('POST') == 2
    assert cm.requests[rid]['Comment'] == 'CHG1' and cm.requests[rid]['OldSmartcardUuid'] == uid


def test_post_timeout_after_commit_is_recovered(cm, client):
    uid = cm.add_card()
    cm.faults.append(Fault('POST', '/requests$', 'timeout_after', times=1))
    rid, recovered = client.create_request('Retire', uid, 'CHG9')
    assert recovered and cm.count('POST') == 1


def test_status_put_lost_answer_is_checked_not_repeated(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid)
    cm.faults.append(Fault('PUT', '/smartcards/', 'drop_after', times=1))
    card = client.set_card_status(rid, uid, 'Retired')
    assert card['Status'] == 6
    assert cm.count('PUT') == 1          # the GET showed it had worked
    assert [j[0] for j in cm.journal] == ['card_status']


def test_complete_request_lost_answer_is_checked(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid, status='Executing')
    cm.faults.append(Fault('PUT', '/requests/[^/]+$', 'drop_after', times=1))
    client.complete_request(rid, card=uid)
    assert cm.requests[rid]['Status'] == 8 and cm.count('PUT') == 1


# ------------------------------------------------------------------ error mapping

def test_operations_are_canonical(cm, client):
    uid = cm.add_card(status='Suspended')
    assert client.get_operations(uid) == ['Reinstate', 'Retire', 'Revoke']


def test_the_same_500_twice_on_a_checked_write_is_called_a_probable_rule_violation(cm, client):
    """issue 11: a server may answer a lifecycle rule violation with 500 (correlation id in the text)."""
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Retire', 'Approved')
    body = {'Message': 'An error has occurred. Please contact your administrator with correlation ID 0c96d73f.'}
    cm.faults.append(Fault('PUT', '/smartcards/', 500, times=99, body=body))
    with pytest.raises(errors.ServerError) as exc:
        client.set_card_status(rid, uid, 'Retired')
    text = str(exc.value)
    assert 'probably CM refusing the change (a lifecycle rule)' in text and 'correlation ID 0c96d73f' in text
    assert cm.cards[uid]['Status'] == 3 and cm.count('PUT') == 4  # retries 3: four attempts, each re-checked


def test_a_card_put_answered_204_is_confirmed_by_reading_the_card(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Retire', 'Approved')
    cm.put_card_answer = 204
    card = client.set_card_status(rid, uid, 'Retired')
    assert card['Status'] == 6 and cm.count('GET', '/smartcards/') == 1
