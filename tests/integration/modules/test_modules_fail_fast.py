"""Fail fast, fail safe (issue 12) against the real simulator: a wrong password cannot lock the account, and a
server that is down ends a run of thousands of cards within seconds, with one message. The times are printed for
the closing note (-s shows them), never asserted."""

import time
import uuid as uuidlib

from mimcm_modules_helpers import connection

STATUS = 'mim.cm.mimcm_smartcard_status'
INFO = 'mim.cm.mimcm_smartcard_info'


def test_a_wrong_password_costs_at_most_one_failed_logon_per_worker(msim, take, play):
    real = [c['Uuid'] for c in take(n=20)]
    cards = real + [str(uuidlib.uuid4()) for dummy in range(480)]
    msim.reset_stats()
    wrong = dict(connection(msim), password='not-the-password')
    started = time.monotonic()
    run = play([{'name': 'retire 500 with a wrong password', STATUS: {
        'uuids': cards, 'status': 'Retired', 'concurrency': 16, 'processes': 2}, 'register': 'wrong'}], defaults=wrong)
    seconds = time.monotonic() - started
    stats = msim.stats()
    print('\nwrong password, 500 cards, concurrency 16 over 2 processes: %d failed authentications, %.1f s'
          % (stats['auth_failures'], seconds))
    r = run['wrong']
    assert r['failed'] and 'HTTP 401' in r['msg'] and 'The run stopped at this first failure' in r['msg']
    assert 'were not attempted, and nothing was written' in r['msg'] and 'not-the-password' not in run.stdout
    assert stats['auth_failures'] <= 2, stats  # one login attempt per worker process, not one per card or thread
    assert all(msim.card(c)['Status'] == 3 for c in real)


def test_a_stopped_server_ends_a_2000_card_read_and_retirement_within_seconds(simulator_factory, play):
    sim = simulator_factory(cards=10)
    conn = connection(sim)
    sim.stop()  # connection refused from now on
    ids = [str(uuidlib.uuid4()) for dummy in range(2000)]
    timings = {}
    tasks = []
    for name, module, args in (('read', INFO, {'uuid': ids, 'concurrency': 16}),
                               ('retire', STATUS, {'uuids': ids, 'status': 'Retired', 'concurrency': 16})):
        tasks.append({'name': 'start %s' % name, 'ansible.builtin.set_fact': {'t_%s' % name: '{{ now().timestamp() }}'}})
        tasks.append({'name': name, module: args, 'register': name})
        tasks.append({'name': 'time %s' % name, 'ansible.builtin.set_fact': {
            'secs_%s' % name: "{{ now().timestamp() - (t_%s | float) }}" % name}, 'register': 'time_%s' % name})
    run = play(tasks, defaults=dict(conn, retries=3))
    for name in ('read', 'retire'):
        timings[name] = float(run['time_%s' % name]['ansible_facts']['secs_%s' % name])
        r = run[name]
        assert r['failed'] and 'The run stopped at this first failure, it is about the server' in r['msg'], r['msg']
        assert 'could not be reached' not in r['msg'] or 'Connection refused' in r['msg'] or 'failed' in r['msg']
        assert '1999 of 2000 cards were not attempted' in r['msg'] or 'of 2000 cards were not attempted' in r['msg']
    print('\nserver stopped, 2000 cards: read %.1f s, retirement %.1f s' % (timings['read'], timings['retire']))
