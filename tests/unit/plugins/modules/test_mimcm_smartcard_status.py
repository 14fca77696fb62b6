"""mim.cm.mimcm_smartcard_status: documentation matches the argument spec, ansible-doc renders, bad input fails before any
HTTP call, results are shaped per docs/dev/contracts.md, secrets stay out."""

import json

import pytest

from ansible_collections.mim.cm.plugins.modules import mimcm_smartcard_status as MODULE

from mimcm_fakes import SECRET, FakeCM
from module_harness import (
    BASE,
    U1,
    U2,
    check_ansible_doc,
    check_documentation,
    check_examples_and_return,
    run_module,
)

NAME = 'mimcm_smartcard_status'


def test_documentation_matches_argument_spec():
    check_documentation(MODULE, NAME)


def test_examples_and_return_parse():
    check_examples_and_return(MODULE)


def test_ansible_doc_renders():
    check_ansible_doc(NAME)


@pytest.mark.parametrize('args,message', [
    ({'uuid': 'not-a-guid', 'status': 'Retired'}, "uuid[0] 'not-a-guid' is not a GUID"),
    ({'uuids': [U1, 'x'], 'status': 'Retired'}, "uuids[1] 'x' is not a GUID"),
    ({'uuids': [], 'status': 'Retired'}, 'uuids is an empty list'),
    ({'card_ids': [], 'status': 'Retired'}, 'card_ids is an empty list'),
    ({'uuids': [U1, U1.upper()], 'status': 'Retired'}, 'uuids lists %s twice' % U1),
    ({'status': 'Retired'}, 'no cards given: set uuid (or uuids), card_id (or card_ids) or card (or cards)'),
    ({'uuid': U1, 'status': 'Destroyed'}, "status 'Destroyed' is not one of Retired, Disabled, Active, Suspended"),
    ({'uuid': U1, 'status': 'Retired', 'concurrency': 0}, 'concurrency must be between'),
    ({'uuids': [U1, U2], 'status': 'Retired', 'request_id': U1}, 'request_id'),
    ({'uuid': U1, 'status': 'Retired', 'request_id': 'r1'}, "request_id 'r1' is not a GUID"),
    ({'uuid': U1, 'status': 'Retired', 'audit_log': '/nonexistent-dir/a.jsonl'}, 'audit_log'),
    ({'uuid': U1, 'status': 'Retired', 'url': 'http://cm.example.test'}, 'allow_insecure_http'),
    ({'uuid': U1, 'status': 'Retired', 'url': None},
     'url is required (or set MIMCM_URL): the CM server, e.g. https://cm.contoso.com'),
])
def test_status_bad_input_fails_before_any_http_call(args, message, capsys, no_http):
    failed, result = run_module(MODULE, dict(BASE, **args), capsys)
    assert failed and message in result['msg'], result['msg']
    assert SECRET not in json.dumps(result)


def test_status_module_results_summary_and_diff(capsys, monkeypatch):
    cm = FakeCM()
    a, b = cm.add_card(), cm.add_card(status='Retired')
    missing = U1
    failed, result = run_module(
        MODULE, dict(BASE, uuids=[a, b, missing], status='retired', comment='CHG1', _ansible_diff=True),
        capsys, cm, monkeypatch)
    assert failed
    assert result['msg'].startswith('1 of 3 cards failed (1 changed, 1 unchanged, 0 pending, 0 skipped); first: ')
    assert result['changed'] is True
    assert result['summary'] == {'total': 3, 'changed': 1, 'unchanged': 1, 'pending': 0, 'failed': 1, 'skipped': 0}
    assert [r['state'] for r in result['results']] == ['changed', 'unchanged', 'failed']
    for r in result['results']:
        assert set(r) == {'uuid', 'card_id', 'before', 'before_code', 'after', 'after_code', 'changed',
                          'request_id', 'state', 'msg'}
    assert result['diff'] == {'before': {a: 'Active'}, 'after': {a: 'Retired'}}
    assert SECRET not in json.dumps(result)


def test_status_module_fail_on_error_false(capsys, monkeypatch):
    cm = FakeCM()
    failed, result = run_module(MODULE, dict(BASE, uuid=U1, status='Retired', fail_on_error=False),
                                capsys, cm, monkeypatch)
    assert not failed and result['summary']['failed'] == 1 and result['changed'] is False


def test_status_module_check_mode(capsys, monkeypatch):
    cm = FakeCM()
    a = cm.add_card()
    failed, result = run_module(MODULE, dict(BASE, uuid=a, status='Retired', _ansible_check_mode=True),
                                capsys, cm, monkeypatch)
    assert not failed and result['changed'] is True and cm.writes() == []


@pytest.mark.parametrize('option', ['card_id', 'card_ids', 'card', 'cards', 'uuid', 'uuids'])
def test_status_takes_the_card_options_of_the_info_module(option, capsys, monkeypatch):
    """issue 10: `card_id:` on the status module used to fail with "one of the following is required"."""
    cm = FakeCM()
    uid = cm.add_card()
    value = cm.cards[uid]['SerialNumber'] if option.startswith('card_id') else uid
    failed, result = run_module(MODULE, dict(BASE, status='Retired', comment='CHG1', **{option: [value]}),
                                capsys, cm, monkeypatch)
    assert not failed, result['msg']
    assert [r['state'] for r in result['results']] == ['changed'] and cm.cards[uid]['Status'] == 6
