"""Replay every example exchange of the API reference against the simulator (default dialect).

Sources, copied verbatim: the two seed pages ("Get Smartcard Data", "Update Smartcard Status"),
the project's API summary (mimcm-api.md) and the MicrosoftDocs/MIMDocs pages
``MIMDocs/reference/``: create-request.md (requests 1-3), get-request.md (1-2),
cancel-abandon-complete-request.md, get-profile-state-operations.md,
assign-smartcard-to-request.md, get-profile-templates.md and sample-enrollment-walkthrough.md.
Each answer is compared field by field where the simulator holds the example's objects (the
reference's cards, requests a9b4b42c/0c96d73f/b105403d, template 97CD65FA), otherwise by shape:
status code, keys in order, types, and the values the example shows.

Where the replay is not literal, the test says why. In short: the pages write typographic
quotes (“status”:”Completed”) and a trailing comma that are not JSON, so the bodies are sent with
straight quotes and without the comma; a request the simulator creates gets a new id, not the
page's; the operations example does not say who the caller is, so the replay checks its words
are in the operator's list; walkthrough steps 3, 12 and 17-27 (policies, card configuration,
admin keys, PINs, certificates) are endpoints the simulator does not have.
"""

import json
import re

import pytest

from .helpers import JDOE, REF_CARD_1, REF_CARD_2, REF_TEMPLATE, ZERO, make_request, request_id

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Submitted/Completed as the examples write them: 2015-07-07T23:37:37.767Z
DATE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z"

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
        assert s.get(sim.api_url + "/requests/" + rid, verify=sim.verify).json()["Status"] == 18
        r = s.put(sim.api_url + "/requests/" + rid, json={"status": "Completed"}, verify=sim.verify)
        assert r.status_code == 200
        assert r.json()["Status"] == 8 and r.json()["Completed"] != "0001-01-01T00:00:00"
    assert sim.card(REF_CARD_2)["Status"] == 6


def test_datacollection_as_json_string(shared_sim):
    """The reference shows datacollection both as an array and as a string holding one ("[]");
    items come back as the reference's {"Name", "Value"} objects."""
    sim = shared_sim
    with sim.session("operator") as s:
        for dc, expected in (("[]", []), ('[{"name":"reason","value":"lost"}]', [{"Name": "reason", "Value": "lost"}]),
                             ([{"name": "reason", "value": "lost"}], [{"Name": "reason", "Value": "lost"}]),
                             ('[{"reason":"lost"}]', [{"Name": "reason", "Value": "lost"}])):
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


# ===================================================================================================
# MIMDocs/reference/create-request.md, get-request.md, cancel-abandon-complete-request.md,
# assign-smartcard-to-request.md, get-profile-state-operations.md, get-profile-templates.md,
# sample-enrollment-walkthrough.md
# ===================================================================================================

# --- create-request.md, Request 1 / Response 1 ----------------------------------------------------
CREATE_REQUEST = "POST /CertificateManagement/api/v1.0/requests HTTP/1.1"
CREATE_1_BODY = """{
    "datacollection":"[]",
    "type":"Enroll",
    "profiletemplateuuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
    "comment":""
}"""
CREATE_1_RESPONSE = '"api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"'

# --- create-request.md, Request 2 / Response 2 ----------------------------------------------------
CREATE_2_BODY = """{
    "datacollection":"[]",
    "type":"Unblock",
    "smartcard":"17cf063d-e337-4aa9-a822-346554ddd3c9",
    "comment":""
}"""
CREATE_2_RESPONSE = '"api/v1.0/requests/0c96d73f-967b-420e-854a-43ad2a1504bc"'

# --- create-request.md, Request 3 (no response shown) ---------------------------------------------
CREATE_3_BODY = """{
    "profiletemplateuuid" : "97CD65FA-AF4B-4587-9309-0DD6BFD8B4E1",
    "datacollection":
    [
        {"name" : "pavle"},
        {"city" : "seattle"}
    ],
    "target" : "97CC3493-F556-4C9B-9D8B-982434201527",
    "type" : "Enroll",
    "comment" : "LALALALA",
    "priority" :  "4"
}"""

