"""Constants and helpers of the simulator tests."""

REF_CARD_1 = "17cf063d-e337-4aa9-a822-346554ddd3c9"
REF_CARD_2 = "438d1b30-f3b4-4bed-85fa-285e08605ba7"
REF_SERIAL_2 = "d1ef6869-5517-42a0-8f05-16ca1a0b834d"
JDOE = "8f1590dc-d932-4b66-8e68-2e91c5880780"
REF_TEMPLATE = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
ZERO = "00000000-0000-0000-0000-000000000000"


def api(sim, path):
    return sim.api_url + path


def request_id(created_body):
    """The request id from POST /requests' answer ("api/v1.0/requests/<id>")."""
    return created_body.rsplit("/", 1)[1]


def make_request(session, sim, card_uuid, rtype, comment="CHG0042", datacollection=None):
    body = {"type": rtype, "smartcard": card_uuid,
            "datacollection": [] if datacollection is None else datacollection, "comment": comment}
    r = session.post(api(sim, "/requests"), json=body, verify=sim.verify)
    assert r.status_code == 201, r.text
    return request_id(r.json())
