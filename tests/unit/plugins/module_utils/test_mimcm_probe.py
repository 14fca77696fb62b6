"""The first-contact probe (mimcm_probe.py) end to end against the in-process fake API: what it reports on a
server that reads as the collection does, on one that differs at every testable point, and that it only ever
sends GET requests and never lets a secret into its result."""

import json

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_client import MimCmClient
from ansible_collections.mim.cm.plugins.module_utils.mimcm_probe import ABSENT_CARD, ServerProbe, redact_tree
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_statuses import RequestStatusBook

from mimcm_fakes import SECRET, Fault, make_client
from probe_fakes import SEQUENTIAL, SHIFTED, ProbeCM, fake_login, populated


@pytest.fixture(autouse=True)
def login(monkeypatch):
    fake_login(monkeypatch)


def verdicts(result):
    return dict((v['point'], v) for v in result['verdicts'])


def probe(cm, selection=None, **options):
    client = make_client(cm, **options)
    return ServerProbe(client, selection, timings=(2, 2)).run()


def assert_read_only(cm, result):
    assert cm.writes() == [] and cm.journal == []
    assert set(call[0] for call in cm.calls) == {'GET'}
    assert SECRET not in json.dumps(result)


def test_a_server_that_reads_like_the_collection_is_confirmed_point_by_point():
    cm = ProbeCM()
    samples = populated(cm)
    result = probe(cm, {'uuids': samples})
    assert_read_only(cm, result)
    assert result['ok'] and not [n for n in result['summary'] if n['level'] != 'info']
    assert result['server']['reachable'] and result['server']['http_status_without_credentials'] == 401
    assert result['tls'] == {'scheme': 'https', 'verified': True, 'error': None,
                             'ca_setting': result['tls']['ca_setting']}
    auth = result['authentication']
    assert auth['offered'] == ['NTLM', 'Negotiate'] and auth['login'] == 'worked'
    assert auth['caller_uuid'] == cm.me and 'own cards' in auth['caller_source']
    assert result['api'] == {'enabled': True, 'not_found_paths': []}
    learned = result['request_statuses']['learned']
    assert learned['Pending'] == [16] and learned['Executing'] == [18] and learned['Completed'] == [8]
    pending = [entry for entry in result['request_statuses']['listings'] if entry['status'] == 'Pending'][0]
    assert pending['count'] == 2 and pending['count_targeting_caller'] == 1 and pending['integers'] == [16]
    assert set(pending['samples'][0]) >= {'uuid', 'status', 'request_type', 'originator_user_uuid'}
    assert pending['samples'][0]['uuid'] == pending['samples'][0]['uuid'].lower()
    cards = result['smartcards']
    assert [c['status_name'] for c in cards] == ['Suspended', 'Disabled', 'Active']
    assert cards[0]['operation_words'] == ['reinstate', 'retire', 'revoke']
    assert cards[0]['operations'] == ['Reinstate', 'Retire', 'Revoke']
    assert result['profile_templates'] == [{'name': 'Smart Card Logon', 'description': 'Logon',
                                            'uuid': 'a039b4d0-5ce8-4eff-8651-181c6576fda3'}]
    assert set(result['latency']) >= {'kept_alive_ms', 'new_connection_ms', 'handshake_ms'}
    v = verdicts(result)
    for point in ('request_status_numbering', 'smartcard_status_numbering', 'revoke_word', 'reinstate_listed',
                  'request_listing_scope', 'paths_case_insensitive', 'cardid_lookup', 'unknown_card',
                  'nul_characters'):
        assert v[point]['verdict'] == 'confirmed', v[point]
    assert 'SecurityDescriptor' in v['nul_characters']['seen']
    assert len([p for p in v.values() if p['verdict'] == 'not testable read-only']) == 8
    assert result['calls'] >= 30


def test_a_server_that_differs_everywhere_is_contradicted_with_the_setting_to_change():
    cm = ProbeCM(request_numbering=SEQUENTIAL, card_numbering=SHIFTED, revoke_word='disable', list_all=True)
    samples = populated(cm)
    result = probe(cm, {'uuids': samples})
    assert_read_only(cm, result)
    v = verdicts(result)
    numbering = v['request_status_numbering']
    assert numbering['verdict'] == 'contradicted' and 'Pending=1' in numbering['seen']
    assert 'request_status_map' in numbering['advice'] and '"Pending": 1' in numbering['advice']
    cards = v['smartcard_status_numbering']
    assert cards['verdict'] == 'contradicted'
    assert cards['advice'] == 'set smartcard_status_map to {"Disabled": 4, "Suspended": 5}'
    assert v['revoke_word']['verdict'] == 'contradicted'
    assert v['revoke_word']['advice'] == 'revoke is called disable here: nothing to set, the collection accepts both'
    assert v['reinstate_listed']['verdict'] == 'contradicted'
    assert v['request_listing_scope']['verdict'] == 'contradicted' and 'neither come from' in \
        v['request_listing_scope']['seen']
    warnings = [n['msg'] for n in result['summary'] if n['level'] == 'warning']
    assert any(m.startswith("RequestStatus integers: this server differs from the collection's reading") for m in warnings)
    assert result['ok'], 'a server that numbers differently is not a problem: the collection can be told'


