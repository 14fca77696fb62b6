"""auth=kerberos end to end: a real MIT KDC on loopback, the simulator accepting Kerberos from a keytab,
the modules and the lifecycle role through ansible-playbook, and curl as an independent client."""

import base64
import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mimcm_auth_helpers import (COLLECTIONS, INFO, REFERENCE_CARD, REPO, STATUS, Cards, ansible_env, journal_users,
                                last_seq, no_secret, play, require_kerberos)
from tests.kerberos_realm import KerberosRealm, find_binary
from tests.simulator.control import Simulator

require_kerberos(module_level=True)


@pytest.fixture(scope="module")
def cards(krb_sim):
    return Cards(krb_sim)


def kerberos_defaults(sim, **more):
    return dict({"url": sim.url, "ca_path": sim.ca_path, "auth": "kerberos"}, **more)


def test_kinit_ticket_reads_and_retires(kerberos_realm, krb_sim, cards, tmp_path):
    """The ticket cache of kinit (no username, no password): the server sees the ticket's user."""
    ccache = kerberos_realm.kinit("operator", tmp_path / "cc-operator")
    card, = cards.take()
    before, stats = last_seq(krb_sim), krb_sim.stats()
    run = play(tmp_path, [
        {"name": "info", INFO: {"uuid": [REFERENCE_CARD, card], "include_operations": True}, "register": "info"},
        {"name": "retire", STATUS: {"uuid": card, "status": "Retired", "comment": "CHG-KRB"}, "register": "retire"},
    ], ansible_env(kerberos_realm.env(ccache)), defaults=kerberos_defaults(krb_sim))
    assert run.rc == 0, run
    assert [c["uuid"] for c in run["info"]["smartcards"]] == [REFERENCE_CARD, card.lower()]
    assert "Retire" in run["info"]["smartcards"][1]["operations"]
    assert run["retire"]["changed"] and run["retire"]["results"][0]["state"] == "changed"
    assert krb_sim.card(card)["Status"] == 6
    assert journal_users(krb_sim, before, [card]) == {card.lower(): {"operator"}}
    after = krb_sim.stats()
    assert after["kerberos_handshakes"] > stats["kerberos_handshakes"]
    assert after["ntlm_handshakes"] == stats["ntlm_handshakes"]


def test_username_password_names_the_user_whatever_the_ticket_cache(kerberos_realm, krb_sim, cards, tmp_path):
    """The fix: with username/password the module authenticates as exactly that user, in a private cache:
    with no ticket cache at all, and with another user's ticket in KRB5CCNAME (reader may not retire)."""
    reader_cache = kerberos_realm.kinit("reader", tmp_path / "cc-reader")
    reader_tickets = kerberos_realm.klist(reader_cache)
    no_cache = tmp_path / "no-such-ccache"
    first, second = cards.take(2)
    op = {"username": "operator@%s" % kerberos_realm.realm, "password": "{{ operator_password }}"}
    before = last_seq(krb_sim)
    run = play(tmp_path, [
        {"name": "no ticket cache", STATUS: dict(op, uuid=first, status="Retired"),
         "environment": {"KRB5CCNAME": "FILE:%s" % no_cache}, "register": "no_cache"},
        {"name": "another user's ticket in the cache", STATUS: dict(op, uuid=second, status="Retired"),
         "environment": {"KRB5CCNAME": "FILE:%s" % reader_cache}, "register": "other_ticket"},
        {"name": "the reader's own ticket cannot retire", STATUS: {"uuid": cards.take()[0], "status": "Retired"},
         "environment": {"KRB5CCNAME": "FILE:%s" % reader_cache}, "register": "reader"},
    ], ansible_env(kerberos_realm.env()), defaults=kerberos_defaults(krb_sim),
        secrets={"operator_password": kerberos_realm.users["operator"]})
    assert run.rc == 0, run
    assert run["no_cache"]["results"][0]["state"] == "changed", run["no_cache"]
    assert run["other_ticket"]["results"][0]["state"] == "changed", run["other_ticket"]
    assert journal_users(krb_sim, before, [first, second]) == {first.lower(): {"operator"}, second.lower(): {"operator"}}
    # the reader (the ticket in the cache) may not retire: proof that the cache was not what authenticated above
    assert run["reader"]["results"][0]["state"] == "skipped", run["reader"]
    # nothing was written to the default caches: no file appeared, the reader's cache holds what it held
    # (plus the reader's own service ticket from the third task)
    assert not no_cache.exists()
    assert "krbtgt/" in reader_tickets and "operator" not in kerberos_realm.klist(reader_cache)
    assert no_secret(run, kerberos_realm.users["operator"]) == []


