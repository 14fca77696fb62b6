# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors raised by the MIM CM client.

The client never calls fail_json: it raises one of these, and the module turns it into one
message. Every message says what failed, for which card (when there is one), and what to do.
Messages never carry a secret: the client passes every piece of server or library text
through :func:`redact` first.
"""

import re

REDACTED = '********'

_CORRELATION_RE = re.compile(
    r'correlation[ _-]?id\W{0,3}([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[\w-]{6,64})',
    re.IGNORECASE)
_AUTH_HEADER_RE = re.compile(r'((?:authorization|cookie|set-cookie|www-authenticate)\W{1,4})([^\s,\'"}]+(?: [^\s,\'"}]+)?)',
                             re.IGNORECASE)


def redact(text, secrets=()):
    """Remove secret values (and anything that looks like an auth header value) from text."""
    if text is None:
        return None
    text = str(text)
    for secret in secrets:
        if secret and len(secret) >= 1:
            text = text.replace(secret, REDACTED)
    return _AUTH_HEADER_RE.sub(lambda m: m.group(1) + REDACTED, text)


def find_correlation_id(text):
    if not text:
        return None
    match = _CORRELATION_RE.search(str(text))
    return match.group(1) if match else None


def _rebuild_error(cls, state):
    error = cls.__new__(cls)
    Exception.__init__(error, state.get('message'))
    error.__dict__.update(state)
    return error


class MimCmError(Exception):
    """Base class: ``str(err)`` is the complete, user-facing message."""

    kind = 'error'

    def __init__(self, message, card=None, http_status=None):
        super(MimCmError, self).__init__(message)
        self.message = message
        self.card = card
        self.http_status = http_status

    def __str__(self):
        return self.message

    def __reduce__(self):
        # keeps card, http_status, ... across pickling (results of a worker process, mimcm_parallel)
        return (_rebuild_error, (type(self), dict(self.__dict__)))

    def to_dict(self):
        result = {'kind': self.kind, 'msg': self.message}
        if self.card:
            result['card'] = self.card
        if self.http_status is not None:
            result['http_status'] = self.http_status
        return result


class InvalidInput(MimCmError):
    """Bad module input, detected before any HTTP call."""
    kind = 'invalid_input'


class MissingDependency(MimCmError):
    """A Python package the chosen option needs is not installed."""
    kind = 'missing_dependency'


class NotFound(MimCmError):
    """HTTP 204 on a read: no such card / request."""
    kind = 'not_found'


class Forbidden(MimCmError):
    """HTTP 403: the caller lacks the CM permission for the operation."""
    kind = 'forbidden'


class BadRequest(MimCmError):
    """HTTP 400 (or another 4xx): the server rejected the request; the message carries its reason."""
    kind = 'bad_request'


class ServerError(MimCmError):
    """HTTP 5xx: unhandled server error, with the correlation id when the server gave one."""
    kind = 'server_error'

    def __init__(self, message, card=None, http_status=500, correlation_id=None):
        super(ServerError, self).__init__(message, card=card, http_status=http_status)
        self.correlation_id = correlation_id

    def to_dict(self):
        result = super(ServerError, self).to_dict()
        if self.correlation_id:
            result['correlation_id'] = self.correlation_id
        return result


class AuthFailed(MimCmError):
    """HTTP 401 after authentication was attempted."""
    kind = 'auth_failed'


class TLSError(MimCmError):
    """The TLS handshake or certificate verification failed."""
    kind = 'tls'


class Timeout(MimCmError):
    """No answer within ``timeout`` seconds (after the retries allowed for the call)."""
    kind = 'timeout'
    unreachable = False  # True for a connect time-out: nothing was sent


class ConnectionFailed(MimCmError):
    """The server could not be reached, or dropped the connection (after retries)."""
    kind = 'connection'
    unreachable = False  # True when nothing was sent (connection refused, DNS): about the server, not a card


class RunStopped(MimCmError):
    """A call that was not made: the run stopped at a failure about the server or the credentials."""
    kind = 'not_attempted'


class ProtocolError(MimCmError):
    """The server answered with something the API does not define (e.g. not JSON)."""
    kind = 'protocol'
