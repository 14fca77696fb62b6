"""Dialects: every key and value is played over real HTTPS + NTLM, alone and all at once.

Most tests switch the dialect of one module-wide simulator at run time (PUT /_admin/dialect)
and switch it back afterwards; the start-up flag, simulator.json, parsing and "every alternative
at once" use simulators of their own.
"""

import json
import re
import sqlite3
import time

import pytest

from tests.simulator import dialects
from tests.simulator.control import Simulator, SimulatorError

from .conftest import CardPool
from .helpers import JDOE, REF_CARD_2, request_id

GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
CORRELATION_500 = re.compile(r"^An error has occurred\. Please contact your administrator with correlation ID (%s)\.$" % GUID)


@pytest.fixture(scope="module")
def dsim(tmp_path_factory):
    sim = Simulator(tmp_path_factory.mktemp("dialect-sim"), cards=300, seed=42, unrelated_requests=60)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def dpool(dsim):
    return CardPool(dsim)


@pytest.fixture(scope="module")
def dop(dsim):
    s = dsim.session("operator")
    yield s
    s.close()


@pytest.fixture
def play(dsim):
    """Switch the module's simulator to a dialect for one test: ``play("card-put=204")``."""
    def switch(spec):
        full = dsim.set_dialect(spec)
        assert full == dialects.parse(spec)
        return full

    yield switch
    dsim.set_dialect(reset=True)
    assert dsim.dialect() == dialects.DEFAULT


def create(s, sim, card, rtype="Retire", **extra):
    body = {"type": rtype, "smartcard": card["Uuid"], "datacollection": "[]", "comment": "dialect test"}
    body.update(extra)
    r = s.post(sim.api_url + "/requests", json=body)
    assert r.status_code == 201, r.text
    return request_id(r.json())


def get_request(s, sim, rid):
    r = s.get(sim.api_url + "/requests/" + rid)
    assert r.status_code == 200, r.text
    return r.json()


def put_card(s, sim, rid, card, status):
    return s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, card["Uuid"]), json={"status": status})


def put_request(s, sim, rid, status):
    return s.put(sim.api_url + "/requests/" + rid, json={"status": status})


# ------------------------------------------------------------------ parsing, start-up, admin API
def test_parse_defaults_repeats_and_commas():
    assert dialects.parse([]) == dialects.DEFAULT
    assert list(dialects.DEFAULT) == [k for k, dummy in dialects.KEYS]
    got = dialects.parse(["request-status=sequential,card-put=204", " Created-URI = ABSOLUTE "])
    assert got == dict(dialects.DEFAULT, **{"request-status": "sequential", "card-put": "204",
                                            "created-uri": "absolute"})
    assert dialects.parse({"rule-errors": 500}) == dict(dialects.DEFAULT, **{"rule-errors": "500"})
    assert dialects.parse(dialects.format_map(dialects.EVERY_ALTERNATIVE)) == dialects.EVERY_ALTERNATIVE
    assert all(dialects.EVERY_ALTERNATIVE[k] == v[-1] != v[0] for k, v in dialects.KEYS)


@pytest.mark.parametrize("spec, words", [
    ("colour=blue", "unknown dialect key 'colour'; known keys: request-status, card-status,"),
    ("card-put=205", "dialect card-put=205 is not valid; allowed values for card-put: card, 204"),
    ("request-status", "is not KEY=VALUE; keys: request-status"),
    ("card-put=204,card-put=card", "card-put is given twice (204 and card)"),
    ("rule-errors=", "allowed values for rule-errors: 400, 403, 500"),
])
def test_parse_errors_name_the_key_or_value(spec, words):
    with pytest.raises(dialects.DialectError) as exc:
        dialects.parse(spec)
    assert words in str(exc.value)


def test_bad_dialect_flag_stops_the_start(tmp_path):
    sim = Simulator(tmp_path, cards=10, dialect="data-items=sometimes")
    with pytest.raises(SimulatorError, match=r"bad --dialect: dialect data-items=sometimes is not valid; "
                                             r"allowed values for data-items: none, required"):
        sim.start()
    assert not sim.running


