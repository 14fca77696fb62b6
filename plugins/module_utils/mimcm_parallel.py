# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One function over many cards with bounded concurrency: threads, spread over worker processes.

A Python process makes its HTTPS + NTLM calls on one core at a time (the GIL). At about a
millisecond of client CPU per call (requests, TLS, JSON), one process tops out near a thousand
calls a second whatever its thread count: in a bulk retirement the client's CPU, not the server,
was the limit (issue 6). For large inputs the threads are therefore spread over forked worker
processes, one core each:

* ``concurrency`` stays the total: P processes run ``concurrency`` threads between them, so a module
  run still opens at most ``concurrency`` connections (NTLM handshakes).
* Worker ``p`` handles every P-th item, sends each result to the module process as soon as it is
  known, and leaves with ``os._exit`` (no exit handler of the module runs twice, nothing reaches the
  module's stdout).
* A worker that dies (killed, out of memory) loses no card silently: each item it had not reported
  gets ``lost(item, reason)``.
* The workers are forked before any thread starts, and die with the module process (Linux
  ``PR_SET_PDEATHSIG``).
"""

import math
import os
import pickle
import signal
import struct
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

THREADS_PER_PROCESS = 8  # automatic: one worker process per 8 concurrent calls, at most one per usable CPU
MIN_ITEMS_PER_PROCESS = 100  # automatic: smaller inputs are not worth a fork
MAX_PROCESSES = 16
_HEADER = struct.Struct('!I')


def usable_cpus():
    """CPUs this process may run on: its affinity, capped by a cgroup CPU quota (containers)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpus()
    if quota:
        cpus = min(cpus, quota)
    return max(1, cpus)


def _read_first_line(path):
    with open(path) as handle:
        return handle.readline().strip()


def _cgroup_cpus():
    """CPUs allowed by a cgroup v2 or v1 CPU quota (an execution environment with a CPU limit), or None."""
    try:
        quota, period = _read_first_line('/sys/fs/cgroup/cpu.max').split()[:2]
        if quota == 'max':
            return None
        return max(1, int(math.ceil(int(quota) / float(period))))
    except (OSError, ValueError):
        pass
    try:
        quota = int(_read_first_line('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'))
        period = int(_read_first_line('/sys/fs/cgroup/cpu/cpu.cfs_period_us'))
        if quota > 0 and period > 0:
            return max(1, int(math.ceil(quota / float(period))))
    except (OSError, ValueError):
        pass
    return None


def worker_processes(requested, concurrency, items):
    """How many processes share ``items`` items at ``concurrency``.

    ``requested`` 0 is automatic: one per ``THREADS_PER_PROCESS`` concurrent calls, at most the usable
    CPUs, and at least ``MIN_ITEMS_PER_PROCESS`` items each; 1 on macOS, where a fork after the system
    proxy lookup (requests reads it through the SystemConfiguration framework) is not safe. An explicit
    number is capped by the concurrency and the items only. 1 without ``os.fork``.
    """
    if not hasattr(os, 'fork'):
        return 1
    if not requested and sys.platform == 'darwin':
        return 1
    if requested:
        wanted, per_process = requested, 1
    else:
        wanted, per_process = min(usable_cpus(), int(math.ceil(concurrency / float(THREADS_PER_PROCESS)))), MIN_ITEMS_PER_PROCESS
    return max(1, min(wanted, concurrency, items // per_process, MAX_PROCESSES))


def map_threads(func, items, workers, on_result=None):
    """``[func(i) for i in items]`` on ``workers`` threads, in input order; ``on_result(result)`` as each is known."""
    if on_result is not None:
        func = _reporting(func, on_result)
    if workers <= 1 or len(items) <= 1:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix='mimcm') as pool:
        return list(pool.map(func, items))


def _reporting(func, on_result):
    def call(item):
        result = func(item)
        on_result(result)
        return result
    return call


def map_parallel(func, items, concurrency, processes=1, child_setup=None, child_state=None, lost=None, on_result=None):
    """``[func(i) for i in items]`` in input order, ``concurrency`` at a time over ``processes`` processes.

    Returns ``(results, states)``: ``states`` holds what ``child_state()`` returned in each worker process
    that finished (call counters, warnings), ``[]`` when everything ran in this process.
    ``child_setup()`` runs first in each worker (drop inherited connections). An item whose worker died
    before reporting it gets ``lost(item, reason)``. ``on_result(result)`` runs in this process as each
    result arrives (progress, mimcm_progress.py), from several threads: it must be thread-safe.
    """
    items = list(items)
    processes = max(1, min(processes, concurrency, len(items)))
    if processes == 1:
        return map_threads(func, items, min(concurrency, len(items)), on_result), []
    shares = [list(range(p, len(items), processes)) for p in range(processes)]
    threads = [concurrency // processes + (1 if p < concurrency % processes else 0) for p in range(processes)]
    workers = []
    local, local_threads = [], 0
    parent = os.getpid()
    for p in range(processes):
        try:
            read_fd, write_fd = os.pipe()
        except OSError:
            read_fd = write_fd = None
        try:
            pid = os.fork() if read_fd is not None else None
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            pid = None
        if pid is None:  # no pipe or no more processes: this share runs here, on its threads
            local.extend(shares[p])
            local_threads += threads[p]
            continue
        if pid == 0:  # pragma: no cover - the worker's side is measured through the parent
            os.close(read_fd)
            for worker in workers:
                os.close(worker.fd)
            _child(parent, func, items, shares[p], threads[p], write_fd, child_setup, child_state)
        os.close(write_fd)
        workers.append(_Worker(pid, read_fd, shares[p]))

    results = [None] * len(items)
    done = [False] * len(items)
    for worker in workers:
        worker.start(results, done, on_result)
    if local:
        local_results = map_threads(func, [items[i] for i in local], local_threads, on_result)
        for index, result in zip(local, local_results):
            results[index] = result
            done[index] = True
    states = []
    for worker in workers:
        reason = worker.finish()
        if worker.state is not None:
            states.append(worker.state)
        for index in worker.share:
            if not done[index]:
                if lost is None:
                    raise RuntimeError(reason)
                results[index] = lost(items[index], reason)
    return results, states


class _Worker(object):
    """The module process's side of one worker process: a thread reading its results."""

    def __init__(self, pid, fd, share):
        self.pid = pid
        self.fd = fd
        self.share = share
        self.state = None
        self.crash = None
        self._thread = None

    def start(self, results, done, on_result=None):
        self._thread = threading.Thread(target=self._read, args=(results, done, on_result),
                                        name='mimcm-worker-%d' % self.pid)
        self._thread.daemon = True
        self._thread.start()

    def _read(self, results, done, on_result):
        with os.fdopen(self.fd, 'rb') as stream:
            while True:
                header = stream.read(_HEADER.size)
                if len(header) < _HEADER.size:
                    return
                payload = stream.read(_HEADER.unpack(header)[0])
                try:
                    message = pickle.loads(payload)
                except Exception:  # noqa: BLE001 - a torn last message (worker killed mid-write)
                    return
                if message[0] == 'r':
                    results[message[1]] = message[2]
                    done[message[1]] = True
                    if on_result is not None:
                        on_result(message[2])
                elif message[0] == 'state':
                    self.state = message[1]
                elif message[0] == 'crash':
                    self.crash = message[1]

    def finish(self):
        """Wait for the worker; a reason for its unreported items."""
        self._thread.join()
        while True:
            try:
                _pid, status = os.waitpid(self.pid, 0)
                break
            except InterruptedError:  # pragma: no cover - Python retries on EINTR itself
                continue
            except ChildProcessError:
                status = None
                break
        if self.crash:
            return 'worker process %d failed: %s' % (self.pid, self.crash)
        if status is None:
            return 'worker process %d disappeared' % self.pid
        if os.WIFSIGNALED(status):
            return 'worker process %d was killed by signal %d' % (self.pid, os.WTERMSIG(status))
        return 'worker process %d exited with code %d before reporting' % (self.pid, os.WEXITSTATUS(status))


def _die_with_parent(parent):
    """Linux: SIGKILL this worker when the module process ends, whatever ends it."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; elsewhere the worker ends with its share
        pass
    if os.getppid() != parent:  # the module process died before prctl took effect
        os._exit(1)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _child(parent, func, items, share, threads, fd, child_setup, child_state):  # pragma: no cover - runs forked
    code = 0
    lock = threading.Lock()

    def send(message):
        data = pickle.dumps(message, protocol=2)
        with lock:
            _write_all(fd, _HEADER.pack(len(data)) + data)

    def one(index):
        send(('r', index, func(items[index])))

    try:
        _die_with_parent(parent)
        if child_setup is not None:
            child_setup()
        map_threads(one, share, threads)
        send(('state', child_state() if child_state is not None else {}))
    except BaseException:  # noqa: BLE001 - report, never return into the module's code
        code = 1
        try:
            send(('crash', traceback.format_exc(limit=3).strip().splitlines()[-1]))
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(code)
