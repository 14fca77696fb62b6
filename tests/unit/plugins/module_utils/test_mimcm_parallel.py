"""Threads over worker processes: order, totals, no item lost, workers die with the module."""

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils import mimcm_parallel as parallel
from ansible_collections.mim.cm.plugins.module_utils.mimcm_changer import StatusChanger
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import SmartcardReader

from mimcm_fakes import FakeCM, make_client

ROOT = Path(__file__).resolve().parents[4]


def _lost(item, reason):
    return ('lost', item, reason)


def _alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as fh:
            return fh.read().split(')')[-1].split()[0] != 'Z'
    except OSError:
        return False


def test_results_in_input_order_from_several_processes():
    results, states = parallel.map_parallel(lambda i: (i * 2, os.getpid()), list(range(200)), 8, processes=3,
                                            child_state=lambda: {'pid': os.getpid()}, lost=_lost)
    assert [r[0] for r in results] == [i * 2 for i in range(200)]
    pids = set(r[1] for r in results)
    assert len(pids) == 3 and os.getpid() not in pids
    assert sorted(s['pid'] for s in states) == sorted(pids)


def test_concurrency_is_the_total_over_the_processes():
    def work(item):
        time.sleep(0.01)
        return os.getpid(), threading.current_thread().name

    results, dummy = parallel.map_parallel(work, list(range(120)), 5, processes=2, lost=_lost)
    threads = {}
    for pid, name in results:
        threads.setdefault(pid, set()).add(name)
    assert sorted(len(names) for names in threads.values()) == [2, 3]


def test_one_process_runs_in_this_process():
    results, states = parallel.map_parallel(lambda i: os.getpid(), list(range(10)), 4, processes=1)
    assert set(results) == {os.getpid()} and states == []


def test_a_worker_that_exits_loses_no_item_silently():
    def work(item):
        if item == 7:
            os._exit(3)
        return item

    results, states = parallel.map_parallel(work, list(range(40)), 2, processes=2, lost=_lost)
    # items 0, 2, 4, ... went to the worker that stays; the other one ended at item 7
    assert [results[i] for i in range(0, 40, 2)] == list(range(0, 40, 2))
    lost = [r for r in results if isinstance(r, tuple)]
    assert lost and all(r[0] == 'lost' and 'exited with code 3' in r[2] for r in lost)
    assert ('lost', 7, lost[0][2]) in lost
    assert all(results[i] == i or results[i][0] == 'lost' for i in range(1, 40, 2))
    assert len(states) == 1


def test_a_killed_worker_is_reported_with_its_signal():
    def work(item):
        if item == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return item

    results, dummy = parallel.map_parallel(work, list(range(20)), 2, processes=2, lost=_lost)
    assert results[5] == ('lost', 5, results[5][2]) and 'killed by signal %d' % signal.SIGKILL in results[5][2]


def test_an_exception_in_a_worker_is_reported():
    def work(item):
        if item == 3:
            raise ValueError('boom at 3')
        return item

    results, dummy = parallel.map_parallel(work, list(range(10)), 2, processes=2, lost=_lost)
    assert 'ValueError: boom at 3' in results[3][2]


def test_without_lost_a_dead_worker_raises():
    with pytest.raises(RuntimeError, match='exited with code 4'):
        parallel.map_parallel(lambda i: os._exit(4) if i == 1 else i, list(range(6)), 2, processes=2)


def test_when_fork_fails_the_work_runs_here(monkeypatch):
    def no_fork():
        raise OSError(11, 'Resource temporarily unavailable')

    monkeypatch.setattr(os, 'fork', no_fork)
    results, states = parallel.map_parallel(lambda i: (i, os.getpid()), list(range(50)), 4, processes=2)
    assert results == [(i, os.getpid()) for i in range(50)] and states == []


def test_workers_die_with_the_module_process(tmp_path):
    pids = tmp_path / 'pids'
    script = (
        'import os, sys, time\n'
        'sys.path[:0] = [%r]\n'
        'from ansible_collections.mim.cm.plugins.module_utils import mimcm_parallel as p\n'
        'def work(i):\n'
        '    with open(%r, "a") as fh:\n'
        '        fh.write("%%d\\n" %% os.getpid())\n'
        '    time.sleep(60)\n'
        'p.map_parallel(work, list(range(4)), 2, processes=2)\n'
    ) % (str(ROOT / 'build' / 'collections'), str(pids))
    proc = subprocess.Popen([sys.executable, '-c', script])
    deadline = time.time() + 20
    while time.time() < deadline and (not pids.exists() or len(set(pids.read_text().split())) < 2):
        time.sleep(0.05)
    workers = set(int(p) for p in pids.read_text().split())
    assert len(workers) == 2
    proc.kill()
    proc.wait()
    deadline = time.time() + 10
    alive = workers
    while alive and time.time() < deadline:
        alive = set(p for p in alive if _alive(p))
        time.sleep(0.05)
    assert not alive, 'worker processes outlived the module process: %s' % alive


