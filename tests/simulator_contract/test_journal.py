"""The journal: every write with time, user, before/after; read through the admin API."""

import datetime

import requests

from .helpers import REF_CARD_2, make_request

KEYS = ["seq", "time", "user", "kind", "request_id", "card", "before", "after", "request_type",
        "before_name", "after_name"]


def test_journal_records_every_write(simulator):
    sim = simulator
    assert sim.journal() == []
    with sim.session("operator") as s:
        rid = make_request(s, sim, REF_CARD_2, "Retire")
        assert s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, REF_CARD_2),
                     json={"status": "Retired"}).status_code == 200
        assert s.put(sim.api_url + "/requests/" + rid, json={"status": "Completed"}).status_code == 200
        # reads and refused writes leave no trace
        s.get(sim.api_url + "/smartcards/" + REF_CARD_2)
        s.put(sim.api_url + "/requests/" + rid, json={"status": "Completed"})
    entries = sim.journal()
    assert [list(e) for e in entries] == [KEYS] * 4
    assert [(e["kind"], e["before"], e["after"]) for e in entries] == [
        ("request_created", None, 3),
        ("request_status", 3, 18),
        ("card_status", 3, 6),
        ("request_status", 18, 8),
    ]
    assert [(e["before_name"], e["after_name"]) for e in entries] == [
        (None, "Approved"), ("Approved", "Executing"), ("Active", "Retired"), ("Executing", "Completed")]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert all(e["user"] == "operator" for e in entries)
    assert all(e["request_id"] == rid and e["card"] == REF_CARD_2 for e in entries)
    assert all(e["request_type"] == "Retire" for e in entries)
    for e in entries:
        t = datetime.datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert abs((datetime.datetime.utcnow() - t).total_seconds()) < 120
    assert sim.journal(since=2) == entries[2:]
    assert sim.journal(since=4) == []


def test_journal_admin_and_pending_entries(simulator):
    sim = simulator
    card = sim.cards(status=3, approval_required=True, limit=1)[0]
    with sim.session("operator") as s:
        rid = make_request(s, sim, card["Uuid"], "Revoke")
    sim.approve(rid)
    sim.set_card_status(card["Uuid"], 4)
    entries = sim.journal()
    assert [(e["kind"], e["user"], e["before"], e["after"]) for e in entries] == [
        ("request_created", "operator", None, 16),
        ("request_status", "admin", 16, 3),
        ("card_status", "admin", 3, 4),
    ]
    assert entries[2]["request_id"] is None and entries[2]["request_type"] is None


def test_no_card_changed_twice_and_one_request_per_card(simulator):
    """The kind of assertion the journal is for."""
    sim = simulator
    cards = [c["Uuid"] for c in sim.cards(status=3, approval_required=False, restricted=False, limit=5)]
    with sim.session("operator") as s:
        for uuid in cards:
            rid = make_request(s, sim, uuid, "Retire")
            s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, uuid), json={"status": "Retired"})
            s.put(sim.api_url + "/requests/" + rid, json={"status": "Completed"})
    entries = sim.journal()
    changes = [e["card"] for e in entries if e["kind"] == "card_status"]
    created = [e["card"] for e in entries if e["kind"] == "request_created"]
    assert sorted(changes) == sorted(cards) and len(set(changes)) == len(changes)
    assert sorted(created) == sorted(cards)


def test_journal_survives_restart(simulator):
    sim = simulator
    with sim.session("jdoe") as s:
        make_request(s, sim, REF_CARD_2, "Unblock")
    before = sim.journal()
    sim.restart()
    assert sim.journal() == before


def test_admin_is_loopback_only_and_unauthenticated(simulator):
    r = requests.get(simulator.admin_url + "/journal", verify=simulator.ca_path)
    assert r.status_code == 200  # no NTLM on the admin API, from loopback
    r = requests.get(simulator.admin_url + "/nothing", verify=simulator.ca_path)
    assert r.status_code == 404
    r = requests.delete(simulator.admin_url + "/journal", verify=simulator.ca_path)
    assert r.status_code == 405
