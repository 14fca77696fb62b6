"""Each answer code: 200, 201, 204, 400, 401, 403, 404, 405, 500, 503 and the error body shape."""

import pytest

from .helpers import REF_CARD_1, REF_CARD_2, make_request

MISSING = "0f0e0d0c-0b0a-4908-8706-050403020100"


def test_204_for_reads_that_find_nothing(shared_sim, op):
    api = shared_sim.api_url
    for path, params in (("/smartcards/" + MISSING, None), ("/smartcards/%s/operations" % MISSING, None),
                         ("/smartcards", {"cardid": MISSING}), ("/requests/" + MISSING, None),
                         ("/requests/%s/smartcards/%s" % (MISSING, REF_CARD_1), None)):
        r = op.get(api + path, params=params)
        assert r.status_code == 204, path
        assert r.content == b""
        assert "Content-Type" not in r.headers


@pytest.mark.parametrize("path", [
    "/smartcards/not-a-guid",
    "/smartcards/17cf063d-e337-4aa9-a822-346554ddd3c",
    "/smartcards/17cf063d-e337-4aa9-a822-346554ddd3cz/operations",
    "/requests/xyz",
    "/requests/xyz/smartcards/" + REF_CARD_1,
    "/requests/" + MISSING + "/smartcards/nope",
])
def test_400_for_malformed_guid(shared_sim, op, path):
    r = op.get(shared_sim.api_url + path)
    assert r.status_code == 400
    assert "not a valid GUID" in r.json()["Message"]


def test_400_for_malformed_cardid(shared_sim, op):
    r = op.get(shared_sim.api_url + "/smartcards", params={"cardid": "12345"})
    assert r.status_code == 400 and "cardid" in r.json()["Message"]