# --- get-request.md, Request 1 / Response 1 ------------------------------------------------------
GET_REQUEST_1 = "GET /certificatemanagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099 HTTP/1.1"
GET_REQUEST_1_RESPONSE = r"""{
    "Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
    "RequestType":1,
    "Status":3,
    "Flags":2,
    "DataCollection":[

    ],
    "DataCollectionFlags":32,
    "OriginatorUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "TargetUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "Submitted":"2015-07-07T23:36:21.93Z",
    "Completed":"0001-01-01T00:00:00",
    "NewProfileUuid":"00000000-0000-0000-0000-000000000000",
    "OldProfileUuid":"00000000-0000-0000-0000-000000000000",
    "NewSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "OldSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "Priority":0,
    "Comment":"",
    "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
    "SecurityDescriptor":"O:S-1-5-21-2127521184-1604012920-1887927527-14134865D:(D;;LC;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094534)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5219125)(A;;SWRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;S-1-5-21-2127521184-1604012920-1887927527-14134865)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;CCDCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
    "IsSmartcard":true,
    "IsEnrollmentAgent":false,
    "IsDataCollectionComplete":false
}"""

# --- get-request.md, Request 2 / Response 2 ------------------------------------------------------
GET_REQUEST_2 = "GET /certificatemanagement/api/v1.0/requests/0c96d73f-967b-420e-854a-43ad2a1504bc HTTP/1.1"
GET_REQUEST_2_RESPONSE = r"""{
    "Uuid":"0c96d73f-967b-420e-854a-43ad2a1504bc",
    "RequestType":5,
    "Status":3,
    "Flags":2,
    "DataCollection":[
        {
            "Name":"Sample Data Item",
            "Value":null
        }
    ],
    "DataCollectionFlags":32,
    "OriginatorUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "TargetUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "Submitted":"2015-07-07T23:40:33.133Z",
    "Completed":"0001-01-01T00:00:00",
    "NewProfileUuid":"b99ff38c-6653-471f-ae3c-325bb351a6bc",
    "OldProfileUuid":"b99ff38c-6653-471f-ae3c-325bb351a6bc",
    "NewSmartcardUuid":"17cf063d-e337-4aa9-a822-346554ddd3c9",
    "OldSmartcardUuid":"17cf063d-e337-4aa9-a822-346554ddd3c9",
    "Priority":0,
    "Comment":"",
    "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
    "SecurityDescriptor":"O:S-1-5-21-2127521184-1604012920-1887927527-14134865D:(D;;LC;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;SWRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;S-1-5-21-2127521184-1604012920-1887927527-14134865)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;CCDCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)\u0000\u0000\u0000\u0000\u0000\u0000",
    "IsSmartcard":true,
    "IsEnrollmentAgent":false,
    "IsDataCollectionComplete":false
}"""

# --- assign-smartcard-to-request.md ---------------------------------------------------------------
ASSIGN_REQUEST = "POST /CertificateManagement/api/v1.0/smartcards HTTP/1.1"
ASSIGN_BODY = """{
    "requestid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
    "cardid":"bc88f13f-83ba-4037-8262-46eba1291c6e",
    "atr":"3b8d0180fba000000397425446590301c8"
}"""
ASSIGN_RESPONSE = '"api/v1.0/smartcards/17cf063d-e337-4aa9-a822-346554ddd3c9"'

