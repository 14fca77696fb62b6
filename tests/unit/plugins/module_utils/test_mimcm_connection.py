"""Connection options: argument spec, environment fallbacks, validation, auth objects (mimcm_connection.py)."""

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.mim.cm.plugins.module_utils import mimcm_auth
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import (
    ENV_VARS,
    ConnectionConfig,
    connection_argument_spec,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput, MissingDependency, redact

OPTIONS = ('url', 'api_path', 'auth', 'username', 'password', 'token', 'validate_certs', 'ca_path', 'timeout',
           'retries', 'allow_insecure_http', 'kerberos_service_host', 'kerberos_keytab', 'mutual_authentication',
           'adfs_url', 'client_id', 'client_secret', 'resource')
ADFS = {'auth': 'adfs', 'username': None, 'password': None, 'adfs_url': 'https://adfs.contoso.com',
        'client_id': 'mimcm-ansible', 'client_secret': 'cs3cret'}


def adfs(**changes):
    options = dict(ADFS)
    options.update(changes)
    return options


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
    assert spec['client_secret']['no_log'] and spec['kerberos_keytab']['type'] == 'path'
    assert spec['mutual_authentication']['default'] == 'optional'
    assert 'adfs' in spec['auth']['choices']


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


@pytest.mark.parametrize('auth,extra', [('ntlm', {}), ('bearer', {'token': 't'}), ('kerberos', {}),
                                        ('adfs', dict(ADFS))])
def test_plain_http_with_credentials_is_refused(auth, extra):
    extra = dict(extra, auth=auth)
    with pytest.raises(InvalidInput) as exc:
        cfg(url='http://cm.contoso.com', **extra)
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
    assert cfg(**ADFS).secrets == ('cs3cret',)


def test_secrets_taken_early_still_cover_tokens_obtained_later():
    config = cfg(**ADFS)
    early = config.secrets
    kept = tuple(early)
    config.obtained_secrets.append('token-from-adfs')
    assert list(early) == ['cs3cret', 'token-from-adfs'] and kept == ('cs3cret',)
    assert redact('x token-from-adfs cs3cret', kept) == 'x token-from-adfs ********'  # a plain copy would not
    assert redact('x token-from-adfs cs3cret y', early) == 'x ******** ******** y'


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


def test_kerberos_options():
    c = cfg(auth='kerberos', username=None, password=None, kerberos_service_host='cmweb01.contoso.com',
            mutual_authentication='REQUIRED')
    assert c.kerberos_service_host == 'cmweb01.contoso.com' and c.mutual_authentication == 'required'
    assert cfg(auth='kerberos', username=None, password=None).mutual_authentication == 'optional'
    for host in ('HTTP/cmweb01', 'https://cmweb01', 'cmweb01:443', 'a b'):
        with pytest.raises(InvalidInput, match='kerberos_service_host .* is not a host name'):
            cfg(auth='kerberos', username=None, password=None, kerberos_service_host=host)
    with pytest.raises(InvalidInput, match='mutual_authentication .* is not one of optional, required, disabled'):
        cfg(auth='kerberos', username=None, password=None, mutual_authentication='sometimes')


def test_kerberos_keytab_needs_username_and_no_password(tmp_path):
    keytab = tmp_path / 'svc.keytab'
    keytab.write_bytes(b'\x05\x02')
    c = cfg(auth='kerberos', username='svc@CONTOSO.COM', password=None, kerberos_keytab=str(keytab))
    assert c.kerberos_keytab == str(keytab)
    with pytest.raises(InvalidInput, match='kerberos_keytab needs username'):
        cfg(auth='kerberos', username=None, password=None, kerberos_keytab=str(keytab))
    with pytest.raises(InvalidInput, match='kerberos_keytab needs username'):
        cfg(auth='kerberos', username='svc@CONTOSO.COM', password='pw', kerberos_keytab=str(keytab))
    with pytest.raises(InvalidInput, match='kerberos_keytab .* does not exist'):
        cfg(auth='kerberos', username='svc@CONTOSO.COM', password=None, kerberos_keytab=str(tmp_path / 'none'))


def test_options_of_another_auth_method_warn():
    c = cfg(kerberos_service_host='cmweb01', adfs_url='https://adfs.contoso.com')
    assert 'kerberos_service_host is ignored: it is only used with auth=kerberos' in c.warnings
    assert 'adfs_url is ignored: it is only used with auth=adfs' in c.warnings


@pytest.mark.parametrize('adfs_url,token_url', [
    ('https://adfs.contoso.com', 'https://adfs.contoso.com/adfs/oauth2/token'),
    ('https://adfs.contoso.com/', 'https://adfs.contoso.com/adfs/oauth2/token'),
    ('https://adfs.contoso.com/adfs', 'https://adfs.contoso.com/adfs/oauth2/token'),
    ('https://adfs.contoso.com:8443/adfs/oauth2/token/', 'https://adfs.contoso.com:8443/adfs/oauth2/token'),
])
def test_adfs_token_url(adfs_url, token_url):
    assert cfg(**adfs(adfs_url=adfs_url)).adfs_token_url == token_url


def test_adfs_resource_defaults_to_the_cm_site():
    """Microsoft's ConfigureMimCMClientAndRelyingParty.ps1 registers the CM relying party as
    https://<CM server FQDN>/certificatemanagement."""
    assert cfg(**ADFS).resource == 'https://cm.contoso.com/certificatemanagement'
    assert cfg(url='https://CM.contoso.com:443/', **ADFS).resource == 'https://cm.contoso.com/certificatemanagement'
    assert cfg(url='https://cm.contoso.com:8443', **ADFS).resource == 'https://cm.contoso.com:8443/certificatemanagement'
    assert cfg(resource='urn:mimcm', **ADFS).resource == 'urn:mimcm'


def test_adfs_requirements():
    for missing in ('adfs_url', 'client_id', 'client_secret'):
        with pytest.raises(InvalidInput, match='auth=adfs needs adfs_url, client_id and client_secret .*missing: %s'
                           % missing) as exc:
            cfg(**adfs(**{missing: None}))
        assert 'cs3cret' not in str(exc.value)
    with pytest.raises(InvalidInput, match='adfs_url .* is not an http'):
        cfg(**adfs(adfs_url='adfs.contoso.com'))
    with pytest.raises(InvalidInput, match='refusing to send the ADFS client secret over plain http'):
        cfg(**adfs(adfs_url='http://adfs.contoso.com'))


def test_adfs_env_fallbacks(monkeypatch):
    for name, value in (('MIMCM_AUTH', 'adfs'), ('MIMCM_ADFS_URL', 'https://adfs.contoso.com'),
                        ('MIMCM_CLIENT_ID', 'ansible'), ('MIMCM_CLIENT_SECRET', 'envsecret'),
                        ('MIMCM_RESOURCE', 'urn:cm'), ('MIMCM_KERBEROS_SERVICE_HOST', 'cmweb01'),
                        ('MIMCM_MUTUAL_AUTHENTICATION', 'disabled')):
        monkeypatch.setenv(name, value)
    result = ArgumentSpecValidator(connection_argument_spec()).validate({'url': 'https://cm.contoso.com'})
    assert result.error_messages == []
    p = result.validated_parameters
    assert (p['auth'], p['client_id'], p['resource'], p['mutual_authentication']) == ('adfs', 'ansible', 'urn:cm',
                                                                                      'disabled')
    assert 'envsecret' in result._no_log_values
    assert ConnectionConfig.from_params(p).adfs_token_url == 'https://adfs.contoso.com/adfs/oauth2/token'
