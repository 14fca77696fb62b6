"""Progress counting and snapshot files of the modules (issue 15)."""

import json
import os
import threading

from ansible_collections.mim.cm.plugins.module_utils import mimcm_parallel as parallel
from ansible_collections.mim.cm.plugins.module_utils.mimcm_progress import (
    NoProgress, Progress, progress_for, write_every)


def test_counts_every_result_from_threads_and_worker_processes(tmp_path):
    path = str(tmp_path / 'progress.json')
    progress = Progress(path, lambda r: 'even' if r % 2 == 0 else 'odd', interval=1)
    with progress.begin(300):
        results, states = parallel.map_parallel(lambda i: i, list(range(300)), 8, processes=3,
                                                on_result=progress.add)
    assert results == list(range(300))
    snapshot = json.loads(open(path).read())
    assert snapshot['done'] == 300 and snapshot['total'] == 300
    assert snapshot['counts'] == {'even': 150, 'odd': 150}
    assert snapshot['check_mode'] is False and snapshot['elapsed'] >= 0
    assert [name for name in os.listdir(str(tmp_path)) if name.endswith('.tmp')] == []


def test_one_process_counts_too_and_the_snapshot_holds_counts_and_times_only(tmp_path):
    path = str(tmp_path / 'p.json')
    progress = Progress(path, lambda r: r['state'], check_mode=True, interval=20)
    with progress.begin(3):
        parallel.map_parallel(lambda i: {'state': 'changed', 'uuid': 'secret-card-%d' % i}, [1, 2, 3], 2,
                              processes=1, on_result=progress.add)
    text = open(path).read()
    assert 'secret-card' not in text
    assert json.loads(text) == dict(json.loads(text), done=3, total=3, counts={'changed': 3}, check_mode=True)
    assert sorted(json.loads(text)) == ['check_mode', 'counts', 'done', 'elapsed', 'total']


def test_snapshots_are_written_while_the_work_runs(tmp_path):
    path = str(tmp_path / 'p.json')
    seen = []
    release = threading.Event()
    progress = Progress(path, lambda r: 'ok', interval=1)  # a snapshot every 0.5 s

    def work(i):
        if i == 5:
            release.wait(10)  # the last item waits until a snapshot of the first five is on disk
        return i

    def watch():
        for dummy in range(100):
            if os.path.exists(path) and os.path.getsize(path):
                seen.append(json.loads(open(path).read()))
                if seen[-1]['done'] >= 5:
                    break
            threading.Event().wait(0.1)
        release.set()

    watcher = threading.Thread(target=watch)
    watcher.start()
    with progress.begin(6):
        parallel.map_threads(work, list(range(6)), 1, on_result=progress.add)
    watcher.join()
    assert seen and seen[-1]['done'] == 5 and seen[-1]['total'] == 6
    assert json.loads(open(path).read())['done'] == 6


def test_an_unwritable_file_never_fails_the_cards(tmp_path):
    progress = Progress(str(tmp_path / 'missing-dir' / 'p.json'), lambda r: 'ok', interval=1)
    with progress.begin(2):
        assert parallel.map_threads(lambda i: i, [1, 2], 2, on_result=progress.add) == [1, 2]
    assert os.listdir(str(tmp_path)) == []


def test_off_without_the_file_option_or_with_interval_zero(tmp_path):
    assert isinstance(progress_for({'progress': None}, str), NoProgress)
    assert isinstance(progress_for({'progress': {'interval': 20, 'file': None}}, str), NoProgress)
    assert isinstance(progress_for({'progress': {'interval': 0, 'file': str(tmp_path / 'p')}}, str), NoProgress)
    on = progress_for({'progress': {'file': str(tmp_path / 'p')}}, str, check_mode=True)
    assert isinstance(on, Progress) and on.check_mode and on.every == 2.0


def test_snapshots_come_often_enough_for_the_interval():
    assert write_every(1) == 0.5
    assert write_every(3) == 1.5
    assert write_every(20) == 2.0


def test_an_item_classified_none_is_not_counted():
    """The profile template listing runs in the cards' worker pool (issue 15): it is no card, not counted."""
    progress = Progress(None, lambda result: None if result == 'listing' else 'found').begin(2)
    for result in ('card', 'listing', 'card'):
        progress.add(result)
    assert progress.snapshot()['done'] == 2 and progress.snapshot()['counts'] == {'found': 2}