# --- cancel-abandon-complete-request.md (body with straight quotes: the page's “status”:”Completed”
# is not JSON) -----------------------------------------------------------------------------------
COMPLETE_REQUEST = "PUT /certificatemanagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099 HTTP/1.1"
COMPLETE_BODY = """{
    "status":"Completed"
}"""
COMPLETE_RESPONSE = r"""{
    "Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
    "RequestType":1,
    "Status":8,
    "Flags":2,
    "DataCollection":[

    ],
    "DataCollectionFlags":32,
    "OriginatorUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "TargetUserUuid":"8f1590dc-d932-4b66-8e68-2e91c5880780",
    "Submitted":"2015-07-07T23:36:21.93Z",
    "Completed":"2015-07-07T23:37:37.767Z",
    "NewProfileUuid":"b99ff38c-6653-471f-ae3c-325bb351a6bc",
    "OldProfileUuid":"00000000-0000-0000-0000-000000000000",
    "NewSmartcardUuid":"17cf063d-e337-4aa9-a822-346554ddd3c9",
    "OldSmartcardUuid":"00000000-0000-0000-0000-000000000000",
    "Priority":0,
    "Comment":"",
    "ProfileTemplateUuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3",
    "SecurityDescriptor":"O:S-1-5-21-2127521184-1604012920-1887927527-14134865D:(D;;LC;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094534)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5219125)(A;;SWRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;S-1-5-21-2127521184-1604012920-1887927527-14134865)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;CCDCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
    "IsSmartcard":true,
    "IsEnrollmentAgent":false,
    "IsDataCollectionComplete":false
}"""

# --- get-profile-state-operations.md --------------------------------------------------------------
OPERATIONS_REQUEST = ("GET /certificatemanagement/api/v1.0/smartcards/438d1b30-f3b4-4bed-85fa-285e08605ba7"
                      "/operations HTTP/1.1")
OPERATIONS_RESPONSE = """[
    "renew",
    "unblock",
    "retire"
]"""
# the page's vocabulary: "any number of the following"
OPERATIONS_VOCABULARY = {"onlineupdate", "renew", "recover", "recoveronbehalf", "retire", "revoke", "unblock"}

# --- get-profile-templates.md ---------------------------------------------------------------------
TEMPLATES_REQUEST = "GET /certificatemanagement/api/v1.0/profiletemplates HTTP/1.1"
TEMPLATES_RESPONSE = """[
    {
        "Name":"FIM CM Sample Profile Template",
        "Description":"Description of the template goes here",
        "Uuid":"12bd5120-86a2-4ee1-8d05-131066871578",
        "IsSmartcardProfileTemplate":false,
        "IsVirtualSmartcardProfileTemplate":false
    },
    {
        "Name":"FIM CM Sample Smart Card Logon Profile Template",
        "Description":"Description of the template goes here",
        "Uuid":"2b7044cf-aa96-4911-b886-177947e9271b",
        "IsSmartcardProfileTemplate":true,
        "IsVirtualSmartcardProfileTemplate":false
    }
]"""

# --- sample-enrollment-walkthrough.md, steps 5, 6, 14, 15, 28 -------------------------------------
# Step 5 writes “Request Reason”:”Need VPN Certs” with typographic quotes inside the string: sent
# here with straight ones. Step 14 has a leading space in the requestid (kept) and a trailing
# comma (dropped: not JSON); its requestid is the id the simulator gave, not C6BAD97C-....
WALKTHROUGH_CREATE = "POST /CertificateManagement/api/v1.0/requests"
WALKTHROUGH_CREATE_BODY = """{
    "datacollection":"[{\\"Request Reason\\":\\"Need VPN Certs\\"}]",
    "type":"Enroll",
    "profiletemplateuuid":"97CD65FA-AF4B-4587-9309-0DD6BFD8B4E1",
    "comment":""
}"""
WALKTHROUGH_CREATED = "/CertificateManagement/api/v1.0/requests/C6BAD97C-F97F-4920-8947-BE980C98C6B5"
WALKTHROUGH_ASSIGN_BODY = """{
    "requestid":" %s",
    "cardid":"23CADD5F-020D-4C3B-A5CA-307B7A06F9C9"
}"""
WALKTHROUGH_ASSIGNED = "api/v1.0/smartcards/D700D97C-F91F-4930-8947-BE980C98A644"


def send(session, sim, request_line, body_text=None):
    """Send a request line (with or without " HTTP/1.1") and a body exactly as the page writes it."""
    parts = request_line.split(" ")
    method, target = parts[0], parts[1]
    headers = {"Content-Type": "application/json"} if body_text is not None else {}
    return session.request(method, sim.url + target, data=body_text, headers=headers, verify=sim.verify)


