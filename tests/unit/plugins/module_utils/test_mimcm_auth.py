"""build_auth dispatch (mimcm_auth.py): one auth object per session, shared per-process state."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_auth
from ansible_collections.mim.cm.plugins.module_utils.mimcm_auth_adfs import AdfsAuth
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MissingDependency


def cfg(**kw):
    kw.setdefault('url', 'https://cm.contoso.com')
    return ConnectionConfig(**kw)


def test_each_session_gets_its_own_ntlm_auth_object():
    config = cfg(username='CONTOSO\\svc', password='pw')
    first, second = mimcm_auth.build_auth(config), mimcm_auth.build_auth(config)
    assert first is not second and first.username == 'CONTOSO\\svc'


def test_ntlm_without_requests_ntlm_names_the_package(monkeypatch):
    monkeypatch.setattr(mimcm_auth, 'HAS_REQUESTS_NTLM', False)
    with pytest.raises(MissingDependency, match="'requests-ntlm'"):
        mimcm_auth.build_auth(cfg(username='CONTOSO\\svc', password='pw'))


def test_kerberos_without_requests_gssapi_names_the_package(monkeypatch):
    monkeypatch.setattr(mimcm_auth, 'HAS_REQUESTS_GSSAPI', False)
    with pytest.raises(MissingDependency, match="'requests-gssapi'"):
        mimcm_auth.build_auth(cfg(auth='kerberos'))


def test_adfs_sessions_share_one_token_source(monkeypatch):
    config = cfg(auth='adfs', adfs_url='https://adfs.contoso.com', client_id='ansible', client_secret='S3CRET')
    fetched = []
    monkeypatch.setattr('ansible_collections.mim.cm.plugins.module_utils.mimcm_auth_adfs.AdfsTokenSource.token',
                        lambda self: fetched.append(self) or 'T0KEN')
    first, second = mimcm_auth.build_auth(config), mimcm_auth.build_auth(config)
    assert isinstance(first, AdfsAuth) and first is not second
    assert fetched[0] is fetched[1] is config.auth_state['adfs']
    assert repr(first) == '<AdfsAuth client_id=ansible token=********>' and 'S3CRET' not in repr(config.auth_state)


def test_bearer_and_none():
    auth = mimcm_auth.build_auth(cfg(auth='bearer', token='tok123'))
    assert '<BearerAuth token=********>' == repr(auth)
    assert mimcm_auth.build_auth(cfg(auth='none')) is None
