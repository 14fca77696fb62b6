"""Which open request is ours: the one rule, and the listing made once per run."""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import RequestStatus, RequestType
from ansible_collections.mim.cm.plugins.module_utils.mimcm_open_requests import (
    OpenRequests,
    request_card,
    select_open_request,
)

CARD = '17cf063d-e337-4aa9-a822-346554ddd3c9'
OTHER = '0c96d73f-967b-420e-854a-43ad2a1504bc'


def req(uid, status='Approved', rtype='Retire', comment='CHG1', submitted='2026-01-01T00:00:00Z', card=CARD, key='Old'):
    return {'Uuid': uid, 'Status': RequestStatus.code(status), 'RequestType': RequestType.code(rtype),
            'Comment': comment, 'Submitted': submitted, key + 'SmartcardUuid': card.upper()}


def test_the_card_is_old_or_new_smartcard_uuid():
    assert request_card(req('r', key='New')) == CARD and request_card({}) is None


def test_candidates_need_card_type_and_an_open_status():
    listing = [req('other-card', card=OTHER), req('revoke', rtype='Revoke'), req('done', status='Completed'),
               req('denied', status='Denied')]
    assert select_open_request(listing, CARD, 'Retire', 'CHG1') is None
    assert select_open_request(listing + [req('ours')], CARD, 'Retire', 'CHG1')['Uuid'] == 'ours'


def test_ranking_stage_then_comment_then_newest():
    pending_ours = req('p', status='Pending')
    approved_other = req('a', comment='OTHER')
    assert select_open_request([pending_ours, approved_other], CARD, 'Retire', 'CHG1')['Uuid'] == 'a'
    approved_ours = req('b')
    assert select_open_request([approved_other, approved_ours], CARD, 'Retire', 'CHG1')['Uuid'] == 'b'
    newer = req('c', submitted='2026-02-01T00:00:00Z')
    assert select_open_request([approved_ours, newer], CARD, 'Retire', 'CHG1')['Uuid'] == 'c'


def test_after_a_lost_answer_only_our_comment_counts():
    listing = [req('a', comment='OTHER')]
    assert select_open_request(listing, CARD, 'Retire', 'CHG1', comment_required=True) is None
    assert select_open_request(listing + [req('p', status='Pending')], CARD, 'Retire', 'CHG1',
                               comment_required=True)['Uuid'] == 'p'


def test_statuses_can_be_narrowed():
    listing = [req('a'), req('x', status='Executing', comment='OTHER')]
    assert select_open_request(listing, CARD, 'Retire', 'CHG1', statuses=('Executing',))['Uuid'] == 'x'


class _Client(object):
    def __init__(self, listing=None, error=None):
        self.listing, self.error, self.calls = listing or [], error, 0

    def list_open_requests(self):
        self.calls += 1
        if self.error:
            raise self.error
        return self.listing


def test_the_listing_is_made_once_and_indexed_by_card():
    client = _Client([req('a'), req('b', card=OTHER)])
    found = OpenRequests(client)
    assert found.find(CARD, 'Retire', 'CHG1')['Uuid'] == 'a'
    assert found.find(OTHER.upper(), 'Retire', 'CHG1')['Uuid'] == 'b'
    assert client.calls == 1 and found.warning is None


def test_a_forbidden_listing_is_a_warning_not_a_failure():
    found = OpenRequests(_Client(error=errors.Forbidden('Listing Pending requests: forbidden (HTTP 403)')))
    assert found.find(CARD, 'Retire', 'CHG1') is None
    assert 'Could not list open requests' in found.warning and 'new ones are created instead' in found.warning
