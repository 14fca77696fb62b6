"""auth=kerberos (mimcm_auth_kerberos.py): a message for each Kerberos failure, the principal, the keytab.

The Kerberos exchanges themselves run against a real KDC in tests/integration/auth/test_kerberos.py."""

import base64
import os

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_auth_kerberos as krb
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import AuthFailed, InvalidInput

SPN = 'HTTP/cm.contoso.com'
USER = 'svc@CONTOSO.COM'

# (GSS message as MIT Kerberos words it, the words our message must carry)
CASES = [
    ('Minor (100005): Server HTTP/cm.contoso.com@CONTOSO.COM not found in Kerberos database',
     'the KDC has no service principal HTTP/cm.contoso.com'),
    ('Minor (100005): Server krbtgt/EXAMPLE@CONTOSO.COM not found in Kerberos database', 'kerberos_service_host'),
    ("Client 'nobody@CONTOSO.COM' not found in Kerberos database", 'the KDC does not know svc@CONTOSO.COM'),
    ('Minor (100001): Preauthentication failed', 'the password of svc@CONTOSO.COM is wrong'),
    ('Password incorrect', 'Check password (MIMCM_PASSWORD)'),
    ("Cannot contact any KDC for realm 'CONTOSO.COM'", 'no KDC answered'),
    ('Cannot find KDC for realm "CONTOSO.COM"', 'the realm of svc@CONTOSO.COM is not configured'),
    ('Clock skew too great', 'synchronise them (NTP)'),
    ('No Kerberos credentials available (default cache: FILE:/tmp/krb5cc_0)', 'Run kinit user@REALM first'),
    ('SPNEGO cannot find mechanisms to negotiate; No credentials were supplied', 'no Kerberos ticket'),
    ("Credentials cache file '/tmp/krb5cc_0' not found", 'no Kerberos ticket'),
    ('Ticket expired', 'has expired'),
    ('Key table entry not found', 'the keytab has no usable key'),
    ('Something else entirely', 'failed (Something else entirely). Check the principal'),
]


@pytest.mark.parametrize('text,words', CASES)
def test_each_failure_says_what_to_do(text, words):
    error = krb.kerberos_failure(text, 'getting a ticket as %s' % USER, USER, SPN)
    assert isinstance(error, AuthFailed) and error.kind == 'auth_failed'
    assert words in error.message and error.message.startswith('Kerberos: getting a ticket as svc@CONTOSO.COM')


def test_principal_name_refuses_netbios_form():
    assert krb.principal_name('svc@CONTOSO.COM') == 'svc@CONTOSO.COM'
    assert krb.principal_name('svc') == 'svc'
    with pytest.raises(InvalidInput, match=r'needs username as user@REALM .* not CONTOSO\\svc'):
        krb.principal_name('CONTOSO\\svc')


def keytab_config(path):
    return ConnectionConfig(url='https://cm.contoso.com', auth='kerberos', username=USER, kerberos_keytab=str(path))


def test_keytab_file_is_used_as_is(tmp_path):
    keytab = tmp_path / 'svc.keytab'
    keytab.write_bytes(b'\x05\x02' + os.urandom(40))
    assert krb._keytab_path(keytab_config(keytab)) == str(keytab)


def test_base64_keytab_is_decoded_to_a_private_file(tmp_path):
    raw = b'\x05\x02' + os.urandom(60)
    text = tmp_path / 'svc.keytab.b64'
    text.write_text(base64.encodebytes(raw).decode('ascii'))  # line-wrapped, as base64(1) writes it
    path = krb._keytab_path(keytab_config(text))
    try:
        assert path != str(text)
        with open(path, 'rb') as handle:
            assert handle.read() == raw
        assert os.stat(path).st_mode & 0o077 == 0
    finally:
        krb._remove(path, os.getpid())
    assert not os.path.exists(path)


def test_junk_is_not_a_keytab(tmp_path):
    junk = tmp_path / 'junk'
    junk.write_text('hello')
    with pytest.raises(InvalidInput, match='neither a keytab file nor a base64-encoded keytab'):
        krb._keytab_path(keytab_config(junk))


def test_auth_object_targets_the_service_host(monkeypatch):
    pytest.importorskip('requests_gssapi')
    config = ConnectionConfig(url='https://cm.contoso.com', auth='kerberos', kerberos_service_host='cmweb01.contoso.com',
                              mutual_authentication='required')
    monkeypatch.setattr(krb, 'kerberos_credentials', lambda c: (None, 'svc@CONTOSO.COM (ticket cache)'))
    auth = krb.build_kerberos_auth(config)
    assert auth.spn('cm.contoso.com') == 'HTTP/cmweb01.contoso.com'
    assert auth.mutual_authentication == krb.requests_gssapi.REQUIRED
    default = krb.build_kerberos_auth(ConnectionConfig(url='https://cm.contoso.com', auth='kerberos'))
    assert default.spn('cm.contoso.com') == 'HTTP/cm.contoso.com'
    assert default.mutual_authentication == krb.requests_gssapi.OPTIONAL
