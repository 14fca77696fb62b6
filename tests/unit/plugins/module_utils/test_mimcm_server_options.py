"""What the user tells the collection about their server's numbering."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus
from ansible_collections.mim.cm.plugins.module_utils.mimcm_server_options import (
    ServerNumbering,
    parse_status_map,
    server_argument_spec,
)


def test_maps_are_canonical_and_checked():
    assert parse_status_map({'disabled': 4, ' Suspended ': '5'}, 'smartcard_status_map') == {
        'Disabled': 4, 'Suspended': 5}
    assert parse_status_map(None, 'request_status_map') == {}
    assert parse_status_map({'Abandoned': 7}, 'request_status_map') == {'Abandoned': 7}


@pytest.mark.parametrize('value,message', [
    (['Pending'], 'request_status_map must be a dict of status names to integers'),
    ({'Shredded': 1}, "request_status_map: 'Shredded' is not a status name; use None, Approved"),
    ({'Pending': 'one'}, "request_status_map: the integer of Pending must be a whole number, got 'one'"),
    ({'Pending': True}, 'must be a whole number'),
    ({'Pending': 1, 'Approved': 1}, 'request_status_map gives 1 to both Pending and Approved'),
])
def test_bad_maps_name_the_option(value, message):
    with pytest.raises(errors.InvalidInput) as exc:
        parse_status_map(value, 'request_status_map')
    assert message in str(exc.value)


def test_the_smartcard_numbering_is_applied_to_the_table_of_this_process():
    try:
        ServerNumbering.from_params({'smartcard_status_map': {'Disabled': 4, 'Suspended': 5}}).apply()
        assert SmartcardStatus.name(4) == 'Disabled' and SmartcardStatus.code('Suspended') == 5
        assert SmartcardStatus.name(6) == 'Retired'
    finally:
        SmartcardStatus.renumber({})
    assert SmartcardStatus.name(4) == 'Suspended'


def test_spec_reads_json_from_the_environment():
    spec = server_argument_spec()
    assert spec['request_status_map']['type'] == 'dict'
    assert spec['request_status_map']['fallback'][1] == ['MIMCM_REQUEST_STATUS_MAP']
