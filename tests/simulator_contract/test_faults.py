"""Fault injection: latency, 500s, 503 + Retry-After, drops before and after the commit."""

import time

import pytest
import requests

from tests.simulator.control import SimulatorError

from .helpers import REF_CARD_1, REF_CARD_2

GET_PATH = "/smartcards/" + REF_CARD_1


def retire_body(uuid):
    return {"type": "Retire", "smartcard": uuid, "datacollection": [], "comment": "fault test"}


def test_faults_from_the_command_line(simulator_factory):
    sim = simulator_factory(cards=20, error_503_rate=1.0, retry_after=3, fault_methods="POST,PUT",
                            latency_ms=1, jitter_ms=2, fault_seed=5)
    f = sim.faults()
    assert f["error_503_rate"] == 1.0 and f["retry_after"] == 3 and f["methods"] == ["POST", "PUT"]
    assert f["latency_ms"] == 1.0 and f["jitter_ms"] == 2.0 and f["seed"] == 5
    with sim.session("operator") as s:
        assert s.get(sim.api_url + GET_PATH).status_code == 200  # GET is not in the methods
        r = s.post(sim.api_url + "/requests", json=retire_body(REF_CARD_1))
        assert r.status_code == 503 and r.headers["Retry-After"] == "3"
        assert r.json()["Message"]
    assert sim.journal() == []
    assert sim.stats()["faults"] == {"503": 1}


def test_latency(simulator):
    sim = simulator
    with sim.session("operator") as s:
        s.get(sim.api_url + GET_PATH)
        sim.set_faults(latency_ms=150, jitter_ms=50)
        t0 = time.monotonic()
        assert s.get(sim.api_url + GET_PATH).status_code == 200
        # a lower bound only: the server slept at least the fixed latency (not a speed check)
        assert time.monotonic() - t0 >= 0.15
        sim.clear_faults()
    assert sim.faults()["latency_ms"] == 0


def test_error_500_rate_is_seeded_and_reproducible(simulator):
    sim = simulator

    def run():
        with sim.session("operator") as s:
            s.get(sim.api_url + GET_PATH)  # handshake (faults apply to authenticated requests only)
            sim.set_faults(reset=True, seed=1234, error_500_rate=0.5)
            out = [s.get(sim.api_url + GET_PATH).status_code for dummy in range(40)]
            sim.clear_faults()
            return out

    first = run()
    second = run()
    assert first == second
    assert set(first) == {200, 500}
    assert 8 <= first.count(500) <= 32


def test_error_500_carries_a_correlation_id_and_changes_nothing(simulator):
    sim = simulator
    sim.set_faults(error_500_rate=1.0, methods=["POST"])
    with sim.session("operator") as s:
        r = s.post(sim.api_url + "/requests", json=retire_body(REF_CARD_2))
    assert r.status_code == 500 and len(r.json()["CorrelationId"]) == 36
    assert sim.journal() == [] and sim.requests(card=REF_CARD_2) == []


def test_faults_scoped_to_methods(simulator):
    sim = simulator
    sim.set_faults(error_500_rate=1.0, methods=["PUT"])
    with sim.session("operator") as s:
        assert s.get(sim.api_url + GET_PATH).status_code == 200
        r = s.post(sim.api_url + "/requests", json=retire_body(REF_CARD_2))
        assert r.status_code == 201
        rid = r.json().rsplit("/", 1)[1]
        r = s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, REF_CARD_2), json={"status": "Retired"})
        assert r.status_code == 500
    assert sim.card(REF_CARD_2)["Status"] == 3


def test_admin_api_is_never_faulted(simulator):
    sim = simulator
    sim.set_faults(error_500_rate=1.0, drop_before_rate=1.0)
    for dummy in range(5):
        assert sim.stats()["requests"] == 0
        assert sim.card(REF_CARD_1)["Status"] == 2


def test_drop_before_answering(simulator):
    sim = simulator
    with sim.session("operator") as s:
        assert s.get(sim.api_url + GET_PATH).status_code == 200
        sim.set_faults(drop_before_rate=1.0)
        with pytest.raises(requests.exceptions.ConnectionError):
            s.post(sim.api_url + "/requests", json=retire_body(REF_CARD_2))
        sim.clear_faults()
        # nothing was written; the session reconnects and authenticates again
        assert sim.journal() == []
        assert s.get(sim.api_url + GET_PATH).status_code == 200
    st = sim.stats()
    assert st["faults"] == {"drop_before": 1}
    assert st["connections"] == 2 and st["ntlm_handshakes"] == 2


def test_drop_after_commit_write_is_journaled(simulator):
    sim = simulator
    sim.set_faults(drop_after_rate=1.0, methods=["POST", "PUT"])
    with sim.session("operator") as s:
        with pytest.raises(requests.exceptions.ConnectionError):
            s.post(sim.api_url + "/requests", json=retire_body(REF_CARD_2))
        # the client saw an error, yet the request exists and was journaled
        reqs = sim.requests(card=REF_CARD_2)
        assert len(reqs) == 1 and reqs[0]["Status"] == 3
        rid = reqs[0]["Uuid"]
        journal = sim.journal()
        assert [(e["kind"], e["request_id"]) for e in journal] == [("request_created", rid)]
        # a client that looks before retrying finds it (GETs are not faulted here)
        listed = s.get(sim.api_url + "/requests", params={"status": "Approved"}).json()
        assert rid in {x["Uuid"] for x in listed}
        with pytest.raises(requests.exceptions.ConnectionError):
            s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, REF_CARD_2), json={"status": "Retired"})
    assert sim.card(REF_CARD_2)["Status"] == 6
    assert [e["kind"] for e in sim.journal()] == ["request_created", "request_status", "card_status"]
    assert sim.stats()["faults"] == {"drop_after": 2}


def test_invalid_fault_settings_are_refused(simulator):
    for bad in ({"error_500_rate": 2}, {"latency_ms": -1}, {"explode": 1}, {"methods": ["FETCH"]},
                {"error_503_rate": "lots"}):
        with pytest.raises(SimulatorError, match="400"):
            simulator.set_faults(**bad)
    assert simulator.faults()["error_500_rate"] == 0


def test_fault_counts_and_rates_mix(simulator):
    sim = simulator
    with sim.session("operator") as s:
        s.get(sim.api_url + GET_PATH)
        sim.set_faults(seed=99, error_500_rate=0.2, error_503_rate=0.2, methods=["GET"])
        codes = [s.get(sim.api_url + GET_PATH).status_code for dummy in range(60)]
    assert {200, 500, 503} <= set(codes)
    st = sim.stats()
    assert st["faults"]["500"] == codes.count(500) and st["faults"]["503"] == codes.count(503)