def test_simulator_json_and_admin_api(simulator_factory):
    sim = simulator_factory(cards=20, dialect="request-status=sequential",
                            extra_args=["--dialect", "card-put=204,created-uri=absolute"])
    expected = dict(dialects.DEFAULT, **{"request-status": "sequential", "card-put": "204", "created-uri": "absolute"})
    info = json.loads((sim.state_dir / "simulator.json").read_text())
    assert info["dialect"] == expected and list(info["dialect"]) == list(dialects.DEFAULT)
    assert info["numbering"]["request_status"]["Pending"] == 1 and info["unrelated_requests"] == 0
    assert sim.dialect() == expected
    assert sim.numbering() == info["numbering"]
    # change at run time: partial, string form, reset; simulator.json follows
    assert sim.set_dialect({"rule-errors": "403"})["rule-errors"] == "403"
    assert sim.set_dialect("card-status=shifted")["card-status"] == "shifted"
    assert sim.dialect()["request-status"] == "sequential"
    info = json.loads((sim.state_dir / "simulator.json").read_text())
    assert info["dialect"]["card-status"] == "shifted" and info["numbering"]["card_status"]["Disabled"] == 4
    for bad, words in (({"rule-errors": "418"}, "allowed values for rule-errors: 400, 403, 500"),
                       ({"nope": "x"}, "unknown dialect key 'nope'")):
        with pytest.raises(SimulatorError, match="400.*" + re.escape(words)):
            sim.set_dialect(bad)
    assert sim.set_dialect(reset=True) == dialects.DEFAULT
    assert "dialect now default" in (sim.state_dir / "simulator.log").read_text()


def test_help_lists_every_key():
    import subprocess
    import sys

    from tests.simulator.control import REPO_ROOT

    out = subprocess.run([sys.executable, "-m", "tests.simulator", "--help"], cwd=str(REPO_ROOT),
                         capture_output=True, text=True, check=True).stdout
    flat = "".join(out.split())  # argparse wraps lines, also at hyphens
    for key, values in dialects.KEYS:
        assert "%s=%s" % (key, "|".join(values)) in flat
    assert "--unrelated-requests" in flat


# ------------------------------------------------------------------ numbering
def test_request_status_sql(dsim, dop, dpool, play):
    play("request-status=sql")
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card)
    assert get_request(dop, dsim, rid)["Status"] == 3
    assert put_card(dop, dsim, rid, card, "Retired").status_code == 200
    assert get_request(dop, dsim, rid)["Status"] == 18
    listed = dop.get(dsim.api_url + "/requests", params={"status": "18"}).json()
    assert rid in {r["Uuid"] for r in listed} and {r["Status"] for r in listed} == {18}
    assert put_request(dop, dsim, rid, 8).json()["Status"] == 8
    pending = dpool.take(status="Active", approval_required=True)
    prid = create(dop, dsim, pending)
    assert get_request(dop, dsim, prid)["Status"] == 16
    assert put_request(dop, dsim, prid, "Canceled").json()["Status"] == 17
    other = create(dop, dsim, dpool.take(status="Active"))
    assert put_request(dop, dsim, other, "Abandoned").json()["Status"] == 20
    denied = create(dop, dsim, dpool.take(status="Active", approval_required=True))
    assert dsim.deny(denied)["Status"] == 4
    assert dsim.numbering()["request_status"] == {"None": 0, "Approved": 3, "Denied": 4, "Completed": 8, "Failed": 9,
                                                  "Pending": 16, "Canceled": 17, "Executing": 18, "Abandoned": 20}


def test_request_status_sequential(dsim, dop, dpool, play):
    play("request-status=sequential")
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card)
    assert put_card(dop, dsim, rid, card, "Retired").status_code == 200
    assert get_request(dop, dsim, rid)["Status"] == 4  # Executing
    listed = dop.get(dsim.api_url + "/requests", params={"status": "Executing"}).json()
    assert rid in {r["Uuid"] for r in listed} and {r["Status"] for r in listed} == {4}
    assert put_request(dop, dsim, rid, "Completed").json()["Status"] == 8
    prid = create(dop, dsim, dpool.take(status="Active", approval_required=True))
    assert get_request(dop, dsim, prid)["Status"] == 1
    assert rid not in {r["Uuid"] for r in dop.get(dsim.api_url + "/requests", params={"status": "1"}).json()}
    assert prid in {r["Uuid"] for r in dop.get(dsim.api_url + "/requests", params={"status": "1"}).json()}
    assert put_request(dop, dsim, prid, 6).json()["Status"] == 6  # Canceled, given as its integer
    denied = create(dop, dsim, dpool.take(status="Active", approval_required=True))
    assert dsim.deny(denied)["Status"] == 2
    journal = [e for e in dsim.journal() if e["request_id"] == rid]
    assert [(e["before"], e["after"], e["after_name"]) for e in journal if e["kind"] != "card_status"] == [
        (None, 3, "Approved"), (3, 4, "Executing"), (4, 8, "Completed")]