def test_failures_say_what_to_do_and_never_show_the_password(kerberos_realm, krb_sim, tmp_path):
    dead_conf = kerberos_realm.write_krb5_conf(tmp_path / "krb5-dead-kdc.conf", kdc_port=_closed_port())
    wrong = "Wrong-%s" % kerberos_realm.users["operator"]
    skewed = kerberos_realm.skewed_ccache(kerberos_realm.kinit("operator", tmp_path / "cc"), tmp_path / "cc-skewed")
    run = play(tmp_path, [
        {"name": "wrong password", INFO: {"uuid": [REFERENCE_CARD], "username": "operator@MIMCM.TEST",
                                          "password": "{{ wrong_password }}"}, "register": "wrong"},
        {"name": "no ticket and no password", INFO: {"uuid": [REFERENCE_CARD]},
         "environment": {"KRB5CCNAME": "FILE:%s" % (tmp_path / "none")}, "register": "no_ticket"},
        {"name": "KDC unreachable", INFO: {"uuid": [REFERENCE_CARD], "username": "operator@MIMCM.TEST",
                                           "password": "{{ right_password }}"},
         "environment": {"KRB5_CONFIG": str(dead_conf)}, "register": "no_kdc"},
        {"name": "clock skew", INFO: {"uuid": [REFERENCE_CARD]},
         "environment": {"KRB5CCNAME": "FILE:%s" % skewed}, "register": "skew"},
        {"name": "unknown user", INFO: {"uuid": [REFERENCE_CARD], "username": "nobody@MIMCM.TEST",
                                        "password": "{{ wrong_password }}"}, "register": "unknown"},
        {"name": "DOMAIN\\user is not a principal", INFO: {"uuid": [REFERENCE_CARD], "username": "MIMCM\\operator",
                                                           "password": "{{ wrong_password }}"}, "register": "netbios"},
    ], ansible_env(kerberos_realm.env(tmp_path / "none")), defaults=kerberos_defaults(krb_sim), args=["-vvvv"],
        secrets={"wrong_password": wrong, "right_password": kerberos_realm.users["operator"]})
    assert run.rc == 0, run
    expect = {
        "wrong": "the password of operator@MIMCM.TEST is wrong",
        "no_ticket": "no Kerberos ticket",
        "no_kdc": "no KDC answered",
        "skew": "clock skew too great",
        "unknown": "the KDC does not know nobody@MIMCM.TEST",
        "netbios": "auth=kerberos needs username as user@REALM",
    }
    for name, words in expect.items():
        result = run[name]
        assert result["failed"] and words in result["msg"], (name, result["msg"])
    assert "Run kinit" in run["no_ticket"]["msg"] and "krb5.conf" in run["no_kdc"]["msg"]
    assert run["wrong"]["error"]["kind"] == "auth_failed"
    assert no_secret(run, wrong, kerberos_realm.users["operator"]) == []
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.stdout


def test_service_principal_host_can_differ_from_the_url_host(tmp_path):
    """A load-balanced name in url, the SPN registered for the backend (HTTP/cmweb01 only, nothing for the
    URL's host): a clear 'no service principal' error, then kerberos_service_host makes it work."""
    realm = KerberosRealm(tmp_path / "realm", {"operator": "Pw-%s" % tmp_path.name}, service_hosts=("cmweb01",))
    with realm:
        with Simulator(tmp_path / "sim", cards=20, env=realm.env(), keytab=str(realm.keytab)) as sim:
            ccache = realm.kinit("operator", tmp_path / "cc")
            run = play(tmp_path / "play", [
                {"name": "SPN of the URL host", INFO: {"uuid": [REFERENCE_CARD]}, "register": "url_host"},
                {"name": "SPN host given", INFO: {"uuid": [REFERENCE_CARD], "kerberos_service_host": "cmweb01"},
                 "register": "spn_host"},
                {"name": "a URL is not a host name", INFO: {"uuid": [REFERENCE_CARD],
                                                           "kerberos_service_host": "https://cmweb01"},
                 "register": "bad_host"},
            ], ansible_env(realm.env(ccache)), defaults=kerberos_defaults(sim))
            assert sim.stats()["kerberos_handshakes"] >= 1
    assert run.rc == 0, run
    assert run["url_host"]["failed"]
    assert "the KDC has no service principal HTTP/127.0.0.1" in run["url_host"]["msg"]
    assert "kerberos_service_host" in run["url_host"]["msg"]
    assert not run["spn_host"]["failed"] and run["spn_host"]["smartcards"][0]["uuid"] == REFERENCE_CARD
    assert "is not a host name" in run["bad_host"]["msg"]


