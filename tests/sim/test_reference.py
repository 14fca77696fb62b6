"""Replay every example request/response of the API reference against the simulator.

The examples are copied verbatim from the two reference pages ("Get Smartcard Data",
"Update Smartcard Status") and from the project's API summary (mimcm-api.md); each answer
is compared field by field.
"""

import json
import re

import pytest

from .helpers import JDOE, REF_CARD_1, REF_CARD_2, REF_TEMPLATE, ZERO, make_request, request_id

# --- "Get Smartcard Data", Request 1 / Response 1 -----------------------------------------
GET_BY_CARDID_REQUEST = (
    "GET /certificatemanagement/api/v1.0/smartcards?cardid=d1ef6869-5517-42a0-8f05-16ca1a0b834d HTTP/1.1")
GET_BY_CARDID_RESPONSE = """{
    "Uuid":"438d1b30-f3b4-4bed-85fa-285e08605ba7",
    "Status":3,
    "Flags":1,
    "ParentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "PrimarySmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "PermanentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "AssignedUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
    "ProfileTemplateVersion":46,
    "Comment":"",
    "SerialNumber":"{d1ef6869-5517-42a0-8f05-16ca1a0b834d}",
    "Middleware":"MSBaseCSP",
    "Atr":"3b8d0180fba000000397425446590301c8"
}"""

# --- "Get Smartcard Data", Request 2 / Response 2 -----------------------------------------
GET_CARD_REQUEST = "GET /certificatemanagement/api/v1.0/smartcards/17cf063d-e337-4aa9-a822-346554ddd3c9 HTTP/1.1"
GET_CARD_RESPONSE = """{
    "Uuid":"17cf063d-e337-4aa9-a822-346554ddd3c9",
    "Status":2,
    "Flags":1,
    "ParentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "PrimarySmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "PermanentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "AssignedUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
    "ProfileTemplateVersion":46,
    "Comment":"",
    "SerialNumber":"{bc88f13f-83ba-4037-8262-46eba1291c6e}",
    "Middleware":"MSBaseCSP",
    "Atr":"3b8d0180fba000000397425446590301c8"
}"""

# --- "Update Smartcard Status" example -----------------------------------------------------
PUT_STATUS_REQUEST = ("PUT /certificatemanagement/api/v1.0/requests/b105403d-d021-41ea-9f11-be3d677d229e"
                      "/smartcards/17cf063d-e337-4aa9-a822-346554ddd3c9 HTTP/1.1")
PUT_STATUS_BODY = {"status": "Retired"}  # the page's request-body table: status, e.g. "Retired"
PUT_STATUS_RESPONSE = """{
    "Uuid":"17cf063d-e337-4aa9-a822-346554ddd3c9",
    "Status":6,
    "Flags":1,
    "ParentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "PrimarySmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "PermanentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "AssignedUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
    "ProfileTemplateVersion":46,
    "Comment":"",
    "SerialNumber":"{bc88f13f-83ba-4037-8262-46eba1291c6e}",
    "Middleware":"MSBaseCSP",
    "Atr":"3b8d0180fba000000397425446590301c8"
}"""

# --- mimcm-api.md: the smart card object example ------------------------------------------
API_MD_CARD = """{"Uuid":"17cf063d-e337-4aa9-a822-346554ddd3c9","Status":2,"Flags":1,
 "ParentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
 "PrimarySmartcardUuid":"00000000-0000-0000-0000-000000000000",
 "PermanentSmartcardUuid":"00000000-0000-0000-0000-000000000000",
 "AssignedUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
 "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
 "ProfileTemplateVersion":46,"Comment":"",
 "SerialNumber":"{bc88f13f-83ba-4037-8262-46eba1291c6e}",
 "Middleware":"MSBaseCSP","Atr":"3b8d0180fba000000397425446590301c8"}"""