def test_card_status_default(dsim, dop, dpool, play):
    play("card-status=default")
    suspended = dpool.take(status="Suspended")
    assert suspended["Status"] == 4
    assert dop.get(dsim.api_url + "/smartcards/" + suspended["Uuid"]).json()["Status"] == 4
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card, "Revoke")
    assert put_card(dop, dsim, rid, card, 5).json()["Status"] == 5  # Disabled


def test_card_status_shifted(dsim, dop, dpool, play):
    play("card-status=shifted")
    suspended = dpool.take(status="Suspended")
    assert suspended["Status"] == 5  # the admin API numbers as the API does
    assert dop.get(dsim.api_url + "/smartcards/" + suspended["Uuid"]).json()["Status"] == 5
    assert all(c["Status"] == 4 for c in dsim.cards(status="Disabled", limit=5))
    assert {c["Uuid"] for c in dsim.cards(status=4, limit=5)} == {c["Uuid"] for c in dsim.cards(status="Disabled", limit=5)}
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card, "Revoke")
    r = put_card(dop, dsim, rid, card, 4)  # 4 is Disabled here
    assert r.status_code == 200 and r.json()["Status"] == 4
    assert [(e["before"], e["after"], e["after_name"]) for e in dsim.journal()
            if e["card"] == card["Uuid"] and e["kind"] == "card_status"] == [(3, 4, "Disabled")]
    # unchanged members
    assert dsim.numbering()["card_status"] == {"None": 0, "New": 1, "Assigned": 2, "Active": 3, "Suspended": 5,
                                               "Disabled": 4, "Retired": 6}


def test_request_type_default(dsim, dop, dpool, play):
    play("request-type=default")
    card = dpool.take(status="Active")
    assert get_request(dop, dsim, create(dop, dsim, card, "Unblock"))["RequestType"] == 5
    assert get_request(dop, dsim, create(dop, dsim, card, "Retire"))["RequestType"] == 10
    assert get_request(dop, dsim, create(dop, dsim, card, 11))["RequestType"] == 11  # an integer: Revoke


def test_request_type_other(dsim, dop, dpool, play):
    play("request-type=other")
    table = dsim.numbering()["request_type"]
    assert all(table[name] != code for name, code in dialects.REQUEST_TYPE.items())
    card = dpool.take(status="Active")
    assert get_request(dop, dsim, create(dop, dsim, card, "Unblock"))["RequestType"] == 8
    retire = create(dop, dsim, card, "Retire")
    assert get_request(dop, dsim, retire)["RequestType"] == 3
    revoke = create(dop, dsim, card, 2)  # an integer in this numbering: Revoke
    assert get_request(dop, dsim, revoke)["RequestType"] == 2
    assert [e["request_type"] for e in dsim.journal() if e["request_id"] == revoke] == ["Revoke"]
    assert put_card(dop, dsim, revoke, card, "Disabled").status_code == 200


# ------------------------------------------------------------------ answers
def wrong_type_put(dsim, dop, dpool):
    """A rule violation: a Retire request used to disable the card."""
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card, "Retire")
    r = put_card(dop, dsim, rid, card, "Disabled")
    assert dsim.card(card["Uuid"])["Status"] == 3 and get_request(dop, dsim, rid)["Status"] == 3
    return r


@pytest.mark.parametrize("code", [400, 403])
def test_rule_errors_with_message(dsim, dop, dpool, play, code):
    play("rule-errors=%d" % code)
    r = wrong_type_put(dsim, dop, dpool)
    assert r.status_code == code
    assert r.json() == {"Message": r.json()["Message"]}
    assert "needs a Revoke request" in r.json()["Message"]


