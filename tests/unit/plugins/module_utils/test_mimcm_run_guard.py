"""Fail fast, fail safe: a failure about the server or the credentials stops the whole run (issue 12)."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_changer import StatusChanger
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import SmartcardReader
from ansible_collections.mim.cm.plugins.module_utils.mimcm_run_guard import RunGuard, stops_the_run

from mimcm_fakes import Fault


def test_a_wrong_password_is_tried_once_not_once_per_card(cm, client):
    cards = [cm.add_card() for dummy in range(40)]
    cm.faults.append(Fault('GET', '.*', 401, times=999))
    with pytest.raises(errors.AuthFailed) as exc:
        StatusChanger(client, 'Retired', concurrency=8).run(uuids=cards)
    assert len(cm.calls) == 1, 'the login gate lets one call through until a login worked'
    text = str(exc.value)
    assert 'HTTP 401' in text and 'The run stopped at this first failure' in text
    assert 'Active Directory locks an account' in text and '39 of 40 cards were not attempted' in text
    assert 'nothing was written' in text
    results = exc.value.results
    assert [r['state'] for r in results] == ['failed'] * 40
    assert sum('not attempted: the run stopped because authentication failed' in r['msg'] for r in results) == 39


def test_once_a_login_worked_the_threads_run_in_parallel(cm, client):
    cards = [cm.add_card() for dummy in range(20)]
    results = StatusChanger(client, 'Retired', concurrency=4, comment='CHG').run(uuids=cards)
    assert {r['state'] for r in results} == {'changed'} and client.session_count <= 4


def test_an_unreachable_server_ends_the_read_with_one_message(cm, client, sleeps):
    cards = [cm.add_card() for dummy in range(30)]
    cm.faults.append(Fault('GET', '.*', 'connect_refused', times=999))
    with pytest.raises(errors.ConnectionFailed) as exc:
        SmartcardReader(client, concurrency=4).read(uuids=cards)
    assert 'The run stopped at this first failure, it is about the server, not about a card' in str(exc.value)
    # the first call's retries only (3), then nothing: not 30 cards x 4 attempts
    assert len(cm.calls) == 4 and len(sleeps) == 3


def test_a_transient_failure_of_one_card_does_not_stop_the_run(cm, client):
    cards = [cm.add_card() for dummy in range(5)]
    cm.faults.append(Fault('GET', '/smartcards/' + cards[2], 503, times=99))
    with pytest.raises(errors.ServerError) as exc:
        SmartcardReader(client, concurrency=2).read(uuids=cards)
    assert client.guard.reason is None and 'stopped' not in str(exc.value)
    assert cm.count('GET') == 4 + 4  # every other card was read; the failing one was retried


def test_which_failures_stop_the_run():
    assert stops_the_run(errors.AuthFailed('x')) and stops_the_run(errors.TLSError('x'))
    refused = errors.ConnectionFailed('x')
    assert not stops_the_run(refused)
    refused.unreachable = True
    assert stops_the_run(refused)
    assert not stops_the_run(errors.ServerError('x')) and not stops_the_run(errors.Forbidden('x'))


def test_the_stop_is_shared_with_forked_workers():
    import os
    guard = RunGuard()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's side is checked by the parent
        guard.after_fork()
        guard.trip(errors.TLSError('TLS verification of https://cm failed'))
        os._exit(0)
    os.waitpid(pid, 0)
    assert guard.reason == 'TLS verification failed' and guard.error is None
    expected = 'Reading the card for card c1: not attempted: the run stopped because TLS verification failed'
    with pytest.raises(errors.RunStopped, match=expected):
        guard.check('reading the card', 'c1')
