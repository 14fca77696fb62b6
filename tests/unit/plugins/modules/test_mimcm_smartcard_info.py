"""mim.cm.mimcm_smartcard_info: documentation matches the argument spec, ansible-doc renders, bad input fails before any
HTTP call, results are shaped per docs/dev/contracts.md, secrets stay out."""

import json

import pytest

from ansible_collections.mim.cm.plugins.modules import mimcm_smartcard_info as MODULE

from mimcm_fakes import SECRET, FakeCM
from module_harness import (
    BASE,
    U1,
    check_ansible_doc,
    check_documentation,
    check_examples_and_return,
    run_module,
)

NAME = 'mimcm_smartcard_info'


def test_documentation_matches_argument_spec():
    check_documentation(MODULE, NAME)


def test_examples_and_return_parse():
    check_examples_and_return(MODULE)


def test_ansible_doc_renders():
    check_ansible_doc(NAME)


@pytest.mark.parametrize('args,message', [
    ({'uuid': ['nope']}, "uuid[0] 'nope' is not a GUID"),
    ({'card_id': ['{123}']}, "card_id[0] '{123}' is not a GUID"),
    ({'uuid': []}, 'empty list'),
    ({'concurrency': 0}, 'concurrency must be between 1 and 64'),
    ({'url': 'http://cm.example.test'}, 'allow_insecure_http'),
    ({'password': None, 'uuid': [U1]}, 'auth=ntlm needs username'),
])
def test_info_bad_input_fails_before_any_http_call(args, message, capsys, no_http):
    failed, result = run_module(MODULE, dict(BASE, **args), capsys)
    assert failed and message in result['msg']


# ---------------------------------------------------------------- results through the module

def test_info_module_result_shape(capsys, monkeypatch):
    cm = FakeCM()
    a = cm.add_card()
    failed, result = run_module(MODULE, dict(BASE, uuid=[a, U1], include_operations=True),
                                capsys, cm, monkeypatch)
    assert not failed and result['missing'] == [U1] and 'changed' not in result or result['changed'] is False
    card = result['smartcards'][0]
    for key in ('uuid', 'status', 'status_name', 'flags', 'parent_smartcard_uuid', 'primary_smartcard_uuid',
                'permanent_smartcard_uuid', 'assigned_user_uuid', 'profile_template_uuid',
                'profile_template_version', 'comment', 'serial_number', 'card_id', 'middleware', 'atr', 'query',
                'operations'):
        assert key in card, key
    assert 'Retire' in card['operations']


def test_password_from_environment_is_masked(capsys, monkeypatch):
    cm = FakeCM()
    monkeypatch.setenv('MIMCM_PASSWORD', SECRET)
    args = dict(BASE, uuid=[U1])
    del args['password']
    failed, result = run_module(MODULE, args, capsys, cm, monkeypatch)
    assert not failed and SECRET not in json.dumps(result)


def test_info_card_option_tries_uuid_then_card_id(capsys, monkeypatch):
    cm = FakeCM()
    a, b = cm.add_card(), cm.add_card()
    serial = cm.cards[b]['SerialNumber']
    failed, result = run_module(MODULE, dict(BASE, cards=[a, serial, U1]), capsys, cm, monkeypatch)
    assert not failed and result['missing'] == [U1]
    assert [c['uuid'] for c in result['smartcards']] == [a, b]
    assert [c['query'] for c in result['smartcards']] == [a, serial.strip('{}').lower()]


def test_profile_templates_one_call_and_a_refused_listing_only_warns(capsys, monkeypatch):
    """issue 12: include_profile_templates lists the templates once per run, whatever the number of cards."""
    from mimcm_fakes import Fault
    cm = FakeCM()
    a, b = cm.add_card(), cm.add_card()
    templates = [{'Name': 'Smart Card Logon', 'Uuid': 'A039B4D0-5CE8-4EFF-8651-181C6576FDA3', 'Description': 'd'}]
    cm.faults.append(Fault('GET', '/profiletemplates$', 200, body=templates))
    failed, result = run_module(MODULE, dict(BASE, uuid=[a, b], include_profile_templates=True), capsys, cm, monkeypatch)
    assert not failed, result
    assert result['profile_templates'] == [{'uuid': 'a039b4d0-5ce8-4eff-8651-181c6576fda3', 'name': 'Smart Card Logon',
                                            'description': 'd'}]
    assert sum(1 for call in cm.calls if call[1].lower().endswith('/profiletemplates')) == 1
    cm.faults.append(Fault('GET', '/profiletemplates$', 403, body={'Message': 'denied'}))
    failed, result = run_module(MODULE, dict(BASE, uuid=[a], include_profile_templates=True), capsys, cm, monkeypatch)
    assert not failed and result['profile_templates'] == [] and len(result['smartcards']) == 1
    assert result['profile_templates_error'].startswith('Listing the profile templates: forbidden (HTTP 403)')
    assert 'their uuids stand for their names' in json.dumps(result.get('warnings'))
    failed, result = run_module(MODULE, dict(BASE, uuid=[a]), capsys, cm, monkeypatch)
    assert 'profile_templates' not in result
