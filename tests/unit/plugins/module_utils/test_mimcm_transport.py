"""The transport: URLs, verify on every call, sessions per thread, the one retry loop and its resend policies."""

import threading

import pytest
import requests

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_client import MimCmClient
from ansible_collections.mim.cm.plugins.module_utils.mimcm_retry import parse_retry_after
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig

from mimcm_fakes import SECRET, Fault, FakeCM, make_client


# ------------------------------------------------------------------ URLs and sessions

def test_url_building_appends_api_path_and_quotes_segments(cm):
    c = make_client(cm, url='https://cm.example.test/')
    assert c.url('smartcards', 'abc') == 'https://cm.example.test/CertificateManagement/api/v1.0/smartcards/abc'
    assert c.url('requests', 'a/b c') == 'https://cm.example.test/CertificateManagement/api/v1.0/requests/a%2Fb%20c'


def test_url_building_custom_api_path_and_full_api_url(cm):
    assert make_client(cm, api_path='api/v2/').url('x') == 'https://cm.example.test/api/v2/x'
    full = make_client(cm, url='https://cm.example.test/certificatemanagement/api/v1.0')
    assert full.url('x') == 'https://cm.example.test/certificatemanagement/api/v1.0/x'
    assert make_client(cm, url='https://cm:8443/sub').url() == 'https://cm:8443/sub/CertificateManagement/api/v1.0'


def test_query_parameters_are_encoded(cm, client):
    cm.add_card(serial='bc88f13f-83ba-4037-8262-46eba1291c6e')
    client.find_card('{BC88F13F-83BA-4037-8262-46EBA1291C6E}')
    method, path, query, body = cm.calls[-1]
    assert path.endswith('/smartcards') and query == {'cardid': '{BC88F13F-83BA-4037-8262-46EBA1291C6E}'}


def test_verify_is_passed_on_every_request_and_ca_path_wins(cm, tmp_path, monkeypatch):
    ca = tmp_path / 'ca.pem'
    ca.write_text('x')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/nonexistent/other-bundle.pem')
    c = make_client(cm, ca_path=str(ca))
    uid = cm.add_card()
    c.get_card(uid)
    c.get_operations(uid)
    c.list_open_requests()
    assert cm.verify_seen and all(v == str(ca) for v in cm.verify_seen)


def test_verify_false_and_default(cm, monkeypatch):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    uid = cm.add_card()
    make_client(cm, validate_certs=False).get_card(uid)
    make_client(cm).get_card(uid)
    assert cm.verify_seen == [False, True]


def test_one_session_per_thread_reused_within_a_thread(cm, client):
    uid = cm.add_card()
    for dummy in range(5):
        client.get_card(uid)
    assert client.session_count == 1
    threads = [threading.Thread(target=client.get_card, args=(uid,)) for dummy in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert client.session_count == 5
    client.close()
    assert client.session_count == 0


# ------------------------------------------------------------------ retry policy

@pytest.mark.parametrize('code', [500, 502, 503, 504])
def test_get_is_retried_on_5xx_then_succeeds(cm, client, sleeps, code):
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', code, times=2))
    assert client.get_card(uid)['Status'] == 3
    assert cm.count('GET') == 3
    assert len(sleeps) == 2


def test_get_is_retried_on_connection_errors_and_timeouts(cm, client, sleeps):
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 'drop_before', times=1))
    cm.faults.append(Fault('GET', '/smartcards/', 'timeout_after', times=1))
    cm.faults.append(Fault('GET', '/smartcards/', 'connect_timeout', times=1))
    assert client.get_card(uid)
    assert cm.count('GET') == 4


def test_an_answer_that_breaks_off_is_retried_for_get_and_checked_for_post(cm, client):
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 'chunked_after', times=1))
    assert client.get_card(uid) and cm.count('GET') == 2
    cm.faults.append(Fault('POST', '/requests$', 'chunked_after', times=1))
    rid, recovered = client.create_request('Retire', uid, 'CHG-CHUNK')
    assert recovered and cm.count('POST') == 1 and len(cm.requests) == 1


def test_get_gives_up_after_retries_with_a_typed_error(cm, sleeps):
    c = make_client(cm, sleeps, retries=2)
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 503, times=10))
    with pytest.raises(errors.ServerError) as exc:
        c.get_card(uid)
    assert cm.count('GET') == 3
    assert 'HTTP 503' in str(exc.value) and uid in str(exc.value)


def test_retries_zero_means_one_attempt(cm, sleeps):
    c = make_client(cm, sleeps, retries=0)
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 'drop_before', times=10))
    with pytest.raises(errors.ConnectionFailed):
        c.get_card(uid)
    assert cm.count('GET') == 1 and sleeps == []


@pytest.mark.parametrize('code,error', [(400, errors.BadRequest), (401, errors.AuthFailed),
                                        (403, errors.Forbidden), (404, errors.BadRequest)])
def test_client_errors_are_never_retried(cm, client, sleeps, code, error):
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', code, times=10, body={'Message': 'nope'}))
    with pytest.raises(error):
        client.get_card(uid)
    assert cm.count('GET') == 1 and sleeps == []


def test_tls_errors_are_not_retried_and_explain_ca_path(cm, client):
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 'ssl', times=10))
    with pytest.raises(errors.TLSError) as exc:
        client.get_card(uid)
    assert 'ca_path' in str(exc.value) and cm.count('GET') == 1


