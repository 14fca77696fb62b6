"""The request reader (mimcm_request_info, and the reading half of mimcm_request), against the in-process fake."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_reader import RequestReader
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_selection import (
    RequestSelection,
    selection_argument_spec,
)

from mimcm_fakes import Fault, make_client

ME = '8f1590dc-d932-4b66-8e68-2e91c5880780'
OTHER = '6c3c1d1e-73b7-4a44-9c2b-5f43e1f6d1a0'
NOBODY = '00000000-0000-0000-0000-0000000000aa'


def select(**given):
    params = dict((name, None) for name in selection_argument_spec())
    params.update(mine=False, targeting_me=False)
    params.update(given)
    return RequestSelection.from_params(params)


def listings(cm):
    return [c[2] for c in cm.calls if c[0] == 'GET' and c[1].lower().endswith('/requests')]


def ids_of(requests):
    return [r['id'] for r in requests]


def test_by_status_keeps_only_the_selected_requests_with_the_filter_as_status(cm, client):
    a, b, c = cm.add_card(), cm.add_card(), cm.add_card()
    pa = cm.add_request(a, status='Pending', comment='CHG1')
    pb = cm.add_request(b, status='Approved', comment='CHG1')
    cm.add_request(c, status='Pending', comment='CHG1')  # another card
    cm.add_request(a, status='Pending', comment='CHG2')  # another comment
    cm.add_request(a, status='Completed', comment='CHG1')  # another status
    selection = select(status=['Pending', 'Approved'], uuid=[a, b.upper()], comment='CHG1')
    requests, missing, missing_cards = RequestReader(client, selection).read()
    assert ids_of(requests) == [pa, pb] and missing == [] and missing_cards == []
    assert [(r['status'], r['status_code'], r['card']) for r in requests] == [('Pending', 16, a), ('Approved', 3, b)]
    assert listings(cm) == [{'status': 'Pending'}, {'status': 'Approved'}]
    assert client.statuses.certain(16) == 'Pending'  # every listed integer is learned, kept or not
    assert cm.writes() == []


def test_by_status_with_card_ids_prefix_and_targeting_me(cm, client):
    serial = 'bc88f13f-83ba-4037-8262-46eba1291c6e'
    a = cm.add_card(serial=serial)
    cm.caller_uuid = ME
    mine = cm.add_request(a, status='Pending', comment='CHG0042-1', target=ME)
    cm.add_request(a, status='Pending', comment='CHG0042-2', target=OTHER)
    cm.add_request(a, status='Pending', comment='OTHER', target=ME)
    selection = select(status=['pending'], card_id=['{%s}' % serial.upper(), NOBODY], comment_prefix='CHG0042',
                       targeting_me=True)
    requests, missing, missing_cards = RequestReader(client, selection).read()
    assert ids_of(requests) == [mine] and missing_cards == [NOBODY]
    assert listings(cm) == [{'status': 'Pending', 'targetuser': 'current'}]


def test_no_listing_when_none_of_the_cards_exists(cm, client):
    cm.add_request(cm.add_card(), status='Pending')
    selection = select(status=['Pending'], card=[NOBODY])
    assert RequestReader(client, selection).read() == ([], [], [NOBODY])
    assert listings(cm) == []


def test_mine_learns_the_caller_from_own_cards(cm, client):
    own = cm.add_card()
    cm.cards[own]['Comment'] = 'mine'
    cm.cards[own]['AssignedUserUuid'] = ME
    card = cm.add_card()
    ours = cm.add_request(card, status='Pending', originator=ME)
    cm.add_request(card, status='Pending', originator=OTHER)
    requests = RequestReader(client, select(status=['Pending'], mine=True)).read()[0]
    assert ids_of(requests) == [ours]


def test_by_id_in_input_order_with_missing_and_status_names(cm, client):
    card = cm.add_card()
    pending = cm.add_request(card, status='Pending')
    done = cm.add_request(card, status='Completed')
    selection = select(id=[done.upper(), NOBODY, pending])
    requests, missing, dummy = RequestReader(client, selection, concurrency=2).read()
    assert ids_of(requests) == [done, pending] and missing == [NOBODY]
    assert [r['status'] for r in requests] == ['Completed', 'Pending']
    # Pending is looked for first: its listing names 16; Completed's integer needs the listings up to Completed
    assert listings(cm)[0] == {'status': 'Pending'}
    assert {'status': 'Completed'} in listings(cm)


def test_by_id_an_integer_no_filter_lists_is_unknown_and_looked_up_once(cm, client):
    card = cm.add_card()
    first = cm.add_request(card, status='Abandoned')
    second = cm.add_request(card, status='Abandoned')
    requests = RequestReader(client, select(id=[first, second]), concurrency=1).read()[0]
    assert [(r['status'], r['status_code']) for r in requests] == [(None, 20), (None, 20)]
    assert len(listings(cm)) == 8  # one pass over the eight filters, not one per request


def test_by_id_narrowed_by_status_comment_and_target(cm, client):
    card = cm.add_card()
    cm.caller_uuid = ME
    cm.add_request(card, status='Completed', target=ME)  # lets the reader learn who the caller is
    keep = cm.add_request(card, status='Pending', comment='CHG1', target=ME)
    other_target = cm.add_request(card, status='Pending', comment='CHG1', target=OTHER)
    approved = cm.add_request(card, status='Approved', comment='CHG1', target=ME)
    selection = select(id=[keep, other_target, approved], status=['Pending'], comment='CHG1', targeting_me=True)
    assert ids_of(RequestReader(client, selection).read()[0]) == [keep]


def test_read_errors_fail_the_read_with_the_count(cm):
    client = make_client(cm, retries=0)
    card = cm.add_card()
    a, b = cm.add_request(card), cm.add_request(card)
    cm.faults.append(Fault('GET', '/requests/', 403, times=2))
    with pytest.raises(errors.Forbidden) as exc:
        RequestReader(client, select(id=[a, b])).read()
    assert 'and reading 1 more requests failed' in str(exc.value)
