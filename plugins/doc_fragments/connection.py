# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """Connection and authentication options of every mim.cm module (mimcm_connection.py)."""

    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the MIM CM server, for example C(https://cm.contoso.com).
      - O(api_path) is appended unless the URL already ends with it.
      - Falls back to the E(MIMCM_URL) environment variable.
      - Plain C(http://) is refused for O(auth=ntlm), O(auth=kerberos) and O(auth=bearer) unless
        O(allow_insecure_http=true).
    type: str
    required: true
  api_path:
    description:
      - Path of the CM REST API under O(url).
      - Falls back to the E(MIMCM_API_PATH) environment variable.
    type: str
    default: /CertificateManagement/api/v1.0
  auth:
    description:
      - How to authenticate.
      - V(ntlm) (Windows Integrated Authentication) needs O(username) and O(password). The handshake
        authenticates a kept-alive connection, so each worker thread performs it once.
      - V(kerberos) (Negotiate) needs the Python package C(requests-gssapi) on the host that runs the
        module; it uses the Kerberos credential cache (C(kinit)), or O(username) and O(password).
      - V(bearer) sends O(token) as an C(Authorization) header with the C(Bearer) scheme (ADFS).
      - V(none) sends no credentials.
      - Falls back to the E(MIMCM_AUTH) environment variable.
    type: str
    choices: [ntlm, kerberos, bearer, none]
    default: ntlm
  username:
    description:
      - The account to authenticate as, C(DOMAIN\user) or C(user@domain).
      - Falls back to the E(MIMCM_USERNAME) environment variable.
    type: str
  password:
    description:
      - Password of O(username). Never logged or returned.
      - Falls back to the E(MIMCM_PASSWORD) environment variable.
    type: str
  token:
    description:
      - Bearer token for O(auth=bearer). Never logged or returned.
      - Falls back to the E(MIMCM_TOKEN) environment variable.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Only set to V(false) for a test server.
      - Falls back to the E(MIMCM_VALIDATE_CERTS) environment variable.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file (or hashed directory) of the CA certificates that signed the server certificate.
      - Takes precedence over E(REQUESTS_CA_BUNDLE) and the system trust store.
      - Falls back to the E(MIMCM_CA_PATH) environment variable.
    type: path
  timeout:
    description:
      - Seconds to wait for the server to connect or answer, per HTTP call.
      - Falls back to the E(MIMCM_TIMEOUT) environment variable.
    type: float
    default: 30
  retries:
    description:
      - How many times a call that may safely be repeated (reads, setting a card status, completing a
        request) is retried after a connection error or HTTP 500, 502, 503 or 504, with exponential
        backoff and jitter, honouring C(Retry-After).
      - Creating a request is never repeated blindly; after an ambiguous failure the module first looks
        for the request it may already have created.
      - Falls back to the E(MIMCM_RETRIES) environment variable.
    type: int
    default: 3
  allow_insecure_http:
    description:
      - Allow a plain C(http://) O(url) with credential-bearing authentication. Only for test servers.
      - Falls back to the E(MIMCM_ALLOW_INSECURE_HTTP) environment variable.
    type: bool
    default: false
requirements:
  - requests
  - requests-ntlm (for O(auth=ntlm))
  - requests-gssapi (for O(auth=kerberos))
notes:
  - "The modules run where the task runs, usually the controller (C(delegate_to: localhost) or
    C(connection: local)); the Python packages above must be installed there."

  - Use C(module_defaults) with the action group C(group/mim.cm.mimcm) to set the connection options once.
  - An option given in the task wins over its E(MIMCM_*) environment variable; an empty variable counts as unset
    (AWX injects a credential field left empty as an empty variable).
  - Put E(MIMCM_PASSWORD) or E(MIMCM_TOKEN) in the environment of C(ansible-playbook) itself (an AWX credential
    does this), not in a task's C(environment) keyword; Ansible prints that keyword's values in its C(-vvvv) output.
'''