def test_a_configured_request_status_map_is_confirmed():
    cm = ProbeCM(request_numbering=SEQUENTIAL)
    populated(cm)
    client = make_client(cm)
    client.statuses = RequestStatusBook(dict(SEQUENTIAL))
    result = ServerProbe(client, timings=(1, 1)).run()
    assert verdicts(result)['request_status_numbering']['verdict'] == 'confirmed'


def test_a_server_that_ignores_the_status_filter_shows_conflicts():
    cm = ProbeCM()
    populated(cm)
    cm.ignore_status_filter = True
    result = probe(cm)
    numbering = verdicts(result)['request_status_numbering']
    assert numbering['verdict'] == 'contradicted' and 'does not classify' in numbering['seen']
    assert result['request_statuses']['conflicts']


def test_thousands_of_listed_requests_are_counted_but_only_three_kept():
    cm = ProbeCM(list_all=True)
    cm.add_named_card('Active', mine=True)
    for dummy in range(1500):
        cm.add_listed('Completed', originator='11111111-1111-4111-8111-111111111111')
    result = probe(cm)
    completed = [entry for entry in result['request_statuses']['listings'] if entry['status'] == 'Completed'][0]
    assert completed['count'] == 1500 and len(completed['samples']) == 3
    assert verdicts(result)['request_listing_scope']['verdict'] == 'contradicted'


def test_without_own_cards_the_caller_is_the_user_every_listed_request_involves():
    cm = ProbeCM()
    cm.add_listed('Pending')
    cm.add_listed('Approved')
    result = probe(cm)
    assert result['authentication']['caller_uuid'] == cm.me
    assert 'every request listed' in result['authentication']['caller_source']
    assert verdicts(result)['request_listing_scope']['verdict'] == 'confirmed'


def test_nobody_to_tell_from_gives_inconclusive_verdicts_and_cannot_tell():
    cm = ProbeCM()
    result = probe(cm)
    assert result['ok'] and result['authentication']['caller_uuid'] is None
    assert any('cannot tell' in n['msg'] for n in result['summary'])
    v = verdicts(result)
    for point in ('request_status_numbering', 'smartcard_status_numbering', 'revoke_word', 'reinstate_listed',
                  'request_listing_scope', 'cardid_lookup', 'nul_characters'):
        assert v[point]['verdict'] == 'inconclusive', point
    assert v['unknown_card']['verdict'] == 'confirmed' and v['paths_case_insensitive']['verdict'] == 'confirmed'


def test_case_sensitive_paths_and_404_for_an_absent_card_are_contradicted():
    cm = ProbeCM()
    cm.case_sensitive = True
    cm.absent_card_404 = True
    result = probe(cm)
    v = verdicts(result)
    assert v['paths_case_insensitive']['verdict'] == 'contradicted'
    assert '/certificatemanagement/api/v1.0 answers HTTP 404' in v['paths_case_insensitive']['seen']
    assert v['unknown_card']['verdict'] == 'contradicted' and ABSENT_CARD in json.dumps(v['unknown_card'])


def test_sample_cards_by_card_id_missing_ones_and_the_cardid_lookup():
    cm = ProbeCM()
    a = cm.add_named_card('Active')
    serial = cm.cards[a]['SerialNumber']
    missing = '00000000-0000-4000-8000-00000000dead'
    result = probe(cm, {'cards': [serial, missing]})
    assert [c['uuid'] for c in result['smartcards']] == [a] and result['missing'] == [missing]
    assert result['smartcards'][0]['query'] == serial
    assert verdicts(result)['cardid_lookup']['verdict'] == 'confirmed'


def test_errors_after_login_are_findings_and_secrets_stay_out():
    cm = ProbeCM()
    populated(cm)
    cm.faults.append(Fault('GET', '/profiletemplates', 'drop_after', times=50))
    cm.faults.append(Fault('GET', '/operations', 403, times=50))
    result = probe(cm, retries=1)
    assert result['ok'] and result['profile_templates'] == []
    assert 'failed' in result['profile_templates_error']
    assert all(c['error'] and 'forbidden' in c['error'] for c in result['smartcards'])
    assert SECRET not in json.dumps(result) and '********' in result['profile_templates_error']


def test_redact_tree_reaches_every_string():
    tree = {'a': ['x %s' % SECRET, {'b': SECRET}], SECRET: 1, 'n': 2}
    out = redact_tree(tree, lambda text: text.replace(SECRET, '*'))
    assert SECRET not in json.dumps(out) and out['n'] == 2


def test_the_probe_uses_the_clients_sessions_only_for_gets(monkeypatch):
    sent = []
    original = MimCmClient.send

    def spy(self, method, *args, **kwargs):
        sent.append(method)
        return original(self, method, *args, **kwargs)
    monkeypatch.setattr(MimCmClient, 'send', spy)
    cm = ProbeCM()
    populated(cm)
    probe(cm)
    assert sent and set(sent) == {'GET'}
