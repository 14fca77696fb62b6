# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The first-contact probe's own calls and tallies (mimcm_server_info), beside the client's endpoint methods.

* :func:`anonymous_get`: one GET **without credentials** on a bare session set up like the client's (same
  session factory, proxies and CA setting): the authentication schemes the server offers (its
  ``WWW-Authenticate`` headers), and whether TLS verifies. Never retried, never sends a secret.
* :func:`latency`: the median of a few kept-alive calls, and the cost of a new authenticated connection
  (the first call after the client dropped its sessions).
* :class:`ListingTally`: what one name-filtered request listing showed (count, integers, a few samples, who
  the requests involve) without keeping thousands of objects.

Every call here is a GET: the probe never writes.
"""

import os
import re
import time

from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_requests_lib import requests
from ansible_collections.mim.cm.plugins.module_utils.mimcm_transport import USER_AGENT


_clock = getattr(time, 'monotonic', time.time)
SAMPLE_FIELDS = (('Uuid', 'uuid'), ('Status', 'status'), ('RequestType', 'request_type'),
                 ('OriginatorUserUuid', 'originator_user_uuid'), ('TargetUserUuid', 'target_user_uuid'),
                 ('OldSmartcardUuid', 'old_smartcard_uuid'), ('Submitted', 'submitted'))


def median(values):
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2.0


def auth_schemes(values):
    """``['NTLM', 'Negotiate']`` from ``WWW-Authenticate`` values (one value may hold several challenges)."""
    schemes = []
    for value in values:
        for piece in str(value or '').split(','):
            word = piece.strip().split(' ', 1)[0].strip()
            if word and '=' not in word and word not in schemes:
                schemes.append(word)
    return schemes


def header_values(response, name):
    """Every value of a repeated header (requests joins them with commas; urllib3 keeps them apart)."""
    getlist = getattr(getattr(getattr(response, 'raw', None), 'headers', None), 'getlist', None)
    if getlist is not None:
        values = list(getlist(name))
        if values:
            return values
    value = response.headers.get(name)
    return [value] if value else []


def nul_field(obj, name=None):
    """The name of the first field of ``obj`` whose text holds a NUL character, or None."""
    if isinstance(obj, str):
        return (name or 'a value') if '\x00' in obj else None
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, list):
        items = ((name, value) for value in obj)
    else:
        return None
    for key, value in items:
        found = nul_field(value, key)
        if found:
            return found
    return None


# ---------------------------------------------------------------- the transport's own settings

def _settings(client):
    """``(session factory, proxies, verify)`` exactly as the client's transport resolved them."""
    factory = getattr(client, '_session_factory', None) or requests.Session
    return factory, dict(getattr(client, '_proxies', None) or {}), getattr(client, '_verify', client.config.verify)


def ca_setting(client):
    """In words: how the server certificate is verified."""
    config = client.config
    if config.scheme == 'http':
        return 'plain http (no TLS)'
    if not config.validate_certs:
        return 'no verification (validate_certs=false)'
    if config.ca_path:
        return 'ca_path %s' % config.ca_path
    verify = _settings(client)[2]
    if isinstance(verify, str):
        name = 'REQUESTS_CA_BUNDLE' if os.environ.get('REQUESTS_CA_BUNDLE') == verify else 'CURL_CA_BUNDLE'
        return 'the CA bundle of %s (%s)' % (name, verify)
    return 'the CA bundle of the requests package (certifi; no ca_path given)'


def short_error(client, exc):
    text = re.sub(r'<urllib3[^>]*>', '', str(exc) or type(exc).__name__)
    return client.redact(text[:300] + ('...' if len(text) > 300 else ''))


