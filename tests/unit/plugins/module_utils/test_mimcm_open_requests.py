"""Which open request is ours: the one rule, and the listing made once per run."""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_open_requests import (
    OpenRequests,
    request_card,
    select_open_request,
    type_matches,
)

CARD = '17cf063d-e337-4aa9-a822-346554ddd3c9'
OTHER = '0c96d73f-967b-420e-854a-43ad2a1504bc'


def req(uid, status='Approved', rtype=10, comment='CHG1', submitted='2026-01-01T00:00:00Z', card=CARD, key='Old'):
    """A listed request: ``_status`` is the name filter it was listed under; RequestType an integer."""
    return {'Uuid': uid, '_status': status, 'Status': 99, 'RequestType': rtype, 'Comment': comment,
            'Submitted': submitted, key + 'SmartcardUuid': card.upper()}


def test_the_card_is_old_or_new_smartcard_uuid():
    assert request_card(req('r', key='New')) == CARD and request_card({}) is None


def test_candidates_need_card_comment_and_an_open_status():
    listing = [req('other-card', card=OTHER), req('other-ticket', comment='CHG2'), req('done', status='Completed'),
               req('denied', status='Denied')]
    assert select_open_request(listing, CARD, 'Retire', 'CHG1') is None
    assert select_open_request(listing + [req('ours')], CARD, 'Retire', 'CHG1')['Uuid'] == 'ours'


def test_request_types_are_compared_only_once_learned():
    """issue 11: the reference documents Enroll=1 and Unblock=5 only; a guessed integer is never compared."""
    revoke = req('revoke', rtype=11)
    assert type_matches(revoke, 'Retire', {}) is True  # unknown: the card and the comment decide
    assert type_matches(revoke, 'Retire', {10: 'Retire'}) is False  # ours is 10: this is something else
    assert type_matches(revoke, 'Retire', {11: 'Revoke'}) is False
    assert type_matches(req('r'), 'Retire', {10: 'Retire'}) is True
    assert select_open_request([revoke], CARD, 'Retire', 'CHG1', types={10: 'Retire'}) is None
    assert select_open_request([revoke], CARD, 'Retire', 'CHG1')['Uuid'] == 'revoke'


def test_ranking_stage_then_newest():
    pending = req('p', status='Pending', submitted='2026-03-01T00:00:00Z')
    approved = req('a')
    assert select_open_request([pending, approved], CARD, 'Retire', 'CHG1')['Uuid'] == 'a'
    executing = req('x', status='Executing')
    assert select_open_request([approved, executing], CARD, 'Retire', 'CHG1')['Uuid'] == 'x'
    newer = req('n', submitted='2026-02-01T00:00:00Z')
    assert select_open_request([approved, newer], CARD, 'Retire', 'CHG1')['Uuid'] == 'n'


def test_the_status_is_the_name_filter_not_a_guessed_integer():
    """A sequential-numbering server's Pending request (1) is Pending because the Pending filter listed it."""
    item = dict(req('p'), _status='Pending', Status=1)
    assert select_open_request([item], CARD, 'Retire', 'CHG1', statuses=('Pending',))['Uuid'] == 'p'
    assert select_open_request([item], CARD, 'Retire', 'CHG1', statuses=('Approved', 'Executing')) is None


class _Client(object):
    request_types = {}

    def __init__(self, listing=None, error=None):
        self.listing, self.error, self.calls, self.kept = listing or [], error, 0, None

    def list_open_requests(self, keep=None):
        self.calls += 1
        if self.error:
            raise self.error
        self.kept = [item for item in self.listing if keep is None or keep(item)]
        return self.kept


def test_the_listing_is_made_once_keeps_only_our_comment_and_is_indexed_by_card():
    client = _Client([req('a'), req('b', card=OTHER), req('c', comment='SOMEONE-ELSE')])
    found = OpenRequests(client, 'CHG1')
    assert found.find(CARD, 'Retire')['Uuid'] == 'a'
    assert found.find(OTHER.upper(), 'Retire')['Uuid'] == 'b'
    assert client.calls == 1 and found.warning is None
    assert [item['Uuid'] for item in client.kept] == ['a', 'b']  # another user's request is not kept in memory


def test_a_forbidden_listing_is_a_warning_not_a_failure():
    found = OpenRequests(_Client(error=errors.Forbidden('Listing Pending requests: forbidden (HTTP 403)')), 'CHG1')
    assert found.find(CARD, 'Retire') is None
    assert 'Could not list open requests' in found.warning and 'new ones are created instead' in found.warning
