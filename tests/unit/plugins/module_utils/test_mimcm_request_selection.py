"""The request selection of mimcm_request_info and mimcm_request: validation of the options before any call, the
one matching predicate, and how the caller's user uuid is learned (against the in-process fake API)."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_selection import (
    RequestSelection,
    caller_uuid,
    request_cards,
    selection_argument_spec,
    status_filters,
)

from mimcm_fakes import FakeCM, make_client

R1 = 'b105403d-d021-41ea-9f11-be3d677d229e'
C1 = '17cf063d-e337-4aa9-a822-346554ddd3c9'
C2 = '438d1b30-f3b4-4bed-85fa-285e08605ba7'
ME = '8f1590dc-d932-4b66-8e68-2e91c5880780'
OTHER = '6c3c1d1e-73b7-4a44-9c2b-5f43e1f6d1a0'


def params(**given):
    out = dict((name, None) for name in selection_argument_spec())
    out.update(mine=False, targeting_me=False)
    out.update(given)
    return out


def item(card=C1, comment='CHG0042', originator=OTHER, target=ME, new_card=None):
    return {'Uuid': R1, 'OldSmartcardUuid': card, 'NewSmartcardUuid': new_card, 'Comment': comment,
            'OriginatorUserUuid': originator, 'TargetUserUuid': target}


@pytest.mark.parametrize('given,message', [
    ({}, 'no requests given: set id (or ids) for requests by id, or status (or statuses)'),
    ({'id': []}, 'id is an empty list: give at least one request id'),
    ({'ids': [], 'id': []}, 'ids is an empty list'),
    ({'id': [R1, 'nope']}, "id[1] 'nope' is not a GUID"),
    ({'status': []}, 'status is an empty list: give at least one status, e.g. Pending'),
    ({'status': ['Pending', 'Open']}, "status[1] 'Open' is not a status the server lists requests by: use Approved, "
                                      'Canceled, Completed, Denied, Executing, Failed, None, Pending'),
    ({'status': ['abandoned']}, 'an Abandoned request cannot be listed by status: give it by id'),
    ({'status': ['Pending'], 'comment': 'A', 'comment_prefix': 'B'}, 'comment and comment_prefix are both set'),
    ({'status': ['Pending'], 'comment_prefix': ''}, 'comment_prefix is empty'),
    ({'status': ['Pending'], 'originator': 'x'}, "originator 'x' is not a GUID"),
    ({'status': ['Pending'], 'originator': ME, 'mine': True}, 'mine and originator are both set'),
    ({'status': ['Pending'], 'uuids': [], 'uuid': []}, 'uuids is an empty list'),
    ({'status': ['Pending'], 'uuid': ['x']}, "uuid[0] 'x' is not a GUID"),
])
def test_bad_selections_fail_naming_the_input(given, message):
    with pytest.raises(errors.InvalidInput) as exc:
        RequestSelection.from_params(params(**given))
    assert message in str(exc.value)


def test_a_status_alone_is_refused_where_narrowing_is_required():
    with pytest.raises(errors.InvalidInput) as exc:
        RequestSelection.from_params(params(status=['Pending', 'Approved']), require_narrowing=True)
    assert str(exc.value).startswith('status Pending, Approved alone selects every request the server lists')
    for narrowing in ({'comment': ''}, {'comment_prefix': 'CHG'}, {'mine': True}, {'originator': ME},
                      {'targeting_me': True}, {'uuid': [C1]}):
        assert RequestSelection.from_params(params(status=['Pending'], **narrowing), require_narrowing=True).narrowed
    by_id = RequestSelection.from_params(params(id=[R1]), require_narrowing=True)
    assert by_id.ids == [R1] and not by_id.narrowed


def test_ids_and_statuses_are_normalised_and_merged():
    given = params(id=['{%s}' % R1.upper(), R1], status=['pending', 'PENDING', 'Approved'])
    selection = RequestSelection.from_params(given)
    assert selection.ids == [R1] and selection.statuses == ['Pending', 'Approved']
    assert status_filters([' none ']) == ['None']
    assert selection.cards is None


def test_matching_cards_comment_originator_and_target():
    selection = RequestSelection.from_params(params(status=['Pending'], uuid=[C1], comment='CHG0042'))
    selection.card_uuids = {C1}
    assert selection.matches(item())
    assert selection.matches(item(card=None, new_card=C1.upper()))  # NewSmartcardUuid names the card too
    assert not selection.matches(item(card=C2))
    assert not selection.matches(item(comment='CHG00421'))
    assert not selection.matches('not a request')
    assert request_cards(item(card=C1, new_card=C2)) == {C1, C2}

    prefix = RequestSelection.from_params(params(status=['Pending'], comment_prefix='CHG'))
    assert prefix.matches(item(comment='CHG0042')) and not prefix.matches(item(comment='chg0042'))
    empty = RequestSelection.from_params(params(status=['Pending'], comment=''))
    assert empty.matches(item(comment=None)) and not empty.matches(item())

    mine = RequestSelection.from_params(params(status=['Pending'], mine=True))
    mine.caller = ME
    assert not mine.matches(item()) and mine.matches(item(originator=ME.upper()))
    other = RequestSelection.from_params(params(status=['Pending'], originator=OTHER.upper()))
    assert other.originator == OTHER and other.matches(item())

    target = RequestSelection.from_params(params(id=[R1], targeting_me=True))
    target.caller = OTHER
    assert target.needs_caller() and not target.matches(item())
    assert target.matches(item(), target_checked=True)
    listed = RequestSelection.from_params(params(status=['Pending'], targeting_me=True))
    assert not listed.needs_caller()


def test_describe_says_what_was_selected():
    selection = RequestSelection.from_params(params(status=['Pending'], uuid=[C1, C2], comment='CHG0042', mine=True,
                                                    targeting_me=True))
    assert selection.describe() == ("status Pending, 2 card(s), comment 'CHG0042', originated by you, targeting you")
    assert RequestSelection.from_params(params(id=[R1], comment_prefix='CHG')).describe() == (
        "1 request id(s), comment starting with 'CHG'")


def test_caller_uuid_from_own_cards_then_targeted_requests_else_a_clear_error():
    cm = FakeCM()
    client = make_client(cm)
    with pytest.raises(errors.InvalidInput) as exc:
        caller_uuid(client, 'targeting_me')
    assert str(exc.value).startswith('targeting_me: the server does not show who you are')
    assert cm.writes() == []

    card = cm.add_card(status='Retired')
    cm.caller_uuid = ME
    cm.add_request(card, status='Completed', target=ME)
    assert caller_uuid(client) == ME
    assert cm.calls[-1][2] == {'status': 'Completed', 'targetuser': 'current'}

    mine = cm.add_card()
    cm.cards[mine]['Comment'] = 'mine'  # the fake's "own cards"
    cm.cards[mine]['AssignedUserUuid'] = OTHER.upper()
    calls = len(cm.calls)
    assert caller_uuid(client) == OTHER and len(cm.calls) == calls + 1
