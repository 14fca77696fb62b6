"""Connection options: argument spec, environment fallbacks, validation, auth objects."""

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.mim.cm.plugins.module_utils import mimcm_auth
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import (
    ENV_VARS,
    ConnectionConfig,
    connection_argument_spec,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput, MissingDependency

OPTIONS = ('url', 'api_path', 'auth', 'username', 'password', 'token', 'validate_certs', 'ca_path', 'timeout',
           'retries', 'allow_insecure_http')


def cfg(**kw):
    kw.setdefault('url', 'https://cm.contoso.com')
    kw.setdefault('username', 'CONTOSO\\svc')
    kw.setdefault('password', 'pw')
    return ConnectionConfig(**kw)


def test_spec_has_every_option_with_an_env_fallback():
    spec = connection_argument_spec()
    assert tuple(spec) == OPTIONS
    for name, option in spec.items():
        assert option['fallback'][1] == [ENV_VARS[name]] and ENV_VARS[name] == 'MIMCM_' + name.upper()
    assert spec['password']['no_log'] and spec['token']['no_log']
    assert spec['ca_path']['type'] == 'path'


def test_env_fallbacks_fill_options_and_secrets_are_no_log(monkeypatch):
    env = {'MIMCM_URL': 'https://env.example', 'MIMCM_USERNAME': 'op@contoso.com', 'MIMCM_PASSWORD': 'envpw',
           'MIMCM_VALIDATE_CERTS': 'false', 'MIMCM_TIMEOUT': '2.5', 'MIMCM_RETRIES': '0',
           'MIMCM_ALLOW_INSECURE_HTTP': 'yes', 'MIMCM_AUTH': 'ntlm', 'MIMCM_API_PATH': '/x'}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    result = ArgumentSpecValidator(connection_argument_spec()).validate({})
    assert result.error_messages == []
    p = result.validated_parameters
    assert p['url'] == 'https://env.example' and p['username'] == 'op@contoso.com'
    assert p['validate_certs'] is False and p['timeout'] == 2.5 and p['retries'] == 0
    assert p['allow_insecure_http'] is True and p['api_path'] == '/x'
    assert 'envpw' in result._no_log_values


def test_explicit_option_beats_env(monkeypatch):
    monkeypatch.setenv('MIMCM_URL', 'https://env.example')
    result = ArgumentSpecValidator(connection_argument_spec()).validate({'url': 'https://arg.example'})
    assert result.validated_parameters['url'] == 'https://arg.example'


def test_defaults():
    result = ArgumentSpecValidator(connection_argument_spec()).validate({'url': 'https://x'})
    p = result.validated_parameters
    assert p['auth'] == 'ntlm' and p['validate_certs'] is True and p['retries'] == 3 and p['timeout'] == 30
    assert p['api_path'] == '/CertificateManagement/api/v1.0' and p['allow_insecure_http'] is False


def test_base_url():
    assert cfg().base_url == 'https://cm.contoso.com/CertificateManagement/api/v1.0'
    assert cfg(url='https://cm.contoso.com:8443/').base_url == 'https://cm.contoso.com:8443/CertificateManagement/api/v1.0'
    assert cfg(api_path='').base_url == 'https://cm.contoso.com'


@pytest.mark.parametrize('url', ['cm.contoso.com', 'ftp://cm', 'https://', 'https://u:p@cm', 'https://cm/?a=1'])
def test_bad_urls(url):
    with pytest.raises(InvalidInput) as exc:
        cfg(url=url)
    assert 'url' in str(exc.value)
    assert 'u:p' not in str(exc.value)


@pytest.mark.parametrize('auth,extra', [('ntlm', {}), ('bearer', {'token': 't'}), ('kerberos', {})])
def test_plain_http_with_credentials_is_refused(auth, extra):
    with pytest.raises(InvalidInput) as exc:
        cfg(url='http://cm.contoso.com', auth=auth, **extra)
    assert 'allow_insecure_http' in str(exc.value) and 'plain http' in str(exc.value)


def test_plain_http_opt_in_warns():
    c = cfg(url='http://cm.contoso.com', allow_insecure_http=True)
    assert c.base_url.startswith('http://') and any('plain http' in w for w in c.warnings)


def test_plain_http_without_credentials_is_allowed_with_a_warning():
    c = cfg(url='http://cm.contoso.com', auth='none', username=None, password=None)
    assert c.warnings


def test_auth_requirements():
    with pytest.raises(InvalidInput, match='auth=ntlm needs username'):
        cfg(password=None)
    with pytest.raises(InvalidInput, match='auth=bearer needs token'):
        cfg(auth='bearer')
    with pytest.raises(InvalidInput, match='not one of'):
        cfg(auth='basic')
    with pytest.raises(InvalidInput, match='DOMAIN'):
        cfg(username='a\\b\\c')


@pytest.mark.parametrize('user', ['CONTOSO\\svc', 'svc@contoso.com', 'svc'])
def test_username_forms(user):
    assert cfg(username=user).username == user


def test_verify_and_ca_path(tmp_path):
    ca = tmp_path / 'ca.pem'
    ca.write_text('x')
    assert cfg().verify is True
    assert cfg(ca_path=str(ca)).verify == str(ca)
    assert cfg(ca_path=str(ca), validate_certs=False).verify is False
    with pytest.raises(InvalidInput, match='ca_path'):
        cfg(ca_path=str(tmp_path / 'missing.pem'))


def test_timeout_and_retries_bounds():
    with pytest.raises(InvalidInput):
        cfg(timeout=0)
    with pytest.raises(InvalidInput):
        cfg(retries=-1)
    with pytest.raises(InvalidInput):
        cfg(retries=100)


def test_secrets_listed():
    assert cfg(password='p1').secrets == ('p1',)
    assert cfg(auth='bearer', token='t1', username=None, password=None).secrets == ('t1',)


def test_ntlm_auth_object_takes_both_username_forms():
    for user in ('CONTOSO\\svc', 'svc@contoso.com'):
        auth = mimcm_auth.build_auth(cfg(username=user, password='pw'))
        assert auth.username == user and auth.password == 'pw'


def test_bearer_auth_sets_header_and_hides_token():
    auth = mimcm_auth.build_auth(cfg(auth='bearer', token='tok123', username=None, password=None))

    class R(object):
        headers = {}
    assert auth(R()).headers['Authorization'] == 'Bearer tok123'
    assert 'tok123' not in repr(auth)


def test_auth_none():
    assert mimcm_auth.build_auth(cfg(auth='none', username=None, password=None)) is None


def test_kerberos_without_requests_gssapi_names_the_package(monkeypatch):
    monkeypatch.setattr(mimcm_auth, 'HAS_REQUESTS_GSSAPI', False)
    with pytest.raises(MissingDependency) as exc:
        mimcm_auth.build_auth(cfg(auth='kerberos', username=None, password=None))
    assert 'requests-gssapi' in str(exc.value)


def test_kerberos_takes_both_or_neither():
    with pytest.raises(InvalidInput):
        cfg(auth='kerberos', password=None)


def test_empty_environment_variable_counts_as_unset(monkeypatch):
    """AWX injects every variable of a credential type; a cleared field arrives as ''."""
    for name in ENV_VARS.values():
        monkeypatch.setenv(name, '')
    monkeypatch.setenv('MIMCM_URL', 'https://cm.contoso.com')
    monkeypatch.setenv('MIMCM_TIMEOUT', '  ')
    result = ArgumentSpecValidator(connection_argument_spec()).validate({})
    assert result.error_messages == []
    p = result.validated_parameters
    assert p['auth'] == 'ntlm' and p['timeout'] == 30 and p['retries'] == 3 and p['validate_certs'] is True
    assert p['ca_path'] is None and p['password'] is None
