"""Lifecycle rules: request types per status change, request states, Retired terminal, approvals."""

import pytest

from .helpers import make_request

RETIRED, DISABLED, ACTIVE, SUSPENDED = 6, 5, 3, 4


def put_card(s, sim, rid, uuid, status):
    return s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, uuid), json={"status": status})


def put_request(s, sim, rid, status):
    return s.put(sim.api_url + "/requests/" + rid, json={"status": status})


def get_request(s, sim, rid):
    r = s.get(sim.api_url + "/requests/" + rid)
    assert r.status_code == 200
    return r.json()


@pytest.mark.parametrize("from_status, rtype, target, target_code", [
    (1, "Retire", "Retired", RETIRED),
    (2, "Retire", "Retired", RETIRED),
    (3, "Retire", "Retired", RETIRED),
    (4, "Retire", "Retired", RETIRED),
    (5, "Retire", "Retired", RETIRED),
    (2, "Revoke", "Disabled", DISABLED),
    (3, "Revoke", "Disabled", DISABLED),
    (4, "Revoke", "Disabled", DISABLED),
    (4, "Reinstate", "Active", ACTIVE),
    (3, "TemporaryCards", "Suspended", SUSPENDED),
])
def test_allowed_transitions(shared_sim, op, take_card, from_status, rtype, target, target_code):
    card = take_card(status=from_status)
    rid = make_request(op, shared_sim, card["Uuid"], rtype)
    assert get_request(op, shared_sim, rid)["Status"] == 3
    r = put_card(op, shared_sim, rid, card["Uuid"], target)
    assert r.status_code == 200, r.text
    assert r.json()["Status"] == target_code and r.json()["Uuid"] == card["Uuid"]
    assert get_request(op, shared_sim, rid)["Status"] == 18  # Executing
    # the PUT may be repeated while Executing only if the card can still move: it cannot
    r = put_request(op, shared_sim, rid, "Completed")
    assert r.status_code == 200 and r.json()["Status"] == 8
    assert shared_sim.card(card["Uuid"])["Status"] == target_code


def test_status_as_integer_is_accepted(shared_sim, op, take_card):
    card = take_card(status=3)
    rid = make_request(op, shared_sim, card["Uuid"], "Revoke")
    r = put_card(op, shared_sim, rid, card["Uuid"], 5)
    assert r.status_code == 200 and r.json()["Status"] == 5
    assert put_request(op, shared_sim, rid, 8).json()["Status"] == 8


def test_status_names_are_case_insensitive(shared_sim, op, take_card):
    card = take_card(status=3)
    rid = make_request(op, shared_sim, card["Uuid"], "retire")
    assert put_card(op, shared_sim, rid, card["Uuid"], "RETIRED").status_code == 200
    assert put_request(op, shared_sim, rid, "completed").status_code == 200


@pytest.mark.parametrize("from_status, rtype, target, words", [
    (1, "Revoke", "Disabled", "allowed only from Assigned/Active/Suspended"),
    (5, "Retire", "Active", "needs a Reinstate request"),
    (3, "Retire", "Disabled", "needs a Revoke request"),
    (3, "Revoke", "Retired", "needs a Retire request"),
    (3, "Unblock", "Suspended", "needs a TemporaryCards request"),
])
def test_wrong_request_type_or_source_status(shared_sim, op, take_card, from_status, rtype, target, words):
    card = take_card(status=from_status)
    rid = make_request(op, shared_sim, card["Uuid"], rtype)
    r = put_card(op, shared_sim, rid, card["Uuid"], target)
    assert r.status_code == 400
    assert words in r.json()["Message"]
    assert shared_sim.card(card["Uuid"])["Status"] == from_status
    assert get_request(op, shared_sim, rid)["Status"] == 3  # untouched


def test_reinstate_only_from_suspended(shared_sim, op, take_card):
    card = take_card(status=4)
    rid = make_request(op, shared_sim, card["Uuid"], "Reinstate")
    shared_sim.set_card_status(card["Uuid"], 5)  # the card moved on meanwhile
    r = put_card(op, shared_sim, rid, card["Uuid"], "Active")
    assert r.status_code == 400 and "allowed only from Suspended" in r.json()["Message"]


