# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication for the MIM CM client: ntlm, kerberos, adfs, bearer, none.

``build_auth(config)`` returns a fresh ``requests`` auth object (one per session: NTLM and
Kerberos authenticate a kept-alive connection, so each worker thread's session does its own
handshake once and then reuses the connection). What a method acquires once per module process
(Kerberos credentials, the ADFS token) lives in ``config.auth_state`` and is shared by the sessions.
The methods with more than a header are in ``mimcm_auth_kerberos`` and ``mimcm_auth_adfs``.
"""

import traceback

from ansible_collections.mim.cm.plugins.module_utils import mimcm_auth_kerberos
from ansible_collections.mim.cm.plugins.module_utils.mimcm_auth_adfs import build_adfs_auth
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MissingDependency
from ansible_collections.mim.cm.plugins.module_utils.mimcm_requests_lib import AuthBase

REQUESTS_NTLM_IMP_ERR = None
try:
    from requests_ntlm import HttpNtlmAuth
    HAS_REQUESTS_NTLM = True
except ImportError:
    REQUESTS_NTLM_IMP_ERR = traceback.format_exc()
    HAS_REQUESTS_NTLM = False
    HttpNtlmAuth = None

HAS_REQUESTS_GSSAPI = mimcm_auth_kerberos.HAS_REQUESTS_GSSAPI
REQUESTS_GSSAPI_IMP_ERR = mimcm_auth_kerberos.REQUESTS_GSSAPI_IMP_ERR


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


def build_auth(config):
    """A new auth object for one ``requests.Session`` (None for auth=none)."""
    if config.auth == 'ntlm':
        if not HAS_REQUESTS_NTLM:
            raise MissingDependency("auth=ntlm needs the Python package 'requests-ntlm' on the host that runs "
                                    "the module (pip install requests-ntlm)")
        return HttpNtlmAuth(ntlm_username(config.username), config.password)
    if config.auth == 'kerberos':
        if not HAS_REQUESTS_GSSAPI:
            raise MissingDependency(
                "auth=kerberos needs the Python package 'requests-gssapi' on the host that runs the module "
                "(pip install requests-gssapi), or use auth=ntlm")
        return mimcm_auth_kerberos.build_kerberos_auth(config)
    if config.auth == 'adfs':
        return build_adfs_auth(config)
    if config.auth == 'bearer':
        return BearerAuth(config.token)
    return None