def test_retry_after_is_honoured(cm, client, sleeps):
    uid = cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 503, times=1, headers={'Retry-After': '7'}))
    client.get_card(uid)
    assert sleeps == [7.0]


def test_backoff_is_exponential_with_jitter_and_capped(cm):
    c = make_client(cm)
    c._rand = lambda: 0.0
    low = [c.backoff(i) for i in range(4)]
    c._rand = lambda: 1.0
    high = [c.backoff(i) for i in range(4)]
    assert low == [0.25, 0.5, 1.0, 2.0] and high == [0.5, 1.0, 2.0, 4.0]
    assert c.backoff(30) <= 30.0
    assert c.backoff(0, retry_after=10000) == 300.0


def test_parse_retry_after():
    assert parse_retry_after('3') == 3.0
    assert parse_retry_after(None) is None and parse_retry_after('soon') is None
    assert parse_retry_after('Wed, 21 Oct 2015 07:28:00 GMT', now=1445412470) == 10.0


def test_post_is_never_retried_blindly_after_a_5xx(cm, client, sleeps):
    """A 500 may hide a created request: look it up before creating another."""
    uid = cm.add_card()
    cm.faults.append(Fault('POST', '/requests$', 'drop_after', times=1))
    rid, recovered = client.create_request('Retire', uid, 'CHG1')
    assert recovered is True
    assert cm.count('POST') == 1
    assert len(cm.requests) == 1 and rid in cm.requests


def test_post_4xx_is_not_retried(cm, client, sleeps):
    uid = cm.add_card(restricted=True)
    with pytest.raises(errors.Forbidden) as exc:
        client.create_request('Retire', uid, 'CHG1')
    assert cm.count('POST') == 1 and sleeps == []
    assert 'Creating a Retire request for card %s' % uid in str(exc.value)
    assert 'CONTOSO\\operator' in str(exc.value)


def test_post_gives_up_when_it_keeps_failing(cm, sleeps):
    c = make_client(cm, sleeps, retries=1)
    uid = cm.add_card()
    cm.faults.append(Fault('POST', '/requests$', 'drop_before', times=10))
    with pytest.raises(errors.ConnectionFailed) as exc:
        c.create_request('Retire', uid, 'CHG1')
    assert cm.count('POST') == 2 and not cm.requests
    assert 'none was created' in str(exc.value)


def test_status_put_is_retried_on_503(cm, client):
    uid = cm.add_card()
    rid = cm.add_request(uid)
    cm.faults.append(Fault('PUT', '/smartcards/', 503, times=1))
    card = client.set_card_status(rid, uid, 'Retired')
    assert card['Status'] == 6 and cm.count('PUT') == 2


def test_connection_error_text_is_redacted(cm, sleeps):
    c = make_client(cm, sleeps, retries=0)
    uid = cm.add_card()
    rid = cm.add_request(uid, status='Executing')
    cm.faults.append(Fault('PUT', '/requests/', 'drop_after', times=1))
    cm.faults.append(Fault('GET', '/requests/', 'drop_before', times=1))
    with pytest.raises(errors.ConnectionFailed) as exc:
        c.complete_request(rid, card=uid)
    assert SECRET not in str(exc.value) and 'Authorization: ********' in str(exc.value)


def test_missing_requests_dependency_is_typed(monkeypatch):
    from ansible_collections.mim.cm.plugins.module_utils import mimcm_transport
    monkeypatch.setattr(mimcm_transport, 'HAS_REQUESTS', False)
    with pytest.raises(errors.MissingDependency) as exc:
        MimCmClient(ConnectionConfig(url='https://x', username='u', password='p'))
    assert 'requests' in str(exc.value)


def test_real_transport_connection_refused_is_typed_and_retried(sleeps):
    """One real socket call to a closed local port: the transport error is mapped, not raised raw."""
    c = MimCmClient(ConnectionConfig(url='https://127.0.0.1:9', auth='none', retries=1, timeout=2),
                    sleep=sleeps.append)
    with pytest.raises((errors.ConnectionFailed, errors.Timeout)) as exc:
        c.my_cards()
    assert '127.0.0.1:9' in str(exc.value) and len(sleeps) == 1
    assert isinstance(exc.value, errors.MimCmError) and not isinstance(exc.value, requests.RequestException)


def test_environment_is_resolved_once_and_still_honoured(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example.test:3128')
    monkeypatch.delenv('NO_PROXY', raising=False)
    monkeypatch.delenv('no_proxy', raising=False)
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/bundle-from-env.pem')
    cm = FakeCM()
    client = make_client(cm)
    uid = cm.add_card()
    client.get_card(uid)
    client.get_operations(uid)
    session = client._sessions[0]
    assert session.trust_env is False  # no per-request environment lookups
    assert session.proxies.get('https') == 'http://proxy.example.test:3128'
    # verify=True still means the environment's CA bundle, as requests itself would do
    assert cm.verify_seen == ['/etc/ssl/bundle-from-env.pem'] * 2


def test_no_proxy_for_the_server_and_ca_path_wins(monkeypatch, tmp_path):
    ca = tmp_path / 'ca.pem'
    ca.write_text('x')
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example.test:3128')
    monkeypatch.setenv('NO_PROXY', 'cm.example.test')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/bundle-from-env.pem')
    cm = FakeCM()
    client = make_client(cm, ca_path=str(ca))
    client.get_card(cm.add_card())
    assert not client._sessions[0].proxies.get('https')
    assert cm.verify_seen == [str(ca)]
