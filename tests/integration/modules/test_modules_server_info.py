"""mim.cm.mimcm_server_info and the playbook mim.cm.probe through ansible-playbook against the real simulator:
confirmed under the default dialect, contradicted (with the setting to change) under every alternative at once,
and the findings for a wrong password, a TLS failure and an API that is not enabled. The journal shows that
the probe never writes."""

import json
import os
import subprocess

from mimcm_modules_helpers import BIN, COLLECTIONS, connection

from tests.simulator import dialects

PROBE = 'mim.cm.mimcm_server_info'
TESTABLE = ('request_status_numbering', 'smartcard_status_numbering', 'revoke_word', 'reinstate_listed',
            'request_listing_scope', 'paths_case_insensitive', 'cardid_lookup', 'unknown_card', 'nul_characters')


def verdicts(result):
    return dict((v['point'], v) for v in result['verdicts'])


def sample_cards(sim):
    """A Suspended, a Disabled and an Active card the operator may act on (names work under every dialect)."""
    return [sim.cards(status=name, approval_required=False, restricted=False, limit=1)[0]['Uuid']
            for name in ('Suspended', 'Disabled', 'Active')]


def requests_of_several_statuses(sim):
    """Setup (not the probe): a Pending, a Denied, a Canceled and an Approved request of the operator."""
    session = sim.session('operator')
    url = sim.api_url + '/requests'
    gated = sim.cards(status='Active', approval_required=True, restricted=False, limit=2)
    plain = sim.cards(status='Active', approval_required=False, restricted=False, limit=12)[-2:]
    made = []
    for card in gated + plain:
        answer = session.post(url, json={'type': 'Retire', 'smartcard': card['Uuid'], 'datacollection': '[]',
                                         'comment': 'probe setup'}, timeout=30)
        assert answer.status_code == 201, answer.text
        made.append(answer.json().rsplit('/', 1)[-1])
    sim.deny(made[1])
    assert session.put(url + '/' + made[2], json={'status': 'Canceled'}, timeout=30).status_code in (200, 204)
    session.close()


def test_default_dialect_confirms_every_testable_point_and_writes_nothing(simulator_factory, play):
    sim = simulator_factory()
    requests_of_several_statuses(sim)
    since = sim.journal()[-1]['seq']
    cards = sample_cards(sim)
    run = play([
        {'name': 'probe with sample cards', PROBE: {'uuid': cards}, 'register': 'probe'},
        {'name': 'probe in check mode', PROBE: {'card': cards}, 'check_mode': True, 'register': 'checked'},
    ], defaults=connection(sim))
    assert run.rc == 0, run
    assert sim.journal(since=since) == [], 'the probe wrote to the server'
    for name in ('probe', 'checked'):
        result = run[name]
        assert not result['failed'] and not result['changed'] and result['ok'], result['summary']
        v = verdicts(result)
        for point in TESTABLE:
            assert v[point]['verdict'] == 'confirmed', v[point]
    result = run['probe']
    assert result['tls']['verified'] is True and result['tls']['ca_setting'] == 'ca_path %s' % sim.ca_path
    auth = result['authentication']
    assert auth['offered'] == ['NTLM', 'Negotiate'] and auth['login'] == 'worked'
    assert auth['caller_uuid'] == sim.users['operator']['uuid'].lower()
    learned = result['request_statuses']['learned']
    assert learned['Pending'] == [16] and learned['Denied'] == [4] and learned['Canceled'] == [17]
    assert [c['status_name'] for c in result['smartcards']] == ['Suspended', 'Disabled', 'Active']
    assert 'reinstate' in result['smartcards'][0]['operation_words']
    names = [t['name'] for t in result['profile_templates']]
    assert 'Smart Card Logon' in names and len(names) == 8
    assert result['latency']['new_connection_ms'] > 0 and result['latency']['kept_alive_ms'] > 0


