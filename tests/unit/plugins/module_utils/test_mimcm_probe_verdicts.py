"""The verdicts of the probe (mimcm_probe_verdicts.py), from observations alone."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_probe_verdicts as v
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus


def card(status, *words):
    return {'uuid': 'card-%s-%s' % (status, '-'.join(words)), 'status': status, 'operation_words': list(words)}


@pytest.fixture
def renumbered():
    yield SmartcardStatus.renumber
    SmartcardStatus.renumber({})


def test_request_status_numbering():
    assert v.request_status_numbering({}, {})['verdict'] == v.INCONCLUSIVE
    ok = v.request_status_numbering({'Approved': [3], 'Pending': [16], 'Denied': []}, {})
    assert ok['verdict'] == v.CONFIRMED and 'not seen: Canceled' in ok['seen'] and ok['advice'] == ''
    bad = v.request_status_numbering({'Approved': [3], 'Pending': [1]}, {})
    assert bad['verdict'] == v.CONTRADICTED and 'Pending=1' in bad['seen'] and 'Pending=16' in bad['seen']
    assert 'request_status_map to {"Approved": 3, "Pending": 1}' in bad['advice']
    assert v.request_status_numbering({'Pending': [1]}, {}, {'Pending': 1})['verdict'] == v.CONFIRMED
    conflict = v.request_status_numbering({'Pending': [3], 'Approved': [3]}, {3: ['Approved', 'Pending']})
    assert conflict['verdict'] == v.CONTRADICTED and '3 listed under Approved and Pending' in conflict['seen']


def test_smartcard_status_numbering_from_operations():
    default = [card(4, 'reinstate', 'retire', 'revoke'), card(5, 'retire'), card(3, 'renew', 'revoke')]
    assert v.smartcard_status_numbering(default)['verdict'] == v.CONFIRMED
    shifted = [card(5, 'retire', 'disable'), card(4, 'retire'), card(6)]
    out = v.smartcard_status_numbering(shifted)
    assert out['verdict'] == v.CONTRADICTED and out['advice'] == 'set smartcard_status_map to {"Disabled": 4, "Suspended": 5}'
    assert '1 card(s) with Status 6 (Retired)' in out['seen']
    # retire alone tells nothing when no card may be revoked (a caller without the Revoke permission)
    assert v.smartcard_status_numbering([card(4, 'retire')])['verdict'] == v.INCONCLUSIVE
    assert v.smartcard_status_numbering([card(4), card(2, 'retire', 'revoke')])['verdict'] == v.INCONCLUSIVE
    assert v.smartcard_status_numbering([])['verdict'] == v.INCONCLUSIVE


def test_a_configured_smartcard_status_map_is_what_is_compared(renumbered):
    renumbered({'Disabled': 4, 'Suspended': 5})
    assert v.smartcard_status_numbering([card(5, 'retire', 'revoke'), card(4, 'retire')])['verdict'] == v.CONFIRMED


def test_revoke_word_and_reinstate():
    assert v.revoke_word([card(3, 'revoke')])['verdict'] == v.CONFIRMED
    assert v.revoke_word([card(3, 'Revoke'), card(4, 'disable')])['verdict'] == v.CONFIRMED
    disable = v.revoke_word([card(3, 'disable')])
    assert disable['verdict'] == v.CONTRADICTED
    assert disable['advice'] == 'revoke is called disable here: nothing to set, the collection accepts both'
    assert v.revoke_word([card(5, 'retire')])['verdict'] == v.INCONCLUSIVE
    assert v.reinstate_listed([card(4, 'Reinstate')])['verdict'] == v.CONFIRMED
    missing = v.reinstate_listed([card(5, 'retire', 'disable')])
    assert missing['verdict'] == v.CONTRADICTED and 'nothing to set' in missing['advice']
    assert v.reinstate_listed([card(3, 'renew', 'revoke')])['verdict'] == v.INCONCLUSIVE


@pytest.mark.parametrize('scope,expected', [
    ({'total': 0}, v.INCONCLUSIVE),
    ({'total': 5, 'foreign': 2, 'common': 0}, v.CONTRADICTED),
    ({'total': 5, 'foreign': None, 'common': 0}, v.CONTRADICTED),
    ({'total': 1, 'foreign': None, 'common': 0}, v.INCONCLUSIVE),
    ({'total': 5, 'foreign': 0, 'common': 1}, v.CONFIRMED),
    ({'total': 5, 'foreign': None, 'common': 1}, v.CONFIRMED),
])
def test_request_listing_scope(scope, expected):
    assert v.request_listing_scope(scope)['verdict'] == expected


def test_all_verdicts_order_blocked_and_not_testable():
    out = v.all_verdicts({'types': [10, 5]})
    points = [item['point'] for item in out]
    assert points[:3] == ['request_status_numbering', 'smartcard_status_numbering', 'revoke_word']
    assert len(points) == len(set(points)) == 17
    assert all(item['verdict'] in v.VERDICTS and item['mark'] in ('reference', 'evidence', 'decision') for item in out)
    types = [item for item in out if item['point'] == 'request_type_numbering'][0]
    assert types['verdict'] == v.NOT_TESTABLE and '5, 10' not in types['seen'] and '10, 5' in types['seen']
    blocked = v.all_verdicts({'blocked': 'the login failed', 'paths': {'ok': True, 'seen': 'x'}})
    assert set(item['verdict'] for item in blocked) == {v.INCONCLUSIVE, v.NOT_TESTABLE}
    assert [item['seen'] for item in blocked if item['point'] == 'paths_case_insensitive'] == ['the login failed']