def assert_shape(actual, expected_text, same=(), skip=()):
    """Keys in the same order and of the same types; the keys in ``same`` also equal."""
    expected = json.loads(expected_text)
    assert list(actual) == list(expected), "keys differ (order included)"
    for key in expected:
        if key in skip:
            continue
        assert type(actual[key]) is type(expected[key]), key
        if key in same:
            assert actual[key] == expected[key], key


def uri_path(uri):
    """The path to GET for a created-request URI, relative ("api/v1.0/...") or absolute."""
    return uri if uri.startswith("/") else "/CertificateManagement/" + uri


def test_create_request_example_1_enroll(shared_sim):
    """create-request Request 1 as jdoe (the examples' user); then GET it as get-request Request 1 does."""
    sim = shared_sim
    with sim.session("jdoe") as s:
        r = send(s, sim, CREATE_REQUEST, CREATE_1_BODY)
        assert r.status_code == 201, r.text
        assert re.fullmatch(r"api/v1\.0/requests/" + GUID, r.json())
        assert re.sub(GUID, "ID", r.json()) == re.sub(GUID, "ID", json.loads(CREATE_1_RESPONSE))
        req = s.get(sim.url + uri_path(r.json())).json()
    # the example's Response 1 is this request read back: all but its own id, dates and the data
    # collection flag (the reference's Enroll had policy items; the default dialect requires none)
    assert_shape(req, GET_REQUEST_1_RESPONSE, same=(
        "RequestType", "Status", "Flags", "DataCollection", "DataCollectionFlags", "OriginatorUserUuid",
        "TargetUserUuid", "Completed", "NewProfileUuid", "OldProfileUuid", "NewSmartcardUuid",
        "OldSmartcardUuid", "Priority", "Comment", "ProfileTemplateUuid", "IsSmartcard", "IsEnrollmentAgent"))
    assert re.fullmatch(DATE, req["Submitted"]) and req["SecurityDescriptor"].endswith("\x00")
    assert req["IsDataCollectionComplete"] is True


def test_create_request_example_2_unblock(shared_sim):
    """create-request Request 2 (no profiletemplateuuid) by the card's owner; read back as get-request 2."""
    sim = shared_sim
    with sim.session("jdoe") as s:
        r = send(s, sim, CREATE_REQUEST, CREATE_2_BODY)
        assert r.status_code == 201, r.text
        assert re.sub(GUID, "ID", r.json()) == re.sub(GUID, "ID", json.loads(CREATE_2_RESPONSE))
        req = s.get(sim.url + uri_path(r.json())).json()
    assert_shape(req, GET_REQUEST_2_RESPONSE, same=(
        "RequestType", "Status", "Flags", "DataCollectionFlags", "OriginatorUserUuid", "TargetUserUuid",
        "Completed", "NewProfileUuid", "OldProfileUuid", "NewSmartcardUuid", "OldSmartcardUuid", "Priority",
        "Comment", "ProfileTemplateUuid", "IsSmartcard", "IsEnrollmentAgent"))
    # the reference's template had a "Sample Data Item" for Unblock; the default dialect has none
    assert req["DataCollection"] == [] and req["IsDataCollectionComplete"] is True


def test_create_request_example_3_enroll_for_another_user(shared_sim):
    """create-request Request 3: array datacollection keyed by item names, a target, priority as a string.

    The page shows no answer; an Enroll for another user is the operator's to make (a self user
    enrolls only itself), and the template is the walkthrough's "Virtual Smartcard VPN".
    """
    sim = shared_sim
    with sim.session("operator") as s:
        r = send(s, sim, CREATE_REQUEST, CREATE_3_BODY)
        assert r.status_code == 201, r.text
        req = s.get(sim.url + uri_path(r.json())).json()
    assert list(req) == REQUEST_KEYS
    assert (req["RequestType"], req["Status"], req["Priority"], req["Comment"]) == (1, 3, 4, "LALALALA")
    assert req["DataCollection"] == [{"Name": "name", "Value": "pavle"}, {"Name": "city", "Value": "seattle"}]
    assert req["TargetUserUuid"].lower() == "97cc3493-f556-4c9b-9d8b-982434201527"
    assert req["ProfileTemplateUuid"] == "97CD65FA-AF4B-4587-9309-0DD6BFD8B4E1"
    assert req["OriginatorUserUuid"] == sim.users["operator"]["uuid"]
    with sim.session("jdoe") as s:
        r = send(s, sim, CREATE_REQUEST, CREATE_3_BODY)
    assert r.status_code == 403 and "Enroll for another user" in r.json()["Message"]