@pytest.mark.parametrize("body, words", [
    (None, "empty"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ({"smartcard": REF_CARD_1, "datacollection": [], "comment": ""}, "'type'"),
    ({"type": "Explode", "smartcard": REF_CARD_1, "datacollection": [], "comment": ""}, "request type"),
    ({"type": "Retire", "smartcard": REF_CARD_1, "comment": ""}, "'datacollection'"),
    ({"type": "Retire", "smartcard": REF_CARD_1, "datacollection": "[oops", "comment": ""}, "datacollection"),
    ({"type": "Retire", "smartcard": REF_CARD_1, "datacollection": {"a": 1}, "comment": ""}, "datacollection"),
    ({"type": "Retire", "smartcard": REF_CARD_1, "datacollection": []}, "'comment'"),
    ({"type": "Retire", "smartcard": REF_CARD_1, "datacollection": [], "comment": 5}, "'comment'"),
    ({"type": "Retire", "datacollection": [], "comment": ""}, "'smartcard'"),
    ({"type": "Retire", "smartcard": "card-1", "datacollection": [], "comment": ""}, "not a valid GUID"),
    ({"type": "Retire", "smartcard": MISSING, "datacollection": [], "comment": ""}, "No smart card"),
    ({"type": "Retire", "smartcard": REF_CARD_1, "datacollection": [], "comment": "", "priority": "high"}, "priority"),
    ({"type": "Retire", "smartcard": REF_CARD_1, "datacollection": [], "comment": "", "target": "me"}, "target"),
])
def test_400_for_bad_request_body(shared_sim, op, body, words):
    kwargs = {"json": body} if isinstance(body, (dict, list)) else {"data": body}
    if isinstance(body, str):
        kwargs["headers"] = {"Content-Type": "application/json"}
    r = op.post(shared_sim.api_url + "/requests", **kwargs)
    assert r.status_code == 400, r.text
    assert words in r.json()["Message"]
    assert "Traceback" not in r.text


def test_400_for_bad_status_bodies(shared_sim, op):
    rid = make_request(op, shared_sim, REF_CARD_2, "Unblock")
    api = shared_sim.api_url
    for body, words in (({}, "'status'"), ({"status": "Shiny"}, "smart card status"),
                        ({"status": "New"}, "cannot be set")):
        r = op.put(api + "/requests/%s/smartcards/%s" % (rid, REF_CARD_2), json=body)
        assert r.status_code == 400 and words in r.json()["Message"], r.text
    for body, words in (({}, "'status'"), ({"status": "Shiny"}, "request status"),
                        ({"status": "Approved"}, "cannot be set")):
        r = op.put(api + "/requests/" + rid, json=body)
        assert r.status_code == 400 and words in r.json()["Message"], r.text


def test_400_for_unknown_request_status_filter(shared_sim, op):
    r = op.get(shared_sim.api_url + "/requests", params={"status": "Sleeping"})
    assert r.status_code == 400 and "status" in r.json()["Message"]
    r = op.get(shared_sim.api_url + "/requests", params={"status": "1", "targetuser": "someone"})
    assert r.status_code == 400 and "targetuser" in r.json()["Message"]


def test_403_names_the_missing_permission(shared_sim):
    with shared_sim.session("reader") as s:
        r = s.post(shared_sim.api_url + "/requests", json={
            "type": "Revoke", "smartcard": REF_CARD_1, "datacollection": [], "comment": ""})
    assert r.status_code == 403
    msg = r.json()["Message"]
    assert "CONTOSO\\reader" in msg and "permission" in msg and "Revoke" in msg


@pytest.mark.parametrize("path", ["/", "/CertificateManagement", "/CertificateManagement/api/v2.0/smartcards",
                                  "/favicon.ico"])
def test_404_outside_the_api(shared_sim, op, path):
    r = op.get(shared_sim.url + path)
    assert r.status_code == 404
    assert r.json()["Message"]


@pytest.mark.parametrize("path", ["/cards", "/smartcards/%s/history" % REF_CARD_1, "/requests/a/b"])
def test_404_for_unknown_api_resources(shared_sim, op, path):
    assert op.get(shared_sim.api_url + path).status_code == 404


@pytest.mark.parametrize("method, path, allow", [
    ("DELETE", "/smartcards/" + REF_CARD_1, "GET"),
    ("POST", "/smartcards/" + REF_CARD_1, "GET"),
    ("PUT", "/smartcards", "GET, POST"),
    ("PATCH", "/smartcards/%s/operations" % REF_CARD_1, "GET"),
    ("DELETE", "/requests", "GET, POST"),
    ("POST", "/requests/" + MISSING, "GET, PUT"),
    ("DELETE", "/requests/%s/smartcards/%s" % (MISSING, REF_CARD_1), "GET, PUT"),
])
def test_405_wrong_method(shared_sim, op, method, path, allow):
    r = op.request(method, shared_sim.api_url + path, json={})
    assert r.status_code == 405
    assert r.headers["Allow"] == allow
    assert method in r.json()["Message"]


def test_401_is_json(shared_sim):
    import requests

    r = requests.get(shared_sim.api_url + "/smartcards", verify=shared_sim.ca_path)
    assert r.status_code == 401 and r.headers["Content-Type"].startswith("application/json")
    assert set(r.json()) == {"Message"}


def test_500_and_503_bodies(simulator):
    sim = simulator
    sim.set_faults(error_500_rate=1.0)
    with sim.session("operator") as s:
        r = s.get(sim.api_url + "/smartcards/" + REF_CARD_1)
        assert r.status_code == 500
        body = r.json()
        assert set(body) == {"Message", "CorrelationId"}
        assert len(body["CorrelationId"]) == 36 and "Traceback" not in r.text
        sim.set_faults(reset=True, error_503_rate=1.0, retry_after=7)
        r = s.get(sim.api_url + "/smartcards/" + REF_CARD_1)
        assert r.status_code == 503 and r.headers["Retry-After"] == "7"
        sim.clear_faults()
        assert s.get(sim.api_url + "/smartcards/" + REF_CARD_1).status_code == 200
