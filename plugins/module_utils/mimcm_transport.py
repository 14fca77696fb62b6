# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport to one CM server: sessions, and the ONE retry loop.

* ``requests.Session`` per thread, kept alive: NTLM and Kerberos (IIS) authenticate a connection,
  so a worker thread pays for its handshake once. A forked worker process starts with none.
* ``verify=`` is passed on every request: REQUESTS_CA_BUNDLE would otherwise override
  ``Session.verify`` and the user's ``ca_path`` must win.
* :meth:`Transport.send` is the only place that repeats a call. What may be repeated is the call's
  resend policy (mimcm_retry.py): a read is simply sent again; a write that sets a state is re-checked first
  (a lost answer may hide a success); creating a request is never sent again before the client has
  looked for the request it may already have made.
* Errors are the typed exceptions of ``mimcm_errors`` (the answer mapping is mimcm_responses.py);
  nothing here calls ``fail_json`` or lets a secret into a message.
"""

import random
import re
import threading
import time
import warnings

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils import mimcm_responses as responses
from ansible_collections.mim.cm.plugins.module_utils.mimcm_auth import build_auth
from ansible_collections.mim.cm.plugins.module_utils.mimcm_json_stream import StreamError, iter_items
from ansible_collections.mim.cm.plugins.module_utils.mimcm_requests_lib import (
    HAS_REQUESTS,
    InsecureRequestWarning,
    environment_settings,
    quote,
    requests,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_run_guard import RunGuard, stops_the_run
from ansible_collections.mim.cm.plugins.module_utils.mimcm_retry import READ, RETRY_STATUS_CODES, backoff, parse_retry_after

USER_AGENT = 'mim.cm-ansible/0.2.0'


_NOTHING = object()


class _Attempt(object):
    """What one HTTP attempt produced: a response (and, streamed, the items kept), or a transport failure."""

    __slots__ = ('response', 'error', 'ambiguous', 'kept')

    def __init__(self, response=None, error=None, ambiguous=False, kept=_NOTHING):
        self.response = response
        self.error = error
        self.ambiguous = ambiguous
        self.kept = kept

    @property
    def failed(self):
        return self.error is not None or self.response.status_code in RETRY_STATUS_CODES

    @property
    def maybe_acted(self):
        """The server may have acted on the request (an answer came, or the connection broke after sending)."""
        return self.error is None or self.ambiguous


class Transport(object):
    """Sessions and the retry loop for one server. Safe to share between threads.

    ``sleep`` and ``rand`` are injectable for tests.
    """

    def __init__(self, config, sleep=time.sleep, rand=random.random, session_factory=None):
        if not HAS_REQUESTS:
            raise errors.MissingDependency("the Python package 'requests' is required on the host that runs "
                                           "the module (pip install requests requests-ntlm)")
        self.config = config
        self.base_url = config.base_url
        self._timeout = config.timeout
        self._retries = config.retries
        self._sleep = sleep
        self._rand = rand
        self._session_factory = session_factory or requests.Session
        # A session that trusts the environment re-reads the proxy and CA bundle variables on every
        # request (about a quarter of the client's CPU per call, issue 6). Every call goes to the same
        # server: resolve them once, exactly as requests would (NO_PROXY honoured; REQUESTS_CA_BUNDLE /
        # CURL_CA_BUNDLE only when verify is True, so ca_path still wins).
        self._proxies, self._verify = environment_settings(self.base_url, config.verify)
        self._local = threading.local()
        self._sessions = []
        self._lock = threading.Lock()
        self.calls = 0
        self.retried = 0
        self.guard = RunGuard()
        if self._verify is False:
            # The module warns once (ConnectionConfig.warnings); urllib3's per-request warning is noise.
            warnings.filterwarnings('ignore', category=InsecureRequestWarning)
        build_auth(config)  # fail early on a missing auth dependency, before any HTTP call

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
        self.guard.after_fork()

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

    # ------------------------------------------------------------------ calls

    def url(self, *segments):
        """Absolute URL of an API path, each segment percent-encoded."""
        return self.base_url + ''.join('/' + quote(str(s), safe='') for s in segments)

    def redact(self, text):
        return errors.redact(text, self.config.secrets)

    def backoff(self, attempt, retry_after=None):
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        return backoff(attempt, retry_after, self._rand)

    def send(self, method, url, action, card=None, **kwargs):
        """Send with the ``resend`` policy; return the decoded answer (None for no body) or raise a typed error.

        ``location``: an empty answer returns its ``Location`` header instead (a created resource).
        ``keep``: read a JSON array answer item by item as it arrives and return the list of the items for
        which ``keep(item)`` is true (an answer of thousands of objects never sits in memory whole).
        A failure about the server or the credentials stops the run (mimcm_run_guard); later calls raise
        RunStopped without touching the network."""
        self.guard.check(action, card)
        with self.guard.gate():
            self.guard.check(action, card)
            try:
                return self._send(method, url, action, card, **kwargs)
            except errors.MimCmError as exc:
                if stops_the_run(exc):
                    self.guard.trip(exc)
                raise

    def _send(self, method, url, action, card, params=None, body=None, ok=(200,), resend=READ, location=False,
              keep=None):
        attempt = 0
        refusals = []  # the server's words for each 5xx of a checked write
        while True:
            result = self._attempt(method, url, params, body, stream=keep is not None)
            if keep is not None and not result.failed and result.response.status_code == 200:
                result = self._consume(result, keep)
            if not result.failed:
                if result.kept is not _NOTHING:
                    return result.kept
                if attempt and resend.recheck_refusal and result.response.status_code in (400, 409):
                    done = resend.ask()
                    if done is not None:
                        return done
                return self._decode(result.response, action, card, ok, location)
            if result.error is None and resend.recheck_refusal:
                refusals.append(responses.server_message(result.response, self.config.secrets))
            if not resend.retry or attempt >= self._retries:
                break
            with self._lock:
                self.retried += 1
            self._sleep(self.backoff(attempt, self._retry_after(result.response)))
            attempt += 1
            if result.maybe_acted:
                done = resend.ask()
                if done is not None:
                    return done
        if result.maybe_acted:
            done = resend.ask()
            if done is not None:
                return done
        if result.error is not None:
            error = responses.with_action(result.error, action, card, attempt)
            error.unreachable = not result.ambiguous
            if resend.give_up_note:
                error.message += resend.give_up_note
            raise error
        try:
            return self._decode(result.response, action, card, ok, location)
        except errors.ServerError as exc:
            if resend.recheck_refusal and len(refusals) > 1 and len(set(refusals)) == 1:
                exc.message += ('. The server gave the same error to every attempt and a re-check shows the change '
                                'did not happen: this is probably CM refusing the change (a lifecycle rule), not a '
                                'passing fault; check the card and its request in the CM portal')
            raise

    def _decode(self, response, action, card, ok, location):
        data = responses.decode(response, action, card, ok, self.config)
        if data is None and location:
            return response.headers.get('Location')
        return data

    def _consume(self, result, keep):
        """The kept items of a streamed answer; a broken-off or malformed stream is a failed attempt."""
        response = result.response
        try:
            kept = [item for item in iter_items(response.iter_content(65536)) if keep(item)]
        except StreamError as exc:
            return _Attempt(error=errors.ProtocolError('the answer of %s is not a JSON list (%s): check url and '
                                                       'api_path point at the CM REST API'
                                                       % (self.config.server, exc)), ambiguous=True)
        except (requests.exceptions.RequestException, OSError) as exc:
            return _Attempt(error=self._unreachable(exc), ambiguous=True)
        finally:
            response.close()
        return _Attempt(response=response, kept=kept)

    def _attempt(self, method, url, params, body, stream=False):
        with self._lock:
            self.calls += 1
        server = self.config.server
        try:
            response = self._session().request(
                method, url, params=params, json=body, timeout=self._timeout, verify=self._verify,
                allow_redirects=False, stream=stream)
            if stream and response.status_code != 200:
                response.content  # pylint: disable=pointless-statement  # read whole: the connection is reused
            if response.status_code != 401:
                self.guard.passed()
            return _Attempt(response=response)
        except requests.exceptions.SSLError as exc:
            raise errors.TLSError(
                'TLS verification of %s failed (%s). Pass ca_path: the PEM file of the CA that signed the '
                'CM server certificate (MIMCM_CA_PATH), or validate_certs=false for a test server only'
                % (server, self._short(exc)))
        except requests.exceptions.ConnectTimeout as exc:
            return _Attempt(error=errors.Timeout(
                'connecting to %s timed out after %ss (%s): check url and that the CM server is reachable, '
                'or raise timeout' % (server, self._timeout, self._short(exc))), ambiguous=False)
        except requests.exceptions.ReadTimeout:
            return _Attempt(error=errors.Timeout(
                'no answer from %s within %ss: the server may be overloaded; raise timeout or retry later'
                % (server, self._timeout)), ambiguous=True)
        except requests.exceptions.ConnectionError as exc:
            return _Attempt(error=self._unreachable(exc), ambiguous=not self._never_sent(exc))
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            return _Attempt(error=self._unreachable(exc), ambiguous=True)  # the answer broke off
        except requests.exceptions.RequestException as exc:
            raise errors.ConnectionFailed('the request to %s failed (%s)' % (server, self._short(exc)))

    def _unreachable(self, exc):
        return errors.ConnectionFailed('the connection to %s failed (%s): check url and that the CM server is '
                                       'reachable' % (self.config.server, self._short(exc)))

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

    @staticmethod
    def _retry_after(response):
        if response is None:
            return None
        return parse_retry_after(response.headers.get('Retry-After'))
