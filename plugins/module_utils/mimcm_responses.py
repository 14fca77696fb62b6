# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP answers of the CM REST API -> decoded JSON, or one typed error with one clear message.

Every message says what was being done, for which card, what the server said (redacted) and
what to do. Nothing here sends a request.
"""

import json

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors

_MESSAGE_KEYS = ('Message', 'message', 'error_description', 'error', 'ExceptionMessage', 'detail')
_CORRELATION_HEADERS = ('X-Correlation-Id', 'X-Correlation-ID', 'Correlation-Id', 'X-Request-Id')
_CORRELATION_KEYS = ('CorrelationId', 'correlationId', 'correlation_id', 'CorrelationID')


def what(action, card):
    """``reading the card`` + card -> ``Reading the card for card <id>``."""
    return action[0].upper() + action[1:] + (' for card %s' % card if card else '')


def with_action(error, action, card, attempt):
    """A transport error, prefixed with what was being done and how often it was tried."""
    tries = ' (after %d attempts)' % (attempt + 1) if attempt else ''
    error.message = '%s%s: %s' % (what(action, card), tries, error.message)
    error.card = card
    return error


def _json(response):
    try:
        return response.json()
    except ValueError:
        return None


def server_message(response, secrets=()):
    """The server's own words for an error answer, on one line, at most 500 characters, redacted."""
    data = _json(response)
    text = None
    if isinstance(data, dict):
        for key in _MESSAGE_KEYS:
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
    return errors.redact(text, secrets)


def correlation_id(response, message, secrets=()):
    """The correlation id of a 5xx: a header, a JSON key, or (as CM sends it) inside the message text."""
    for header in _CORRELATION_HEADERS:
        if response.headers.get(header):
            return errors.redact(response.headers[header], secrets)
    data = _json(response)
    if isinstance(data, dict):
        for key in _CORRELATION_KEYS:
            if data.get(key):
                return errors.redact(str(data[key]), secrets)
    return errors.find_correlation_id(message)


def decode(response, action, card, ok, config):
    """The JSON of an expected answer (None for an empty one), else raise the typed error for it."""
    code = response.status_code
    doing = what(action, card)
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
                'api_path point at the CM REST API' % (doing, code, response.headers.get('Content-Type', '?')),
                card=card, http_status=code)
    if code == 204:
        raise errors.NotFound('%s: not found (HTTP 204)' % doing, card=card, http_status=code)
    raise error_for(response, doing, card, config)


def error_for(response, doing, card, config):
    """The typed error for an answer that is not the expected one."""
    code = response.status_code
    message = server_message(response, config.secrets)
    if code == 401:
        if config.auth in ('bearer', 'adfs'):
            return errors.AuthFailed(
                '%s: the server refused the %s token (HTTP 401, auth=%s). %s' % (
                    doing, 'ADFS' if config.auth == 'adfs' else 'bearer', config.auth,
                    'Check client_id (%s), client_secret, resource and adfs_url' % getattr(config, 'client_id', None)
                    if config.auth == 'adfs' else
                    'Check token (MIMCM_TOKEN): it may have expired, or be for another resource'),
                card=card, http_status=code)
        who = config.username or 'the Kerberos ticket of the credential cache'
        return errors.AuthFailed(
            '%s: authentication as %s failed (HTTP 401, auth=%s). Check username (DOMAIN\\user or '
            'user@domain) and password' % (doing, who, config.auth), card=card, http_status=code)
    if code == 403:
        who = config.username or 'the caller'
        return errors.Forbidden(
            '%s: forbidden (HTTP 403): %s lacks the CM permission for this operation%s. Ask a CM '
            'administrator to grant it, or use an account that has it'
            % (doing, who, (' (server: %s)' % message) if message else ''), card=card, http_status=code)
    if code == 404:
        path = response.request.path_url.split('?')[0] if response.request is not None else '?'
        return errors.BadRequest('%s: HTTP 404 for %s: check url and api_path (the API lives under %s)'
                                 % (doing, path, config.api_path), card=card, http_status=code)
    if code >= 500:
        correlation = correlation_id(response, message, config.secrets)
        return errors.ServerError(
            '%s: the CM server failed (HTTP %d%s)%s. %s' % (
                doing, code, ', correlation ID %s' % correlation if correlation else '',
                (': %s' % message) if message else '',
                'Give the correlation ID to a CM administrator (CM event log); retry later'
                if correlation else 'Retry later, or ask a CM administrator to check the CM event log'),
            card=card, http_status=code, correlation_id=correlation)
    if 300 <= code < 400:
        return errors.BadRequest(
            '%s: the server redirected (HTTP %d to %s): check url and api_path, and that the API does not '
            'require an interactive (ADFS) login'
            % (doing, code, errors.redact(response.headers.get('Location'), config.secrets)),
            card=card, http_status=code)
    return errors.BadRequest('%s: rejected by the server (HTTP %d): %s' % (doing, code, message or 'no reason given'),
                             card=card, http_status=code)
