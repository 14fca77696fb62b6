"""Cost-per-call behaviour of the client and the audit log (issue 6, tests/benchmarks): the proxy and
CA bundle environment is read once per client, not on every request, and the audit log shares one
fsync among concurrent writers without losing a line or returning before its line is on disk."""

import json
import os
import threading
import time

from ansible_collections.mim.cm.plugins.module_utils import mimcm_lifecycle
from ansible_collections.mim.cm.plugins.module_utils.mimcm_lifecycle import AuditLog

from mimcm_fakes import FakeCM, make_client


def test_environment_is_resolved_once_and_still_honoured(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example.test:3128')
    monkeypatch.delenv('NO_PROXY', raising=False)
    monkeypatch.delenv('no_proxy', raising=False)
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/bundle-from-env.pem')
    cm = FakeCM()
    client = make_client(cm)
    uid = cm.add_card()
    client.get_card(uid)
    client.get_operations(uid)
    session = client._sessions[0]
    assert session.trust_env is False  # no per-request environment lookups
    assert session.proxies.get('https') == 'http://proxy.example.test:3128'
    # verify=True still means the environment's CA bundle, as requests itself would do
    assert cm.verify_seen == ['/etc/ssl/bundle-from-env.pem'] * 2


def test_no_proxy_for_the_server_and_ca_path_wins(monkeypatch, tmp_path):
    ca = tmp_path / 'ca.pem'
    ca.write_text('x')
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example.test:3128')
    monkeypatch.setenv('NO_PROXY', 'cm.example.test')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/bundle-from-env.pem')
    cm = FakeCM()
    client = make_client(cm, ca_path=str(ca))
    client.get_card(cm.add_card())
    assert not client._sessions[0].proxies.get('https')
    assert cm.verify_seen == [str(ca)]


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

    monkeypatch.setattr(mimcm_lifecycle.os, 'fsync', slow_fsync)
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
