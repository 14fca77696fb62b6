# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client for the MIM CM REST API.

* ``requests.Session`` based, one session per thread (thread-local), kept alive: NTLM
  authenticates a connection, so a worker thread pays for its handshake once.
* ``verify=`` is passed on every request: REQUESTS_CA_BUNDLE would otherwise override
  ``Session.verify`` and the user's ``ca_path`` must win.
* Retries with exponential backoff and jitter, honouring ``Retry-After``, for the calls that
  may safely be repeated (GETs, the card status PUT, completing a request) on connection
  errors and HTTP 500/502/503/504. A write is re-checked before it is repeated (a lost
  answer may hide a success).
* ``POST /requests`` is never blindly retried: after an ambiguous failure the client looks
  for the request it may have created (same card, type and comment, not completed) first.
* Errors are raised as the typed exceptions of ``mimcm_errors``; nothing here calls
  ``fail_json``, builds module results, or lets a secret into a message.
"""

import email.utils
import json
import random
import re
import threading
import time
import traceback
import warnings

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_auth import build_auth
from ansible_collections.mim.cm.plugins.module_utils.mimcm_status import (
    OPEN_REQUEST_STATUSES,
    RequestStatus,
    RequestType,
    SmartcardStatus,
    canonical_operations,
)

REQUESTS_IMP_ERR = None
try:
    import requests
    from requests.utils import quote as _quote
    from urllib3.exceptions import InsecureRequestWarning
    HAS_REQUESTS = True
except ImportError:
    REQUESTS_IMP_ERR = traceback.format_exc()
    HAS_REQUESTS = False

USER_AGENT = 'mim.cm-ansible/0.1.0'
RETRY_STATUS_CODES = frozenset((500, 502, 503, 504))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 300.0

GUID_RE = re.compile(r'^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$')
_GUID_ANYWHERE_RE = re.compile(r'([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})')
ZERO_GUID = '00000000-0000-0000-0000-000000000000'


def normalize_guid(value):
    """``{ABC...}`` -> ``abc...``; None when ``value`` is not a GUID."""
    if value is None:
        return None
    match = GUID_RE.match(str(value).strip())
    return match.group(1).lower() if match else None


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/invalid."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, parsed.timestamp() - now)


def _environment_settings(url, verify):
    """``(proxies, verify)`` for ``url`` as requests derives them from the environment per request:
    HTTP(S)_PROXY / ALL_PROXY / NO_PROXY, and REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE when ``verify`` is True."""
    session = requests.Session()
    try:
        settings = session.merge_environment_settings(url, {}, None, verify, None)
    finally:
        session.close()
    return dict(settings.get('proxies') or {}), settings.get('verify', verify)


class _Attempt(object):
    """What one HTTP attempt produced: a response, or a transport failure (typed error)."""

    __slots__ = ('response', 'error', 'ambiguous')

    def __init__(self, response=None, error=None, ambiguous=False):
        self.response = response
        self.error = error
        self.ambiguous = ambiguous


class MimCmClient(object):
    """Client for one MIM CM server. Safe to share between threads.

    ``sleep`` and ``rand`` are injectable for tests.
    """

    def __init__(self, config, sleep=time.sleep, rand=random.random, session_factory=None):
        if not HAS_REQUESTS:
            raise errors.MissingDependency("the Python package 'requests' is required on the host that runs "
                                           "the module (pip install requests requests-ntlm)")
        self.config = config
        self.base_url = config.base_url
        self._verify = config.verify
        self._timeout = config.timeout
        self._retries = config.retries
        self._secrets = config.secrets
        self._sleep = sleep
        self._rand = rand
        self._session_factory = session_factory or requests.Session
        # A session that trusts the environment re-reads the proxy and CA bundle variables on every
        # request (requests' merge_environment_settings: about 0.2-0.4 ms of CPU per call, a quarter
        # of this client's cost per call, issue 6). Every call goes to the same server: resolve them
        # once, exactly as requests would (NO_PROXY honoured; REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE only
        # when verify is True, so ca_path still wins), and hand them to sessions that do not re-read.
        self._proxies, self._verify = _environment_settings(self.base_url, self._verify)
        self._local = threading.local()
        self._sessions = []
        self._lock = threading.Lock()
        self.calls = 0
        self.retried = 0
        if self._verify is False:
            # The module warns once (ConnectionConfig.warnings); urllib3's per-request warning is noise.
            warnings.filterwarnings('ignore', category=InsecureRequestWarning)
        # Fail early on a missing auth dependency (before any HTTP call).
        build_auth(config)

    # ------------------------------------------------------------------ sessions

    def _session(self):
        session = getattr(self._local, 'session', None)
        if session is None:
            session = self._session_factory()
            session.auth = build_auth(self.config)
            session.headers['Accept'] = 'application/json'
            session.headers['User-Agent'] = USER_AGENT
            session.verify = self._verify
            if session.auth is not None:
                # the environment was read once in __init__; netrc (trust_env's last use) only
                # matters to a session without auth
                session.trust_env = False
                session.proxies = dict(self._proxies)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def after_fork(self):
        """In a forked worker process (mimcm_parallel): forget the parent's sessions, never use or close
        its connections, and start with fresh locks and counters."""
        self._inherited = self._sessions  # kept referenced: no close of the parent's sockets from here
        self._local = threading.local()
        self._sessions = []
        self._lock = threading.Lock()
        self.calls = 0
        self.retried = 0

    @property
    def session_count(self):
        return len(self._sessions)

    def close(self):
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        self._local = threading.local()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ plumbing

    def url(self, *segments):
        """Absolute URL of an API path, each segment percent-encoded."""
        return self.base_url + ''.join('/' + _quote(str(s), safe='') for s in segments)

    def redact(self, text):
        return errors.redact(text, self._secrets)

    def backoff(self, attempt, retry_after=None):
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(retry_after, RETRY_AFTER_CAP)
        delay = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt))
        return delay / 2.0 + self._rand() * delay / 2.0

    def _attempt(self, method, url, params=None, body=None):
        with self._lock:
            self.calls += 1
        try:
            response = self._session().request(
                method, url, params=params, json=body, timeout=self._timeout, verify=self._verify,
                allow_redirects=False)
            return _Attempt(response=response)
        except requests.exceptions.SSLError as exc:
            raise errors.TLSError(
                'TLS verification of %s failed (%s). Pass ca_path: the PEM file of the CA that signed the '
                'CM server certificate (MIMCM_CA_PATH), or validate_certs=false for a test server only'
                % (self.config.server, self._short(exc)))
        except requests.exceptions.ConnectTimeout as exc:
            return _Attempt(error=errors.Timeout(
                'connecting to %s timed out after %ss (%s): check url and that the CM server is reachable, '
                'or raise timeout' % (self.config.server, self._timeout, self._short(exc))), ambiguous=False)
        except requests.exceptions.ReadTimeout:
            return _Attempt(error=errors.Timeout(
                'no answer from %s within %ss: the server may be overloaded; raise timeout or retry later'
                % (self.config.server, self._timeout)), ambiguous=True)
        except requests.exceptions.ConnectionError as exc:
            ambiguous = not self._never_sent(exc)
            return _Attempt(error=errors.ConnectionFailed(
                'the connection to %s failed (%s): check url and that the CM server is reachable'
                % (self.config.server, self._short(exc))), ambiguous=ambiguous)
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            # the answer broke off: as ambiguous as a dropped connection
            return _Attempt(error=errors.ConnectionFailed(
                'the connection to %s failed (%s): check url and that the CM server is reachable'
                % (self.config.server, self._short(exc))), ambiguous=True)
        except requests.exceptions.RequestException as exc:
            raise errors.ConnectionFailed('the request to %s failed (%s)' % (self.config.server, self._short(exc)))

    @staticmethod
    def _never_sent(exc):
        text = repr(exc)
        return 'NewConnectionError' in text or 'Connection refused' in text or 'NameResolutionError' in text

    def _short(self, exc):
        text = str(exc) or type(exc).__name__
        text = re.sub(r'<urllib3[^>]*>', '', text)
        if len(text) > 300:
            text = text[:300] + '...'
        return self.redact(text)

    def _retry_after(self, response):
        if response is None:
            return None
        return parse_retry_after(response.headers.get('Retry-After'))

    def _call(self, method, url, action, card=None, params=None, body=None, retry=True, ok=(200, 201, 204)):
        """Send with retries (if ``retry``); return the final response or raise a typed error."""
        attempt = 0
        while True:
            result = self._attempt(method, url, params=params, body=body)
            response = result.response
            retryable = (result.error is not None) or (response.status_code in RETRY_STATUS_CODES)
            if not retryable or not retry or attempt >= self._retries:
                break
            with self._lock:
                self.retried += 1
            self._sleep(self.backoff(attempt, self._retry_after(response)))
            attempt += 1
        if result.error is not None:
            raise self._with_action(result.error, action, card, attempt)
        return self._check(response, action, card, ok)

    def _with_action(self, error, action, card, attempt):
        tries = ' (after %d attempts)' % (attempt + 1) if attempt else ''
        error.message = '%s%s%s: %s' % (action[0].upper() + action[1:], self._for(card), tries, error.message)
        error.card = card
        return error

    @staticmethod
    def _for(card):
        return ' for card %s' % card if card else ''

    def _server_message(self, response):
        try:
            data = response.json()
        except ValueError:
            data = None
        text = None
        if isinstance(data, dict):
            for key in ('Message', 'message', 'error_description', 'error', 'ExceptionMessage', 'detail'):
                if data.get(key):
                    text = data.get(key)
                    break
            if text is None:
                text = json.dumps(data, sort_keys=True)
        elif isinstance(data, str):
            text = data
        if text is None:
            text = (response.text or '').strip()
        text = ' '.join(str(text).split())
        if len(text) > 500:
            text = text[:500] + '...'
        return self.redact(text)

    def _correlation_id(self, response, server_message):
        for header in ('X-Correlation-Id', 'X-Correlation-ID', 'Correlation-Id', 'X-Request-Id'):
            if response.headers.get(header):
                return self.redact(response.headers[header])
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            for key in ('CorrelationId', 'correlationId', 'correlation_id', 'CorrelationID'):
                if data.get(key):
                    return self.redact(str(data[key]))
        return errors.find_correlation_id(server_message)

    def _check(self, response, action, card, ok):
        code = response.status_code
        what = action[0].upper() + action[1:] + self._for(card)
        if code == 204 and 204 in ok:
            return None
        if code in ok and code != 204:
            if not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise errors.ProtocolError(
                    '%s: the server answered HTTP %d with something that is not JSON (%s): check url and '
                    'api_path point at the CM REST API' % (what, code, response.headers.get('Content-Type', '?')),
                    card=card, http_status=code)
        if code == 204:
            raise errors.NotFound('%s: not found (HTTP 204)' % what, card=card, http_status=code)
        message = self._server_message(response)
        if code == 401:
            who = self.config.username or self.config.auth
            raise errors.AuthFailed(
                '%s: authentication as %s failed (HTTP 401, auth=%s). Check username (DOMAIN\\user or '
                'user@domain) and password, or token for auth=bearer' % (what, who, self.config.auth),
                card=card, http_status=code, detail=message)
        if code == 403:
            who = self.config.username or 'the caller'
            raise errors.Forbidden(
                '%s: forbidden (HTTP 403): %s lacks the CM permission for this operation%s. Ask a CM '
                'administrator to grant it, or use an account that has it'
                % (what, who, (' (server: %s)' % message) if message else ''),
                card=card, http_status=code, detail=message)
        if code == 404:
            raise errors.BadRequest(
                '%s: HTTP 404 for %s: check url and api_path (the API lives under %s)'
                % (what, response.request.path_url.split('?')[0] if response.request is not None else '?',
                   self.config.api_path), card=card, http_status=code, detail=message)
        if code >= 500:
            correlation = self._correlation_id(response, message)
            raise errors.ServerError(
                '%s: the CM server failed (HTTP %d%s)%s. %s' % (
                    what, code, ', correlation ID %s' % correlation if correlation else '',
                    (': %s' % message) if message else '',
                    'Give the correlation ID to a CM administrator (CM event log); retry later'
                    if correlation else 'Retry later, or ask a CM administrator to check the CM event log'),
                card=card, http_status=code, detail=message, correlation_id=correlation)
        if 300 <= code < 400:
            raise errors.BadRequest(
                '%s: the server redirected (HTTP %d to %s): check url and api_path, and that the API does not '
                'require an interactive (ADFS) login' % (what, code, self.redact(response.headers.get('Location'))),
                card=card, http_status=code)
        raise errors.BadRequest(
            '%s: rejected by the server (HTTP %d): %s' % (what, code, message or 'no reason given'),
            card=card, http_status=code, detail=message)

    # ------------------------------------------------------------------ smart cards

    def get_card(self, uuid):
        """One card (API shape, PascalCase). Raises NotFound on 204."""
        return self._call('GET', self.url('smartcards', uuid), 'reading the card', card=uuid, ok=(200,))

    def find_card(self, card_id):
        """The card whose physical id (SerialNumber) is ``card_id``. Raises NotFound on 204."""
        data = self._call('GET', self.url('smartcards'), 'looking up the card by card_id',
                          card='with card_id %s' % card_id, params={'cardid': card_id}, ok=(200,))
        if isinstance(data, list):
            if not data:
                raise errors.NotFound('Looking up the card by card_id %s: not found' % card_id)
            data = data[0]
        return data

    def my_cards(self):
        """The smart cards of the authenticated user ([] on 204)."""
        data = self._call('GET', self.url('smartcards'), "listing the caller's smart cards", ok=(200, 204))
        if data is None:
            return []
        return data if isinstance(data, list) else [data]

    def get_operations(self, uuid):
        """What the caller may request for the card: canonical names (``Retire``, ...)."""
        data = self._call('GET', self.url('smartcards', uuid, 'operations'), 'reading the operations',
                          card=uuid, ok=(200, 204))
        if data is None:
            return []
        if isinstance(data, str):
            data = [data]
        return canonical_operations(data)

    def set_card_status(self, request_id, uuid, status):
        """PUT the card status under an executable request. Returns the card (or None on 204).

        Repeated on a transport error or 5xx, but only after a GET shows the card is not already
        in ``status`` (the lost answer may have hidden a success).
        """
        url = self.url('requests', request_id, 'smartcards', uuid)
        action = 'setting the status to %s (request %s)' % (status, request_id)
        return self._write_checked('PUT', url, {'status': status}, action, uuid,
                                   lambda: self._card_in_status(uuid, status))

    def _card_in_status(self, uuid, status):
        card = self.get_card(uuid)
        return card if SmartcardStatus.name(card.get('Status')) == status else None

    # ------------------------------------------------------------------ requests

    def get_request(self, request_id, card=None):
        return self._call('GET', self.url('requests', request_id), 'reading request %s' % request_id,
                          card=card, ok=(200,))

    def list_requests(self, status, target_current=False):
        params = {'status': status}
        if target_current:
            params['targetuser'] = 'current'
        data = self._call('GET', self.url('requests'), 'listing %s requests' % status, params=params,
                          ok=(200, 204))
        if data is None:
            return []
        return data if isinstance(data, list) else [data]

    def list_open_requests(self, statuses=OPEN_REQUEST_STATUSES):
        """The caller's requests that are not finished (Pending, Approved, Executing)."""
        found = []
        for status in statuses:
            found.extend(self.list_requests(status))
        return found

    def set_request_status(self, request_id, status, card=None):
        """PUT /requests/{id} {"status": Completed|Canceled|Abandoned}. Re-checked before a repeat."""
        url = self.url('requests', request_id)
        action = 'marking request %s %s' % (request_id, status)
        return self._write_checked('PUT', url, {'status': status}, action, card,
                                   lambda: self._request_in_status(request_id, status, card))

    def complete_request(self, request_id, card=None):
        return self.set_request_status(request_id, 'Completed', card=card)

    def _request_in_status(self, request_id, status, card):
        data = self.get_request(request_id, card=card)
        return data if RequestStatus.name(data.get('Status')) == status else None

    def _write_checked(self, method, url, body, action, card, check):
        """A state-setting write that is safe to repeat once a read shows it has not happened."""

        def already_done():
            try:
                return check()
            except errors.MimCmError:
                return None  # unknown: the write's own outcome decides
        attempt = 0
        while True:
            result = self._attempt(method, url, body=body)
            response = result.response
            failed = result.error is not None or response.status_code in RETRY_STATUS_CODES
            if not failed:
                if attempt and response.status_code in (400, 409):
                    # A repeat after a lost answer may be refused because the first one worked.
                    done = already_done()
                    if done is not None:
                        return done
                return self._check(response, action, card, ok=(200, 201, 204))
            if attempt >= self._retries:
                break
            with self._lock:
                self.retried += 1
            self._sleep(self.backoff(attempt, self._retry_after(response)))
            attempt += 1
            if result.error is None or result.ambiguous:
                done = already_done()
                if done is not None:
                    return done
        if result.error is None or result.ambiguous:
            done = already_done()
            if done is not None:
                return done
        if result.error is not None:
            raise self._with_action(result.error, action, card, attempt)
        return self._check(response, action, card, ok=(200, 201, 204))

    def create_request(self, request_type, card_uuid, comment='', datacollection=None):
        """POST /requests for an existing card. Returns ``(request_id, recovered)``.

        Never blindly retried: after an ambiguous failure (connection lost, timeout, 5xx) the
        caller's open requests are searched for one of this type, for this card, with this
        comment; ``recovered`` is True when that search found the request the lost answer hid.
        """
        body = {'type': request_type, 'smartcard': card_uuid,
                'datacollection': datacollection if datacollection is not None else [],
                'comment': comment or ''}
        action = 'creating a %s request' % request_type
        url = self.url('requests')
        attempt = 0
        while True:
            result = self._attempt('POST', url, body=body)
            response = result.response
            if result.error is None and response.status_code not in RETRY_STATUS_CODES:
                data = self._check(response, action, card_uuid, ok=(200, 201))
                request_id = self._request_id_from(data, response)
                if not request_id:
                    raise errors.ProtocolError(
                        '%s for card %s: the server answered HTTP %d without a request id'
                        % (action[0].upper() + action[1:], card_uuid, response.status_code), card=card_uuid)
                return request_id, False
            with self._lock:
                self.retried += 1
            self._sleep(self.backoff(attempt, self._retry_after(response)))
            if result.error is None or result.ambiguous:
                found = self.find_open_request(card_uuid, request_type, comment)
                if found:
                    return found, True
            if attempt >= self._retries:
                break
            attempt += 1
        if result.error is not None:
            error = self._with_action(result.error, action, card_uuid, attempt)
            error.message += '; no request of that kind was found on the server afterwards, so none was created'
            raise error
        return self._check(response, action, card_uuid, ok=(200, 201))

    def find_open_request(self, card_uuid, request_type, comment=None, requests_list=None):
        """The id of the newest not-completed request for ``card_uuid`` of ``request_type``
        (and ``comment`` when given), or None."""
        card_uuid = normalize_guid(card_uuid)
        candidates = []
        for item in (self.list_open_requests() if requests_list is None else requests_list):
            if normalize_guid(item.get('OldSmartcardUuid')) != card_uuid:
                continue
            if RequestType.name(item.get('RequestType')) != request_type:
                continue
            if comment is not None and (item.get('Comment') or '') != (comment or ''):
                continue
            if RequestStatus.name(item.get('Status')) not in OPEN_REQUEST_STATUSES:
                continue
            candidates.append(item)
        if not candidates:
            return None
        candidates.sort(key=lambda r: str(r.get('Submitted') or ''))
        return normalize_guid(candidates[-1].get('Uuid'))

    @staticmethod
    def _request_id_from(data, response):
        if isinstance(data, dict):
            return normalize_guid(data.get('Uuid') or data.get('uuid'))
        text = data if isinstance(data, str) else (response.headers.get('Location') or '')
        found = _GUID_ANYWHERE_RE.findall(text or '')
        return found[-1].lower() if found else None
