# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options: the argument spec (with environment fallbacks) and their validation.

Documented once, in the ``mim.cm.connection`` doc fragment. Keep the two in step.
"""

import itertools
import os
import re

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, keeps the import sanity test quiet
    from urlparse import urlsplit  # type: ignore

DEFAULT_API_PATH = '/CertificateManagement/api/v1.0'
DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 3
AUTH_METHODS = ('ntlm', 'kerberos', 'adfs', 'bearer', 'none')
CREDENTIAL_AUTH = ('ntlm', 'kerberos', 'adfs', 'bearer')
MUTUAL_AUTHENTICATION = ('optional', 'required', 'disabled')
ADFS_TOKEN_PATH = '/adfs/oauth2/token'
# The identifier of the CM relying party trust that Microsoft's ConfigureMimCMClientAndRelyingParty.ps1
# registers in ADFS: "https://" + the CM server FQDN + "/certificatemanagement".
RESOURCE_PATH = '/certificatemanagement'

ENV_VARS = {
    'url': 'MIMCM_URL',
    'api_path': 'MIMCM_API_PATH',
    'auth': 'MIMCM_AUTH',
    'username': 'MIMCM_USERNAME',
    'password': 'MIMCM_PASSWORD',
    'token': 'MIMCM_TOKEN',
    'validate_certs': 'MIMCM_VALIDATE_CERTS',
    'ca_path': 'MIMCM_CA_PATH',
    'timeout': 'MIMCM_TIMEOUT',
    'retries': 'MIMCM_RETRIES',
    'allow_insecure_http': 'MIMCM_ALLOW_INSECURE_HTTP',
    'kerberos_service_host': 'MIMCM_KERBEROS_SERVICE_HOST',
    'kerberos_keytab': 'MIMCM_KERBEROS_KEYTAB',
    'mutual_authentication': 'MIMCM_MUTUAL_AUTHENTICATION',
    'adfs_url': 'MIMCM_ADFS_URL',
    'client_id': 'MIMCM_CLIENT_ID',
    'client_secret': 'MIMCM_CLIENT_SECRET',
    'resource': 'MIMCM_RESOURCE',
}


def env_fallback(*names):
    """The first of ``names`` set to a non-empty value in the environment.

    Unlike ansible's own env_fallback, an empty variable counts as unset: AWX injects every
    variable of a credential type, a field the user left empty as "".
    """
    for name in names:
        value = os.environ.get(name)
        if value is not None and value.strip() != '':
            return value
    raise AnsibleFallbackNotFound


def connection_argument_spec():
    """A fresh copy of the connection options' argument spec."""
    return dict(
        # required, but checked by ConnectionConfig, so that its message (and not Ansible's generic one) is given
        url=dict(type='str', fallback=(env_fallback, [ENV_VARS['url']])),
        api_path=dict(type='str', default=DEFAULT_API_PATH, fallback=(env_fallback, [ENV_VARS['api_path']])),
        auth=dict(type='str', default='ntlm', choices=list(AUTH_METHODS),
                  fallback=(env_fallback, [ENV_VARS['auth']])),
        username=dict(type='str', fallback=(env_fallback, [ENV_VARS['username']])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, [ENV_VARS['password']])),
        token=dict(type='str', no_log=True, fallback=(env_fallback, [ENV_VARS['token']])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, [ENV_VARS['validate_certs']])),
        ca_path=dict(type='path', fallback=(env_fallback, [ENV_VARS['ca_path']])),
        timeout=dict(type='float', default=DEFAULT_TIMEOUT, fallback=(env_fallback, [ENV_VARS['timeout']])),
        retries=dict(type='int', default=DEFAULT_RETRIES, fallback=(env_fallback, [ENV_VARS['retries']])),
        allow_insecure_http=dict(type='bool', default=False,
                                 fallback=(env_fallback, [ENV_VARS['allow_insecure_http']])),
        kerberos_service_host=dict(type='str', fallback=(env_fallback, [ENV_VARS['kerberos_service_host']])),
        kerberos_keytab=dict(type='path', no_log=False, fallback=(env_fallback, [ENV_VARS['kerberos_keytab']])),
        mutual_authentication=dict(type='str', default='optional', choices=list(MUTUAL_AUTHENTICATION),
                                   fallback=(env_fallback, [ENV_VARS['mutual_authentication']])),
        adfs_url=dict(type='str', fallback=(env_fallback, [ENV_VARS['adfs_url']])),
        client_id=dict(type='str', fallback=(env_fallback, [ENV_VARS['client_id']])),
        client_secret=dict(type='str', no_log=True, fallback=(env_fallback, [ENV_VARS['client_secret']])),
        resource=dict(type='str', fallback=(env_fallback, [ENV_VARS['resource']])),
    )


CONNECTION_OPTIONS = tuple(connection_argument_spec().keys())

_HOST_RE = re.compile(r'^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$')
_USER_RE = re.compile(r'^(?:[^\\@/\s:]+\\[^\\@/\s:]+|[^\\@/\s:]+@[^\\@/\s:]+|[^\\@/\s:]+)$')


