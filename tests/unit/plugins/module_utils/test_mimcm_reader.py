"""The reader backend of mimcm_smartcard_info, against the in-process fake API."""


import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import SmartcardReader

from mimcm_fakes import Fault, make_client


def test_reader_by_uuid_and_card_id_in_input_order(cm, client):
    serial = 'bc88f13f-83ba-4037-8262-46eba1291c6e'
    a = cm.add_card()
    b = cm.add_card(serial=serial)
    missing = '00000000-0000-0000-0000-0000000000aa'
    cards, gone = SmartcardReader(client, include_operations=True).read(uuids=[a, missing], card_ids=[serial])
    assert [c['uuid'] for c in cards] == [a, b] and gone == [missing]
    assert cards[1]['query'] == serial and cards[1]['card_id'] == serial
    assert cards[0]['operations'] == ['OnlineUpdate', 'Renew', 'Recover', 'Retire', 'Revoke', 'Unblock']


def test_reader_own_cards(cm, client):
    uid = cm.add_card()
    cm.cards[uid]['Comment'] = 'mine'
    cards, gone = SmartcardReader(client).read()
    assert [c['uuid'] for c in cards] == [uid] and gone == [] and 'operations' not in cards[0]


def test_reader_errors_are_raised_with_count(cm):
    client = make_client(cm, retries=0)
    a, b = cm.add_card(), cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 403, times=2))
    with pytest.raises(errors.Forbidden) as exc:
        SmartcardReader(client).read(uuids=[a, b])
    assert 'and 1 more cards failed' in str(exc.value)
