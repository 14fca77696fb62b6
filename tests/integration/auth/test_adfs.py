"""auth=adfs end to end: the modules get their bearer token from the simulator's ADFS stand-in
(client credentials grant at /adfs/oauth2/token), once per module run, renew it before it expires and
once on a 401, and never show the client secret or a token."""

import os

import pytest

from mimcm_auth_helpers import INFO, REFERENCE_CARD, STATUS, Cards, ansible_env, journal_users, last_seq, no_secret, play
from tests.simulator.control import Simulator

CLIENT = "mimcm-ansible"


@pytest.fixture
def adfs_sim(tmp_path):
    started = []

    def make(**options):
        sim = Simulator(tmp_path / ("sim-%d" % len(started)), cards=120, seed=42, adfs_client=[CLIENT], **options)
        started.append(sim)
        return sim.start()

    yield make
    for sim in started:
        sim.stop()


def adfs_defaults(sim, **more):
    return dict({"url": sim.url, "ca_path": sim.ca_path, "auth": "adfs", "adfs_url": sim.adfs["adfs_url"],
                 "client_id": CLIENT, "client_secret": "{{ adfs_secret }}"}, **more)


def secret(sim):
    return sim.adfs["clients"][CLIENT]["secret"]


def test_adfs_token_once_per_module_run_shared_by_threads(adfs_sim, tmp_path):
    sim = adfs_sim()
    cards = Cards(sim)
    read, retire = cards.take(6), cards.take(8)
    before = last_seq(sim)
    env = ansible_env(os.environ, MIMCM_CLIENT_SECRET=secret(sim))  # the AWX way: from the environment
    defaults = adfs_defaults(sim)
    del defaults["client_secret"]
    run = play(tmp_path, [
        {"name": "info", INFO: {"uuid": read + [REFERENCE_CARD], "concurrency": 4}, "register": "info"},
        {"name": "retire", STATUS: {"uuids": retire, "status": "Retired", "concurrency": 4, "processes": 1},
         "register": "retire"},
    ], env, defaults=defaults, args=["-vvvv"])
    assert run.rc == 0, run
    assert len(run["info"]["smartcards"]) == 7
    assert run["retire"]["summary"]["changed"] == 8, run["retire"]
    assert journal_users(sim, before, retire) == {u.lower(): {"bearer"} for u in retire}
    stats = sim.stats()
    # one token per module process (2 module runs), whatever the cards and threads; every call used it
    assert stats["adfs"]["tokens_issued"] == 2, stats["adfs"]
    assert stats["adfs"]["bearer_accepted"] == stats["requests"] > 8 * 5
    assert stats["adfs"]["bearer_expired"] == 0 and stats["adfs"]["tokens_refused"] == 0
    assert no_secret(run, secret(sim)) == []


def test_adfs_token_renewed_before_expiry_mid_run(adfs_sim, tmp_path):
    """Tokens live 2 s; a run of about 5 s renews them as they near expiry: no request is refused."""
    sim = adfs_sim(adfs_token_lifetime=2, latency_ms=120)
    cards = Cards(sim).take(6)
    run = play(tmp_path, [
        {"name": "slow retirement", STATUS: {"uuids": cards, "status": "Retired", "concurrency": 1, "processes": 1},
         "register": "retire"},
    ], ansible_env(os.environ), defaults=adfs_defaults(sim), secrets={"adfs_secret": secret(sim)})
    assert run.rc == 0, run
    stats = sim.stats()
    print("\nADFS renewal before expiry: token lifetime 2 s, %d cards, %d API requests; counters %s"
          % (len(cards), stats["requests"], stats["adfs"]))
    assert run["retire"]["summary"]["changed"] == 6
    assert stats["adfs"]["tokens_issued"] >= 2, stats["adfs"]
    assert stats["adfs"]["bearer_expired"] == 0 and stats["unauthenticated"] == 0


def test_adfs_token_renewed_once_on_401(adfs_sim, tmp_path):
    """The stand-in announces an hour but drops tokens after 2 s (as when ADFS and CM disagree): the 401 is
    answered by one renewal and the same request again; the run succeeds."""
    sim = adfs_sim(adfs_token_lifetime=2, adfs_advertised_lifetime=3600, latency_ms=120)
    cards = Cards(sim).take(6)
    run = play(tmp_path, [
        {"name": "slow retirement", STATUS: {"uuids": cards, "status": "Retired", "concurrency": 1, "processes": 1},
         "register": "retire"},
    ], ansible_env(os.environ), defaults=adfs_defaults(sim), secrets={"adfs_secret": secret(sim)})
    assert run.rc == 0, run
    stats = sim.stats()
    print("\nADFS renewal on 401: token accepted 2 s, announced 3600 s, %d cards, %d API requests; counters %s"
          % (len(cards), stats["requests"], stats["adfs"]))
    assert run["retire"]["summary"]["changed"] == 6, run["retire"]
    assert stats["adfs"]["bearer_expired"] >= 1, stats["adfs"]
    assert stats["adfs"]["tokens_issued"] == stats["adfs"]["bearer_expired"] + 1, stats["adfs"]


def test_adfs_refusals_say_what_to_do_without_the_secret(adfs_sim, tmp_path):
    sim = adfs_sim()
    bad = "Bad-%s" % secret(sim)
    run = play(tmp_path, [
        {"name": "bad secret", INFO: {"uuid": [REFERENCE_CARD]}, "register": "bad_secret"},
        {"name": "unknown client", INFO: {"uuid": [REFERENCE_CARD], "client_id": "nobody"}, "register": "bad_client"},
        {"name": "wrong resource", INFO: {"uuid": [REFERENCE_CARD], "client_secret": "{{ good_secret }}",
                                          "resource": "https://cm.contoso.com/certificatemanagement"},
         "register": "bad_resource"},
        {"name": "ADFS not there", INFO: {"uuid": [REFERENCE_CARD], "client_secret": "{{ good_secret }}",
                                          "adfs_url": sim.url + "/nowhere"}, "register": "bad_url"},
        {"name": "no secret at all", INFO: {"uuid": [REFERENCE_CARD], "client_secret": ""}, "register": "missing"},
        {"name": "the right one", INFO: {"uuid": [REFERENCE_CARD], "client_secret": "{{ good_secret }}"},
         "register": "good"},
    ], ansible_env(os.environ), defaults=adfs_defaults(sim), args=["-vvvv"],
        secrets={"adfs_secret": bad, "good_secret": secret(sim)})
    assert run.rc == 0, run
    assert "refused client mimcm-ansible (HTTP 400, invalid_client: MSIS9622" in run["bad_secret"]["msg"]
    assert "check client_id and client_secret" in run["bad_secret"]["msg"]
    assert run["bad_secret"]["error"]["kind"] == "auth_failed"
    assert "refused client nobody (HTTP 400, invalid_client: MSIS9607" in run["bad_client"]["msg"]
    assert "refused a token for resource https://cm.contoso.com/certificatemanagement" in run["bad_resource"]["msg"]
    assert "answered HTTP 404 without an access token" in run["bad_url"]["msg"]
    assert "auth=adfs needs adfs_url, client_id and client_secret" in run["missing"]["msg"]
    assert not run["good"]["failed"] and run["good"]["smartcards"][0]["uuid"] == REFERENCE_CARD
    assert no_secret(run, bad, secret(sim)) == []
    stats = sim.stats()["adfs"]
    assert stats["tokens_refused"] == 3 and stats["tokens_issued"] == 1
