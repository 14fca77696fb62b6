# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """Connection and authentication options of every mim.cm module (mimcm_connection.py)."""

    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the MIM CM server, for example C(https://cm.contoso.com). Required, here or in E(MIMCM_URL).
      - O(api_path) is appended unless the URL already ends with it.
      - Falls back to the E(MIMCM_URL) environment variable.
      - Plain C(http://) is refused for O(auth=ntlm), O(auth=kerberos), O(auth=adfs) and O(auth=bearer) unless
        O(allow_insecure_http=true).
    type: str
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
      - V(kerberos) (Negotiate with Kerberos, Windows Integrated Authentication) needs the Python package
        C(requests-gssapi) and the MIT Kerberos libraries on the host that runs the module. With O(username)
        (C(user@REALM)) and O(password), or O(username) and O(kerberos_keytab), the module gets a ticket for
        exactly that principal into a private in-memory cache, whatever ticket cache C(KRB5CCNAME) holds.
        With neither, it uses the ticket cache of C(kinit). The service principal is C(HTTP/<host of url>),
        or C(HTTP/<kerberos_service_host>). Like NTLM, each worker thread authenticates its kept-alive
        connection once.
      - V(adfs) gets an OAuth 2.0 access token from the ADFS token endpoint of O(adfs_url) (client credentials
        grant with O(client_id) and O(client_secret), for O(resource)) and sends it as a C(Bearer) token. The
        token is obtained once per module run and shared by its threads, renewed shortly before it expires and
        once when the server answers 401; it is never logged or returned.
      - V(bearer) sends O(token), an access token you obtained yourself, as an C(Authorization) header with the
        C(Bearer) scheme.
      - V(none) sends no credentials.
      - Falls back to the E(MIMCM_AUTH) environment variable.
    type: str
    choices: [ntlm, kerberos, adfs, bearer, none]
    default: ntlm
  username:
    description:
      - The account to authenticate as, C(DOMAIN\user) or C(user@domain) for O(auth=ntlm); the principal
        C(user@REALM) (the realm in upper case) for O(auth=kerberos).
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
      - Allow a plain C(http://) O(url) with credential-bearing authentication (and a plain C(http://)
        O(adfs_url)). Only for test servers.
      - Falls back to the E(MIMCM_ALLOW_INSECURE_HTTP) environment variable.
    type: bool
    default: false
  kerberos_service_host:
    description:
      - For O(auth=kerberos), the host name of the CM server's service principal C(HTTP/<host>) when it differs
        from the host of O(url), for example C(cmweb01.contoso.com) when O(url) is a load-balanced or alias name
        that has no SPN of its own.
      - Falls back to the E(MIMCM_KERBEROS_SERVICE_HOST) environment variable.
    type: str
  kerberos_keytab:
    description:
      - For O(auth=kerberos), a keytab file holding the key of O(username), used instead of O(password). Binary,
        or its base64 text (what the AWX credential type writes).
      - Falls back to the E(MIMCM_KERBEROS_KEYTAB) environment variable.
    type: path
  mutual_authentication:
    description:
      - For O(auth=kerberos), whether the server must prove its identity with the final Negotiate token.
      - V(optional) verifies the token when the server sends one. IIS authenticates a connection once, so later
        answers on that connection carry no token.
      - V(required) fails unless the answer that completes each connection's handshake carries a valid token;
        later answers on that connection are accepted without one.
      - V(disabled) does not ask for mutual authentication.
      - Falls back to the E(MIMCM_MUTUAL_AUTHENTICATION) environment variable.
    type: str
    choices: [optional, required, disabled]
    default: optional
  adfs_url:
    description:
      - For O(auth=adfs), the ADFS server, for example C(https://adfs.contoso.com). The token endpoint
        C(/adfs/oauth2/token) is appended unless the URL already ends with it.
      - Its certificate is verified like the CM server's, with O(validate_certs) and O(ca_path) (a PEM file can hold both CAs).
      - Falls back to the E(MIMCM_ADFS_URL) environment variable.
    type: str
  client_id:
    description:
      - For O(auth=adfs), the client identifier of the ADFS server application (C(Add-AdfsServerApplication)).
      - Falls back to the E(MIMCM_CLIENT_ID) environment variable.
    type: str
  client_secret:
    description:
      - For O(auth=adfs), the shared secret of that client. Never logged or returned.
      - Falls back to the E(MIMCM_CLIENT_SECRET) environment variable.
    type: str
  resource:
    description:
      - For O(auth=adfs), the identifier of the CM relying party trust that the token is for.
      - Defaults to C(https://<host of url>/certificatemanagement), the identifier Microsoft's
        C(ConfigureMimCMClientAndRelyingParty.ps1) gives the MIM CM Service relying party.
      - Falls back to the E(MIMCM_RESOURCE) environment variable.
    type: str
requirements:
  - requests
  - requests-ntlm (for O(auth=ntlm))
  - requests-gssapi and the MIT Kerberos libraries (for O(auth=kerberos))
notes:
  - "The modules run where the task runs, usually the controller (C(delegate_to: localhost) or
    C(connection: local)); the Python packages above must be installed there."

  - Use C(module_defaults) with the action group C(group/mim.cm.mimcm) to set the connection options once.
  - An option given in the task wins over its E(MIMCM_*) environment variable; an empty variable counts as unset
    (AWX injects a credential field left empty as an empty variable).
  - Put E(MIMCM_PASSWORD), E(MIMCM_TOKEN) or E(MIMCM_CLIENT_SECRET) in the environment of C(ansible-playbook) itself (an AWX credential
    does this), not in a task's C(environment) keyword; Ansible prints that keyword's values in its C(-vvvv) output.
'''
