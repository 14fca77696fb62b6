"""The concurrency and processes options: bounds, messages, and the spec the modules share."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils import mimcm_parallel as parallel
from ansible_collections.mim.cm.plugins.module_utils.mimcm_parallel_options import (
    MAX_CONCURRENCY,
    bounded_concurrency,
    bounded_processes,
    parallel_argument_spec,
    run_parallel,
)


def test_processes_option_is_validated():
    assert bounded_processes(0) == 0 and bounded_processes(None) == 0 and bounded_processes('3') == 3
    for bad in (-1, parallel.MAX_PROCESSES + 1, 'two'):
        with pytest.raises(errors.InvalidInput, match='processes'):
            bounded_processes(bad)


def test_concurrency_is_bounded_and_capped_by_the_items():
    assert bounded_concurrency(16, 3) == 3 and bounded_concurrency('8', 100) == 8 and bounded_concurrency(4, 0) == 1
    for bad, message in ((0, 'between 1 and 64'), (MAX_CONCURRENCY + 1, 'between 1 and 64'), ('x', 'not a whole')):
        with pytest.raises(errors.InvalidInput, match=message):
            bounded_concurrency(bad, 10)


def test_the_spec_is_a_fresh_copy():
    spec = parallel_argument_spec()
    spec['concurrency']['default'] = 99
    assert parallel_argument_spec()['concurrency'] == {'type': 'int', 'default': 8}
    assert parallel_argument_spec()['processes'] == {'type': 'int', 'default': 0}


class _Counting(object):
    calls = 0
    retried = 0

    def after_fork(self):
        self.calls = 0
        self.retried = 0


def test_run_parallel_adds_the_workers_call_counts():
    client = _Counting()

    def work(item):
        client.calls += 2
        return item * 10
    results, states = run_parallel(client, work, list(range(40)), 4, 2, lost=lambda item, reason: None)
    assert results == [i * 10 for i in range(40)] and len(states) == 2
    assert client.calls == 80
