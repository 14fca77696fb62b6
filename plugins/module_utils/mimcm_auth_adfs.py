# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""auth=adfs: an OAuth 2.0 bearer token from ADFS (client credentials grant), obtained by the collection.

One :class:`AdfsTokenSource` per module process (kept in ``config.auth_state``) holds the token for
every thread's session: it is fetched once, renewed shortly before it expires, and renewed once
when the CM server answers 401 to it (a response hook of :class:`AdfsAuth` re-sends that request
with the new token, so the HTTP client needs no ADFS code). The client secret and the tokens never
appear in a message, a result or a log: every token obtained is added to ``config.secrets``.
"""

import threading
import time

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_requests_lib import AuthBase, requests

# renew a token when less than this share of its lifetime (at most RENEW_MARGIN_MAX seconds) is left
RENEW_SHARE = 0.2
RENEW_MARGIN_MAX = 120.0
DEFAULT_LIFETIME = 3600
_LOCK = threading.Lock()


class AdfsTokenSource(object):
    """The access token of this process for one ADFS client and resource. Thread-safe."""

    def __init__(self, config, session_factory=None, clock=time.time):
        self.token_url = config.adfs_token_url
        self.client_id = config.client_id
        self.resource = config.resource
        self._secret = config.client_secret
        self._verify = config.verify
        self._timeout = config.timeout
        self._obtained = config.obtained_secrets
        self._redact = config.secrets
        self._session_factory = session_factory or requests.Session
        self._clock = clock
        self._lock = threading.Lock()
        self._token = None
        self._renew_at = 0.0
        self.fetched = 0

    def __repr__(self):
        return '<AdfsTokenSource client_id=%s token=********>' % self.client_id

    def token(self):
        """The current token; a new one when there is none or it is about to expire."""
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self._fetch()
            return self._token

    def renew(self, rejected):
        """A new token after the server rejected ``rejected`` (unless another thread renewed it already)."""
        with self._lock:
            if self._token == rejected or self._token is None:
                self._fetch()
            return self._token

    def _fetch(self):
        where = 'ADFS %s' % self.token_url
        form = {'grant_type': 'client_credentials', 'client_id': self.client_id, 'client_secret': self._secret,
                'resource': self.resource}
        session = self._session_factory()
        try:
            response = session.post(self.token_url, data=form, timeout=self._timeout, verify=self._verify,
                                    headers={'Accept': 'application/json'}, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise errors.TLSError('TLS verification of %s failed (%s): ca_path (MIMCM_CA_PATH) must also hold the CA '
                                  'of the ADFS server certificate (a PEM file can hold several), or validate_certs=false '
                                  'for a test server only' % (where, self._short(exc)))
        except requests.exceptions.RequestException as exc:
            raise errors.ConnectionFailed('could not get a token from %s (%s): check adfs_url and that the ADFS server '
                                          'is reachable from this host' % (where, self._short(exc)))
        finally:
            session.close()
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            data = {}
        token = data.get('access_token')
        if response.status_code == 200 and isinstance(token, str) and token:
            try:
                lifetime = float(data.get('expires_in') or DEFAULT_LIFETIME)
            except (TypeError, ValueError):
                lifetime = DEFAULT_LIFETIME
            self._obtained.append(token)
            self._token = token
            self._renew_at = self._clock() + lifetime - min(RENEW_MARGIN_MAX, lifetime * RENEW_SHARE)
            self.fetched += 1
            return
        raise self._refusal(response, data, where)

    def _refusal(self, response, data, where):
        code = response.status_code
        error = self._text(data.get('error'))
        detail = self._text(data.get('error_description'))
        said = '%s: %s' % (error, detail) if detail else error
        if error == 'invalid_client':
            return errors.AuthFailed('%s refused client %s (HTTP %d, %s): check client_id and client_secret '
                                     '(MIMCM_CLIENT_ID, MIMCM_CLIENT_SECRET) against the ADFS server application'
                                     % (where, self.client_id, code, said), http_status=code)
        if error in ('invalid_resource', 'invalid_scope', 'unauthorized_client'):
            return errors.AuthFailed('%s refused a token for resource %s (HTTP %d, %s): set resource to the identifier '
                                     'of the CM relying party trust in ADFS (by default https://<CM host>/certificatemanagement) '
                                     'and grant the client access to it' % (where, self.resource, code, said),
                                     http_status=code)
        if error:
            return errors.AuthFailed('%s refused the token request of client %s (HTTP %d, %s): check adfs_url, client_id, '
                                     'client_secret and resource' % (where, self.client_id, code, said), http_status=code)
        if 300 <= code < 400:
            return errors.AuthFailed('%s redirected (HTTP %d): adfs_url must be the ADFS server itself, e.g. '
                                     'https://adfs.contoso.com (the token endpoint /adfs/oauth2/token is appended)'
                                     % (where, code), http_status=code)
        return errors.AuthFailed('%s answered HTTP %d without an access token: check adfs_url (the token endpoint is '
                                 '<ADFS server>/adfs/oauth2/token) and that OAuth client credentials are enabled there'
                                 % (where, code), http_status=code)

    def _text(self, value):
        text = ' '.join(str(value).split()) if value else ''
        if len(text) > 300:
            text = text[:300] + '...'
        return errors.redact(text, self._redact)

    def _short(self, exc):
        return self._text(str(exc) or type(exc).__name__)


class AdfsAuth(AuthBase):
    """``Authorization: Bearer <ADFS token>`` from the shared source; renews it once on a 401."""

    def __init__(self, source):
        self._source = source

    def __repr__(self):
        return '<AdfsAuth client_id=%s token=********>' % self._source.client_id

    def __call__(self, request):
        request.headers['Authorization'] = 'Bearer %s' % self._source.token()
        request.register_hook('response', self._on_response)
        return request

    def _on_response(self, response, **kwargs):
        request = response.request
        if response.status_code != 401 or getattr(request, 'mimcm_renewed', False):
            return response
        rejected = request.headers.get('Authorization', '')[len('Bearer '):]
        token = self._source.renew(rejected)
        response.content  # noqa: B018 - read the body so the connection can be reused
        response.close()
        retry = request.copy()
        retry.headers['Authorization'] = 'Bearer %s' % token
        retry.mimcm_renewed = True  # one renewal per request
        again = response.connection.send(retry, **kwargs)
        again.history.append(response)
        again.request = retry
        return again


def build_adfs_auth(config):
    """A new auth object for one session over this process's token source (the first token is fetched now,
    so a bad client secret fails before any card is touched)."""
    with _LOCK:
        source = config.auth_state.get('adfs')
        if source is None:
            source = config.auth_state['adfs'] = AdfsTokenSource(config)
    source.token()
    return AdfsAuth(source)
