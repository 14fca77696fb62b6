# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options: the argument spec (with environment fallbacks) and their validation.

Documented once, in the ``mim.cm.connection`` doc fragment. Keep the two in step.
"""

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
AUTH_METHODS = ('ntlm', 'kerberos', 'bearer', 'none')
CREDENTIAL_AUTH = ('ntlm', 'kerberos', 'bearer')

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
        url=dict(type='str', required=True, fallback=(env_fallback, [ENV_VARS['url']])),
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
    )


CONNECTION_OPTIONS = tuple(connection_argument_spec().keys())

_USER_RE = re.compile(r'^(?:[^\\@/\s:]+\\[^\\@/\s:]+|[^\\@/\s:]+@[^\\@/\s:]+|[^\\@/\s:]+)$')


class ConnectionConfig(object):
    """Validated connection settings. Build with :meth:`from_params`.

    ``secrets`` lists the values that must never appear in any output.
    """

    def __init__(self, url, api_path=DEFAULT_API_PATH, auth='ntlm', username=None, password=None, token=None,
                 validate_certs=True, ca_path=None, timeout=DEFAULT_TIMEOUT, retries=DEFAULT_RETRIES,
                 allow_insecure_http=False):
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
        self.warnings = []
        self._validate()

    @classmethod
    def from_params(cls, params):
        kwargs = dict((k, params.get(k)) for k in CONNECTION_OPTIONS if params.get(k) is not None)
        return cls(**kwargs)

    @property
    def secrets(self):
        return tuple(s for s in (self.password, self.token) if s)

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
        if auth == 'kerberos' and bool(self.username) != bool(self.password):
            raise InvalidInput('auth=kerberos takes both username and password, or neither (to use the '
                               'credential cache from kinit)')
        if self.username is not None and not _USER_RE.match(self.username):
            raise InvalidInput('username %r is not DOMAIN\\user, user@domain or user' % self.username)

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
