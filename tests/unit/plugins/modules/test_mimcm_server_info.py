"""mim.cm.mimcm_server_info: documentation matches the argument spec and every returned key, bad input fails before
any HTTP call, a failing server is a finding (not a failed task), check mode is the same read-only run, secrets
stay out."""

import json

import pytest
import yaml
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mim.cm.plugins.modules import mimcm_server_info as MODULE

from mimcm_fakes import SECRET
from module_harness import BASE, check_ansible_doc, check_documentation, check_examples_and_return, run_module
from probe_fakes import ProbeCM, fake_login, populated

NAME = 'mimcm_server_info'


def test_documentation_matches_argument_spec():
    check_documentation(MODULE, NAME, version_added='0.2.0')


def test_examples_and_return_parse():
    check_examples_and_return(MODULE)


def test_ansible_doc_renders():
    check_ansible_doc(NAME)


@pytest.mark.parametrize('args,message', [
    ({'uuid': ['nope']}, "uuid[0] 'nope' is not a GUID"),
    ({'card': []}, 'card is an empty list'),
    ({'password': None}, 'auth=ntlm needs username'),
    ({'smartcard_status_map': {'Gone': 4}}, "smartcard_status_map: 'Gone' is not a status name"),
])
def test_bad_input_fails_before_any_http_call(args, message, capsys, no_http):
    failed, result = run_module(MODULE, dict(BASE, **args), capsys)
    assert failed and message in result['msg'] and result['error']['kind'] == 'invalid_input'


def run(capsys, monkeypatch, cm, login='ok', warned=None, **args):
    fake_login(monkeypatch, login)
    if warned is not None:
        # Captured at the call: once controller code is imported in the same process (other test files),
        # ansible-core 2.19 no longer puts a module's warnings into its result. The integration tests see them.
        monkeypatch.setattr(AnsibleModule, 'warn', lambda self, text: warned.append(text))
    return run_module(MODULE, dict(BASE, **args), capsys, cm, monkeypatch)


def test_every_documented_return_value_is_returned_and_nothing_else(capsys, monkeypatch):
    cm = ProbeCM()
    samples = populated(cm)
    failed, result = run(capsys, monkeypatch, cm, uuid=samples)
    assert not failed and result['changed'] is False and result['ok']
    documented = set(yaml.safe_load(MODULE.RETURN)) - {'error'}
    assert documented == set(result) - {'changed', 'invocation', 'warnings'}
    returns = yaml.safe_load(MODULE.RETURN)
    for key in ('server', 'tls', 'authentication', 'api', 'request_statuses'):
        assert set(returns[key]['contains']) == set(result[key]), key
    assert set(returns['smartcards']['contains']) == set(result['smartcards'][0])
    assert set(returns['verdicts']['contains']) == set(result['verdicts'][0])
    assert set(returns['request_statuses']['contains']['listings']['contains']) == \
        set(result['request_statuses']['listings'][0])
    assert set(returns['latency']['contains']) - {'error'} == set(result['latency'])
    points = ' '.join(returns['verdicts']['contains']['point']['description'])
    assert all(v['point'] in points for v in result['verdicts'])
    assert [c['uuid'] for c in result['smartcards']] == samples


def test_check_mode_is_the_same_read_only_run(capsys, monkeypatch):
    cm = ProbeCM()
    populated(cm)
    failed, result = run(capsys, monkeypatch, cm, _ansible_check_mode=True)
    assert not failed and not result.get('skipped') and result['ok'] and result['changed'] is False
    assert cm.writes() == [] and set(c[0] for c in cm.calls) == {'GET'}
    assert len(result['smartcards']) == 1, "the caller's own card when no sample is given"


def test_a_failed_login_is_a_finding_not_a_failed_task(capsys, monkeypatch):
    cm, warned = ProbeCM(), []
    failed, result = run(capsys, monkeypatch, cm, login='wrong', warned=warned)
    assert not failed and result['ok'] is False and result['authentication']['login'] == 'failed'
    assert len(warned) == 1 and warned[0].startswith('The login failed: ')
    assert SECRET not in json.dumps(result)


def test_the_api_not_enabled_is_a_finding(capsys, monkeypatch):
    cm, warned = ProbeCM(), []
    cm.api_disabled = True
    failed, result = run(capsys, monkeypatch, cm, warned=warned)
    assert not failed and result['api']['enabled'] is False
    assert len(warned) == 1 and 'Clm.WebApi.Enabled' in warned[0]