def test_retired_is_terminal(shared_sim, op, take_card):
    card = take_card(status=3)
    rid = make_request(op, shared_sim, card["Uuid"], "Retire")
    assert put_card(op, shared_sim, rid, card["Uuid"], "Retired").status_code == 200
    # the same Executing request cannot set it again
    r = put_card(op, shared_sim, rid, card["Uuid"], "Retired")
    assert r.status_code == 400 and "terminal" in r.json()["Message"]
    # no operations remain, so no new request can be made
    assert op.get(shared_sim.api_url + "/smartcards/%s/operations" % card["Uuid"]).json() == []
    r = op.post(shared_sim.api_url + "/requests", json={
        "type": "Reinstate", "smartcard": card["Uuid"], "datacollection": [], "comment": ""})
    assert r.status_code == 403


def test_request_must_be_for_that_card(shared_sim, op, take_card):
    a = take_card(status=3)
    b = take_card(status=3)
    rid = make_request(op, shared_sim, a["Uuid"], "Retire")
    r = put_card(op, shared_sim, rid, b["Uuid"], "Retired")
    assert r.status_code == 400 and "is not a request for smart card" in r.json()["Message"]
    assert shared_sim.card(b["Uuid"])["Status"] == 3


def test_unknown_request_or_card_on_put(shared_sim, op, take_card):
    card = take_card(status=3)
    r = put_card(op, shared_sim, "0f0e0d0c-0b0a-4908-8706-050403020100", card["Uuid"], "Retired")
    assert r.status_code == 400 and "No request" in r.json()["Message"]
    rid = make_request(op, shared_sim, card["Uuid"], "Retire")
    r = put_card(op, shared_sim, rid, "0f0e0d0c-0b0a-4908-8706-050403020100", "Retired")
    assert r.status_code == 400 and "No smart card" in r.json()["Message"]


@pytest.mark.parametrize("final", ["Canceled", "Abandoned"])
def test_canceled_or_abandoned_request_cannot_execute(shared_sim, op, take_card, final):
    card = take_card(status=3)
    rid = make_request(op, shared_sim, card["Uuid"], "Retire")
    r = put_request(op, shared_sim, rid, final)
    assert r.status_code == 200 and r.json()["Status"] == {"Canceled": 17, "Abandoned": 20}[final]
    assert r.json()["Completed"] != "0001-01-01T00:00:00"
    r = put_card(op, shared_sim, rid, card["Uuid"], "Retired")
    assert r.status_code == 400 and "must be Approved or Executing" in r.json()["Message"]
    assert shared_sim.card(card["Uuid"])["Status"] == 3
    r = put_request(op, shared_sim, rid, "Completed")
    assert r.status_code == 400 and "allowed only from Executing" in r.json()["Message"]


def test_request_state_rules(shared_sim, op, take_card):
    card = take_card(status=3)
    rid = make_request(op, shared_sim, card["Uuid"], "Retire")
    r = put_request(op, shared_sim, rid, "Completed")  # Approved -> Completed is not allowed
    assert r.status_code == 400 and "Completed is allowed only from Executing" in r.json()["Message"]
    assert put_card(op, shared_sim, rid, card["Uuid"], "Retired").status_code == 200
    assert put_request(op, shared_sim, rid, "Completed").status_code == 200
    r = put_request(op, shared_sim, rid, "Canceled")  # Completed is final
    assert r.status_code == 400 and "Canceled is allowed only from" in r.json()["Message"]
    r = put_request(op, shared_sim, rid, "Completed")
    assert r.status_code == 400


def test_executing_request_can_be_abandoned(shared_sim, op, take_card):
    card = take_card(status=3)
    rid = make_request(op, shared_sim, card["Uuid"], "Revoke")
    assert put_card(op, shared_sim, rid, card["Uuid"], "Disabled").status_code == 200
    assert put_request(op, shared_sim, rid, "Abandoned").json()["Status"] == 20


def test_pending_request_then_approve(shared_sim, op, take_card):
    card = take_card(status=3, approval_required=True)
    rid = make_request(op, shared_sim, card["Uuid"], "Retire")
    assert get_request(op, shared_sim, rid)["Status"] == 16  # Pending
    r = put_card(op, shared_sim, rid, card["Uuid"], "Retired")
    assert r.status_code == 400 and "Pending" in r.json()["Message"]
    pending = op.get(shared_sim.api_url + "/requests", params={"status": "Pending"}).json()
    assert rid in {x["Uuid"] for x in pending}
    approved = shared_sim.approve(rid)
    assert approved["Status"] == 3
    assert put_card(op, shared_sim, rid, card["Uuid"], "Retired").json()["Status"] == 6
    assert put_request(op, shared_sim, rid, "Completed").json()["Status"] == 8


