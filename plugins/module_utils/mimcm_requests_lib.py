# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ONE guarded import of ``requests`` (the HTTP library of the collection), and what it derives
from the environment. Every other file imports requests from here, so a missing package is reported
once, by the module base, with ``missing_required_lib``.
"""

import traceback

REQUESTS_IMP_ERR = None
try:
    import requests
    from requests.auth import AuthBase  # pylint: disable=unused-import  # for the auth modules
    from requests.utils import quote  # pylint: disable=unused-import  # for the transport
    from urllib3.exceptions import InsecureRequestWarning  # pylint: disable=unused-import  # for the transport
    HAS_REQUESTS = True
except ImportError:
    REQUESTS_IMP_ERR = traceback.format_exc()
    HAS_REQUESTS = False
    requests = None
    AuthBase = object
    quote = None
    InsecureRequestWarning = Warning


def environment_settings(url, verify):
    """``(proxies, verify)`` for ``url`` as requests derives them from the environment per request:
    HTTP(S)_PROXY / ALL_PROXY / NO_PROXY, and REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE when ``verify`` is True."""
    session = requests.Session()
    try:
        settings = session.merge_environment_settings(url, {}, None, verify, None)
    finally:
        session.close()
    return dict(settings.get('proxies') or {}), settings.get('verify', verify)
