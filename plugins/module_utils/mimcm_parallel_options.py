# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``concurrency`` and ``processes`` options of the modules that work on many items.

Documented once, in the ``mim.cm.parallel`` doc fragment; keep the two in step. Running the work
is mimcm_parallel.py.
"""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils import mimcm_parallel as parallel
from ansible_collections.mim.cm.plugins.module_utils.mimcm_progress import NoProgress

MAX_CONCURRENCY = 64
DEFAULT_CONCURRENCY = 8


def parallel_argument_spec():
    """A fresh copy of the argument spec of the two options."""
    return dict(
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
        processes=dict(type='int', default=0),
    )


def bounded_concurrency(concurrency, items):
    """``concurrency`` checked (1 to MAX_CONCURRENCY) and capped by the number of ``items``."""
    try:
        concurrency = int(concurrency)
    except (TypeError, ValueError):
        raise errors.InvalidInput('concurrency %r is not a whole number' % (concurrency,))
    if concurrency < 1 or concurrency > MAX_CONCURRENCY:
        raise errors.InvalidInput('concurrency must be between 1 and %d, got %d' % (MAX_CONCURRENCY, concurrency))
    return max(1, min(concurrency, items))


def bounded_processes(processes):
    """``processes`` checked: 0 (automatic) to ``mimcm_parallel.MAX_PROCESSES``."""
    try:
        processes = int(processes or 0)
    except (TypeError, ValueError):
        raise errors.InvalidInput('processes %r is not a whole number' % (processes,))
    if processes < 0 or processes > parallel.MAX_PROCESSES:
        raise errors.InvalidInput('processes must be between 0 (automatic) and %d, got %d'
                                  % (parallel.MAX_PROCESSES, processes))
    return processes


def run_parallel(client, func, items, concurrency, processes, lost, child_state=None, progress=None, counted=None):
    """``[func(i) for i in items]`` over threads and worker processes; the workers' call counters are
    added to ``client``'s. Returns ``(results, states)`` (see mimcm_parallel.map_parallel). ``progress``
    (mimcm_progress.Progress) counts each result as it arrives, of ``counted`` in all (default: every item;
    a result its classify names None is not counted)."""
    workers = bounded_concurrency(concurrency, len(items))
    count = parallel.worker_processes(processes, workers, len(items))

    def state():
        extra = child_state() if child_state is not None else {}
        extra.update(calls=client.calls, retried=client.retried)
        return extra

    progress = progress if progress is not None else NoProgress()
    with progress.begin(len(items) if counted is None else counted):
        results, states = parallel.map_parallel(func, items, workers, processes=count, child_setup=client.after_fork,
                                                child_state=state, lost=lost, on_result=progress.add)
    for extra in states:
        client.calls += extra.get('calls', 0)
        client.retried += extra.get('retried', 0)
    return results, states
