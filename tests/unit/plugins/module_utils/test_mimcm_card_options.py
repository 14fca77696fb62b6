"""The card options: the same names in every module, messages that name what the user wrote."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_options import card_argument_spec, card_selection

U1 = '17cf063d-e337-4aa9-a822-346554ddd3c9'
U2 = '0c96d73f-967b-420e-854a-43ad2a1504bc'


def params(**given):
    """Module params as AnsibleModule leaves them: the canonical name set, the alias kept when used."""
    out = {'uuid': None, 'card_id': None, 'card': None}
    for name, value in given.items():
        canonical = {'uuids': 'uuid', 'card_ids': 'card_id', 'cards': 'card'}.get(name, name)
        out[canonical] = value
        out[name] = value
    return out


def test_every_option_has_a_singular_and_a_plural_spelling():
    spec = card_argument_spec()
    assert {name: opt['aliases'] for name, opt in spec.items()} == {
        'uuid': ['uuids'], 'card_id': ['card_ids'], 'card': ['cards']}
    assert all(opt['type'] == 'list' and opt['elements'] == 'str' for opt in spec.values())


def test_selection_is_normalised_and_combinable():
    got = card_selection(params(uuids=[U1.upper()], card_id=['{%s}' % U2], cards=[U2]))
    assert got == {'uuids': [U1], 'card_ids': [U2], 'cards': [U2]}


@pytest.mark.parametrize('given,message', [
    ({'uuids': [U1, 'x']}, "uuids[1] 'x' is not a GUID"),
    ({'card_ids': [U1, U1.upper()]}, 'card_ids lists %s twice (items 0 and 1)' % U1),
    ({'uuids': []}, 'uuids is an empty list: give at least one card'),
    ({'uuid': [], 'card_ids': []}, 'uuid and card_ids are an empty list'),
    ({}, 'no cards given: set uuid (or uuids), card_id (or card_ids) or card (or cards)'),
])
def test_bad_selection_names_the_option_the_user_wrote(given, message):
    with pytest.raises(errors.InvalidInput) as exc:
        card_selection(params(**given))
    assert message in str(exc.value)


def test_an_empty_list_beside_a_full_one_is_fine_and_reading_may_take_none():
    assert card_selection(params(uuid=[], cards=[U1])) == {'uuids': [], 'card_ids': None, 'cards': [U1]}
    assert card_selection(params(), required=False) == {'uuids': None, 'card_ids': None, 'cards': None}
    with pytest.raises(errors.InvalidInput, match='or leave the card options unset to read your own cards'):
        card_selection(params(uuid=[]), required=False)


def test_duplicates_merge_for_reading():
    assert card_selection(params(uuid=[U1, U1.upper()]), duplicates='merge')['uuids'] == [U1]


def test_braces_are_accepted_in_every_option_and_a_mix_up_gets_a_hint():
    assert card_selection(params(uuid=['{%s}' % U1.upper()]))['uuids'] == [U1]
    from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_options import mixed_up_hint
    assert 'pass it in card_id (or card_ids)' in mixed_up_hint('uuid') and mixed_up_hint('card_id') == ''
