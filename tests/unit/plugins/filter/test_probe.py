"""The probe_markdown filter (plugins/filter/probe.py): an adapter that checks its input and translates errors."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import probe


def test_filter_is_registered_and_translates_errors():
    assert probe.FilterModule().filters() == {'probe_markdown': probe.probe_markdown}
    with pytest.raises(AnsibleFilterError) as exc:
        probe.probe_markdown({'failed': True, 'msg': 'bad input'})
    assert 'expected the registered result of mim.cm.mimcm_server_info' in str(exc.value)
    assert 'a dict without summary, server, tls, authentication, api, verdicts' in str(exc.value)
    with pytest.raises(AnsibleFilterError, match='meta must be a dict'):
        probe.probe_markdown({}, meta=['x'])


def test_filter_renders_a_minimal_result():
    result = {'ok': False, 'summary': [{'level': 'problem', 'msg': 'x is not reachable'}],
              'server': {'url': 'https://cm', 'reachable': False}, 'tls': {}, 'authentication': {'login': 'not tried'},
              'api': {'enabled': None}, 'verdicts': []}
    text = probe.probe_markdown(result)
    assert '- **Problem**: x is not reachable' in text and '| reachable | no |' in text
