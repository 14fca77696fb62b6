"""State dir, start/stop, restart persistence, --reset, the data set, stats and access log."""

import json
import os
import signal
import socket
import stat
import subprocess
import sys
from collections import Counter

import pytest
import requests

from tests.simulator import data
from tests.simulator.control import REPO_ROOT, Simulator

from .helpers import JDOE, REF_CARD_1, REF_CARD_2, REF_TEMPLATE, make_request


def test_simulator_json_and_users_file(simulator):
    sim = simulator
    info = json.loads((sim.state_dir / "simulator.json").read_text())
    assert list(info)[:3] == ["url", "api_url", "admin_url"]
    assert info["api_url"] == info["url"] + "/CertificateManagement/api/v1.0"
    assert info["admin_url"] == info["url"] + "/_admin"
    assert info["ca_path"] == str(sim.state_dir / "ca.pem") and os.path.exists(info["ca_path"])
    assert info["pid"] == sim.proc.pid
    users = info["users"]
    assert {k: u["role"] for k, u in users.items()} == {
        "operator": "operator", "reader": "reader", "jdoe": "self", "bearer": "operator"}
    assert users["jdoe"]["uuid"] == JDOE
    assert users["operator"]["username"] == "CONTOSO\\operator"
    assert "token" in users["bearer"] and "password" not in users["bearer"]
    lines = (sim.state_dir / "users.txt").read_text().split()
    assert sorted(lines) == sorted("CONTOSO:%s:%s" % (u["username"].split("\\")[1], u["password"])
                                   for u in users.values() if "password" in u)
    for name in ("simulator.json", "users.txt"):
        assert stat.S_IMODE(os.stat(sim.state_dir / name).st_mode) == 0o600


def test_restart_keeps_state_and_secrets(simulator):
    sim = simulator
    before = dict(sim.users)
    url = sim.url
    with sim.session("operator") as s:
        rid = make_request(s, sim, REF_CARD_2, "Revoke")
        assert s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, REF_CARD_2),
                     json={"status": "Disabled"}).status_code == 200
    sim.restart()
    assert sim.url == url  # same port
    assert sim.users == before  # passwords and tokens kept
    with sim.session("operator") as s:
        assert s.get(sim.api_url + "/smartcards/" + REF_CARD_2).json()["Status"] == 5
        assert s.get(sim.api_url + "/requests/" + rid).json()["Status"] == 18
    assert len(sim.journal()) == 3


def test_restart_after_a_crash_keeps_committed_writes(simulator):
    sim = simulator
    with sim.session("operator") as s:
        make_request(s, sim, REF_CARD_2, "Unblock")
    sim.kill()
    sim.start()
    assert len(sim.requests(card=REF_CARD_2)) == 1


def test_existing_state_ignores_cards_and_seed(tmp_path):
    with Simulator(tmp_path, cards=30, seed=1) as sim:
        first = sim.cards()
    with Simulator(tmp_path, cards=60, seed=2) as sim:
        assert sim.cards() == first
    log = (tmp_path / "simulator.log").read_text()
    assert "--cards/--seed ignored" in log


def test_reset_starts_over(tmp_path):
    with Simulator(tmp_path, cards=30) as sim:
        old_password = sim.users["operator"]["password"]
        sim.set_card_status(REF_CARD_1, 6)
    with Simulator(tmp_path, cards=40, reset=True) as sim:
        assert len(sim.cards()) == 40
        assert sim.card(REF_CARD_1)["Status"] == 2
        assert sim.journal() == []
        assert sim.users["operator"]["password"] != old_password


def test_sigterm_stops_cleanly(simulator):
    proc = simulator.proc
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    assert not (simulator.state_dir / "simulator.json").exists()


def test_sigint_stops_cleanly(simulator):
    proc = simulator.proc
    proc.send_signal(signal.SIGINT)
    assert proc.wait(10) == 0


def test_command_line_prints_urls(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "tests.simulator", "--state-dir", str(tmp_path),
                             "--cards", "10", "--port", "0"], cwd=str(REPO_ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = json.loads(proc.stdout.readline())
        assert list(line)[:3] == ["url", "api_url", "admin_url"]
        assert line["ca_path"].endswith("ca.pem") and line["users_file"].endswith("users.txt")
        assert line["url"].startswith("https://127.0.0.1:")
    finally:
        proc.terminate()
        proc.wait(10)
    assert "ready" in proc.stderr.read()


def test_help():
    out = subprocess.run([sys.executable, "-m", "tests.simulator", "--help"], cwd=str(REPO_ROOT),
                         capture_output=True, text=True, check=True).stdout
    for flag in ("--state-dir", "--plain-http", "--drop-after-rate", "--fault-methods", "--access-log"):
        assert flag in out


def test_ipv6_loopback(simulator_factory):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        sim = simulator_factory(host="::1", cards=10)
    except Exception as exc:  # pragma: no cover - hosts without ::1
        pytest.skip("cannot listen on ::1: %s" % exc)
    assert sim.url.startswith("https://[::1]:")
    with sim.session("operator") as s:
        assert s.get(sim.api_url + "/smartcards/" + REF_CARD_1).status_code == 200
    assert sim.stats()["requests"] == 1  # the admin API answers ::1


def _non_loopback_ip():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))  # no packet is sent
        ip = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if ip.startswith("127.") else ip