CARD_KEYS = ["Uuid", "Status", "Flags", "ParentSmartcardUuid", "PrimarySmartcardUuid",
             "PermanentSmartcardUuid", "AssignedUserUuid", "ProfileTemplateUuid",
             "ProfileTemplateVersion", "Comment", "SerialNumber", "Middleware", "Atr"]
REQUEST_KEYS = ["Uuid", "RequestType", "Status", "Flags", "DataCollection", "DataCollectionFlags",
                "OriginatorUserUuid", "TargetUserUuid", "Submitted", "Completed", "NewProfileUuid",
                "OldProfileUuid", "NewSmartcardUuid", "OldSmartcardUuid", "Priority", "Comment",
                "ProfileTemplateUuid", "SecurityDescriptor", "IsSmartcard", "IsEnrollmentAgent",
                "IsDataCollectionComplete"]


def replay(session, sim, request_line, body=None):
    method, target, version = request_line.split(" ")
    assert version == "HTTP/1.1"
    return session.request(method, sim.url + target, json=body, verify=sim.verify)


def assert_same_fields(actual, expected_text):
    expected = json.loads(expected_text)
    assert list(actual) == list(expected), "keys differ (order included)"
    for key in expected:
        assert actual[key] == expected[key], key
        assert type(actual[key]) is type(expected[key]), key


@pytest.fixture
def sim(simulator):
    """A simulator of the test's own: for the examples that change the reference cards."""
    return simulator


def test_get_smartcard_by_cardid_example(shared_sim):
    sim = shared_sim
    with sim.session("operator") as s:
        r = replay(s, sim, GET_BY_CARDID_REQUEST)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert_same_fields(r.json(), GET_BY_CARDID_RESPONSE)


def test_get_smartcard_example(shared_sim):
    sim = shared_sim
    with sim.session("operator") as s:
        r = replay(s, sim, GET_CARD_REQUEST)
    assert r.status_code == 200
    assert_same_fields(r.json(), GET_CARD_RESPONSE)
    assert_same_fields(r.json(), API_MD_CARD)


def test_update_smartcard_status_example(sim):
    with sim.session("operator") as s:
        before = replay(s, sim, GET_CARD_REQUEST)
        assert before.json()["Status"] == 2
        r = replay(s, sim, PUT_STATUS_REQUEST, PUT_STATUS_BODY)
        assert r.status_code == 200, r.text
        assert_same_fields(r.json(), PUT_STATUS_RESPONSE)
        after = replay(s, sim, GET_CARD_REQUEST)
    assert_same_fields(after.json(), PUT_STATUS_RESPONSE)
    entries = [e for e in sim.journal() if e["kind"] == "card_status"]
    assert [(e["card"], e["before"], e["after"], e["request_id"], e["request_type"]) for e in entries] == [
        (REF_CARD_1, 2, 6, "b105403d-d021-41ea-9f11-be3d677d229e", "Retire")]


def test_reference_paths_are_case_insensitive(shared_sim):
    sim = shared_sim
    with sim.session("operator") as s:
        for prefix in ("/CertificateManagement/api/v1.0", "/certificatemanagement/api/v1.0",
                       "/CERTIFICATEMANAGEMENT/API/V1.0"):
            r = s.get(sim.url + prefix + "/SmartCards/" + REF_CARD_1.upper(), verify=sim.verify)
            assert r.status_code == 200
            assert r.json()["Uuid"] == REF_CARD_1  # letter case of the data, not of the query


def test_cardid_ignores_braces_and_case(shared_sim):
    sim = shared_sim
    with sim.session("operator") as s:
        for cardid in ("{d1ef6869-5517-42a0-8f05-16ca1a0b834d}", "D1EF6869-5517-42A0-8F05-16CA1A0B834D"):
            r = s.get(sim.api_url + "/smartcards", params={"cardid": cardid}, verify=sim.verify)
            assert r.status_code == 200
            assert r.json()["Uuid"] == REF_CARD_2


