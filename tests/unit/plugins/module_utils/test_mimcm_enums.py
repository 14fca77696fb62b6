"""The one table of SmartcardStatus / RequestStatus / RequestType, and the lifecycle rules over it."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import (
    RequestStatus,
    RequestType,
    SmartcardStatus,
    canonical_operation,
    canonical_operations,
    operation_for_request_type,
    request_type_for_status,
    settable_status,
    transition_problem,
)


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


def test_settable_statuses_are_case_insensitive():
    assert settable_status('retired') == 'Retired'
    assert settable_status(' DISABLED ') == 'Disabled'
    assert settable_status('active') == 'Active' and settable_status('Suspended') == 'Suspended'
    assert settable_status('New') is None and settable_status('bogus') is None


def test_request_type_needed_for_each_target():
    assert request_type_for_status('Retired') == 'Retire'
    assert request_type_for_status('Disabled') == 'Revoke'
    assert request_type_for_status('Active') == 'Reinstate'
    assert request_type_for_status('Suspended') is None
    assert operation_for_request_type('Retire') == 'Retire'


def test_operations_are_canonicalised():
    assert canonical_operations(['renew', 'UNBLOCK', 'retire', 'onlineupdate', 'recoveronbehalf']) == \
        ['Renew', 'Unblock', 'Retire', 'OnlineUpdate', 'RecoverOnBehalf']
    assert canonical_operation('SomethingNew') == 'SomethingNew'


@pytest.mark.parametrize('current,target,legal', [
    (3, 'Retired', True), (1, 'Retired', True), (5, 'Retired', True), (6, 'Retired', False),
    (3, 'Disabled', True), (1, 'Disabled', False), (6, 'Disabled', False),
    (4, 'Active', True), (3, 'Active', False), (2, 'Active', False),
    (3, 'Suspended', True), (5, 'Suspended', False),
    (9, 'Retired', False),
])
def test_transitions(current, target, legal):
    assert (transition_problem(current, target) is None) == legal


def test_blocked_transition_says_why_for_the_caller_to_word():
    from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import blocked_transition
    assert blocked_transition('Active', 'Retired') is None
    assert blocked_transition(6, 'Disabled') == ('terminal', 'Retired')
    assert blocked_transition('New', 'Disabled') == ('illegal', ('Assigned', 'Active', 'Suspended'))
    assert blocked_transition(42, 'Retired') == ('illegal', ('None', 'New', 'Assigned', 'Active', 'Suspended',
                                                             'Disabled'))


def test_operation_allowed_and_plannable_targets():
    from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import operation_allowed, plannable_statuses
    assert operation_allowed(['renew', 'RETIRE'], 'Retired') and not operation_allowed(['renew'], 'Retired')
    assert operation_allowed(['revoke'], 'disabled') and not operation_allowed(['retire'], 'Suspended')
    assert plannable_statuses() == ('Retired', 'Disabled', 'Active')