def test_rule_errors_500_with_correlation_id_in_the_text(dsim, dop, dpool, play):
    play("rule-errors=500")
    r = wrong_type_put(dsim, dop, dpool)
    assert r.status_code == 500 and set(r.json()) == {"Message"}
    m = CORRELATION_500.match(r.json()["Message"])
    assert m, r.text
    again = wrong_type_put(dsim, dop, dpool)
    assert CORRELATION_500.match(again.json()["Message"]).group(1) != m.group(1)
    # the other rule violations too: completing an Approved request, a Retired card
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card)
    assert put_request(dop, dsim, rid, "Completed").status_code == 500
    assert put_card(dop, dsim, rid, card, "Retired").status_code == 200
    assert put_card(dop, dsim, rid, card, "Retired").status_code == 500
    # permission refusals and bad input keep their own codes
    assert dop.get(dsim.api_url + "/smartcards/%s/operations" % card["Uuid"]).json() == []
    assert dop.post(dsim.api_url + "/requests", json={
        "type": "Revoke", "smartcard": card["Uuid"], "datacollection": "[]", "comment": ""}).status_code == 403
    assert put_request(dop, dsim, rid, "Shiny").status_code == 400


def test_card_put_card(dsim, dop, dpool, play):
    play("card-put=card")
    card = dpool.take(status="Active")
    r = put_card(dop, dsim, create(dop, dsim, card), card, "Retired")
    assert r.status_code == 200 and r.json()["Uuid"] == card["Uuid"] and r.json()["Status"] == 6


def test_card_put_204(dsim, dop, dpool, play):
    play("card-put=204")
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card)
    r = put_card(dop, dsim, rid, card, "Retired")
    assert r.status_code == 204 and r.content == b""
    assert dop.get(dsim.api_url + "/smartcards/" + card["Uuid"]).json()["Status"] == 6  # the change was made
    # refusals still answer with a body
    r = put_card(dop, dsim, rid, card, "Retired")
    assert r.status_code == 400 and "terminal" in r.json()["Message"]


def test_put_completes_no(dsim, dop, dpool, play):
    play("put-completes=no")
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card)
    assert put_card(dop, dsim, rid, card, "Retired").status_code == 200
    assert get_request(dop, dsim, rid)["Status"] == 18
    assert put_request(dop, dsim, rid, "Completed").json()["Status"] == 8
    r = put_request(dop, dsim, rid, "Completed")  # complete-again applies only with put-completes=yes
    assert r.status_code == 400 and "allowed only from Executing" in r.json()["Message"]


@pytest.mark.parametrize("again", ["200", "204", "error"])
def test_put_completes_yes(dsim, dop, dpool, play, again):
    play("put-completes=yes,complete-again=%s,rule-errors=403" % again)
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card)
    assert put_card(dop, dsim, rid, card, "Retired").status_code == 200
    req = get_request(dop, dsim, rid)
    assert req["Status"] == 8 and req["Completed"] != "0001-01-01T00:00:00"
    assert [(e["kind"], e["after_name"]) for e in dsim.journal() if e["request_id"] == rid] == [
        ("request_created", "Approved"), ("request_status", "Executing"), ("card_status", "Retired"),
        ("request_status", "Completed")]
    mark = dsim.journal()[-1]["seq"]
    r = put_request(dop, dsim, rid, "Completed")
    if again == "200":
        assert r.status_code == 200 and r.json() == req
    elif again == "204":
        assert r.status_code == 204 and r.content == b""
    else:
        assert r.status_code == 403 and "already Completed" in r.json()["Message"]
    assert dsim.journal(since=mark) == [] and get_request(dop, dsim, rid) == req
    # other changes of a Completed request stay rule violations
    assert put_request(dop, dsim, rid, "Canceled").status_code == 403


def test_request_listing_caller(dsim, dop, dpool, play):
    play("request-listing=caller")
    rid = create(dop, dsim, dpool.take(status="Active"))
    listed = dop.get(dsim.api_url + "/requests", params={"status": "Approved"}).json()
    me = dsim.users["operator"]["uuid"].lower()
    assert rid in {r["Uuid"] for r in listed}
    assert all(me in (r["OriginatorUserUuid"].lower(), r["TargetUserUuid"].lower()) for r in listed)
    # the seeded requests of other users exist (GET by id) but are not listed
    other = [r for r in dsim.requests(unrelated=True)
             if me not in (r["OriginatorUserUuid"].lower(), r["TargetUserUuid"].lower())]
    assert len(other) >= 60 and not {r["Uuid"] for r in other} & {r["Uuid"] for r in listed}
    unrelated_id = other[-1]["Uuid"]
    assert get_request(dop, dsim, unrelated_id)["Uuid"] == unrelated_id


