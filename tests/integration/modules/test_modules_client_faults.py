"""The shared client and the status backend against the real simulator with injected faults
(real TLS, NTLM and sockets; no ansible-playbook, so the fault scenarios stay fast)."""

import time

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_client import MimCmClient
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig
from ansible_collections.mim.cm.plugins.module_utils.mimcm_changer import StatusChanger
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import SmartcardReader


def client_for(sim, user='operator', **options):
    u = sim.users[user]
    options.setdefault('ca_path', sim.ca_path)
    config = ConnectionConfig(url=sim.url, username=u['username'], password=u['password'], **options)
    # real backoff, shortened so the suite stays fast
    return MimCmClient(config, sleep=lambda seconds: time.sleep(min(seconds, 0.02)))


def test_every_fault_kind_at_once_still_one_request_per_card(simulator_factory):
    sim = simulator_factory(cards=120, error_500_rate=0.08, error_503_rate=0.08, drop_before_rate=0.08,
                            drop_after_rate=0.08, retry_after=0, fault_seed=3)
    cards = [c['Uuid'] for c in sim.cards(status=3, approval_required=False, restricted=False, limit=30)]
    client = client_for(sim, retries=8)
    results = StatusChanger(client, 'Retired', comment='CHG-FAULTS', concurrency=6).run(uuids=cards)
    not_changed = [r['msg'] for r in results if r['state'] != 'changed']
    assert not not_changed, not_changed
    injected = sim.stats()['faults']
    assert sum(injected.values()) > 10, injected  # the faults really happened
    sim.clear_faults()
    for uuid in cards:
        requests_ = sim.requests(card=uuid)
        assert len(requests_) == 1, (uuid, requests_)
        assert requests_[0]['Status'] == 8 and sim.card(uuid)['Status'] == 6
    # and the idempotent re-run over a clean line writes nothing
    before = len(sim.journal())
    again = StatusChanger(client, 'Retired', comment='CHG-FAULTS', concurrency=6).run(uuids=cards)
    assert {r['state'] for r in again} == {'unchanged'} and len(sim.journal()) == before
    client.close()


def test_drop_after_commit_on_every_post(simulator_factory):
    sim = simulator_factory(cards=40, drop_after_rate=1.0, fault_methods='POST')
    cards = [c['Uuid'] for c in sim.cards(status=3, approval_required=False, restricted=False, limit=5)]
    client = client_for(sim)
    results = StatusChanger(client, 'Retired', comment='CHG-LOST', concurrency=5).run(uuids=cards)
    assert {r['state'] for r in results} == {'changed'}
    assert all(len(sim.requests(card=u)) == 1 for u in cards)
    assert sim.stats()['by_kind']['request_create'] == 5  # never posted twice


def test_tls_without_the_ca_explains_ca_path(msim):
    client = client_for(msim, ca_path=None)
    with pytest.raises(errors.TLSError) as exc:
        client.my_cards()
    assert 'ca_path' in str(exc.value) and msim.url in str(exc.value)
    assert msim.users['operator']['password'] not in str(exc.value)


def test_validate_certs_false_works(msim):
    client = client_for(msim, ca_path=None, validate_certs=False)
    assert client.my_cards() == []


def test_bearer_token(msim):
    config = ConnectionConfig(url=msim.url, auth='bearer', token=msim.users['bearer']['token'], ca_path=msim.ca_path)
    card = msim.cards(status=3, limit=1)[0]
    cards, missing = SmartcardReader(MimCmClient(config), include_operations=True).read(uuids=[card['Uuid']])
    assert cards[0]['uuid'] == card['Uuid'].lower() and cards[0]['operations']


def test_bad_bearer_token_is_auth_failed(msim):
    config = ConnectionConfig(url=msim.url, auth='bearer', token='not-a-token', ca_path=msim.ca_path)
    with pytest.raises(errors.AuthFailed) as exc:
        MimCmClient(config).my_cards()
    assert 'not-a-token' not in str(exc.value) and 'HTTP 401' in str(exc.value)


def test_self_service_user_cannot_see_other_cards(msim):
    other = msim.cards(status=3, limit=1)[0]
    jdoe = client_for(msim, user='jdoe')
    (result,) = StatusChanger(jdoe, 'Retired').run(uuids=[other['Uuid']])
    assert result['state'] == 'failed' and 'not found' in result['msg']


def test_upn_username_authenticates(msim):
    op = msim.users['operator']
    config = ConnectionConfig(url=msim.url, username='operator@contoso.com', password=op['password'],
                              ca_path=msim.ca_path)
    assert MimCmClient(config).my_cards() == []
