"""Transport and authentication: TLS, NTLM (requests-ntlm, curl, raw tokens), bearer, plain HTTP."""

import base64
import http.client
import json
import shutil
import ssl
import subprocess

import pytest
import requests
import spnego
from requests_ntlm import HttpNtlmAuth

from .helpers import REF_CARD_1, REF_CARD_2

CARD_PATH = "/CertificateManagement/api/v1.0/smartcards/" + REF_CARD_1


def _conn(sim):
    host, port = sim.url.split("//", 1)[1].rsplit(":", 1)
    host = host.strip("[]")
    if sim.url.startswith("https"):
        ctx = ssl.create_default_context(cafile=sim.ca_path)
        return http.client.HTTPSConnection(host, int(port), context=ctx, timeout=10)
    return http.client.HTTPConnection(host, int(port), timeout=10)


def _get(conn, path, auth=None):
    headers = {"Authorization": auth} if auth else {}
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    return r, body


def _ntlm_handshake(conn, user, password, scheme="NTLM", protocol="ntlm", path=CARD_PATH):
    """Run a handshake by hand on one connection; return the final response and body."""
    client = spnego.client(user, password, protocol=protocol)
    token = client.step()
    r, body = _get(conn, path, "%s %s" % (scheme, base64.b64encode(token).decode()))
    assert r.status == 401
    challenge = [v for k, v in r.getheaders() if k.lower() == "www-authenticate"]
    assert len(challenge) == 1 and challenge[0].startswith(scheme + " ")
    token = client.step(base64.b64decode(challenge[0].split(" ", 1)[1]))
    return _get(conn, path, "%s %s" % (scheme, base64.b64encode(token).decode()))


def test_requests_ntlm_keep_alive_one_handshake(simulator):
    sim = simulator
    sim.reset_stats()
    u = sim.users["operator"]
    with requests.Session() as s:
        s.auth = HttpNtlmAuth(u["username"], u["password"])
        for dummy in range(20):
            r = s.get(sim.api_url + "/smartcards/" + REF_CARD_1, verify=sim.ca_path)
            assert r.status_code == 200
    st = sim.stats()
    assert st["connections"] == 1
    assert st["ntlm_handshakes"] == 1
    assert st["by_kind"]["card_get"] == 20


def test_no_credentials_gets_401_with_ntlm_and_negotiate(shared_sim):
    r = requests.get(shared_sim.api_url + "/smartcards", verify=shared_sim.ca_path)
    assert r.status_code == 401
    assert r.raw.headers.getlist("WWW-Authenticate") == ["NTLM", "Negotiate"]
    assert r.json()["Message"]


def test_wrong_password_is_401_and_connection_stays_usable(simulator):
    sim = simulator
    conn = _conn(sim)
    r, body = _ntlm_handshake(conn, sim.users["operator"]["username"], "wrong password")
    assert r.status == 401
    assert "password" in json.loads(body)["Message"]
    assert r.getheader("Connection", "").lower() != "close"
    # still not authenticated on this connection
    r, dummy = _get(conn, CARD_PATH)
    assert r.status == 401
    # the same connection can still authenticate properly
    r, body = _ntlm_handshake(conn, sim.users["operator"]["username"], sim.users["operator"]["password"])
    assert r.status == 200
    assert json.loads(body)["Uuid"] == REF_CARD_1
    r, dummy = _get(conn, CARD_PATH)  # later requests on the connection need no handshake
    assert r.status == 200
    conn.close()
    st = sim.stats()
    assert st["connections"] == 1 and st["auth_failures"] == 1 and st["ntlm_handshakes"] == 1


def test_wrong_password_with_requests_ntlm(shared_sim):
    with requests.Session() as s:
        s.auth = HttpNtlmAuth(shared_sim.users["reader"]["username"], "nope")
        r = s.get(shared_sim.api_url + "/smartcards", verify=shared_sim.ca_path)
        assert r.status_code == 401
    # the server is fine
    with shared_sim.session("reader") as s:
        assert s.get(shared_sim.api_url + "/smartcards/" + REF_CARD_1).status_code == 200


def test_unknown_user_is_401(shared_sim):
    with requests.Session() as s:
        s.auth = HttpNtlmAuth("CONTOSO\\mallory", "x")
        assert s.get(shared_sim.api_url + "/smartcards", verify=shared_sim.ca_path).status_code == 401


def test_domainless_user_name(shared_sim):
    u = shared_sim.users["operator"]
    with requests.Session() as s:
        s.auth = HttpNtlmAuth(u["username"].split("\\")[1], u["password"])
        assert s.get(shared_sim.api_url + "/smartcards/" + REF_CARD_1, verify=shared_sim.ca_path).status_code == 200


def test_negotiate_scheme_with_raw_ntlm_token(shared_sim):
    u = shared_sim.users["operator"]
    conn = _conn(shared_sim)
    r, body = _ntlm_handshake(conn, u["username"], u["password"], scheme="Negotiate")
    assert r.status == 200 and json.loads(body)["Uuid"] == REF_CARD_1
    conn.close()


def test_negotiate_scheme_with_spnego_wrapped_ntlm(shared_sim):
    u = shared_sim.users["operator"]
    conn = _conn(shared_sim)
    client = spnego.client(u["username"], u["password"], protocol="negotiate",
                           options=spnego.NegotiateOptions.use_ntlm)
    token = client.step()
    for dummy in range(3):
        r, body = _get(conn, CARD_PATH, "Negotiate " + base64.b64encode(token).decode())
        if r.status != 401:
            break
        challenge = r.getheader("WWW-Authenticate").split(" ", 1)[1]
        token = client.step(base64.b64decode(challenge))
    assert r.status == 200
    conn.close()