def test_request_listing_all(dsim, dop, dpool, play):
    play("request-listing=all")
    rid = create(dop, dsim, dpool.take(status="Active"))
    everything = dsim.requests(unrelated=True)
    assert len([r for r in everything if r["Uuid"] != rid]) >= 63  # 60 unrelated + the reference's
    for status in ("Approved", "Completed", "Pending"):
        listed = dop.get(dsim.api_url + "/requests", params={"status": status}).json()
        code = dsim.numbering()["request_status"][status]
        assert {r["Uuid"] for r in listed} == {r["Uuid"] for r in everything if r["Status"] == code}
    listed = dop.get(dsim.api_url + "/requests").json()
    assert {r["Uuid"] for r in listed} == {r["Uuid"] for r in everything}
    me = dsim.users["operator"]["uuid"].lower()
    assert any(me not in (r["OriginatorUserUuid"].lower(), r["TargetUserUuid"].lower()) for r in listed)
    assert all(r["SecurityDescriptor"].endswith("\x00") and len(r["SecurityDescriptor"]) > 300 for r in listed)
    # targetuser=current still limits; a self user still sees only its own
    mine = dop.get(dsim.api_url + "/requests", params={"targetuser": "current"})
    assert all(r["TargetUserUuid"].lower() == me for r in (mine.json() if mine.status_code == 200 else []))
    with dsim.session("jdoe") as s:
        assert all(JDOE in (r["OriginatorUserUuid"].lower(), r["TargetUserUuid"].lower())
                   for r in s.get(dsim.api_url + "/requests").json())
    # admin listing: without unrelated=true only the requests made through the API (and the reference's)
    assert len(dsim.requests()) < len(everything)


def test_revoke_word_revoke(dsim, dop, dpool, play):
    play("revoke-word=revoke")
    assert "revoke" in dop.get(dsim.api_url + "/smartcards/%s/operations" % dpool.take(status="Active")["Uuid"]).json()
    suspended = dpool.take(status="Suspended")
    assert dop.get(dsim.api_url + "/smartcards/%s/operations" % suspended["Uuid"]).json() == [
        "reinstate", "retire", "revoke"]


def test_revoke_word_disable(dsim, dop, dpool, play):
    play("revoke-word=disable")
    active = dpool.take(status="Active")
    assert dop.get(dsim.api_url + "/smartcards/%s/operations" % active["Uuid"]).json() == [
        "onlineupdate", "renew", "recover", "retire", "disable", "unblock"]
    suspended = dpool.take(status="Suspended")
    assert dop.get(dsim.api_url + "/smartcards/%s/operations" % suspended["Uuid"]).json() == ["retire", "disable"]
    # the request types keep their names, and Reinstate is still accepted for a Suspended card
    rid = create(dop, dsim, suspended, "Reinstate")
    assert put_card(dop, dsim, rid, suspended, "Active").json()["Status"] == 3
    revoke = create(dop, dsim, active, "Revoke")
    assert put_card(dop, dsim, revoke, active, "Disabled").status_code == 200
    # a Reinstate for a card that is not Suspended is refused as before, naming the list as worded
    r = dop.post(dsim.api_url + "/requests", json={"type": "Reinstate", "smartcard": dpool.take(status="Active")["Uuid"],
                                                   "datacollection": "[]", "comment": ""})
    assert r.status_code == 403 and "[onlineupdate, renew, recover, retire, disable, unblock]" in r.json()["Message"]


@pytest.mark.parametrize("dc", ["[]", [], '[{"Retire Reason":"lost"}]', [{"name": "Retire Reason", "value": "lost"}]])
def test_datacollection_any(dsim, dop, dpool, play, dc):
    play("datacollection=any")
    rid = create(dop, dsim, dpool.take(status="Active"), datacollection=dc)
    expected = [] if dc in ("[]", []) else [{"Name": "Retire Reason", "Value": "lost"}]
    assert get_request(dop, dsim, rid)["DataCollection"] == expected


def test_datacollection_string(dsim, dop, dpool, play):
    play("datacollection=string")
    card = dpool.take(status="Active")
    for dc in ([], [{"Retire Reason": "lost"}]):
        r = dop.post(dsim.api_url + "/requests", json={"type": "Retire", "smartcard": card["Uuid"],
                                                       "datacollection": dc, "comment": ""})
        assert r.status_code == 400
        assert "must be a string holding a JSON array" in r.json()["Message"] and "an array" in r.json()["Message"]
    assert dsim.requests(card=card["Uuid"]) == []
    rid = create(dop, dsim, card, datacollection='[{"Retire Reason":"lost"}]')
    assert get_request(dop, dsim, rid)["DataCollection"] == [{"Name": "Retire Reason", "Value": "lost"}]