@pytest.mark.parametrize("user", ["jdoe", "operator"])
def test_get_request_examples(shared_sim, user):
    """get-request Requests 1 and 2, literally: the reference's requests are in the data set."""
    sim = shared_sim
    with sim.session(user) as s:
        r1 = replay(s, sim, GET_REQUEST_1)
        r2 = replay(s, sim, GET_REQUEST_2)
    assert r1.status_code == 200 and r2.status_code == 200
    assert_same_fields(r1.json(), GET_REQUEST_1_RESPONSE)
    assert_same_fields(r2.json(), GET_REQUEST_2_RESPONSE)
    assert r1.json()["SecurityDescriptor"].endswith("\x00" * 9)
    assert b"\\u0000" in r1.content  # sent as JSON escapes, as in the example


def test_assign_smartcard_then_complete_examples(sim):
    """assign-smartcard-to-request, then cancel-abandon-complete-request, both literally.

    The reference's order: Enroll request a9b4b42c (get-request Response 1) gets the card whose
    cardid is bc88f13f-... (card 17cf063d-...) and is completed; the completion's answer shows
    the card as NewSmartcardUuid. In the simulator, assigning the card starts the request's
    execution (Approved -> Executing), and Completed is allowed only from Executing.
    """
    with sim.session("jdoe") as s:
        assert_same_fields(replay(s, sim, GET_REQUEST_1).json(), GET_REQUEST_1_RESPONSE)
        r = send(s, sim, ASSIGN_REQUEST, ASSIGN_BODY)
        assert r.status_code == 201, r.text
        assert r.json() == json.loads(ASSIGN_RESPONSE)
        again = send(s, sim, ASSIGN_REQUEST, ASSIGN_BODY)  # the same card again: same answer, nothing written
        assert again.status_code == 201 and again.json() == r.json()
        assert replay(s, sim, GET_REQUEST_1).json()["Status"] == 18  # Executing
        r = send(s, sim, COMPLETE_REQUEST, COMPLETE_BODY)
        assert r.status_code == 200, r.text
    done = r.json()
    assert_same_fields(dict(done, Completed="2015-07-07T23:37:37.767Z"), COMPLETE_RESPONSE)
    assert re.fullmatch(DATE, done["Completed"])
    assert sim.card(REF_CARD_1)["Status"] == 2  # binding an existing card does not change it
    assert [(e["kind"], e["before_name"], e["after_name"]) for e in sim.journal()] == [
        ("card_assigned", "Assigned", "Assigned"), ("request_status", "Approved", "Executing"),
        ("request_status", "Executing", "Completed")]


def test_complete_example_needs_an_executing_request(sim):
    """The completion example alone: request a9b4b42c is Approved until a card is assigned to it."""
    with sim.session("jdoe") as s:
        r = send(s, sim, COMPLETE_REQUEST, COMPLETE_BODY)
    assert r.status_code == 400 and "Completed is allowed only from Executing" in r.json()["Message"]


def test_profile_state_operations_example(shared_sim):
    """get-profile-state-operations: the page does not say who asks. The operator's list holds
    the example's three words (and more), all lower case from the page's vocabulary."""
    sim = shared_sim
    with sim.session("operator") as s:
        r = replay(s, sim, OPERATIONS_REQUEST)
    assert r.status_code == 200
    ops = r.json()
    assert set(json.loads(OPERATIONS_RESPONSE)) <= set(ops) <= OPERATIONS_VOCABULARY
    assert all(isinstance(o, str) and o == o.lower() for o in ops)


