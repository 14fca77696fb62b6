# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""auth=kerberos: Negotiate (SPNEGO) with Kerberos through requests-gssapi.

Credentials are acquired once per module process and shared by every thread's session:

* ``username`` + ``password``: an initial ticket for exactly that user, acquired for the SPNEGO
  mechanism into a private in-memory credential cache (never the default ccache, never another
  user's ticket that happens to be there);
* ``username`` + ``kerberos_keytab``: the same from a client keytab (binary, or base64 text as an
  AWX file injector writes it);
* neither: the ticket cache of ``kinit`` (``KRB5CCNAME``).

Every Kerberos failure becomes one typed error that says what to do; no password ever appears in it.
"""

import atexit
import base64
import os
import re
import tempfile
import threading
import traceback
import uuid

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors

REQUESTS_GSSAPI_IMP_ERR = None
try:
    import logging

    import gssapi
    import requests_gssapi
    # requests-gssapi logs each GSS failure with a traceback; the typed errors below replace that
    logging.getLogger('requests_gssapi').addHandler(logging.NullHandler())
    HAS_REQUESTS_GSSAPI = True
except ImportError:
    REQUESTS_GSSAPI_IMP_ERR = traceback.format_exc()
    HAS_REQUESTS_GSSAPI = False
    gssapi = requests_gssapi = None

SPNEGO_OID = '1.3.6.1.5.5.2'
KEYTAB_MAGIC = (b'\x05\x01', b'\x05\x02')
_LOCK = threading.Lock()
_NEGOTIATE_RE = re.compile(r'Negotiate\s*([^,\s]*)', re.IGNORECASE)


def principal_name(username):
    """The Kerberos principal of ``username``: ``user@REALM`` or ``user`` (the default realm)."""
    if '\\' in username:
        raise errors.InvalidInput('auth=kerberos needs username as user@REALM (e.g. svc-ansible@CONTOSO.COM, the '
                                  'realm in upper case) or user, not %s' % username)
    return username


def kerberos_failure(text, action, principal, spn):
    """The message for a failed Kerberos step: what happened and what to do (``text``: the GSS message)."""
    low = text.lower()
    client_unknown = re.search(r'client \S* ?not found in kerberos database|client principal unknown', low)
    if not client_unknown and ('not found in kerberos database' in low or 'server principal unknown' in low):
        msg = ('Kerberos: %s: the KDC has no service principal %s (%s). Use the host name the CM server\'s SPN is '
               'registered for (setspn -L on the CM application pool account) in url, or set kerberos_service_host '
               'to it when url is a load-balanced or alias name' % (action, spn, text))
    elif 'clock skew' in low:
        msg = ('Kerberos: %s: clock skew too great (%s). The clocks of this host, the KDC and the CM server differ '
               'by more than 5 minutes: synchronise them (NTP)' % (action, text))
    elif 'cannot contact any kdc' in low or 'unable to reach any kdc' in low:
        msg = ('Kerberos: %s: no KDC answered (%s). Check the kdc entries of the realm in krb5.conf (KRB5_CONFIG), '
               'DNS, and that TCP and UDP port 88 of a domain controller are reachable from this host' % (action, text))
    elif 'cannot find kdc' in low or 'realm' in low and 'unknown' in low:
        msg = ('Kerberos: %s: the realm of %s is not configured (%s). Add it to krb5.conf (KRB5_CONFIG) or enable '
               'dns_lookup_kdc; write the realm in upper case' % (action, principal, text))
    elif 'preauthentication failed' in low or 'password incorrect' in low or 'integrity check failed' in low:
        msg = ('Kerberos: %s: the password of %s is wrong (%s). Check password (MIMCM_PASSWORD) and that the '
               'account is not locked' % (action, principal, text))
    elif client_unknown:
        msg = ('Kerberos: %s: the KDC does not know %s (%s). Check username: user@REALM, the realm in upper case'
               % (action, principal, text))
    elif 'key table' in low or 'keytab' in low:
        msg = ('Kerberos: %s: the keytab has no usable key for %s (%s). Export a keytab for exactly that principal '
               '(ktpass / ktutil) and give it in kerberos_keytab' % (action, principal, text))
    elif 'expired' in low:
        msg = ('Kerberos: %s: the ticket of %s has expired (%s). Run kinit again, or give username and password '
               '(or kerberos_keytab) so the module gets a ticket itself' % (action, principal, text))
    elif 'no kerberos credentials' in low or 'no credentials' in low or 'not found' in low and 'cache' in low:
        msg = ('Kerberos: %s: no Kerberos ticket (%s). Run kinit user@REALM first (the ticket cache KRB5CCNAME must '
               'be visible to the module), or give username and password (or kerberos_keytab)' % (action, text))
    else:
        msg = ('Kerberos: %s failed (%s). Check the principal %s, krb5.conf (KRB5_CONFIG) and the service principal %s'
               % (action, text, principal, spn))
    return errors.AuthFailed(msg)


def _gss_text(exc):
    try:
        return ' '.join(exc.gen_message().replace('\x00', ' ').split())
    except Exception:  # noqa: BLE001 - a message is all that is wanted
        return type(exc).__name__


def _keytab_path(config):
    """The keytab to read: the file itself, or a private copy decoded from base64 text (AWX)."""
    with open(config.kerberos_keytab, 'rb') as handle:
        data = handle.read()
    if data[:2] in KEYTAB_MAGIC:
        return config.kerberos_keytab
    try:
        decoded = base64.b64decode(b''.join(data.split()), validate=True)
    except (ValueError, TypeError):
        decoded = b''
    if decoded[:2] not in KEYTAB_MAGIC:
        raise errors.InvalidInput('kerberos_keytab %s is neither a keytab file nor a base64-encoded keytab: export '
                                  'it with ktpass or ktutil (AWX: paste base64 -w0 of the file)' % config.kerberos_keytab)
    fd, path = tempfile.mkstemp(prefix='mimcm-', suffix='.keytab')
    with os.fdopen(fd, 'wb') as handle:
        handle.write(decoded)
    atexit.register(_remove, path, os.getpid())
    return path


def _remove(path, pid):
    if os.getpid() == pid:  # not from a forked worker process
        try:
            os.remove(path)
        except OSError:
            pass


def _acquire(config):
    spnego = gssapi.OID.from_int_seq(SPNEGO_OID)
    if config.username:
        principal = principal_name(config.username)
        name = gssapi.Name(principal, gssapi.NameType.kerberos_principal)
    else:
        principal, name = 'the ticket cache (kinit)', None
    try:
        if config.kerberos_keytab:
            store = {b'client_keytab': _keytab_path(config).encode('utf-8'),
                     b'ccache': ('MEMORY:mimcm-%s' % uuid.uuid4().hex).encode('ascii')}
            creds = gssapi.Credentials(name=name, usage='initiate', mechs=[spnego], store=store)
            creds.inquire(name=True, lifetime=True, usage=False, mechs=False)  # the initial ticket, now
        elif config.password:
            # SPNEGO named explicitly: credentials for the default mechanism set would let the Negotiate
            # context fall back to the default ccache (no ticket: a silent 401; another user's: that user)
            creds = gssapi.raw.acquire_cred_with_password(
                name, config.password.encode('utf-8'), usage='initiate', mechs=[spnego]).creds
            creds = gssapi.Credentials(base=creds)
        else:
            creds = gssapi.Credentials(usage='initiate', mechs=[spnego])
            principal = '%s (ticket cache)' % creds.name
            if not creds.lifetime:
                raise kerberos_failure('credentials have expired', 'checking the ticket', principal, 'HTTP/<host>')
    except gssapi.exceptions.GSSError as exc:
        raise kerberos_failure(_gss_text(exc), 'getting a ticket as %s' % principal, principal, 'HTTP/<host>')
    return creds, principal


def kerberos_credentials(config):
    """The initiator credentials of this process, acquired at the first call (one AS exchange per run)."""
    with _LOCK:
        state = config.auth_state.get('kerberos')
        if state is None or state[2] != os.getpid():
            creds, principal = _acquire(config)
            state = config.auth_state['kerberos'] = (creds, principal, os.getpid())
    return state[0], state[1]


if HAS_REQUESTS_GSSAPI:
    class MimCmSPNEGOAuth(requests_gssapi.HTTPSPNEGOAuth):
        """requests-gssapi with typed errors instead of logged ones, and ``mutual_authentication=required`` that
        works with IIS: the server proves itself once per connection (in the answer that completes the
        handshake); later answers on that connection carry no token and are accepted."""

        def __init__(self, principal, **kwargs):
            super(MimCmSPNEGOAuth, self).__init__(**kwargs)
            self.principal = principal
            self._verified = set()

        def spn(self, host):
            target = self.target_name if '@' in self.target_name else '%s@%s' % (self.target_name, host)
            return target.replace('@', '/', 1)

        def generate_request_header(self, response, host, is_preemptive=False):
            flags = []
            if self.mutual_authentication != requests_gssapi.DISABLED:
                flags.append(gssapi.RequirementFlag.mutual_authentication)
            name = self.spn(host).replace('/', '@', 1)
            try:
                self.context[host] = gssapi.SecurityContext(
                    usage='initiate', flags=flags, name=gssapi.Name(name, gssapi.NameType.hostbased_service),
                    creds=self.creds, mech=self.mech)
                token = self.context[host].step(None if is_preemptive else _negotiate_value(response))
            except gssapi.exceptions.GSSError as exc:
                raise kerberos_failure(_gss_text(exc), 'authenticating %s to %s' % (self.principal, self.spn(host)),
                                       self.principal, self.spn(host))
            return 'Negotiate %s' % base64.b64encode(token or b'').decode('ascii')

        def handle_other(self, response):
            if self.mutual_authentication == requests_gssapi.DISABLED:
                return response
            connection = id(getattr(response.raw, 'connection', None) or response)
            if _negotiate_value(response) is not None:
                if not self.authenticate_server(response):
                    raise errors.AuthFailed(
                        'Kerberos: the answer of %s failed mutual authentication: its Negotiate token does not prove '
                        'it holds the key of %s. Check that url reaches the real CM server'
                        % (response.url.split('/')[2], self.spn(response.url.split('/')[2].split(':')[0])))
                self._verified.add(connection)
                return response
            if (self.mutual_authentication == requests_gssapi.OPTIONAL or response.status_code >= 400
                    or connection in self._verified):
                return response
            raise errors.AuthFailed(
                'Kerberos: %s answered without proving its identity (mutual_authentication=required, and this '
                'connection was not mutually authenticated). Use mutual_authentication=optional, or check that the '
                'server sends the final Negotiate token' % response.url.split('/')[2])


def _negotiate_value(response):
    header = response.headers.get('www-authenticate', '') if response is not None else ''
    match = _NEGOTIATE_RE.search(header or '')
    if not match or not match.group(1):
        return None
    return base64.b64decode(match.group(1))


def build_kerberos_auth(config):
    """A new Negotiate auth object for one session, over this process's shared credentials."""
    creds, principal = kerberos_credentials(config)
    mutual = {'optional': requests_gssapi.OPTIONAL, 'required': requests_gssapi.REQUIRED,
              'disabled': requests_gssapi.DISABLED}[config.mutual_authentication or 'optional']
    target = 'HTTP@%s' % config.kerberos_service_host if config.kerberos_service_host else 'HTTP'
    return MimCmSPNEGOAuth(principal, mutual_authentication=mutual, target_name=target, creds=creds)
