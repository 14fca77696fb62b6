"""Progress lines of the modules through ansible-playbook (issue 15): printed by the action plugin
while the module runs, counting the whole run when the caller gives its context, off at interval 0,
a bad progress option refused before any call."""

import os
import re

from mimcm_modules_helpers import connection

STATUS = 'mim.cm.mimcm_smartcard_status'
INFO = 'mim.cm.mimcm_smartcard_info'
LINE = re.compile(r'^mim\.cm progress: (.*)$', re.M)


def _task_output(stdout, name):
    """The lines ansible-playbook printed under the task header of ``name``."""
    part = stdout.split('TASK [%s]' % name, 1)[1]
    return part.split('\nTASK [', 1)[0]


def test_progress_lines_while_the_modules_run(msim, take, play, tmp_path):
    msim.set_faults(latency_ms=100)  # every call 0.1 s: each task below runs several seconds
    retire = [c['Uuid'] for c in take(n=12)]
    check = [c['Uuid'] for c in take(n=12)]
    quiet = [c['Uuid'] for c in take(n=6)]
    scratch = tmp_path / 'scratch'
    scratch.mkdir()
    run = play([
        {'name': 'bad progress', STATUS: {'uuids': quiet, 'status': 'Retired', 'comment': 'PROGRESS',
                                          'progress': {'interval': 'soon'}}, 'register': 'bad'},
        {'name': 'retire with progress', STATUS: {
            'uuids': retire, 'status': 'Retired', 'comment': 'PROGRESS', 'concurrency': 2,
            'progress': {'interval': 1, 'label': 'apply T1', 'done': 10, 'total': 22, 'counts': {'changed': 10}}},
         'register': 'retired'},
        {'name': 'read with progress', INFO: {'uuids': retire, 'include_operations': True, 'concurrency': 1,
                                              'progress': {'interval': 1}}, 'register': 'read'},
        {'name': 'check mode with progress', STATUS: {'uuids': check, 'status': 'Retired', 'comment': 'PROGRESS',
                                                      'concurrency': 1, 'progress': {'interval': 1}},
         'check_mode': True, 'register': 'checked'},
        {'name': 'progress off', STATUS: {'uuids': quiet, 'status': 'Retired', 'comment': 'PROGRESS', 'concurrency': 1,
                                          'progress': {'interval': 0}}, 'register': 'quiet'},
    ], defaults=connection(msim), env={'TMPDIR': str(scratch)})
    msim.set_faults(latency_ms=0)
    assert run.rc == 0, run  # the bad progress task failed (ignored); every other task ran

    assert run['bad']['failed'] and 'progress.interval must be a whole number' in run['bad']['msg'], run['bad']
    assert 'Nothing was done' in run['bad']['msg']

    assert run['retired']['summary']['changed'] == 12
    lines = LINE.findall(_task_output(run.stdout, 'retire with progress'))
    assert lines, run.stdout
    for line in lines:
        match = re.match(r'apply T1: (\d+) of 22 cards \(\d+%\)', line)
        assert match and 10 <= int(match.group(1)) <= 22, line
    counted = [ln for ln in lines if 'so far' in ln]
    assert counted and re.search(r'so far \d+ changed, 0 pending, 0 failed$', counted[-1]), lines
    assert 'cards/s' in counted[-1] and ('left' in counted[-1] or 'finishing' in counted[-1])

    read_lines = LINE.findall(_task_output(run.stdout, 'read with progress'))
    assert read_lines and all(ln.startswith('read cards: ') for ln in read_lines), read_lines
    assert all(re.search(r'so far \d+ found, 0 not found, 0 failed$', ln) for ln in read_lines if 'so far' in ln), \
        read_lines

    # the first lines may come before any card is done (the login gate and the open-request listings come first)
    check_lines = LINE.findall(_task_output(run.stdout, 'check mode with progress'))
    counted = [ln for ln in check_lines if 'so far' in ln]
    assert check_lines and all(re.search(r'so far \d+ would change, 0 pending, 0 failed$', ln) for ln in counted), \
        check_lines
    assert run['checked']['summary']['changed'] == 12

    assert LINE.findall(_task_output(run.stdout, 'progress off')) == []
    assert run['quiet']['summary']['changed'] == 6  # so the refused task before changed none of them
    assert [name for name in os.listdir(str(scratch)) if name.startswith('mimcm-progress-')] == []
