"""Answers -> typed errors with one clear message."""


import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors

from mimcm_fakes import SECRET, Fault, make_client


# ------------------------------------------------------------------ URLs and sessions

def test_204_is_not_found(cm, client):
    with pytest.raises(errors.NotFound) as exc:
        client.get_card('17cf063d-e337-4aa9-a822-346554ddd3c9')
    assert '17cf063d-e337-4aa9-a822-346554ddd3c9' in str(exc.value)


def test_empty_lists_are_empty(cm, client):
    assert client.my_cards() == [] and client.list_requests('Pending') == []


def test_403_names_operation_card_and_what_to_do(cm, client):
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/operations', 403, body={'Message': 'Access is denied.'}))
    with pytest.raises(errors.Forbidden) as exc:
        client.get_operations(uid)
    text = str(exc.value)
    assert uid in text and 'HTTP 403' in text and 'Access is denied.' in text and 'administrator' in text


def test_400_carries_the_server_message(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid, status='Pending')
    with pytest.raises(errors.BadRequest) as exc:
        client.set_card_status(rid, uid, 'Retired')
    assert 'The request is not approved.' in str(exc.value) and exc.value.http_status == 400


def test_500_carries_the_correlation_id(cm, sleeps):
    c = make_client(cm, sleeps, retries=0)
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 500, body={
        'Message': 'An error has occurred.', 'CorrelationId': '5f0e5bb4-2d2f-4b7e-9a53-03f0e4a7b1d2'}))
    with pytest.raises(errors.ServerError) as exc:
        c.get_card(uid)
    assert exc.value.correlation_id == '5f0e5bb4-2d2f-4b7e-9a53-03f0e4a7b1d2'
    assert '5f0e5bb4-2d2f-4b7e-9a53-03f0e4a7b1d2' in str(exc.value) and 'event log' in str(exc.value)


def test_401_is_auth_failed_without_the_password(cm, client):
    cm.faults.append(Fault('GET', '/smartcards', 401, body={'Message': 'denied for password %s' % SECRET}))
    with pytest.raises(errors.AuthFailed) as exc:
        client.my_cards()
    assert 'CONTOSO\\operator' in str(exc.value) and SECRET not in str(exc.value)
    assert SECRET not in repr(exc.value.__dict__)


def test_non_json_answer_is_a_protocol_error(cm, client):
    cm.faults.append(Fault('GET', '/smartcards', 200, body=b'<html>login</html>', headers={'Content-Type': 'text/html'}))
    with pytest.raises(errors.ProtocolError) as exc:
        client.my_cards()
    assert 'api_path' in str(exc.value)


def test_redirect_is_explained(cm, client):
    cm.faults.append(Fault('GET', '/smartcards', 302, headers={'Location': 'https://adfs/login'}))
    with pytest.raises(errors.BadRequest) as exc:
        client.my_cards()
    assert 'redirected' in str(exc.value)
