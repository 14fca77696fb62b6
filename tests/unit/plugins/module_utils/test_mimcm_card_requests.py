"""The request behind a card's status change: data collection, completion already done, user requests."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_requests import (
    CardRequests,
    data_items,
    missing_data_items,
)

from mimcm_fakes import FakeCM, make_client


def test_missing_data_items_are_named():
    assert missing_data_items({'IsDataCollectionComplete': True}) == []
    assert missing_data_items({}) == []
    request = {'IsDataCollectionComplete': False,
               'DataCollection': [{'Name': 'Retire Reason', 'Value': None}, {'Name': 'Ticket', 'Value': 'x'}]}
    assert missing_data_items(request) == ['Retire Reason']
    assert missing_data_items({'IsDataCollectionComplete': False}) == ['(the server did not name them)']


@pytest.mark.parametrize('value,message', [
    ({'Reason': 3}, "data_collection: the value of 'Reason' must be text, got int"),
    ({'Reason': 'lost\x00'}, "data_collection['Reason'] contains a control character ('\\x00'): remove it"),
    ({'': 'x'}, 'data_collection: an item has an empty name'),
])
def test_data_items_are_text_without_control_characters(value, message):
    with pytest.raises(errors.InvalidInput) as exc:
        data_items(value)
    assert message in str(exc.value)
    assert data_items({' Reason ': 'lost\tcard'}) == {'Reason': 'lost\tcard'}


def test_the_request_body_carries_the_data_collection_as_a_string():
    cm = FakeCM()
    uid = cm.add_card()
    requests = CardRequests(make_client(cm), 'Retire', 'CHG1', {'Retire Reason': 'lost', 'A': 'b'})
    request_id, request = requests.create(cm.cards[uid])
    post = [b for m, p, q, b in cm.calls if m == 'POST'][0]
    assert post['datacollection'] == '[{"A":"b"},{"Retire Reason":"lost"}]'
    assert request['Uuid'] == request_id


def test_completing_a_request_the_card_put_already_completed_is_success():
    cm = FakeCM()
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Retire', 'Completed')
    CardRequests(make_client(cm), 'Retire').complete(rid, uid)  # refused with 400, then read: Completed
    assert cm.count('PUT') == 1


def test_completing_a_request_that_is_not_done_still_fails():
    cm = FakeCM()
    uid = cm.add_card()
    rid = cm.add_request(uid, 'Retire', 'Approved')
    with pytest.raises(errors.BadRequest):
        CardRequests(make_client(cm), 'Retire').complete(rid, uid)