def test_every_alternative_is_contradicted_with_the_setting_and_the_playbook_writes_markdown(
        simulator_factory, tmp_path):
    sim = simulator_factory(dialect=dialects.format_map(dialects.EVERY_ALTERNATIVE))
    since = sim.journal()[-1]['seq'] if sim.journal() else 0
    op = sim.users['operator']
    report = tmp_path / 'report' / 'cm-probe.md'
    report.parent.mkdir()
    extra = tmp_path / 'vars.json'
    extra.write_text(json.dumps({'mimcm_probe_file': str(report), 'mimcm_probe_cards': sample_cards(sim),
                                 'mimcm_probe_connection': connection(sim)}))
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('MIMCM_'))
    env.update({'ANSIBLE_COLLECTIONS_PATH': str(COLLECTIONS), 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
                'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp'),
                'ANSIBLE_PYTHON_INTERPRETER': str(BIN / 'python'), 'ANSIBLE_RETRY_FILES_ENABLED': 'false'})
    command = [str(BIN / 'ansible-playbook'), 'mim.cm.probe', '-e', '@%s' % extra]
    proc = subprocess.run(command + ['--check'], cwd=str(tmp_path), env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert 'First-contact report written to %s (OK)' % report in proc.stdout
    assert sim.journal(since=since) == [], 'the probe wrote to the server'
    assert op['password'] not in proc.stdout + proc.stderr

    text = report.read_text()
    print(text)  # the report of the closing note
    assert oct(report.stat().st_mode & 0o777) == '0o640'
    assert '| RequestStatus integers | evidence |' in text
    rows = dict((line.split(' | ')[0].strip('| '), line) for line in text.splitlines() if line.startswith('| '))
    assert '**contradicted**' in rows['RequestStatus integers'] and '"Pending": 1' in rows['RequestStatus integers']
    assert 'request_status_map' in rows['RequestStatus integers']
    assert '**contradicted**' in rows['Operations word for revoking']
    assert 'revoke is called disable here: nothing to set, the collection accepts both' in text
    assert 'set smartcard_status_map to {"Disabled": 4, "Suspended": 5}' in rows['SmartcardStatus integers']
    assert '**contradicted**' in rows['GET /requests?status= without targetuser']
    assert '**confirmed**' in rows['Paths are case-insensitive']
    assert '**not testable read-only**' in rows['Created-request URI']
    # the warnings are printed where the report is announced
    assert "RequestStatus integers: this server differs from the collection's reading" in proc.stdout


def test_wrong_password_tls_failure_and_api_disabled_are_findings(simulator_factory, play):
    sim = simulator_factory(cards=20)
    off = simulator_factory(cards=20, extra_args=['--api-disabled'])
    since = sim.journal()[-1]['seq'] if sim.journal() else 0
    sim.reset_stats()
    no_ca = dict(connection(sim))
    del no_ca['ca_path']
    run = play([
        {'name': 'wrong password', PROBE: dict(connection(sim), password='not-the-password'), 'register': 'wrong'},
        {'name': 'no ca_path', PROBE: no_ca, 'register': 'tls'},
        {'name': 'API not enabled', PROBE: connection(off), 'register': 'off'},
    ])
    assert run.rc == 0, run
    assert sim.journal(since=since) == []

    wrong = run['wrong']
    assert not wrong['failed'] and wrong['ok'] is False and wrong['authentication']['login'] == 'failed'
    assert wrong['authentication']['offered'] == ['NTLM', 'Negotiate']
    assert wrong['summary'][0]['msg'].startswith('The login failed: Listing the caller\'s smart cards: '
                                                 'authentication as CONTOSO\\operator failed (HTTP 401')
    assert 'not-the-password' not in json.dumps(run.results) + run.stdout

    tls = run['tls']
    assert not tls['failed'] and tls['ok'] is False and tls['tls']['verified'] is False
    assert 'certificate verify failed' in tls['tls']['error'] and tls['server']['reachable']
    assert tls['summary'][0]['msg'].startswith('TLS verification of %s failed with the CA bundle of ' % sim.url)
    assert tls['authentication']['login'] == 'not tried'
    stats = sim.stats()
    assert stats['auth_failures'] == 1, 'one failed login (the wrong password), no repeats'
    assert stats['ntlm_handshakes'] == 0, 'no credentials went to the server whose certificate failed'

    disabled = run['off']
    assert not disabled['failed'] and disabled['api']['enabled'] is False
    assert disabled['authentication']['login'] == 'worked'
    assert disabled['summary'][0]['msg'].startswith('Every API path answered HTTP 404: the CM REST API is not '
                                                    'enabled. Set Clm.WebApi.Enabled to true in the <ClmConfiguration> '
                                                    'section of the CM web.config')
    assert all(v['verdict'] in ('inconclusive', 'not testable read-only') for v in disabled['verdicts'])
