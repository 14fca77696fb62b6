# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication for the MIM CM client: ntlm, kerberos, bearer, none.

``build_auth(config)`` returns a fresh ``requests`` auth object (one per session: NTLM
authenticates a kept-alive connection, so each worker thread's session does its own
handshake once and then reuses the connection).
"""

import traceback

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MissingDependency, InvalidInput

REQUESTS_IMP_ERR = None
try:
    from requests.auth import AuthBase
    HAS_REQUESTS = True
except ImportError:
    REQUESTS_IMP_ERR = traceback.format_exc()
    HAS_REQUESTS = False
    AuthBase = object

REQUESTS_NTLM_IMP_ERR = None
try:
    from requests_ntlm import HttpNtlmAuth
    HAS_REQUESTS_NTLM = True
except ImportError:
    REQUESTS_NTLM_IMP_ERR = traceback.format_exc()
    HAS_REQUESTS_NTLM = False
    HttpNtlmAuth = None

REQUESTS_GSSAPI_IMP_ERR = None
try:
    import requests_gssapi
    HAS_REQUESTS_GSSAPI = True
except ImportError:
    REQUESTS_GSSAPI_IMP_ERR = traceback.format_exc()
    HAS_REQUESTS_GSSAPI = False
    requests_gssapi = None


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>``; the token never appears in repr()."""

    def __init__(self, token):
        self._token = token

    def __call__(self, r):
        r.headers['Authorization'] = 'Bearer %s' % self._token
        return r

    def __repr__(self):
        return '<BearerAuth token=********>'


def ntlm_username(username):
    """The username as NTLM takes it. ``DOMAIN\\user`` and ``user@domain`` (UPN) both pass unchanged:
    NTLM carries a UPN in the user field with an empty domain, which Windows accepts."""
    return username.strip()


def _kerberos_auth(config):
    if not HAS_REQUESTS_GSSAPI:
        raise MissingDependency(
            "auth=kerberos needs the Python package 'requests-gssapi' on the host that runs the module "
            "(pip install requests-gssapi), or use auth=ntlm")
    kwargs = {'mutual_authentication': requests_gssapi.OPTIONAL}
    if config.username and config.password:
        try:
            import gssapi
            name = gssapi.Name(config.username, gssapi.NameType.user)
            creds = gssapi.raw.acquire_cred_with_password(
                name, config.password.encode('utf-8'), usage='initiate').creds
            kwargs['creds'] = creds
        except Exception as exc:  # noqa: BLE001 - any failure here is a Kerberos login failure
            raise InvalidInput('Kerberos login as %s failed (%s): check username (user@REALM) and password, '
                               'or kinit first and leave them unset' % (config.username, type(exc).__name__))
    return requests_gssapi.HTTPSPNEGOAuth(**kwargs)


def build_auth(config):
    """A new auth object for one ``requests.Session`` (None for auth=none)."""
    if config.auth == 'ntlm':
        if not HAS_REQUESTS_NTLM:
            raise MissingDependency("auth=ntlm needs the Python package 'requests-ntlm' on the host that runs "
                                    "the module (pip install requests-ntlm)")
        return HttpNtlmAuth(ntlm_username(config.username), config.password)
    if config.auth == 'kerberos':
        return _kerberos_auth(config)
    if config.auth == 'bearer':
        return BearerAuth(config.token)
    return None