def test_pending_request_denied(shared_sim, op, take_card):
    card = take_card(status=3, approval_required=True)
    rid = make_request(op, shared_sim, card["Uuid"], "Revoke")
    denied = shared_sim.deny("api/v1.0/requests/" + rid)  # the URI form is accepted too
    assert denied["Status"] == 4
    r = put_card(op, shared_sim, rid, card["Uuid"], "Disabled")
    assert r.status_code == 400 and "Denied" in r.json()["Message"]
    # a decided request cannot be decided again
    from tests.simulator.control import SimulatorError

    with pytest.raises(SimulatorError, match="409"):
        shared_sim.approve(rid)


def test_pending_request_can_be_canceled(shared_sim, op, take_card):
    card = take_card(status=3, approval_required=True)
    rid = make_request(op, shared_sim, card["Uuid"], "Retire")
    assert put_request(op, shared_sim, rid, "Canceled").json()["Status"] == 17


def test_get_on_request_card_path_reads_only(shared_sim, op, take_card):
    card = take_card(status=3)
    rid = make_request(op, shared_sim, card["Uuid"], "Retire")
    r = op.get(shared_sim.api_url + "/requests/%s/smartcards/%s" % (rid, card["Uuid"]))
    assert r.status_code == 200 and r.json() == card
    assert get_request(op, shared_sim, rid)["Status"] == 3


def test_duplicate_requests_are_possible(shared_sim, op, take_card):
    """Creating a request is not idempotent: the server does not stop a second one."""
    card = take_card(status=3)
    a = make_request(op, shared_sim, card["Uuid"], "Retire")
    b = make_request(op, shared_sim, card["Uuid"], "Retire")
    assert a != b
    assert [x["Uuid"] for x in shared_sim.requests(card=card["Uuid"])] == [a, b]


def test_upper_case_guids_are_preserved(shared_sim, op, take_card):
    card = take_card(status=3, upper=True)
    assert card["Uuid"] == card["Uuid"].upper()
    r = op.get(shared_sim.api_url + "/smartcards/" + card["Uuid"].lower())
    assert r.json()["Uuid"] == card["Uuid"]
    rid = make_request(op, shared_sim, card["Uuid"].lower(), "Retire")
    assert get_request(op, shared_sim, rid)["OldSmartcardUuid"] == card["Uuid"]
    r = put_card(op, shared_sim, rid.upper(), card["Uuid"].lower(), "Retired")
    assert r.status_code == 200 and r.json()["Uuid"] == card["Uuid"]


def test_enroll_request_without_card(shared_sim, op):
    tmpl = [t for t in shared_sim.templates() if not t["approval_required"]][0]
    r = op.post(shared_sim.api_url + "/requests", json={
        "type": "Enroll", "profiletemplateuuid": tmpl["uuid"], "datacollection": "[]", "comment": ""})
    assert r.status_code == 201
    req = get_request(op, shared_sim, r.json().rsplit("/", 1)[1])
    assert req["RequestType"] == 1 and req["IsSmartcard"] is True  # a smart card profile template
    assert req["ProfileTemplateUuid"] == tmpl["uuid"]


def test_status_outside_the_table_does_not_crash(shared_sim, op, take_card):
    """An integer outside SmartcardStatus (forced through the admin API) is served as it is."""
    card = take_card(status=3)
    shared_sim.set_card_status(card["Uuid"], 9)
    r = op.get(shared_sim.api_url + "/smartcards/" + card["Uuid"])
    assert r.status_code == 200 and r.json()["Status"] == 9
    assert op.get(shared_sim.api_url + "/smartcards/%s/operations" % card["Uuid"]).json() == []
    r = op.post(shared_sim.api_url + "/requests", json={
        "type": "Retire", "smartcard": card["Uuid"], "datacollection": [], "comment": ""})
    assert r.status_code == 403 and "status 9" in r.json()["Message"]
