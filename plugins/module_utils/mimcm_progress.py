# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress of a module run over many cards, for the person watching it (issue 15).

A module cannot print while it runs: Ansible shows its output when it ends. So the module counts
the per-card outcomes as they arrive (``add``, from any thread) and writes a small JSON snapshot to
``progress.file`` every few seconds; the collection's action plugin (plugin_utils/progress.py), in
the controller, sets that path, reads the file and prints the progress lines. Without it (progress
turned off, or the module runs on a remote host) nothing is written or started.

The snapshot file is replaced atomically (write, then rename), so a reader never sees half of one.
The writer thread starts with the first result: after the worker processes were forked
(mimcm_parallel forks before any thread starts).
"""

import json
import os
import threading
import time

MIN_WRITE_EVERY = 0.5
MAX_WRITE_EVERY = 2.0


def progress_argument_spec():
    """The ``progress`` option (doc fragment mim.cm.progress); its ``file`` is set by the action plugin."""
    return dict(
        progress=dict(type='dict', options=dict(
            interval=dict(type='int', default=20),
            label=dict(type='str'),
            done=dict(type='int', default=0),
            total=dict(type='int'),
            counts=dict(type='dict'),
            started=dict(type='float'),
            file=dict(type='path'),
        )),
    )


def write_every(interval):
    """Seconds between snapshots for a reader printing every ``interval`` seconds."""
    return max(MIN_WRITE_EVERY, min(MAX_WRITE_EVERY, (interval or 0) / 2.0))


class Progress(object):
    """Counts outcomes (``classify(result)`` names one) and writes snapshots to ``path``: counts and
    times only, never a card, a server answer or a credential.

    ``begin(total)`` as the work starts; leaving the context writes the last snapshot and stops the
    writer thread. Thread-safe: ``add`` is called from every worker thread of the module process.
    """

    def __init__(self, path, classify, check_mode=False, interval=20):
        self.path = path
        self.total = 0
        self.classify = classify
        self.check_mode = bool(check_mode)
        self.every = write_every(interval)
        self.done = 0
        self.counts = {}
        self.started = time.time()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    def add(self, result):
        outcome = self.classify(result)
        if outcome is None:  # not one of the counted items (the profile template listing of a read)
            return
        with self._lock:
            self.done += 1
            self.counts[outcome] = self.counts.get(outcome, 0) + 1
            start = self._thread is None and self.path
            if start:
                self._thread = threading.Thread(target=self._run, name='mimcm-progress')
                self._thread.daemon = True
        if start:
            self._thread.start()

    def snapshot(self):
        with self._lock:
            return {'done': self.done, 'total': self.total, 'counts': dict(self.counts),
                    'elapsed': round(time.time() - self.started, 3), 'check_mode': self.check_mode}

    def begin(self, total):
        self.total = total
        self.started = time.time()
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self._write()
        return False

    def _run(self):
        while not self._stop.wait(self.every):
            self._write()

    def _write(self):
        if not self.path:
            return
        temporary = '%s.%d.tmp' % (self.path, os.getpid())
        try:
            with open(temporary, 'w') as handle:
                json.dump(self.snapshot(), handle)
            os.replace(temporary, self.path)
        except (OSError, ValueError):  # progress is for the eye: never fail the cards over it
            try:
                os.unlink(temporary)
            except OSError:
                pass


class NoProgress(object):
    """Progress turned off: counts nothing, writes nothing."""

    def add(self, result):
        pass

    def begin(self, total):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def progress_for(params, classify, check_mode=False):
    """The Progress of a module run from its parameters: NoProgress without ``progress.file``."""
    options = params.get('progress') or {}
    path = options.get('file')
    interval = options.get('interval', 20)
    if not path or not interval or interval < 0:
        return NoProgress()
    return Progress(path, classify, check_mode=check_mode, interval=interval)
