"""Progress lines on the controller: the option checks, the line, the watcher (issue 15)."""

import json
import threading

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.progress import (
    ProgressWatch, progress_line, progress_settings, read_snapshot)

SHOWN = ('changed', 'pending', 'failed')


def test_settings_defaults_and_run_context():
    assert progress_settings(None) == {'interval': 20, 'label': '', 'done': 0, 'total': None, 'counts': {},
                                       'started': None}
    settings = progress_settings({'interval': '5', 'label': 'apply X', 'done': 4000, 'total': 10000,
                                  'counts': {'changed': 3990, 'pending': 10}, 'started': '1700000000.5'})
    assert settings == {'interval': 5, 'label': 'apply X', 'done': 4000, 'total': 10000,
                        'counts': {'changed': 3990, 'pending': 10}, 'started': 1700000000.5}
    assert progress_settings({'interval': 0})['interval'] == 0


@pytest.mark.parametrize('options, words', [
    ({'interval': 'soon'}, 'progress.interval must be a whole number'),
    ({'interval': -1}, 'progress.interval must be a whole number of 0 or more'),
    ({'interval': 2.5}, 'progress.interval must be a whole number of 0 or more'),
    ({'total': 'all'}, 'progress.total must be a whole number'),
    ({'counts': {'changed': 'x'}}, 'progress.counts must map outcome names to whole numbers'),
    ({'started': 'yesterday'}, 'progress.started must be seconds since the epoch'),
    ({'every': 5}, 'progress has no option every; it takes interval, label'),
    ('fast', 'progress must be a dictionary such as {interval: 20}'),
])
def test_bad_settings_name_the_option_and_the_fix(options, words):
    with pytest.raises(InvalidInput) as caught:
        progress_settings(options)
    assert words in str(caught.value)


def test_the_line_counts_the_whole_run_and_estimates_the_time_left():
    settings = progress_settings({'label': 'apply CHG0042', 'done': 4000, 'total': 10000,
                                  'counts': {'changed': 3990, 'pending': 10}, 'started': 1000.0})
    snapshot = {'done': 1000, 'total': 2000, 'counts': {'changed': 998, 'failed': 2}, 'elapsed': 4.0,
                'check_mode': False}
    line = progress_line(snapshot, settings, 'set cards to Retired', SHOWN, now=1065.0)
    assert line == ('mim.cm progress: apply CHG0042: 5,000 of 10,000 cards (50%), 250 cards/s, about 20 s left; '
                    'so far 4,988 changed, 10 pending, 2 failed; 1 min 05 s since the start')


def test_the_line_of_one_module_call_with_its_own_label_and_check_mode():
    snapshot = {'done': 3, 'total': 12, 'counts': {'changed': 2, 'skipped': 1}, 'elapsed': 2.0, 'check_mode': True}
    line = progress_line(snapshot, progress_settings({}), 'set cards to Retired', SHOWN, now=0)
    assert line == ('mim.cm progress: set cards to Retired: 3 of 12 cards (25%), 1.5 cards/s, about 6 s left; '
                    'so far 2 would change, 0 pending, 0 failed, 1 skipped')


def test_lines_before_the_first_card_and_at_the_end():
    assert progress_line(None, progress_settings({}), 'read cards', SHOWN) == (
        'mim.cm progress: read cards: starting, no card finished yet')
    assert progress_line(None, progress_settings({'done': 2000, 'total': 8000}), 'x', SHOWN) == (
        'mim.cm progress: x: 2,000 of 8,000 cards (25%), this step is starting')
    done = {'done': 5, 'total': 5, 'counts': {'found': 5}, 'elapsed': 1.0}
    assert 'finishing' in progress_line(done, progress_settings({}), 'read cards', ('found', 'not found', 'failed'))
    long_run = {'done': 100, 'total': 100000, 'counts': {}, 'elapsed': 10.0}
    assert 'about 2 h 46 min left' in progress_line(long_run, progress_settings({}), 'x', SHOWN)


def test_a_torn_or_foreign_snapshot_file_is_no_snapshot(tmp_path):
    path = tmp_path / 'p.json'
    assert read_snapshot(str(path)) is None
    path.write_text('{"done": 3, "to')
    assert read_snapshot(str(path)) is None
    path.write_text('[1, 2]')
    assert read_snapshot(str(path)) is None
    path.write_text(json.dumps({'done': 3, 'total': 4}))
    assert read_snapshot(str(path)) == {'done': 3, 'total': 4}


def test_the_watch_prints_every_interval_until_stopped(tmp_path):
    path = tmp_path / 'p.json'
    path.write_text(json.dumps({'done': 1, 'total': 2, 'counts': {'changed': 1}, 'elapsed': 1.0}))
    lines = []
    two = threading.Event()

    def emit(line):
        lines.append(line)
        if len(lines) == 2:
            two.set()

    settings = progress_settings({'interval': 1})
    with ProgressWatch(str(path), settings, 'set cards to Retired', SHOWN, emit) as watch:
        assert two.wait(10)
    count = len(lines)
    threading.Event().wait(1.2)
    assert len(lines) == count == watch.lines  # nothing after the stop
    assert lines[0].startswith('mim.cm progress: set cards to Retired: 1 of 2 cards (50%)')


def test_a_failing_display_never_fails_the_task(tmp_path):
    def emit(line):
        raise RuntimeError('display closed')

    with ProgressWatch(str(tmp_path / 'none'), progress_settings({'interval': 1}), 'x', SHOWN, emit) as watch:
        threading.Event().wait(1.3)
    assert watch.lines == 0
