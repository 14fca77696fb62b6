"""mim.cm.mimcm_request: documentation matches the argument spec, ansible-doc renders, bad input fails before any HTTP
call, check mode writes nothing with the same verdict, skips warn and fail, an empty selection is not an error."""

import json

import pytest

from ansible_collections.mim.cm.plugins.modules import mimcm_request as MODULE

from mimcm_fakes import SECRET, FakeCM
from module_harness import (
    BASE,
    U1,
    check_ansible_doc,
    check_documentation,
    check_examples_and_return,
    run_module,
)

NAME = 'mimcm_request'
RESULT_KEYS = {'id', 'card', 'comment', 'request_type', 'request_type_code', 'before', 'before_code', 'after',
               'after_code', 'changed', 'state', 'msg'}


def test_documentation_matches_argument_spec():
    check_documentation(MODULE, NAME, version_added='0.2.0')


def test_examples_and_return_parse():
    check_examples_and_return(MODULE)


def test_ansible_doc_renders():
    check_ansible_doc(NAME)


@pytest.mark.parametrize('args,message', [
    ({'id': U1}, 'missing required arguments: state'),
    ({'id': U1, 'state': 'approved'}, "state 'approved' cannot be set through the API: use canceled, abandoned or "
                                      'completed'),
    ({'id': U1, 'state': 'Pending'}, "state 'Pending' cannot be set"),
    ({'state': 'canceled'}, 'no requests given: set id (or ids)'),
    ({'id': 'r1', 'state': 'canceled'}, "id[0] 'r1' is not a GUID"),
    ({'ids': [], 'state': 'canceled'}, 'ids is an empty list'),
    ({'status': 'Open', 'comment': 'C', 'state': 'canceled'}, "status[0] 'Open' is not a status the server lists"),
    ({'status': 'Pending', 'state': 'canceled'}, 'status Pending alone selects every request the server lists'),
    ({'status': 'Pending', 'uuids': [], 'state': 'canceled'}, 'uuids is an empty list'),
    ({'id': U1, 'state': 'canceled', 'audit_log': '/nonexistent-dir/a.jsonl'}, 'audit_log'),
    ({'id': U1, 'state': 'canceled', 'concurrency': 65}, 'concurrency must be between'),
])
def test_request_bad_input_fails_before_any_http_call(args, message, capsys, no_http):
    failed, result = run_module(MODULE, dict(BASE, **args), capsys)
    assert failed and message in result['msg'], result['msg']
    assert result['changed'] is False if 'changed' in result else True
    assert SECRET not in json.dumps(result)


def test_request_cancel_check_mode_diff_then_real_then_rerun(capsys, monkeypatch, tmp_path):
    cm = FakeCM()
    a, b = cm.add_card(), cm.add_card()
    ours = [cm.add_request(a, status='Pending', comment='CHG1'), cm.add_request(b, status='Pending', comment='CHG1')]
    cm.add_request(a, status='Pending', comment='CHG2')
    cm.add_request(b, status='Completed', comment='CHG1')
    args = dict(BASE, status='Pending', comment='CHG1', uuids=[a, b], state='canceled', _ansible_diff=True)

    failed, checked = run_module(MODULE, dict(args, _ansible_check_mode=True), capsys, cm, monkeypatch)
    assert not failed and checked['changed'] is True and cm.writes() == []
    assert [r['id'] for r in checked['results']] == ours and all(set(r) == RESULT_KEYS for r in checked['results'])
    assert [r['state'] for r in checked['results']] == ['changed', 'changed']
    assert checked['diff'] == {'before': {r: 'Pending' for r in ours}, 'after': {r: 'Canceled' for r in ours}}
    assert checked['msg'] == ("2 request(s) selected (status Pending, 2 card(s), comment 'CHG1'): 2 would change, "
                              '0 unchanged, 0 skipped, 0 failed')

    audit = tmp_path / 'audit.jsonl'
    failed, real = run_module(MODULE, dict(args, audit_log=str(audit), audit_context={'ticket': 'CHG1'}), capsys, cm,
                              monkeypatch)
    assert not failed and real['changed'] is True
    assert [(r['state'], r['after'], r['after_code']) for r in real['results']] == [('changed', 'Canceled', 17)] * 2
    assert real['summary'] == {'total': 2, 'changed': 2, 'unchanged': 0, 'skipped': 0, 'failed': 0}
    assert sorted(c[1].rsplit('/', 1)[1] for c in cm.writes()) == sorted(ours)
    lines = [json.loads(x) for x in audit.read_text().splitlines()]
    assert sorted(x['id'] for x in lines) == sorted(ours) and {x['ticket'] for x in lines} == {'CHG1'}

    writes = len(cm.writes())
    failed, again = run_module(MODULE, args, capsys, cm, monkeypatch)
    assert not failed and again['changed'] is False and again['results'] == [] and len(cm.writes()) == writes
    assert again['msg'] == ("no request matched the selection (status Pending, 2 card(s), comment 'CHG1'): nothing "
                            'to mark Canceled')
    failed, by_id = run_module(MODULE, dict(BASE, ids=ours, state='Canceled'), capsys, cm, monkeypatch)
    assert not failed and by_id['changed'] is False and len(cm.writes()) == writes
    assert [r['state'] for r in by_id['results']] == ['unchanged', 'unchanged']


def test_request_skips_warn_and_fail_unless_accepted(capsys, monkeypatch):
    cm = FakeCM()
    card = cm.add_card()
    done = cm.add_request(card, status='Completed')
    pending = cm.add_request(card, status='Pending')
    missing = '00000000-0000-0000-0000-0000000000aa'
    failed, result = run_module(MODULE, dict(BASE, ids=[done, pending, missing], state='canceled'), capsys, cm,
                                monkeypatch)
    assert failed and result['changed'] is True
    assert result['msg'].startswith('2 request(s) selected (3 request id(s)): 1 changed, 0 unchanged, 1 skipped, '
                                    '0 failed; first: request %s left Completed' % done)
    assert result['msg'].endswith('(set fail_on_skipped: false to accept skipped requests)')
    warnings = json.dumps(result['warnings'])  # ansible-core 2.19 returns them as objects
    assert '1 of 2 request(s) skipped, not marked Canceled; first: request %s left Completed' % done in warnings
    assert '1 request id(s) match no request: %s' % missing in warnings
    assert result['missing'] == [missing]

    failed, result = run_module(MODULE, dict(BASE, ids=[done], state='canceled', fail_on_skipped=False), capsys, cm,
                                monkeypatch)
    assert not failed and result['summary']['skipped'] == 1 and result['warnings']


def test_request_failures_fail_after_all_requests(capsys, monkeypatch):
    cm = FakeCM()
    card = cm.add_card()
    first, second = cm.add_request(card, status='Pending'), cm.add_request(card, status='Pending')
    cm.requests[first]['Status'] = 99  # no filter lists it: skipped, not written
    original = cm.api

    def api(request, path, query, body):
        if request.method == 'PUT':
            return 400, {'Message': 'The request is locked.'}, {}
        return original(request, path, query, body)
    cm.api = api
    failed, result = run_module(MODULE, dict(BASE, ids=[first, second], state='abandoned', fail_on_skipped=False),
                                capsys, cm, monkeypatch)
    assert failed and [r['state'] for r in result['results']] == ['skipped', 'failed']
    assert 'The request is locked.' in result['msg']
    failed, result = run_module(MODULE, dict(BASE, ids=[second], state='abandoned', fail_on_error=False), capsys, cm,
                                monkeypatch)
    assert not failed and result['summary']['failed'] == 1
