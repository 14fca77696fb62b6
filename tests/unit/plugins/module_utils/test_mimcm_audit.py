"""The audit log: one line per card, fsynced, whole under concurrency, secret-free."""

import json
import os
import threading
import time

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_audit import AuditLog
from ansible_collections.mim.cm.plugins.module_utils.mimcm_changer import StatusChanger

from ansible_collections.mim.cm.plugins.module_utils import mimcm_audit

from mimcm_fakes import SECRET


def run(client, uuids=None, card_ids=None, status='Retired', **kw):
    changer = StatusChanger(client, status, **kw)
    return changer.run(uuids=uuids, card_ids=card_ids), changer


def test_audit_log_lines(cm, client, tmp_path):
    a, b = cm.add_card(), cm.add_card(status='Retired')
    path = tmp_path / 'audit.jsonl'
    path.write_text('{"earlier": true}\n')
    audit = AuditLog(str(path), {'ticket': 'CHG1', 'batch': 3, 'state': 'overridden'}, secrets=(SECRET,))
    results, dummy = run(client, [a, b], audit=audit, comment='pw is %s' % SECRET)
    audit.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {'earlier': True} and len(lines) == 3
    by_uuid = dict((line['uuid'], line) for line in lines[1:])
    assert set(by_uuid) == {a, b}
    line = by_uuid[a]
    for key in ('time', 'uuid', 'card_id', 'before', 'after', 'request_id', 'state', 'msg', 'ticket', 'batch'):
        assert key in line
    assert line['time'].endswith('Z') and line['state'] == 'changed' and line['ticket'] == 'CHG1'
    assert by_uuid[b]['state'] == 'unchanged'
    assert SECRET not in path.read_text()


def test_audit_log_needs_an_existing_directory(tmp_path):
    with pytest.raises(errors.InvalidInput, match='does not exist'):
        AuditLog(str(tmp_path / 'nope' / 'a.jsonl'))


def test_audit_log_is_fsynced(cm, client, tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, 'fsync', lambda fd: (synced.append(fd), real(fd)))
    audit = AuditLog(str(tmp_path / 'a.jsonl'))
    run(client, [cm.add_card(), cm.add_card()], audit=audit)
    audit.close()
    assert len(synced) == 2


def test_audit_log_lines_stay_whole_under_concurrency(cm, client, tmp_path):
    cards = [cm.add_card() for dummy in range(40)]
    audit = AuditLog(str(tmp_path / 'a.jsonl'), {'note': 'x' * 2000})
    run(client, cards, audit=audit, concurrency=8)
    audit.close()
    lines = [json.loads(line) for line in (tmp_path / 'a.jsonl').read_text().splitlines()]
    assert sorted(line['uuid'] for line in lines) == sorted(c.lower() for c in cards)
    times = [line['time'] for line in lines]
    assert times == sorted(times)


def test_audit_log_group_commit(tmp_path, monkeypatch):
    path = tmp_path / 'audit.jsonl'
    audit = AuditLog(str(path), {'ticket': 'CHG1'})
    real_fsync = os.fsync
    state = {'fsyncs': 0, 'synced': 0}
    lock = threading.Lock()

    def slow_fsync(fd):
        size = os.fstat(fd).st_size  # what this fsync makes durable
        time.sleep(0.005)
        real_fsync(fd)
        with lock:
            state['fsyncs'] += 1
            state['synced'] = max(state['synced'], size)

    monkeypatch.setattr(mimcm_audit.os, 'fsync', slow_fsync)
    errors = []

    def writer(k):
        for i in range(20):
            uuid = '%08d-0000-4000-8000-%012d' % (k, i)
            audit.write({'uuid': uuid, 'state': 'changed', 'changed': True}, 'Retired')
            end = path.read_bytes().index(uuid.encode()) + 1
            if state['synced'] < end:
                errors.append('write of %s returned before its line was fsynced' % uuid)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    audit.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert not errors
    assert len(lines) == 320 and len({r['uuid'] for r in lines}) == 320
    assert all(r['ticket'] == 'CHG1' and r['status'] == 'Retired' for r in lines)
    assert 1 <= state['fsyncs'] < 320  # shared among concurrent writers
