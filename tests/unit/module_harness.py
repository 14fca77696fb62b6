"""Run the mim.cm modules in-process for unit tests: with the in-process fake API, or with HTTP forbidden;
and read their documentation as ansible-doc merges it (doc fragments included)."""

import importlib
import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mim.cm.plugins.module_utils import mimcm_client
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import connection_argument_spec
from ansible_collections.mim.cm.plugins.module_utils.mimcm_server_options import server_argument_spec

from mimcm_fakes import SECRET, FakeAdapter

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
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
        monkeypatch.setattr('ansible_collections.mim.cm.plugins.module_utils.mimcm_transport.build_auth',
                            lambda config: None)
    warned = []
    original_warn = AnsibleModule.warn

    def warn(self, warning):
        warned.append(warning)
        original_warn(self, warning)
    with patch_module_args(args), _patched(AnsibleModule, 'warn', warn):
        with pytest.raises(SystemExit) as exc:
            module.main()
    out = capsys.readouterr().out
    result = json.loads(out)
    if warned and not result.get('warnings'):
        # ansible-core 2.19 leaves a module's warnings out of its result once ansible.errors has been imported
        # in the same process (another test did): the module did warn, and that is what is checked
        result['warnings'] = warned
    return bool(exc.value.code) or result.get('failed', False), result


class _patched(object):
    """Set an attribute for the length of a block (the tests' monkeypatch is optional here)."""

    def __init__(self, owner, name, value):
        self.owner, self.name, self.value = owner, name, value

    def __enter__(self):
        self.old = getattr(self.owner, self.name)
        setattr(self.owner, self.name, self.value)

    def __exit__(self, *exc):
        setattr(self.owner, self.name, self.old)


# ---------------------------------------------------------------- documentation

def doc_options(module):
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = {}
    assert 'mim.cm.connection' in doc['extends_documentation_fragment']
    for fragment in doc['extends_documentation_fragment']:
        name, dummy, variant = fragment[len('mim.cm.'):].partition('.')
        source = importlib.import_module('ansible_collections.mim.cm.plugins.doc_fragments.' + name).ModuleDocFragment
        options.update(yaml.safe_load(getattr(source, variant or 'DOCUMENTATION')).get('options') or {})
    options.update(doc['options'])
    return doc, options


def real_spec(module):
    """The argument spec the module really builds (captured from MimCmModule)."""
    from ansible_collections.mim.cm.plugins.module_utils import mimcm_module
    captured = {}

    class Stop(Exception):
        pass

    def fake(self, argument_spec, **kw):
        captured.update(connection_argument_spec())
        captured.update(server_argument_spec())
        captured.update(argument_spec)
        raise Stop()
    original = mimcm_module.MimCmModule.__init__
    mimcm_module.MimCmModule.__init__ = fake
    try:
        with pytest.raises(Stop):
            module.main()
    finally:
        mimcm_module.MimCmModule.__init__ = original
    return captured


def check_documentation(module, name, version_added='0.1.0'):
    """The documented options are the real argument spec, option by option."""
    doc, options = doc_options(module)
    spec = real_spec(module)
    assert doc['module'] == name and str(doc['version_added']) == version_added and doc['author']
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


def check_examples_and_return(module):
    """EXAMPLES parse and RETURN documents every value with a type, a description and a sample."""
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


def check_ansible_doc(name):
    """ansible-doc renders the module with its fragments."""
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