def test_data_items_none(dsim, dop, dpool, play):
    play("data-items=none")
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card)
    req = get_request(dop, dsim, rid)
    assert req["DataCollection"] == [] and req["IsDataCollectionComplete"] is True
    assert put_card(dop, dsim, rid, card, "Retired").status_code == 200


def test_data_items_required(dsim, dop, dpool, play):
    play("data-items=required")
    card = dpool.take(status="Active")
    rid = create(dop, dsim, card)
    req = get_request(dop, dsim, rid)
    assert req["IsDataCollectionComplete"] is False
    assert req["DataCollection"] == [{"Name": "Retire Reason", "Value": None}]
    r = put_card(dop, dsim, rid, card, "Retired")
    assert r.status_code == 400
    assert r.json()["Message"] == ("Request %s cannot be executed: its data collection is incomplete "
                                   "(missing: Retire Reason)." % rid)
    assert dsim.card(card["Uuid"])["Status"] == 3 and get_request(dop, dsim, rid)["Status"] == 3
    # an empty value is not an answer either
    empty = create(dop, dsim, card, datacollection='[{"Retire Reason":""}]')
    assert get_request(dop, dsim, empty)["IsDataCollectionComplete"] is False
    # supplied (keyed by the item's name, any letter case): complete, executable
    ok = create(dop, dsim, card, datacollection='[{"retire reason":"lost"},{"Ticket":"CHG0042"}]')
    req = get_request(dop, dsim, ok)
    assert req["IsDataCollectionComplete"] is True
    assert req["DataCollection"] == [{"Name": "retire reason", "Value": "lost"}, {"Name": "Ticket", "Value": "CHG0042"}]
    assert put_card(dop, dsim, ok, card, "Retired").status_code == 200
    # Revoke needs "Revoke Reason"; other types need nothing
    other = dpool.take(status="Active")
    assert get_request(dop, dsim, create(dop, dsim, other, "Revoke"))["DataCollection"] == [
        {"Name": "Revoke Reason", "Value": None}]
    assert get_request(dop, dsim, create(dop, dsim, other, "Unblock"))["IsDataCollectionComplete"] is True


def test_post_fields_optional(dsim, dop, dpool, play):
    play("post-fields=optional")
    card = dpool.take(status="Active")
    req = get_request(dop, dsim, create(dop, dsim, card))  # neither profiletemplateuuid nor target
    assert req["TargetUserUuid"] == dsim.users["operator"]["uuid"]  # "defaults to the current user"
    assert req["ProfileTemplateUuid"] == card["ProfileTemplateUuid"]
    other = create(dop, dsim, card, target=JDOE, profiletemplateuuid="0f0e0d0c-0b0a-4908-8706-050403020100")
    assert get_request(dop, dsim, other)["TargetUserUuid"] == JDOE  # any target is taken


def test_post_fields_required(dsim, dop, dpool, play):
    play("post-fields=required")
    card = dpool.take(status="Active")
    owner, template = card["AssignedUserUuid"], card["ProfileTemplateUuid"]
    for missing, extra in (("profiletemplateuuid", {"target": owner}), ("target", {"profiletemplateuuid": template})):
        body = dict({"type": "Retire", "smartcard": card["Uuid"], "datacollection": "[]", "comment": ""}, **extra)
        r = dop.post(dsim.api_url + "/requests", json=body)
        assert r.status_code == 400 and "lacks the required key '%s'" % missing in r.json()["Message"]
    r = dop.post(dsim.api_url + "/requests", json={"type": "Retire", "smartcard": card["Uuid"], "datacollection": "[]",
                                                   "comment": "", "target": JDOE, "profiletemplateuuid": template})
    assert r.status_code == 400 and "is not the owner of smart card" in r.json()["Message"]
    r = dop.post(dsim.api_url + "/requests", json={"type": "Retire", "smartcard": card["Uuid"], "datacollection": "[]",
                                                   "comment": "", "target": owner,
                                                   "profiletemplateuuid": "0f0e0d0c-0b0a-4908-8706-050403020100"})
    assert r.status_code == 400 and "is not the template of smart card" in r.json()["Message"]
    assert dsim.requests(card=card["Uuid"]) == []
    rid = create(dop, dsim, card, target=owner.upper(), profiletemplateuuid="{%s}" % template.upper())
    req = get_request(dop, dsim, rid)
    assert req["TargetUserUuid"].lower() == owner.lower() and req["ProfileTemplateUuid"] == template


