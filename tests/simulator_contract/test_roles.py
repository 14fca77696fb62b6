"""Each role's permissions: reader, operator, self (jdoe), and restricted profile templates."""

import pytest

from .helpers import JDOE, REF_CARD_1, REF_CARD_2, make_request

OPERATOR_OPS = {
    1: ["retire", "revoke"],
    2: ["retire", "revoke"],
    3: ["onlineupdate", "renew", "recover", "retire", "revoke", "unblock"],
    4: ["reinstate", "retire", "revoke"],
    5: ["retire"],
    6: [],
    0: [],
}


@pytest.fixture(scope="module")
def sessions(shared_sim):
    out = {k: shared_sim.session(k) for k in ("operator", "reader", "jdoe", "bearer")}
    yield out
    for s in out.values():
        s.close()


def ops(session, sim, uuid):
    r = session.get(sim.api_url + "/smartcards/%s/operations" % uuid)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("status", sorted(OPERATOR_OPS))
def test_operator_operations_by_status(shared_sim, sessions, status):
    cards = shared_sim.cards(status=status, approval_required=False, restricted=False, limit=3)
    assert cards, "the data set has cards of every status"
    for card in cards:
        assert ops(sessions["operator"], shared_sim, card["Uuid"]) == OPERATOR_OPS[status]
        assert ops(sessions["bearer"], shared_sim, card["Uuid"]) == OPERATOR_OPS[status]


def test_operator_restricted_template_lacks_retire_revoke_reinstate(shared_sim, sessions, take_card):
    for status in (3, 4):
        card = take_card(status=status, restricted=True, approval_required=None)
        got = ops(sessions["operator"], shared_sim, card["Uuid"])
        assert not {"retire", "revoke", "reinstate"} & set(got)
    card = take_card(status=3, restricted=True, approval_required=None)
    for rtype in ("Retire", "Revoke"):
        r = sessions["operator"].post(shared_sim.api_url + "/requests", json={
            "type": rtype, "smartcard": card["Uuid"], "datacollection": [], "comment": ""})
        assert r.status_code == 403
        assert "restricted" in r.json()["Message"] and rtype in r.json()["Message"]
    # other operations stay possible
    assert "unblock" in ops(sessions["operator"], shared_sim, card["Uuid"])


def test_reader_reads_but_never_writes(shared_sim, sessions, take_card):
    s = sessions["reader"]
    card = take_card(status=3)
    assert s.get(shared_sim.api_url + "/smartcards/" + card["Uuid"]).json() == card
    assert ops(s, shared_sim, card["Uuid"]) == []
    r = s.post(shared_sim.api_url + "/requests", json={
        "type": "Retire", "smartcard": card["Uuid"], "datacollection": [], "comment": ""})
    assert r.status_code == 403
    msg = r.json()["Message"]
    assert "reader" in msg and "Retire" in msg
    # writes on existing requests are refused as well
    rid = make_request(sessions["operator"], shared_sim, card["Uuid"], "Retire")
    r = s.put(shared_sim.api_url + "/requests/%s/smartcards/%s" % (rid, card["Uuid"]), json={"status": "Retired"})
    assert r.status_code == 403 and "change the status" in r.json()["Message"]
    r = s.put(shared_sim.api_url + "/requests/" + rid, json={"status": "Canceled"})
    assert r.status_code == 403
    # reader may read the request
    assert s.get(shared_sim.api_url + "/requests/" + rid).status_code == 200
    assert shared_sim.card(card["Uuid"])["Status"] == 3


def test_self_sees_only_own_cards(shared_sim, sessions):
    s = sessions["jdoe"]
    r = s.get(shared_sim.api_url + "/smartcards")
    assert r.status_code == 200
    mine = r.json()
    assert all(c["AssignedUserUuid"].lower() == JDOE for c in mine)
    assert {REF_CARD_1, REF_CARD_2} <= {c["Uuid"] for c in mine}
    other = [c for c in shared_sim.cards(status=3, limit=50) if c["AssignedUserUuid"].lower() != JDOE][0]
    assert s.get(shared_sim.api_url + "/smartcards/" + other["Uuid"]).status_code == 204
    assert s.get(shared_sim.api_url + "/smartcards/%s/operations" % other["Uuid"]).status_code == 204
    assert s.get(shared_sim.api_url + "/smartcards", params={"cardid": other["SerialNumber"]}).status_code == 204
    r = s.post(shared_sim.api_url + "/requests", json={
        "type": "Unblock", "smartcard": other["Uuid"], "datacollection": [], "comment": ""})
    assert r.status_code == 403 and "own cards" in r.json()["Message"]


def test_self_operations_on_own_active_card(shared_sim, sessions):
    s = sessions["jdoe"]
    assert ops(s, shared_sim, REF_CARD_2) == ["onlineupdate", "renew", "unblock"]
    r = s.post(shared_sim.api_url + "/requests", json={
        "type": "Retire", "smartcard": REF_CARD_2, "datacollection": [], "comment": ""})
    assert r.status_code == 403 and "Retire" in r.json()["Message"]
    rid = make_request(s, shared_sim, REF_CARD_2, "Unblock")
    req = s.get(shared_sim.api_url + "/requests/" + rid).json()
    assert req["OriginatorUserUuid"] == JDOE and req["TargetUserUuid"] == JDOE
    # self may cancel its own request
    r = s.put(shared_sim.api_url + "/requests/" + rid, json={"status": "Canceled"})
    assert r.status_code == 200 and r.json()["Status"] == 17  # Canceled


def test_self_cannot_see_other_users_requests(shared_sim, sessions, take_card):
    card = take_card(status=3)
    rid = make_request(sessions["operator"], shared_sim, card["Uuid"], "Unblock")
    assert sessions["jdoe"].get(shared_sim.api_url + "/requests/" + rid).status_code == 204
    assert sessions["operator"].get(shared_sim.api_url + "/requests/" + rid).status_code == 200


def test_operator_own_card_list_is_204(shared_sim, sessions):
    """GET /smartcards lists the caller's own cards; the operator owns none."""
    r = sessions["operator"].get(shared_sim.api_url + "/smartcards")
    assert r.status_code == 204 and r.content == b""


def test_request_listing_is_per_caller(shared_sim, sessions, take_card):
    card = take_card(status=3)
    op_rid = make_request(sessions["operator"], shared_sim, card["Uuid"], "Unblock")
    bearer_rid = make_request(sessions["bearer"], shared_sim, card["Uuid"], "Renew")
    mine = sessions["operator"].get(shared_sim.api_url + "/requests", params={"status": "Approved"}).json()
    ids = {r["Uuid"] for r in mine}
    assert op_rid in ids and bearer_rid not in ids
    assert all(r["Status"] == 3 for r in mine)
    same = sessions["operator"].get(shared_sim.api_url + "/requests",
                                    params={"status": "3", "targetuser": "current"}).json()
    assert op_rid in {r["Uuid"] for r in same}
    # a request targeting jdoe made by the operator shows in jdoe's targetuser=current list
    r = sessions["operator"].post(shared_sim.api_url + "/requests", json={
        "type": "Unblock", "smartcard": card["Uuid"], "target": JDOE, "datacollection": [], "comment": ""})
    rid = r.json().rsplit("/", 1)[1]
    theirs = sessions["jdoe"].get(shared_sim.api_url + "/requests",
                                  params={"status": "Approved", "targetuser": "current"}).json()
    assert rid in {x["Uuid"] for x in theirs}
    # nothing found is 204
    assert sessions["reader"].get(shared_sim.api_url + "/requests", params={"status": "Executing"}).status_code == 204
