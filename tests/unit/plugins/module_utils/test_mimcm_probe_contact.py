"""The probe's first steps (mimcm_probe_contact.py): TLS, reachability, the schemes offered, the login and the
404-everywhere API, each a finding in the result rather than an exception."""

import json

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_probe import ServerProbe

from mimcm_fakes import SECRET, TOKEN, make_client
from probe_fakes import ProbeCM, fake_login, populated


def run(cm, monkeypatch, login='ok', **options):
    fake_login(monkeypatch, login)
    return ServerProbe(make_client(cm, **options), timings=(1, 1)).run()


def problems(result):
    return [n['msg'] for n in result['summary'] if n['level'] == 'problem']


def test_a_wrong_password_is_the_finding_and_nothing_more_is_sent(monkeypatch):
    cm = ProbeCM()
    populated(cm)
    result = run(cm, monkeypatch, login='wrong')
    assert not result['ok'] and result['server']['reachable']
    auth = result['authentication']
    assert auth['login'] == 'failed' and 'authentication as CONTOSO\\operator failed (HTTP 401' in auth['error']
    assert auth['offered'] == ['NTLM', 'Negotiate']
    [problem] = problems(result)
    assert problem.startswith('The login failed: ') and 'can lock the account' in problem
    assert len(cm.calls) == 2, 'one request without credentials, one login: no repeated failed logins'
    assert all(v['verdict'] in ('inconclusive', 'not testable read-only') for v in result['verdicts'])
    assert SECRET not in json.dumps(result)
    assert result['latency'] == {'error': 'not measured'}


def test_404_everywhere_says_the_api_is_not_enabled(monkeypatch):
    cm = ProbeCM()
    cm.api_disabled = True
    result = run(cm, monkeypatch)
    assert result['api'] == {'enabled': False, 'not_found_paths': [
        '/smartcards', '/profiletemplates', '/requests?status=Pending&targetuser=current']}
    assert result['authentication']['login'] == 'worked'
    [problem] = problems(result)
    assert problem.startswith('Every API path answered HTTP 404: the CM REST API is not enabled. Set '
                              'Clm.WebApi.Enabled to true in the <ClmConfiguration> section of the CM web.config')
    assert 'run iisreset on the CM server' in problem
    assert 'api_path (/CertificateManagement/api/v1.0)' in problem
    assert len(cm.calls) == 4


def test_one_404_is_not_a_disabled_api(monkeypatch):
    cm = ProbeCM()
    from mimcm_fakes import Fault
    cm.faults.append(Fault('GET', '/smartcards$', 404, times=1))
    result = run(cm, monkeypatch)
    assert result['api']['enabled'] is True and result['api']['not_found_paths'] == ['/smartcards']
    assert result['ok']


def test_a_tls_failure_sends_no_credentials_and_says_which_ca_setting_failed(monkeypatch, tmp_path):
    ca = tmp_path / 'ca.pem'
    ca.write_text('not really a CA')
    cm = ProbeCM()
    cm.bad_cert = True
    result = run(cm, monkeypatch, ca_path=str(ca))
    assert result['tls']['verified'] is False and 'unable to get local issuer certificate' in result['tls']['error']
    assert result['tls']['ca_setting'] == 'ca_path %s' % ca
    [problem] = problems(result)
    assert problem.startswith('TLS verification of https://cm.example.test failed with ca_path %s' % ca)
    assert 'no credentials were sent' in problem
    assert result['server']['reachable'] and result['server']['http_status_without_credentials'] == 401
    assert len(cm.calls) == 1, 'only the unverified request without credentials reached the server'
    assert result['authentication']['login'] == 'not tried'


def test_an_unreachable_server(monkeypatch):
    cm = ProbeCM()
    cm.unreachable = True
    result = run(cm, monkeypatch)
    assert not result['server']['reachable'] and result['tls']['verified'] is None
    [problem] = problems(result)
    assert problem.startswith('https://cm.example.test is not reachable (Connection refused): check url')


@pytest.mark.parametrize('options,offered,advice', [
    ({'auth': 'bearer', 'token': TOKEN, 'username': None, 'password': None}, 'NTLM, Negotiate', 'use auth=kerberos'),
    ({'auth': 'ntlm'}, 'Bearer realm="cm", error="invalid_token"', 'use auth=bearer'),
])
def test_an_auth_method_the_server_does_not_offer_is_a_warning(monkeypatch, options, offered, advice):
    cm = ProbeCM()
    cm.offered = {'WWW-Authenticate': offered}
    result = run(cm, monkeypatch, login='wrong', **options)
    warnings = [n['msg'] for n in result['summary'] if n['level'] == 'warning']
    assert any(advice in w and 'needs the server to offer' in w for w in warnings), warnings
    assert TOKEN not in json.dumps(result)


def test_anonymous_access_is_a_warning(monkeypatch):
    cm = ProbeCM()
    cm.anonymous_status = 204
    result = run(cm, monkeypatch)
    assert any('without credentials: anonymous access is open' in n['msg'] for n in result['summary'])


def test_validate_certs_false_is_reported(monkeypatch):
    result = run(ProbeCM(), monkeypatch, validate_certs=False)
    assert result['tls']['verified'] is None and result['tls']['ca_setting'] == 'no verification (validate_certs=false)'
    assert any('TLS is not verified (validate_certs=false)' in n['msg'] for n in result['summary'])


def test_bad_input_still_raises(monkeypatch):
    cm = ProbeCM()
    fake_login(monkeypatch)
    client = make_client(cm)

    def boom():
        raise errors.InvalidInput('bad')
    monkeypatch.setattr(client, 'my_cards', boom)
    with pytest.raises(errors.InvalidInput):
        ServerProbe(client).run()