def test_created_uri_relative(dsim, dop, dpool, play):
    play("created-uri=relative")
    r = dop.post(dsim.api_url + "/requests", json={"type": "Retire", "smartcard": dpool.take(status="Active")["Uuid"],
                                                   "datacollection": "[]", "comment": ""})
    assert r.status_code == 201 and re.fullmatch(r"api/v1\.0/requests/[0-9a-f-]{36}", r.json())


def test_created_uri_absolute(dsim, dop, dpool, play):
    play("created-uri=absolute")
    card = dpool.take(status="Active")
    r = dop.post(dsim.api_url + "/requests", json={"type": "Retire", "smartcard": card["Uuid"],
                                                   "datacollection": "[]", "comment": ""})
    assert r.status_code == 201
    assert re.fullmatch(r"/CertificateManagement/api/v1\.0/requests/[0-9A-F-]{36}", r.json()), r.json()
    # the upper-case id works everywhere; the request's own Uuid stays as stored
    rid = r.json().rsplit("/", 1)[1]
    assert get_request(dop, dsim, rid)["Uuid"] == rid.lower()
    assert put_card(dop, dsim, rid, card, "Retired").status_code == 200


def test_strings_may_hold_nul_characters(dsim, dop, dpool):
    """In every dialect: a request's SecurityDescriptor ends in NUL characters, as the reference's."""
    rid = create(dop, dsim, dpool.take(status="Active"))
    r = dop.get(dsim.api_url + "/requests/" + rid)
    assert b"\\u0000\\u0000\\u0000\\u0000" in r.content
    sd = r.json()["SecurityDescriptor"]
    assert sd.startswith("O:S-1-5-21-") and sd.endswith("\x00" * 4) and "\x00" not in sd.rstrip("\x00")


# ------------------------------------------------------------------ all at once
def test_every_alternative_at_once(simulator_factory):
    sim = simulator_factory(cards=200, dialect=dialects.format_map(dialects.EVERY_ALTERNATIVE))
    assert sim.dialect() == dialects.EVERY_ALTERNATIVE
    assert sim.info["unrelated_requests"] == 2000 and sim.stats()["unrelated_count"] == 2000
    card = sim.cards(status="Active", approval_required=False, restricted=False, limit=1)[0]
    with sim.session("operator") as s:
        ops = s.get(sim.api_url + "/smartcards/%s/operations" % card["Uuid"]).json()
        assert "disable" in ops and "revoke" not in ops
        body = {"type": "Retire", "smartcard": card["Uuid"], "datacollection": [], "comment": "CHG0042",
                "target": card["AssignedUserUuid"], "profiletemplateuuid": card["ProfileTemplateUuid"]}
        assert s.post(sim.api_url + "/requests", json=body).status_code == 400  # an array
        body["datacollection"] = "[]"
        r = s.post(sim.api_url + "/requests", json=dict(body, target=None))
        assert r.status_code == 400 and "'target'" in r.json()["Message"]
        r = s.post(sim.api_url + "/requests", json=body)
        assert r.status_code == 201 and r.json().startswith("/CertificateManagement/api/v1.0/requests/")
        rid = r.json().rsplit("/", 1)[1]
        assert rid == rid.upper()
        req = s.get(sim.api_url + "/requests/" + rid).json()
        assert (req["Status"], req["RequestType"], req["IsDataCollectionComplete"]) == (3, 3, False)
        r = s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, card["Uuid"]), json={"status": "Retired"})
        assert r.status_code == 500 and CORRELATION_500.match(r.json()["Message"])
        body["datacollection"] = '[{"Retire Reason":"left the company"}]'
        rid = s.post(sim.api_url + "/requests", json=body).json().rsplit("/", 1)[1]
        r = s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, card["Uuid"]), json={"status": "Retired"})
        assert r.status_code == 204 and r.content == b""
        assert s.get(sim.api_url + "/smartcards/" + card["Uuid"]).json()["Status"] == 6
        assert s.get(sim.api_url + "/requests/" + rid).json()["Status"] == 8  # Completed by the card PUT
        r = s.put(sim.api_url + "/requests/" + rid, json={"status": "Completed"})
        assert r.status_code == 500 and CORRELATION_500.match(r.json()["Message"])
        listed = s.get(sim.api_url + "/requests", params={"status": "Completed"}).json()
        assert len(listed) > 1000 and rid.lower() in {x["Uuid"] for x in listed}
        assert {x["Status"] for x in listed} == {8}
        pending = s.get(sim.api_url + "/requests", params={"status": "Pending"}).json()
        assert pending and {x["Status"] for x in pending} == {1}
        disabled = sim.cards(status="Disabled", limit=1)[0]
        assert s.get(sim.api_url + "/smartcards/" + disabled["Uuid"]).json()["Status"] == 4
    changes = [e for e in sim.journal() if e["kind"] == "card_status"]
    assert [(e["card"], e["before_name"], e["after_name"]) for e in changes] == [(card["Uuid"], "Active", "Retired")]


