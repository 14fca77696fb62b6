"""The one table of SmartcardStatus / RequestStatus / RequestType."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import (
    RequestStatus,
    RequestType,
    SmartcardStatus,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_transitions import transition_problem


@pytest.mark.parametrize('name,code', [('None', 0), ('New', 1), ('Assigned', 2), ('Active', 3), ('Suspended', 4),
                                       ('Disabled', 5), ('Retired', 6)])
def test_smartcard_status_both_ways(name, code):
    assert SmartcardStatus.name(code) == name
    assert SmartcardStatus.code(name) == code
    assert SmartcardStatus.code(name.upper()) == code
    assert SmartcardStatus.name(str(code)) == name


@pytest.mark.parametrize('name,code', [('Pending', 16), ('Denied', 4), ('Approved', 3), ('Executing', 18),
                                       ('Failed', 9), ('Canceled', 17), ('Completed', 8), ('None', 0)])
def test_request_status_both_ways(name, code):
    assert RequestStatus.name(code) == name and RequestStatus.code(name.lower()) == code


def test_request_types():
    assert RequestType.name(10) == 'Retire' and RequestType.name(11) == 'Revoke' and RequestType.name(9) == 'Reinstate'
    assert RequestType.name('retire') == 'Retire'
    assert RequestType.code('Enroll') == 1 and RequestType.code('Unblock') == 5


@pytest.mark.parametrize('value', [9, 42, -1, '9', 'Bogus', True])
def test_unknown_values_are_reported_not_raised(value):
    assert SmartcardStatus.name(value).startswith('Unknown(')
    assert not SmartcardStatus.is_known(value)


def test_unknown_integer_format():
    assert SmartcardStatus.name(9) == 'Unknown(9)'
    assert RequestStatus.name(99) == 'Unknown(99)'
    assert SmartcardStatus.code('Bogus') is None
    assert SmartcardStatus.name(None) is None


def test_terminal_reason_is_explicit():
    assert 'terminal' in transition_problem(6, 'Disabled')