def test_automatic_process_count(monkeypatch):
    monkeypatch.setattr(parallel, 'usable_cpus', lambda: 4)
    assert parallel.worker_processes(0, 16, 10000) == 2
    assert parallel.worker_processes(0, 64, 10000) == 4
    assert parallel.worker_processes(0, 8, 10000) == 1
    assert parallel.worker_processes(0, 16, 150) == 1  # under 100 cards per process: not worth a fork
    assert parallel.worker_processes(3, 16, 2) == 2  # explicit: capped by the items
    assert parallel.worker_processes(3, 2, 1000) == 2  # and by the concurrency
    monkeypatch.setattr(parallel, 'usable_cpus', lambda: 1)
    assert parallel.worker_processes(0, 16, 10000) == 1
    monkeypatch.setattr(parallel, 'usable_cpus', lambda: 4)
    monkeypatch.setattr(parallel.sys, 'platform', 'darwin')
    assert parallel.worker_processes(0, 16, 10000) == 1  # automatic: no fork on macOS
    assert parallel.worker_processes(2, 16, 10000) == 2  # unless asked for


def test_cgroup_quota_caps_the_cpus(monkeypatch):
    files = {'/sys/fs/cgroup/cpu.max': '150000 100000'}

    def read(path):
        if path not in files:
            raise OSError(2, 'No such file')
        return files[path]

    monkeypatch.setattr(parallel, '_read_first_line', read)
    assert parallel._cgroup_cpus() == 2
    files['/sys/fs/cgroup/cpu.max'] = 'max 100000'
    assert parallel._cgroup_cpus() is None
    del files['/sys/fs/cgroup/cpu.max']
    files.update({'/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '100000', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000'})
    assert parallel._cgroup_cpus() == 1
    files['/sys/fs/cgroup/cpu/cpu.cfs_quota_us'] = '-1'
    assert parallel._cgroup_cpus() is None


def test_errors_keep_their_details_across_processes():
    error = errors.ServerError('Reading the card: HTTP 500', card='abc', http_status=500, correlation_id='c-1')
    copy = pickle.loads(pickle.dumps(error, protocol=2))
    assert copy.__class__ is errors.ServerError and str(copy) == str(error)
    assert (copy.card, copy.http_status, copy.correlation_id) == ('abc', 500, 'c-1')


def test_status_changer_over_two_processes():
    cm = FakeCM()
    client = make_client(cm)
    cards = [cm.add_card() for dummy in range(30)]
    results = StatusChanger(client, 'Retired', comment='CHG1', concurrency=4, processes=2).run(uuids=cards)
    assert [r['uuid'] for r in results] == cards
    assert all(r['state'] == 'changed' and r['after'] == 'Retired' for r in results)
    # the workers' calls are counted: open request listings (3 per worker), 6 per card, and the classification of
    # the new requests' status integer by the name filter (2 listings, once per worker thread at most)
    assert 2 * 3 + 6 * len(cards) + 2 * 2 <= client.calls <= 2 * 3 + 6 * len(cards) + 2 * 4
    assert client.statuses.learned() == {'Approved': [3]} and client.request_types == {10: 'Retire'}


def test_reader_over_two_processes_keeps_missing_and_order():
    cm = FakeCM()
    client = make_client(cm)
    cards = [cm.add_card() for dummy in range(20)]
    unknown = '0b0b0b0b-0000-4000-8000-000000000000'
    found, missing = SmartcardReader(client, concurrency=4, processes=2).read(uuids=cards[:10] + [unknown] + cards[10:])
    assert [c['uuid'] for c in found] == cards and missing == [unknown]


def test_lost_card_is_a_failed_result_with_an_audit_line(tmp_path):
    from ansible_collections.mim.cm.plugins.module_utils.mimcm_audit import AuditLog

    cm = FakeCM()
    client = make_client(cm)
    audit = AuditLog(str(tmp_path / 'audit.jsonl'), {'ticket': 'CHG1'})
    changer = StatusChanger(client, 'Retired', audit=audit)
    result = changer._lost(('uuid', 'abc'), 'worker process 12 was killed by signal 9')
    assert result['state'] == 'failed' and 'outcome unknown' in result['msg'] and 'run again' in result['msg']
    assert '"state": "failed"' in (tmp_path / 'audit.jsonl').read_text()