def test_twenty_thousand_unrelated_requests(simulator_factory):
    """The listing of every user's requests with 20,000 unrelated ones: counts and filtering
    (the time is printed, not asserted)."""
    sim = simulator_factory(cards=300, dialect="request-listing=all", unrelated_requests=20000, start_timeout=300)
    assert sim.stats()["unrelated_count"] == 20000
    everything = sim.requests(unrelated=True)
    by_status = {}
    for r in everything:
        by_status[r["Status"]] = by_status.get(r["Status"], 0) + 1
    log = sim.state_dir / "simulator.log"
    for dummy in range(600):  # the figures below are for pre-serialised requests: wait for that
        if "pre-serialised 20000" in log.read_text():
            break
        time.sleep(0.05)
    with sim.session("operator") as s:
        s.get(sim.api_url + "/smartcards/" + REF_CARD_2)  # the handshake, outside the timing
        for status in ("Completed", "Pending", None):
            params = {"status": status} if status else {}
            t0 = time.perf_counter()
            r = s.get(sim.api_url + "/requests", params=params)
            t1 = time.perf_counter()
            listed = r.json()
            t2 = time.perf_counter()
            code = sim.numbering()["request_status"].get(status)
            expected = len(everything) if status is None else by_status[code]
            assert len(listed) == expected
            assert status is None or {x["Status"] for x in listed} == {code}
            print("GET /requests%s: %d requests, %.1f MB: answer in %.2f s, JSON parsed in %.2f s" % (
                "?status=" + status if status else "", len(listed), len(r.content) / 1e6, t1 - t0, t2 - t1))
    assert len(everything) == 20003


def test_unrelated_requests_without_listing_all_and_restart(simulator_factory):
    sim = simulator_factory(cards=50, unrelated_requests=30)
    assert sim.dialect()["request-listing"] == "caller" and sim.stats()["unrelated_count"] == 30
    first = sim.requests(unrelated=True)
    sim.options["unrelated_requests"] = 45
    sim.restart()
    again = sim.requests(unrelated=True)
    assert len(again) == 48 and again[:33] == first  # the same 30, then 15 more
    assert "added 15 unrelated requests" in (sim.state_dir / "simulator.log").read_text()


def test_state_of_an_older_simulator_is_migrated(tmp_path):
    """A state dir of schema 1 (sequential request statuses in the database) is renumbered."""
    with Simulator(tmp_path, cards=20) as sim:
        with sim.session("operator") as s:
            rid = create(s, sim, sim.cards(status="Active", limit=1)[0])
    db = sqlite3.connect(str(tmp_path / "simulator.db"))
    db.execute("DELETE FROM requests WHERE uuid_norm != ?", (rid,))
    db.execute("UPDATE requests SET status=1")  # Pending, as schema 1 numbered it
    db.execute("UPDATE journal SET after=1")
    db.execute("DROP INDEX requests_unrelated")
    for col in ("dc_complete", "new_card", "security", "unrelated"):
        db.execute("ALTER TABLE requests DROP COLUMN " + col)
    db.execute("UPDATE meta SET value='\"1\"' WHERE key='schema'")
    db.commit()
    db.close()
    with Simulator(tmp_path, cards=20) as sim:
        assert [r["Status"] for r in sim.requests() if r["Uuid"] == rid] == [16]
        assert [(e["after"], e["after_name"]) for e in sim.journal()] == [(16, "Pending")]
        with sim.session("operator") as s:
            req = get_request(s, sim, rid)
            assert req["SecurityDescriptor"].endswith("\x00")
            assert get_request(s, sim, "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099")["RequestType"] == 1
    assert "migrated from schema 1" in (tmp_path / "simulator.log").read_text()
