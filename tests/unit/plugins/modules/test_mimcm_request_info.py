"""mim.cm.mimcm_request_info: documentation matches the argument spec, ansible-doc renders, bad input fails before any
HTTP call, results are snake_case with names and integers, nothing is written, secrets stay out."""

import json

import pytest

from ansible_collections.mim.cm.plugins.modules import mimcm_request_info as MODULE

from mimcm_fakes import SECRET, FakeCM
from module_harness import (
    BASE,
    U1,
    check_ansible_doc,
    check_documentation,
    check_examples_and_return,
    run_module,
)

NAME = 'mimcm_request_info'
RESULT_KEYS = {'id', 'request_type', 'request_type_code', 'status', 'status_code', 'card', 'originator', 'target',
               'submitted', 'completed', 'comment', 'data_collection', 'data_collection_complete',
               'profile_template_uuid', 'priority', 'flags'}


def test_documentation_matches_argument_spec():
    check_documentation(MODULE, NAME, version_added='0.2.0')


def test_examples_and_return_parse():
    check_examples_and_return(MODULE)


def test_ansible_doc_renders():
    check_ansible_doc(NAME)


@pytest.mark.parametrize('args,message', [
    ({}, 'no requests given: set id (or ids)'),
    ({'id': 'abc'}, "id[0] 'abc' is not a GUID"),
    ({'ids': []}, 'ids is an empty list'),
    ({'status': 'Open'}, "status[0] 'Open' is not a status the server lists requests by"),
    ({'statuses': ['Pending', 'Abandoned']}, "statuses[1] 'Abandoned' is not a status"),
    ({'status': 'Pending', 'uuid': 'x'}, "uuid[0] 'x' is not a GUID"),
    ({'status': 'Pending', 'comment': 'A', 'comment_prefix': 'A'}, 'comment and comment_prefix are both set'),
    ({'status': 'Pending', 'mine': True, 'originator': U1}, 'mine and originator are both set'),
    ({'status': 'Pending', 'concurrency': 0}, 'concurrency must be between'),
    ({'status': 'Pending', 'url': 'http://cm.example.test'}, 'allow_insecure_http'),
])
def test_info_bad_input_fails_before_any_http_call(args, message, capsys, no_http):
    failed, result = run_module(MODULE, dict(BASE, **args), capsys)
    assert failed and message in result['msg'], result['msg']
    assert result['error']['kind'] == 'invalid_input' and result.get('requests', []) == []
    assert SECRET not in json.dumps(result)


def test_info_by_status_and_by_id(capsys, monkeypatch):
    cm = FakeCM()
    card = cm.add_card()
    pending = cm.add_request(card, status='Pending', comment='CHG1')
    cm.add_request(card, status='Pending', comment='CHG2')
    failed, result = run_module(MODULE, dict(BASE, status=['pending'], comment='CHG1', uuid=card), capsys, cm,
                                monkeypatch)
    assert not failed and result['changed'] is False
    (request,) = result['requests']
    assert set(request) == RESULT_KEYS
    assert (request['id'], request['status'], request['status_code'], request['card'], request['comment']) == (
        pending, 'Pending', 16, card, 'CHG1')
    assert request['request_type'] is None and request['request_type_code'] == 10 and request['completed'] is None

    missing = '00000000-0000-0000-0000-0000000000aa'
    failed, result = run_module(MODULE, dict(BASE, ids=[pending, missing], _ansible_check_mode=True), capsys, cm,
                                monkeypatch)
    assert not failed and [r['id'] for r in result['requests']] == [pending] and result['missing'] == [missing]
    assert result['requests'][0]['status'] == 'Pending'
    assert cm.writes() == [] and SECRET not in json.dumps(result)


def test_info_a_read_error_fails_with_the_error(capsys, monkeypatch):
    cm = FakeCM()
    cm.role = 'reader'
    failed, result = run_module(MODULE, dict(BASE, mine=True, status='Pending'), capsys, cm, monkeypatch)
    assert failed and result['msg'].startswith('mine: the server does not show who you are')