def anonymous_get(client, url, verify=None):
    """GET ``url`` without credentials: ``{'http_status', 'schemes', 'location', 'tls_error', 'error'}``.

    ``verify`` overrides the client's CA setting (the probe passes False only to learn whether a server whose
    certificate failed verification answers at all; nothing secret is ever sent on such a request).
    """
    factory, proxies, resolved = _settings(client)
    out = {'http_status': None, 'schemes': [], 'location': None, 'tls_error': None, 'error': None}
    session = factory()
    try:
        session.auth = None
        session.trust_env = False
        session.proxies = proxies
        session.headers['Accept'] = 'application/json'
        session.headers['User-Agent'] = USER_AGENT
        response = session.get(url, timeout=client.config.timeout, verify=resolved if verify is None else verify,
                               allow_redirects=False)
        out['http_status'] = response.status_code
        out['schemes'] = auth_schemes(header_values(response, 'WWW-Authenticate'))
        if 300 <= response.status_code < 400:
            out['location'] = client.redact(response.headers.get('Location'))
    except requests.exceptions.SSLError as exc:
        out['tls_error'] = short_error(client, exc)
    except requests.exceptions.RequestException as exc:
        out['error'] = short_error(client, exc)
    finally:
        session.close()
    return out


def _timed(call):
    start = _clock()
    call()
    return (_clock() - start) * 1000.0


def latency(client, call, kept_alive=5, fresh=3):
    """Milliseconds: the median of ``kept_alive`` calls on the connection already open, and of ``fresh`` first
    calls on a new authenticated connection (the client's sessions dropped before each: TCP, TLS and the
    NTLM/Kerberos handshake). ``call`` is a cheap authenticated GET; typed errors propagate."""
    call()
    kept = [_timed(call) for dummy in range(kept_alive)]
    new = []
    for dummy in range(fresh):
        client.close()
        new.append(_timed(call))
    kept_ms, new_ms = median(kept), median(new)
    return {'kept_alive_ms': round(kept_ms, 1), 'new_connection_ms': round(new_ms, 1),
            'handshake_ms': round(max(new_ms - kept_ms, 0.0), 1),
            'kept_alive_samples_ms': [round(v, 1) for v in kept], 'new_connection_samples_ms': [round(v, 1) for v in new]}


class ListingTally(object):
    """The ``keep`` function of one ``GET /requests?status=<status>`` listing: counts every item, keeps the first
    ``samples``, and notes the integers, the first NUL field, the users every request involves (``common``) and
    how many involve neither ``caller`` as originator nor as target (``foreign``)."""

    def __init__(self, status, caller=None, samples=3):
        self.status = status
        self.caller = caller
        self.samples = samples
        self.count = 0
        self.codes = {}
        self.types = set()
        self.targets = set()
        self.common = None
        self.foreign = 0
        self.nul = None
        self.error = None

    def __call__(self, item):
        self.count += 1
        code = item.get('Status')
        self.codes[code] = self.codes.get(code, 0) + 1
        if isinstance(item.get('RequestType'), int):
            self.types.add(item['RequestType'])
        target = normalize_guid(item.get('TargetUserUuid'))
        involved = set(u for u in (normalize_guid(item.get('OriginatorUserUuid')), target) if u)
        self.targets.add(target)
        self.common = involved if self.common is None else self.common & involved
        if self.caller and self.caller not in involved:
            self.foreign += 1
        if self.nul is None:
            field = nul_field(item)
            if field:
                self.nul = '%s of request %s' % (field, normalize_guid(item.get('Uuid')) or item.get('Uuid'))
        return self.count <= self.samples

    @staticmethod
    def sample(item):
        out = dict((name, item.get(key)) for key, name in SAMPLE_FIELDS if key in item)
        for name in ('uuid', 'originator_user_uuid', 'target_user_uuid', 'old_smartcard_uuid'):
            if isinstance(out.get(name), str):
                out[name] = normalize_guid(out[name]) or out[name]
        return out

    def result(self, kept, count_targeting_caller=None):
        return {'status': self.status, 'count': self.count, 'count_targeting_caller': count_targeting_caller,
                'integers': sorted(c for c in self.codes if isinstance(c, int)),
                'samples': [self.sample(item) for item in kept or ()], 'error': self.error}