def test_operations_are_lower_case_names(shared_sim):
    """mimcm-api.md: the reference answers operations in lower case, e.g. ["renew","unblock","retire"]."""
    sim = shared_sim
    with sim.session("operator") as s:
        r = s.get(sim.api_url + "/smartcards/%s/operations" % REF_CARD_2, verify=sim.verify)
    assert r.status_code == 200
    ops = r.json()
    assert {"renew", "unblock", "retire"} <= set(ops)
    assert all(o == o.lower() for o in ops)


def test_sample_lifecycle_retire_one_card(sim):
    """mimcm-api.md "Sample lifecycle: retire one card over REST", steps 1-6."""
    with sim.session("operator") as s:
        card = s.get(sim.api_url + "/smartcards/" + REF_CARD_2, verify=sim.verify).json()
        assert card["Status"] == 3
        ops = s.get(sim.api_url + "/smartcards/%s/operations" % REF_CARD_2, verify=sim.verify).json()
        assert "retire" in ops
        r = s.post(sim.api_url + "/requests", verify=sim.verify, json={
            "type": "Retire", "smartcard": REF_CARD_2, "datacollection": [], "comment": "CHG0042"})
        assert r.status_code == 201
        assert re.fullmatch(r"api/v1\.0/requests/[0-9a-f-]{36}", r.json())
        rid = request_id(r.json())
        req = s.get(sim.api_url + "/requests/" + rid, verify=sim.verify).json()
        assert list(req) == REQUEST_KEYS
        assert req["Status"] == 3 and req["RequestType"] == 10
        assert req["OldSmartcardUuid"] == REF_CARD_2 and req["Comment"] == "CHG0042"
        assert req["Completed"] == "0001-01-01T00:00:00"
        assert req["ProfileTemplateUuid"] == REF_TEMPLATE
        r = s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, REF_CARD_2), json={"status": "Retired"},
                  verify=sim.verify)
        assert r.status_code == 200 and r.json()["Status"] == 6
        assert list(r.json()) == CARD_KEYS
        assert s.get(sim.api_url + "/requests/" + rid, verify=sim.verify).json()["Status"] == 4
        r = s.put(sim.api_url + "/requests/" + rid, json={"status": "Completed"}, verify=sim.verify)
        assert r.status_code == 200
        assert r.json()["Status"] == 8 and r.json()["Completed"] != "0001-01-01T00:00:00"
    assert sim.card(REF_CARD_2)["Status"] == 6


def test_datacollection_as_json_string(shared_sim):
    """The reference shows datacollection both as an array and as a string holding one ("[]")."""
    sim = shared_sim
    with sim.session("operator") as s:
        for dc, expected in (("[]", []), ('[{"name":"reason","value":"lost"}]', [{"name": "reason", "value": "lost"}]),
                             ([{"name": "reason", "value": "lost"}], [{"name": "reason", "value": "lost"}])):
            rid = make_request(s, sim, REF_CARD_2, "Unblock", datacollection=dc)
            req = s.get(sim.api_url + "/requests/" + rid, verify=sim.verify).json()
            assert req["DataCollection"] == expected
            assert req["RequestType"] == 5  # the reference's Unblock = 5


def test_list_own_cards_and_unset_links(shared_sim):
    sim = shared_sim
    with sim.session("jdoe") as s:
        r = s.get(sim.api_url + "/smartcards", verify=sim.verify)
    assert r.status_code == 200
    cards = r.json()
    assert isinstance(cards, list)
    assert {REF_CARD_1, REF_CARD_2} <= {c["Uuid"] for c in cards}
    assert all(c["AssignedUserUuid"].lower() == JDOE for c in cards)
    assert all(list(c) == CARD_KEYS for c in cards)
    ref = [c for c in cards if c["Uuid"] == REF_CARD_1][0]
    assert ref["ParentSmartcardUuid"] == ZERO