def test_profile_templates_example(shared_sim):
    sim = shared_sim
    with sim.session("jdoe") as s:
        r = replay(s, sim, TEMPLATES_REQUEST)
    assert r.status_code == 200
    example = json.loads(TEMPLATES_RESPONSE)
    for item in r.json():
        assert_shape(item, json.dumps(example[1]))
    names = {t["Name"]: t for t in r.json()}
    assert names["Smart Card Logon"]["Uuid"] == REF_TEMPLATE
    vpn = names["Virtual Smartcard VPN"]
    assert vpn["Uuid"] == "97CD65FA-AF4B-4587-9309-0DD6BFD8B4E1" and vpn["IsVirtualSmartcardProfileTemplate"] is True


@pytest.mark.parametrize("created_uri", ["relative", "absolute"])
def test_sample_enrollment_walkthrough(simulator_factory, created_uri):
    """sample-enrollment-walkthrough steps 1-2, 5-11, 14-16 and 28 as jdoe.

    Step 6 shows the absolute upper-case URI: the created-uri=absolute dialect answers that form,
    the default the relative one of create-request.
    """
    sim = simulator_factory(cards=60, dialect="created-uri=%s" % created_uri)
    with sim.session("jdoe") as s:
        templates = s.get(sim.api_url + "/profiletemplates").json()  # steps 1-2
        vpn = [t for t in templates if t["Name"] == "Virtual Smartcard VPN"][0]
        assert vpn["Uuid"] == "97CD65FA-AF4B-4587-9309-0DD6BFD8B4E1"
        r = send(s, sim, WALKTHROUGH_CREATE, WALKTHROUGH_CREATE_BODY)  # step 5
        assert r.status_code == 201, r.text
        uri = r.json()  # step 6
        if created_uri == "absolute":
            assert re.sub(r"[0-9A-F-]{36}$", "ID", uri) == re.sub(r"[0-9A-F-]{36}$", "ID", WALKTHROUGH_CREATED)
            assert uri.rsplit("/", 1)[1] == uri.rsplit("/", 1)[1].upper()
        else:
            assert re.fullmatch(r"api/v1\.0/requests/" + GUID, uri)
        req = s.get(sim.url + uri_path(uri)).json()  # step 7
        assert req["Status"] == 3  # step 8: approved
        assert req["NewSmartcardUuid"] == ZERO  # steps 9-10: no card yet
        assert req["DataCollection"] == [{"Name": "Request Reason", "Value": "Need VPN Certs"}]
        assert req["ProfileTemplateUuid"] == vpn["Uuid"] and req["TargetUserUuid"] == JDOE
        r = send(s, sim, "POST /CertificateManagement/api/v1.0/smartcards",
                 WALKTHROUGH_ASSIGN_BODY % uri.rsplit("/", 1)[1])  # step 14
        assert r.status_code == 201, r.text
        assert re.sub(GUID, "ID", r.json()) == re.sub(r"[0-9A-F-]{36}", "ID", WALKTHROUGH_ASSIGNED)  # step 15
        card = s.get(sim.url + "/CertificateManagement/" + r.json()).json()  # step 16
        assert list(card) == CARD_KEYS
        assert card["SerialNumber"].lower() == "{23cadd5f-020d-4c3b-a5ca-307b7a06f9c9}"
        assert (card["Status"], card["AssignedUserUuid"], card["ProfileTemplateUuid"]) == (2, JDOE, vpn["Uuid"])
        assert s.get(sim.url + uri_path(uri)).json()["NewSmartcardUuid"] == card["Uuid"]
        r = s.put(sim.url + uri_path(uri), json={"status": "Completed"})  # step 28
        assert r.status_code == 200 and r.json()["Status"] == 8
    assert [e["kind"] for e in sim.journal()] == ["request_created", "card_assigned", "request_status",
                                                  "request_status"]