def test_ntlm_token_without_handshake_is_401(shared_sim):
    conn = _conn(shared_sim)
    r, dummy = _get(conn, CARD_PATH, "NTLM " + base64.b64encode(b"NTLMSSP\x00\x03\x00\x00\x00" + b"\x00" * 60).decode())
    assert r.status == 401
    r, dummy = _get(conn, CARD_PATH, "NTLM !!!notbase64")
    assert r.status == 401
    r, dummy = _get(conn, CARD_PATH, "Basic dXNlcjpwYXNz")
    assert r.status == 401
    conn.close()


def test_bearer_token(shared_sim):
    sim = shared_sim
    token = sim.users["bearer"]["token"]
    r = requests.get(sim.api_url + "/smartcards/%s/operations" % REF_CARD_2, verify=sim.ca_path,
                     headers={"Authorization": "Bearer " + token})
    assert r.status_code == 200
    assert "retire" in r.json()  # the bearer user has the operator role
    r = requests.get(sim.api_url + "/smartcards/" + REF_CARD_2, verify=sim.ca_path,
                     headers={"Authorization": "Bearer wrong-" + token})
    assert r.status_code == 401
    assert "invalid_token" in r.headers["WWW-Authenticate"]


def test_bearer_write_is_journaled_as_bearer(simulator):
    sim = simulator
    with sim.session("bearer") as s:
        r = s.post(sim.api_url + "/requests", json={"type": "Unblock", "smartcard": REF_CARD_2,
                                                    "datacollection": [], "comment": ""})
    assert r.status_code == 201
    assert sim.journal()[-1]["user"] == "bearer"


def test_tls_requires_the_ca(shared_sim):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(shared_sim.api_url + "/smartcards", verify=True)
    r = requests.get(shared_sim.api_url + "/smartcards", verify=shared_sim.ca_path)
    assert r.status_code == 401
    # a client that fails TLS does not hurt the server
    with shared_sim.session("operator") as s:
        assert s.get(shared_sim.api_url + "/smartcards/" + REF_CARD_1).status_code == 200


def test_certificate_names(shared_sim):
    from cryptography import x509

    pem = ssl.get_server_certificate(("127.0.0.1", int(shared_sim.url.rsplit(":", 1)[1])))
    cert = x509.load_pem_x509_certificate(pem.encode())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} >= {"127.0.0.1", "::1"}
    r = requests.get(shared_sim.url.replace("127.0.0.1", "localhost") + "/CertificateManagement/api/v1.0/smartcards",
                     verify=shared_sim.ca_path)
    assert r.status_code == 401


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_ntlm(simulator):
    sim = simulator
    u = sim.users["jdoe"]
    sim.reset_stats()
    out = subprocess.run(
        ["curl", "-sS", "--ntlm", "-u", "%s:%s" % (u["username"], u["password"]), "--cacert", sim.ca_path,
         "-w", "\n%{http_code}\n",
         sim.api_url + "/smartcards?cardid=d1ef6869-5517-42a0-8f05-16ca1a0b834d",
         sim.api_url.lower() + "/smartcards/%s/operations" % REF_CARD_2],
        capture_output=True, text=True, timeout=30, check=True)
    parts = out.stdout.strip().split("\n")
    assert parts[1] == "200" and json.loads(parts[0])["Uuid"] == REF_CARD_2
    assert parts[3] == "200" and json.loads(parts[2]) == ["onlineupdate", "renew", "unblock"]
    assert sim.stats()["ntlm_handshakes"] == 1  # curl kept the authenticated connection


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_ntlm_wrong_password_and_post(shared_sim):
    sim = shared_sim
    u = sim.users["operator"]
    out = subprocess.run(
        ["curl", "-sS", "--ntlm", "-u", "%s:wrong" % u["username"], "--cacert", sim.ca_path,
         "-o", "/dev/null", "-w", "%{http_code}", sim.api_url + "/smartcards"],
        capture_output=True, text=True, timeout=30, check=False)  # curl exits 0 on a 401
    assert out.stdout == "401"
    out = subprocess.run(
        ["curl", "-sS", "--ntlm", "-u", "%s:%s" % (u["username"], u["password"]), "--cacert", sim.ca_path,
         "-H", "Content-Type: application/json",
         "-d", json.dumps({"type": "Retire", "smartcard": REF_CARD_1, "datacollection": "[]", "comment": "curl"}),
         "-w", "\n%{http_code}", sim.api_url + "/requests"],
        capture_output=True, text=True, timeout=30, check=True)
    body, code = out.stdout.rsplit("\n", 1)
    assert code == "201" and json.loads(body).startswith("api/v1.0/requests/")


def test_plain_http(simulator_factory):
    sim = simulator_factory(plain_http=True, cards=20)
    assert sim.url.startswith("http://") and sim.api_url.startswith("http://")
    assert sim.ca_path is None
    with sim.session("operator") as s:
        r = s.get(sim.api_url + "/smartcards/" + REF_CARD_1)
    assert r.status_code == 200 and r.json()["Uuid"] == REF_CARD_1
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(sim.api_url.replace("http://", "https://") + "/smartcards", verify=False, timeout=5)


def test_https_server_refuses_plain_http_client(shared_sim):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(shared_sim.api_url.replace("https://", "http://") + "/smartcards", timeout=5)
    with shared_sim.session("operator") as s:  # still serving
        assert s.get(shared_sim.api_url + "/smartcards/" + REF_CARD_1).status_code == 200
