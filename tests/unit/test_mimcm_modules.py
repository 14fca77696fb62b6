"""The two modules: documentation matches the argument spec, ansible-doc renders, bad input fails
before any HTTP call, results are shaped per docs/dev/contracts.md, secrets stay out."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible.module_utils.testing import patch_module_args

from ansible_collections.mim.cm.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.mim.cm.plugins.doc_fragments.parallel import ModuleDocFragment as ParallelDocFragment
from ansible_collections.mim.cm.plugins.module_utils import mimcm_client
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import connection_argument_spec
from ansible_collections.mim.cm.plugins.modules import mimcm_smartcard_info, mimcm_smartcard_status

from mimcm_fakes import SECRET, FakeCM, FakeAdapter

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = {'mimcm_smartcard_info': mimcm_smartcard_info, 'mimcm_smartcard_status': mimcm_smartcard_status}
BASE = {'url': 'https://cm.example.test', 'username': 'CONTOSO\\operator', 'password': SECRET}
U1 = '17cf063d-e337-4aa9-a822-346554ddd3c9'
U2 = '0c96d73f-967b-420e-854a-43ad2a1504bc'


def run_module(module, args, capsys, cm=None, monkeypatch=None):
    """Run main() with args; return (failed, result). With ``cm`` the client talks to the fake."""
    if cm is not None:
        import requests

        def factory():
            s = requests.Session()
            s.mount('https://', FakeAdapter(cm))
            return s
        original = mimcm_client.MimCmClient.__init__

        def init(self, config, **kw):
            kw['session_factory'] = factory
            kw['sleep'] = lambda s: None
            original(self, config, **kw)
        monkeypatch.setattr(mimcm_client.MimCmClient, '__init__', init)
        monkeypatch.setattr('ansible_collections.mim.cm.plugins.module_utils.mimcm_auth.build_auth',
                            lambda config: None)
        monkeypatch.setattr('ansible_collections.mim.cm.plugins.module_utils.mimcm_client.build_auth',
                            lambda config: None)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            module.main()
    out = capsys.readouterr().out
    result = json.loads(out)
    return bool(exc.value.code) or result.get('failed', False), result


@pytest.fixture
def no_http(monkeypatch):
    def fail(*a, **k):
        raise AssertionError('an HTTP call was made')
    monkeypatch.setattr(mimcm_client.MimCmClient, '_attempt', fail)


# ---------------------------------------------------------------- documentation

def _doc_options(module):
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = dict(doc['options'])
    assert 'mim.cm.connection' in doc['extends_documentation_fragment']
    options.update(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options'])
    if 'mim.cm.parallel' in doc['extends_documentation_fragment']:
        options.update(yaml.safe_load(ParallelDocFragment.DOCUMENTATION)['options'])
    return doc, options


def _spec(name):
    """The argument spec the module really builds (captured from MimCmModule)."""
    from ansible_collections.mim.cm.plugins.module_utils import mimcm_module
    captured = {}

    class Stop(Exception):
        pass

    def fake(self, argument_spec, **kw):
        captured.update(connection_argument_spec())
        captured.update(argument_spec)
        raise Stop()
    original = mimcm_module.MimCmModule.__init__
    mimcm_module.MimCmModule.__init__ = fake
    try:
        with pytest.raises(Stop):
            MODULES[name].main()
    finally:
        mimcm_module.MimCmModule.__init__ = original
    return captured


@pytest.mark.parametrize('name', sorted(MODULES))
def test_documentation_matches_argument_spec(name):
    doc, options = _doc_options(MODULES[name])
    spec = _spec(name)
    assert doc['module'] == name and str(doc['version_added']) == '0.1.0' and doc['author']
    assert set(options) == set(spec), 'documented vs real options differ'
    for option, real in spec.items():
        documented = options[option]
        assert documented.get('type', 'str') == real.get('type', 'str'), option
        assert documented.get('default') == real.get('default'), option
        assert bool(documented.get('required')) == bool(real.get('required')), option
        assert sorted(documented.get('aliases', [])) == sorted(real.get('aliases', [])), option
        assert documented.get('choices') == real.get('choices'), option
        assert documented.get('elements') == real.get('elements'), option
        assert documented['description'], option


@pytest.mark.parametrize('name', sorted(MODULES))
def test_examples_and_return_parse(name):
    module = MODULES[name]
    examples = yaml.safe_load(module.EXAMPLES)
    assert examples and all('name' in task for task in examples)
    returns = yaml.safe_load(module.RETURN)

    def check(entries, path):
        for key, value in entries.items():
            assert value.get('description') and value.get('type') and value.get('returned'), path + key
            if value['type'] not in ('list', 'dict') or 'contains' not in value:
                assert 'sample' in value, path + key
            if 'contains' in value:
                check(value['contains'], path + key + '.')
    check(returns, '')


@pytest.mark.parametrize('name', sorted(MODULES))
def test_ansible_doc_renders(name):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, 'build', 'collections'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')
    ansible_doc = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')
    proc = subprocess.run([ansible_doc, 'mim.cm.' + name], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert 'EXAMPLES' in text and 'RETURN VALUES' in text and 'MIMCM_PASSWORD' in text
    assert 'ERROR' not in proc.stderr


# ---------------------------------------------------------------- input validation, no HTTP

@pytest.mark.parametrize('args,message', [
    ({'uuid': 'not-a-guid', 'status': 'Retired'}, "uuid[0] 'not-a-guid' is not a GUID"),
    ({'uuids': [U1, 'x'], 'status': 'Retired'}, "uuids[1] 'x' is not a GUID"),
    ({'uuids': [], 'status': 'Retired'}, 'uuids is an empty list'),
    ({'card_ids': [], 'status': 'Retired'}, 'card_ids is an empty list'),
    ({'uuids': [U1, U1.upper()], 'status': 'Retired'}, 'uuids lists %s twice' % U1),
    ({'uuid': U1, 'uuids': [U2], 'status': 'Retired'}, 'mutually exclusive: uuid|uuids|card_ids'),
    ({'status': 'Retired'}, 'one of the following is required: uuid, uuids, card_ids'),
    ({'uuid': U1, 'status': 'Destroyed'}, "status 'Destroyed' is not one of Retired, Disabled, Active, Suspended"),
    ({'uuid': U1, 'status': 'Retired', 'concurrency': 0}, 'concurrency must be between'),
    ({'uuids': [U1, U2], 'status': 'Retired', 'request_id': U1}, 'request_id'),
    ({'uuid': U1, 'status': 'Retired', 'request_id': 'r1'}, "request_id 'r1' is not a GUID"),
    ({'uuid': U1, 'status': 'Retired', 'audit_log': '/nonexistent-dir/a.jsonl'}, 'audit_log'),
    ({'uuid': U1, 'status': 'Retired', 'url': 'http://cm.example.test'}, 'allow_insecure_http'),
])
def test_status_bad_input_fails_before_any_http_call(args, message, capsys, no_http):
    failed, result = run_module(mimcm_smartcard_status, dict(BASE, **args), capsys)
    assert failed and message in result['msg'], result['msg']
    assert SECRET not in json.dumps(result)


@pytest.mark.parametrize('args,message', [
    ({'uuid': ['nope']}, "uuid[0] 'nope' is not a GUID"),
    ({'card_id': ['{123}']}, "card_id[0] '{123}' is not a GUID"),
    ({'uuid': []}, 'empty list'),
    ({'concurrency': 0}, 'concurrency must be between 1 and 64'),
    ({'url': 'http://cm.example.test'}, 'allow_insecure_http'),
    ({'password': None, 'uuid': [U1]}, 'auth=ntlm needs username'),
])
def test_info_bad_input_fails_before_any_http_call(args, message, capsys, no_http):
    failed, result = run_module(mimcm_smartcard_info, dict(BASE, **args), capsys)
    assert failed and message in result['msg']


# ---------------------------------------------------------------- results through the module

def test_status_module_results_summary_and_diff(capsys, monkeypatch):
    cm = FakeCM()
    a, b = cm.add_card(), cm.add_card(status='Retired')
    missing = U1
    failed, result = run_module(
        mimcm_smartcard_status, dict(BASE, uuids=[a, b, missing], status='retired', comment='CHG1', _ansible_diff=True),
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
    failed, result = run_module(mimcm_smartcard_status, dict(BASE, uuid=U1, status='Retired', fail_on_error=False),
                                capsys, cm, monkeypatch)
    assert not failed and result['summary']['failed'] == 1 and result['changed'] is False


def test_status_module_check_mode(capsys, monkeypatch):
    cm = FakeCM()
    a = cm.add_card()
    failed, result = run_module(mimcm_smartcard_status, dict(BASE, uuid=a, status='Retired', _ansible_check_mode=True),
                                capsys, cm, monkeypatch)
    assert not failed and result['changed'] is True and cm.writes() == []


def test_info_module_result_shape(capsys, monkeypatch):
    cm = FakeCM()
    a = cm.add_card()
    failed, result = run_module(mimcm_smartcard_info, dict(BASE, uuid=[a, U1], include_operations=True),
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
    failed, result = run_module(mimcm_smartcard_info, args, capsys, cm, monkeypatch)
    assert not failed and SECRET not in json.dumps(result)