def test_admin_refuses_non_loopback_clients(simulator_factory):
    ip = _non_loopback_ip()
    if ip is None:
        pytest.skip("no non-loopback address on this machine")
    sim = simulator_factory(host="0.0.0.0", cards=10, plain_http=True)
    port = sim.url.rsplit(":", 1)[1]
    r = requests.get("http://%s:%s/_admin/journal" % (ip, port), timeout=5)
    assert r.status_code == 403 and "loopback" in r.json()["Message"]
    assert requests.get(sim.admin_url + "/journal", timeout=5).status_code == 200
    # the API itself is reachable from outside (with NTLM)
    assert requests.get("http://%s:%s/CertificateManagement/api/v1.0/smartcards" % (ip, port),
                        timeout=5).status_code == 401


def test_stats_and_access_log(simulator_factory):
    sim = simulator_factory(cards=20, access_log=True)
    with sim.session("operator") as s:
        s.get(sim.api_url + "/smartcards/" + REF_CARD_1)
        s.get(sim.api_url + "/smartcards/%s/operations" % REF_CARD_1)
        s.get(sim.api_url + "/smartcards", params={"cardid": "d1ef6869-5517-42a0-8f05-16ca1a0b834d"})
    st = sim.stats()
    assert st["connections"] == 1 and st["ntlm_handshakes"] == 1 and st["requests"] == 3
    assert st["by_kind"] == {"card_get": 1, "card_operations": 1, "card_by_cardid": 1}
    assert st["card_count"] == 20
    log = sim.access_log()
    assert [(e["method"], e["kind"], e["status"], e["user"]) for e in log if e["kind"] != "auth"] == [
        ("GET", "card_get", 200, "operator"), ("GET", "card_operations", 200, "operator"),
        ("GET", "card_by_cardid", 200, "operator")]
    assert {e["conn"] for e in log} == {1}
    assert all(set(e) >= {"time", "method", "path", "status", "user", "conn"} for e in log)
    assert sim.clear_access_log()["cleared"] == len(log)
    assert sim.access_log() == []
    sim.reset_stats()
    assert sim.stats()["requests"] == 0


def test_access_log_off_by_default(simulator):
    with simulator.session("operator") as s:
        s.get(simulator.api_url + "/smartcards/" + REF_CARD_1)
    assert simulator.access_log() == []
    assert simulator.stats()["access_log"] is False


def test_data_set_is_deterministic_and_complete():
    users, templates, cards = data.generate(42, 2000)
    assert (users, templates, cards) == data.generate(42, 2000)
    assert data.generate(43, 2000)[2][2:] != cards[2:]
    assert cards[:2] == data.REFERENCE_CARDS
    assert len(cards) == 2000 and len({c["Uuid"].lower() for c in cards}) == 2000
    assert len({c["SerialNumber"].lower() for c in cards}) == 2000
    statuses = Counter(c["Status"] for c in cards)
    assert set(statuses) == set(range(7)) and statuses.most_common(1)[0][0] == 3
    assert any(c["Uuid"] != c["Uuid"].lower() for c in cards)
    assert any(c["SerialNumber"] != c["SerialNumber"].lower() for c in cards)
    assert all(c["SerialNumber"].startswith("{") and c["SerialNumber"].endswith("}") for c in cards)
    assert len({c["Middleware"] for c in cards}) > 1 and len({c["Atr"] for c in cards}) > 1
    assert len(templates) == 8
    assert templates[0]["uuid"] == REF_TEMPLATE
    assert not templates[0]["approval_required"] and not templates[0]["restricted"]
    assert any(t["approval_required"] for t in templates) and any(t["restricted"] for t in templates)
    assert len({c["ProfileTemplateUuid"] for c in cards}) == 8
    owners = {u["uuid"] for u in users}
    assert all(c["AssignedUserUuid"] in owners for c in cards)
    assert len(users) > 300


@pytest.mark.slow
def test_hundred_thousand_cards(tmp_path):
    with Simulator(tmp_path, cards=100000, start_timeout=300) as sim:
        assert sim.stats()["card_count"] == 100000
        last = sim.cards(status=3, limit=100000)[-1]
        with sim.session("reader") as s:
            assert s.get(sim.api_url + "/smartcards/" + last["Uuid"]).json() == last
            r = s.get(sim.api_url + "/smartcards", params={"cardid": last["SerialNumber"]})
            assert r.json() == last


def test_restart_when_the_old_port_was_taken(simulator):
    sim = simulator
    port = int(sim.url.rsplit(":", 1)[1])
    sim.stop()
    blocker = socket.socket()
    try:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
    except OSError:
        blocker.close()
        pytest.skip("port %d was taken by someone else already" % port)
    try:
        sim.start()
        assert int(sim.url.rsplit(":", 1)[1]) != port
        with sim.session("operator") as s:
            assert s.get(sim.api_url + "/smartcards/" + REF_CARD_1).status_code == 200
    finally:
        blocker.close()


def test_start_failure_reports_the_log(tmp_path):
    from tests.simulator.control import SimulatorError

    sim = Simulator(tmp_path, cards=10, error_500_rate=5)
    with pytest.raises(SimulatorError, match="bad fault option"):
        sim.start()
    assert not sim.running