class SecretValues(tuple):
    """A tuple of the secrets known now that, when iterated, also yields the ones added later to
    ``later`` (tokens obtained during the run), so a copy kept by the client or the audit log redacts
    them too. Compares and counts as the tuple of the secrets known at creation."""

    def __new__(cls, known, later):
        self = super(SecretValues, cls).__new__(cls, tuple(known))
        self._later = later
        return self

    def __iter__(self):
        return itertools.chain(tuple.__iter__(self), list(self._later))


class ConnectionConfig(object):
    """Validated connection settings. Build with :meth:`from_params`.

    ``secrets`` lists the values that must never appear in any output.
    """

    def __init__(self, url, api_path=DEFAULT_API_PATH, auth='ntlm', username=None, password=None, token=None,
                 validate_certs=True, ca_path=None, timeout=DEFAULT_TIMEOUT, retries=DEFAULT_RETRIES,
                 allow_insecure_http=False, kerberos_service_host=None, kerberos_keytab=None,
                 mutual_authentication='optional', adfs_url=None, client_id=None, client_secret=None,
                 resource=None):
        self.url = url
        self.api_path = api_path
        self.auth = auth
        self.username = username
        self.password = password
        self.token = token
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.retries = retries
        self.allow_insecure_http = allow_insecure_http
        self.kerberos_service_host = kerberos_service_host
        self.kerberos_keytab = kerberos_keytab
        self.mutual_authentication = mutual_authentication
        self.adfs_url = adfs_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.resource = resource
        self.warnings = []
        # secrets obtained during the run (ADFS access tokens): see ``secrets``
        self.obtained_secrets = []
        # per-process state of the auth methods (an ADFS token source, Kerberos credentials), shared
        # by every thread's session: mimcm_auth keeps it here
        self.auth_state = {}
        self._validate()

    @classmethod
    def from_params(cls, params):
        kwargs = dict((k, params.get(k)) for k in CONNECTION_OPTIONS if params.get(k) is not None)
        kwargs.setdefault('url', None)  # missing: _validate says so in the collection's words
        return cls(**kwargs)

    @property
    def secrets(self):
        """The values that must never appear in any output: password, token, client_secret, and the
        tokens obtained later in the run. A copy taken now still covers those later tokens."""
        return SecretValues((s for s in (self.password, self.token, self.client_secret) if s), self.obtained_secrets)

    @property
    def verify(self):
        """The ``verify=`` value for every request: the user's ca_path wins over REQUESTS_CA_BUNDLE."""
        if not self.validate_certs:
            return False
        if self.ca_path:
            return self.ca_path
        return True

    def _validate(self):
        url = (self.url or '').strip()
        if not url:
            raise InvalidInput('url is required (or set MIMCM_URL): the CM server, e.g. https://cm.contoso.com')
        parts = urlsplit(url)
        scheme = (parts.scheme or '').lower()
        if scheme not in ('http', 'https') or not parts.hostname:
            raise InvalidInput("url %r is not an http(s) URL: give the CM server, e.g. https://cm.contoso.com" % url)
        if parts.username or parts.password or '@' in parts.netloc:
            raise InvalidInput('url must not carry credentials: set username/password (or token) instead')
        if parts.query or parts.fragment:
            raise InvalidInput('url %s must not have a query or fragment' % parts.hostname)
        self.scheme = scheme

        auth = (self.auth or 'ntlm').strip().lower()
        if auth not in AUTH_METHODS:
            raise InvalidInput('auth %r is not one of %s' % (self.auth, ', '.join(AUTH_METHODS)))
        self.auth = auth

        api_path = (self.api_path if self.api_path is not None else DEFAULT_API_PATH).strip()
        if api_path and not api_path.startswith('/'):
            api_path = '/' + api_path
        api_path = api_path.rstrip('/')
        base_path = parts.path.rstrip('/')
        if api_path and base_path.lower().endswith(api_path.lower()):
            # The user gave the API URL itself: do not append the path twice.
            api_path = ''
        self.base_url = '%s://%s%s%s' % (scheme, parts.netloc, base_path, api_path)
        self.server = '%s://%s' % (scheme, parts.netloc)

        if auth == 'ntlm':
            if not self.username or not self.password:
                raise InvalidInput('auth=ntlm needs username (DOMAIN\\user or user@domain) and password '
                                   '(or MIMCM_USERNAME and MIMCM_PASSWORD)')
        if auth == 'bearer' and not self.token:
            raise InvalidInput('auth=bearer needs token (or MIMCM_TOKEN)')
        if self.username is not None and not _USER_RE.match(self.username):
            raise InvalidInput('username %r is not DOMAIN\\user, user@domain or user' % self.username)
        self._validate_kerberos(auth)
        self._validate_adfs(auth, parts)

        if scheme == 'http':
            if auth in CREDENTIAL_AUTH and not self.allow_insecure_http:
                raise InvalidInput(
                    'refusing to send %s credentials over plain http (%s): use https, or set '
                    'allow_insecure_http=true (MIMCM_ALLOW_INSECURE_HTTP) if you accept that risk' % (auth, self.server))
            self.warnings.append('Connecting to %s over plain http: traffic is not encrypted' % self.server)

        if not self.validate_certs and scheme == 'https':
            self.warnings.append('validate_certs=false: the certificate of %s is not verified; pass ca_path '
                                 'instead' % self.server)
        if self.ca_path:
            if not os.path.exists(self.ca_path):
                raise InvalidInput('ca_path %s does not exist: give the PEM file (or c_rehash directory) of the CA '
                                   'that signed the CM server certificate' % self.ca_path)

        try:
            self.timeout = float(self.timeout if self.timeout is not None else DEFAULT_TIMEOUT)
        except (TypeError, ValueError):
            raise InvalidInput('timeout %r is not a number of seconds' % (self.timeout,))
        if self.timeout <= 0:
            raise InvalidInput('timeout must be more than 0 seconds, got %s' % self.timeout)
        try:
            self.retries = int(self.retries if self.retries is not None else DEFAULT_RETRIES)
        except (TypeError, ValueError):
            raise InvalidInput('retries %r is not a whole number' % (self.retries,))
        if self.retries < 0 or self.retries > 20:
            raise InvalidInput('retries must be between 0 and 20, got %s' % self.retries)

    def _validate_kerberos(self, auth):
        mutual = (self.mutual_authentication or 'optional').strip().lower()
        if mutual not in MUTUAL_AUTHENTICATION:
            raise InvalidInput('mutual_authentication %r is not one of %s'
                               % (self.mutual_authentication, ', '.join(MUTUAL_AUTHENTICATION)))
        self.mutual_authentication = mutual
        host = (self.kerberos_service_host or '').strip() or None
        if host is not None and not _HOST_RE.match(host):
            raise InvalidInput('kerberos_service_host %r is not a host name: give the host of the service principal '
                               'HTTP/<host>, e.g. cmweb01.contoso.com (no scheme, port or HTTP/ prefix)' % host)
        self.kerberos_service_host = host
        if auth != 'kerberos':
            for name in ('kerberos_service_host', 'kerberos_keytab'):
                if getattr(self, name):
                    self.warnings.append('%s is ignored: it is only used with auth=kerberos' % name)
            return
        if self.kerberos_keytab:
            if self.password or not self.username:
                raise InvalidInput('auth=kerberos with kerberos_keytab needs username (the principal in the keytab, '
                                   'e.g. svc-ansible@CONTOSO.COM) and no password')
            if not os.path.isfile(self.kerberos_keytab):
                raise InvalidInput('kerberos_keytab %s does not exist: give the keytab file of %s on the host that '
                                   'runs the module' % (self.kerberos_keytab, self.username))
        elif bool(self.username) != bool(self.password):
            raise InvalidInput('auth=kerberos takes both username and password, or neither (to use the '
                               'credential cache from kinit)')

    def _validate_adfs(self, auth, parts):
        if auth != 'adfs':
            for name in ('adfs_url', 'client_id', 'client_secret'):
                if getattr(self, name):
                    self.warnings.append('%s is ignored: it is only used with auth=adfs' % name)
            return
        missing = [name for name in ('adfs_url', 'client_id', 'client_secret') if not getattr(self, name)]
        if missing:
            raise InvalidInput('auth=adfs needs adfs_url, client_id and client_secret (or MIMCM_ADFS_URL, '
                               'MIMCM_CLIENT_ID and MIMCM_CLIENT_SECRET); missing: %s' % ', '.join(missing))
        adfs = urlsplit(self.adfs_url.strip())
        if (adfs.scheme or '').lower() not in ('http', 'https') or not adfs.hostname or adfs.query or \
                adfs.username or '@' in adfs.netloc:
            raise InvalidInput('adfs_url %r is not an http(s) URL of the ADFS server: give e.g. '
                               'https://adfs.contoso.com (the token endpoint /adfs/oauth2/token is appended)'
                               % self.adfs_url)
        if adfs.scheme.lower() == 'http' and not self.allow_insecure_http:
            raise InvalidInput('refusing to send the ADFS client secret over plain http (%s): use https, or set '
                               'allow_insecure_http=true (MIMCM_ALLOW_INSECURE_HTTP) if you accept that risk'
                               % adfs.netloc)
        path = adfs.path.rstrip('/')
        if not path.lower().endswith('/oauth2/token'):
            path += '/oauth2/token' if path.lower().endswith('/adfs') else ADFS_TOKEN_PATH
        self.adfs_token_url = '%s://%s%s' % (adfs.scheme.lower(), adfs.netloc, path)
        resource = (self.resource or '').strip()
        if not resource:
            host = '[%s]' % parts.hostname if ':' in parts.hostname else parts.hostname
            resource = 'https://%s%s%s' % (host, '' if parts.port in (None, 443) else ':%d' % parts.port, RESOURCE_PATH)
        self.resource = resource