def test_keytab_binary_and_base64(kerberos_realm, krb_sim, cards, tmp_path):
    """kerberos_keytab with username: a keytab file, or its base64 text (what the AWX credential writes)."""
    keytab = tmp_path / "svc-ansible.keytab"
    kerberos_realm.user_keytab("svc-ansible", keytab)
    text = tmp_path / "svc-ansible.keytab.b64"
    text.write_text(base64.encodebytes(keytab.read_bytes()).decode("ascii"))
    (tmp_path / "junk.txt").write_text("not a keytab\n")
    first, second = cards.take(2)
    before = last_seq(krb_sim)
    common = {"username": "svc-ansible@%s" % kerberos_realm.realm, "status": "Retired"}
    run = play(tmp_path, [
        {"name": "binary keytab", STATUS: dict(common, uuid=first, kerberos_keytab=str(keytab)), "register": "binary"},
        {"name": "base64 keytab", STATUS: dict(common, uuid=second, kerberos_keytab=str(text)), "register": "b64"},
        {"name": "not a keytab", STATUS: dict(common, uuid=second, kerberos_keytab=str(tmp_path / "junk.txt")),
         "register": "junk"},
    ], ansible_env(kerberos_realm.env(tmp_path / "none")), defaults=kerberos_defaults(krb_sim))
    assert run.rc == 0, run
    assert run["binary"]["results"][0]["state"] == "changed", run["binary"]
    assert run["b64"]["results"][0]["state"] == "changed", run["b64"]
    # svc-ansible@MIMCM.TEST is mapped to the operator by the simulator's --kerberos-user
    assert journal_users(krb_sim, before, [first, second]) == {first.lower(): {"operator"}, second.lower(): {"operator"}}
    assert "neither a keytab file nor a base64-encoded keytab" in run["junk"]["msg"]
    assert not (tmp_path / "none").exists()


def test_mutual_authentication_required_keeps_the_connection(kerberos_realm, krb_sim, cards, tmp_path):
    """IIS authenticates a connection once: with mutual_authentication=required the server proves itself in
    the handshake's answer and the later answers on that connection (no token) are accepted."""
    ccache = kerberos_realm.kinit("operator", tmp_path / "cc")
    required, disabled = cards.take(3), cards.take(2)
    krb_sim.reset_stats()
    run = play(tmp_path, [
        {"name": "required", STATUS: {"uuids": required, "status": "Retired", "concurrency": 1, "processes": 1,
                                      "mutual_authentication": "required"}, "register": "required"},
        {"name": "disabled", STATUS: {"uuids": disabled, "status": "Retired", "concurrency": 1, "processes": 1,
                                      "mutual_authentication": "disabled"}, "register": "disabled"},
        {"name": "not a choice", INFO: {"uuid": [REFERENCE_CARD], "mutual_authentication": "sometimes"},
         "register": "bad"},
    ], ansible_env(kerberos_realm.env(ccache)), defaults=kerberos_defaults(krb_sim))
    assert run.rc == 0, run
    assert run["required"]["summary"]["changed"] == 3, run["required"]
    assert run["disabled"]["summary"]["changed"] == 2, run["disabled"]
    assert "mutual_authentication" in run["bad"]["msg"]
    stats = krb_sim.stats()
    # one handshake per connection, not per call: two module runs with one thread each
    assert stats["kerberos_handshakes"] == 2, stats
    assert stats["requests"] >= 5 * 5


def test_lifecycle_role_plans_and_applies_over_kerberos(kerberos_realm, krb_sim, cards, tmp_path):
    ccache = kerberos_realm.kinit("operator", tmp_path / "cc")
    chosen = cards.take(4)
    env = ansible_env(kerberos_realm.env(ccache), MIMCM_URL=krb_sim.url, MIMCM_CA_PATH=krb_sim.ca_path,
                      MIMCM_AUTH="kerberos")
    reports = tmp_path / "reports"
    extra = {"smartcard_lifecycle_cards": chosen, "smartcard_lifecycle_change_ticket": "CHG-KRB",
             "smartcard_lifecycle_report_dir": str(reports)}
    inventory = tmp_path / "inventory"
    inventory.write_text('localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')

    def playbook(**more):
        vars_file = tmp_path / ("vars-%d.json" % len(list(tmp_path.glob("vars-*.json"))))
        vars_file.write_text(json.dumps(dict(extra, **more)))
        return subprocess.run([str(_bin("ansible-playbook")), "-i", str(inventory), "mim.cm.retire_smartcards",
                               "-e", "@%s" % vars_file], cwd=str(tmp_path), env=env, capture_output=True, text=True,
                              timeout=300, check=False)

    before = last_seq(krb_sim)
    plan = playbook(smartcard_lifecycle_mode="plan")
    assert plan.returncode == 0, plan.stdout[-4000:]
    digest = json.loads((reports / "plan-latest.json").read_text())["digest"]
    apply = playbook(smartcard_lifecycle_mode="apply", smartcard_lifecycle_approved_plan_digest=digest)
    assert apply.returncode == 0, apply.stdout[-4000:]
    assert all(krb_sim.card(u)["Status"] == 6 for u in chosen)
    assert journal_users(krb_sim, before, chosen) == {u.lower(): {"operator"} for u in chosen}


