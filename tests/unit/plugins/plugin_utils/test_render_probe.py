"""The probe report as Markdown (plugin_utils/render_probe.py), from real probe results against the fake API."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_probe import ServerProbe
from ansible_collections.mim.cm.plugins.plugin_utils.render_probe import probe_markdown

from mimcm_fakes import make_client
from probe_fakes import SEQUENTIAL, SHIFTED, ProbeCM, fake_login, populated


def probe(monkeypatch, cm, login='ok', samples=True):
    fake_login(monkeypatch, login)
    uuids = populated(cm) if samples else None
    return ServerProbe(make_client(cm), {'uuids': uuids}, timings=(1, 1)).run()


def test_a_server_that_differs_everywhere(monkeypatch):
    cm = ProbeCM(request_numbering=SEQUENTIAL, card_numbering=SHIFTED, revoke_word='disable', list_all=True)
    text = probe_markdown(probe(monkeypatch, cm), {'ticket': 'CHG|1'})
    assert text.startswith('# MIM CM first contact: https://cm.example.test\n\n**OK**. A read-only probe')
    assert '- ticket: CHG\\|1' in text
    for heading in ('## Findings', '## Connection', '## Verdicts', '## Request statuses', '## Sample cards',
                    '## Profile templates'):
        assert '\n%s\n' % heading in text
    assert '| RequestStatus integers | evidence |' in text and '| **contradicted** |' in text
    assert 'set smartcard_status_map to {"Disabled": 4, "Suspended": 5}' in text
    assert 'revoke is called disable here: nothing to set, the collection accepts both' in text
    assert '| Pending | 2 | 1 | 1 | 16 |  |' in text, 'listed, targeting the caller, integers seen, the collection\'s'
    assert '| retire, disable |' in text
    assert '| login | worked as CONTOSO\\\\operator (auth=ntlm) |' in text
    assert '| API enabled | yes |' in text


def test_a_failed_login_reads_as_a_problem(monkeypatch):
    text = probe_markdown(probe(monkeypatch, ProbeCM(), login='wrong', samples=False))
    assert '**Problems found**' in text and '- **Problem**: The login failed: ' in text
    assert '| login | failed as CONTOSO\\\\operator (auth=ntlm): ' in text
    assert '## Sample cards' not in text and '| **inconclusive** |' in text
    assert '| latency | not measured (not measured) |' in text


@pytest.mark.parametrize('value', [None, [], {'summary': []}])
def test_not_a_probe_result(value):
    with pytest.raises(InvalidInput) as exc:
        probe_markdown(value)
    assert str(exc.value).startswith('probe_markdown: expected the registered result of mim.cm.mimcm_server_info')


def test_404_everywhere_reads_as_the_api_not_enabled_and_angle_brackets_survive(monkeypatch):
    cm = ProbeCM()
    cm.api_disabled = True
    text = probe_markdown(probe(monkeypatch, cm, samples=False))
    assert '- **Problem**: Every API path answered HTTP 404: the CM REST API is not enabled.' in text
    assert 'the &lt;ClmConfiguration&gt; section of the CM web.config' in text and '<ClmConfiguration>' not in text
    assert '| API enabled | no (HTTP 404 for /smartcards, /profiletemplates, ' in text
    assert '| api/v1.0/requests/&lt;id&gt; or ' in text