def test_curl_negotiate_is_an_independent_client(kerberos_realm, krb_sim, tmp_path):
    """curl --negotiate -u : (GSS-API, SPNEGO) gets the card and the server's final Negotiate token."""
    curl = find_binary("curl")
    if curl is None or "SPNEGO" not in subprocess.run([curl, "-V"], capture_output=True, text=True).stdout:
        pytest.skip("curl with SPNEGO support is not installed")
    ccache = kerberos_realm.kinit("jdoe", tmp_path / "cc")
    headers, body = tmp_path / "headers.txt", tmp_path / "body.json"
    proc = subprocess.run(
        [curl, "--silent", "--show-error", "--negotiate", "-u", ":", "--cacert", krb_sim.ca_path, "-D", str(headers),
         "-o", str(body), krb_sim.api_url + "/smartcards/" + REFERENCE_CARD], env=kerberos_realm.env(ccache),
        capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    last = headers.read_text().replace("\r\n", "\n").strip().split("\n\n")[-1]  # the answer after the 401
    assert re.search(r"^HTTP/1\.1 200 ", last, re.M), last
    assert re.search(r"^WWW-Authenticate: Negotiate \S+", last, re.M | re.I), last
    body = body.read_text()
    assert json.loads(body)["Uuid"] == REFERENCE_CARD  # jdoe (role self) sees this card: it is hers


def test_simulator_accepts_kerberos_beside_ntlm_and_maps_principals(kerberos_realm, krb_sim, tmp_path):
    """requests-gssapi with mutual authentication REQUIRED against the simulator: the final token verifies;
    NTLM still works on the same server; a realm principal the simulator does not know gets 401."""
    code = (
        "import json, sys, requests, requests_gssapi\n"
        "s = requests.Session(); s.trust_env = False\n"
        "s.auth = requests_gssapi.HTTPSPNEGOAuth(mutual_authentication=requests_gssapi.REQUIRED)\n"
        "r = s.get(sys.argv[1], verify=sys.argv[2])\n"
        "print(json.dumps({'status': r.status_code, 'negotiate': r.headers.get('WWW-Authenticate', '')[:10],\n"
        "                  'message': r.json().get('Message') if r.status_code == 401 else None}))\n")
    url = krb_sim.api_url + "/smartcards"
    seen = {}
    for user in ("svc-ansible", "stranger"):
        ccache = kerberos_realm.kinit(user, tmp_path / ("cc-" + user))
        proc = subprocess.run([sys.executable, "-c", code, url, krb_sim.ca_path], env=kerberos_realm.env(ccache),
                              capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        seen[user] = json.loads(proc.stdout)
    assert seen["svc-ansible"] == {"status": 204, "negotiate": "Negotiate ", "message": None}  # owns no card
    assert seen["stranger"]["status"] == 401
    assert "stranger@MIMCM.TEST is not known" in seen["stranger"]["message"]
    assert krb_sim.session("operator").get(url + "/" + REFERENCE_CARD, verify=krb_sim.ca_path).status_code == 200


def test_credentials_are_acquired_once_per_process(kerberos_realm, krb_sim, tmp_path):
    """build_auth for every thread's session shares one credential: one AS exchange per module run."""
    code = (
        "import sys\n"
        "from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig\n"
        "from ansible_collections.mim.cm.plugins.module_utils.mimcm_client import MimCmClient\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "cfg = ConnectionConfig(url=sys.argv[1], ca_path=sys.argv[2], auth='kerberos', username=sys.argv[3],\n"
        "                       password=sys.stdin.read().strip())\n"
        "client = MimCmClient(cfg)\n"
        "with ThreadPoolExecutor(4) as pool:\n"
        "    cards = list(pool.map(lambda i: client.get_card(sys.argv[4]), range(16)))\n"
        "print(len(cards), client.session_count)\n")
    log_lines = len(kerberos_realm.log.read_text().splitlines())
    krb_sim.reset_stats()
    proc = subprocess.run([sys.executable, "-c", code, krb_sim.url, krb_sim.ca_path, "operator@MIMCM.TEST", REFERENCE_CARD],
                          input=kerberos_realm.users["operator"], env=kerberos_realm.env(tmp_path / "none",
                                                                                           PYTHONPATH=_collections()),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["16", "4"]
    new = kerberos_realm.log.read_text().splitlines()[log_lines:]
    as_requests = [line for line in new if "AS_REQ" in line and "operator@MIMCM.TEST" in line and "ISSUE" in line]
    assert len(as_requests) == 1, new
    assert krb_sim.stats()["kerberos_handshakes"] == 4


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bin(name):
    return Path(sys.executable).parent / name


def _collections():
    return "%s:%s" % (COLLECTIONS, REPO)
