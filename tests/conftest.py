"""Shared pytest fixtures: the MIM CM simulator (see tests/simulator/README.md)."""

import pytest

from tests.simulator.control import Simulator


@pytest.fixture
def simulator_factory(tmp_path_factory):
    """Start simulators with options: ``sim = simulator_factory(cards=50, error_500_rate=0.5)``.

    Each gets a fresh state dir unless ``state_dir=`` is given; all are stopped at teardown.
    """
    started = []

    def make(state_dir=None, **kwargs):
        if state_dir is None:
            state_dir = tmp_path_factory.mktemp("sim")
        kwargs.setdefault("cards", 200)
        kwargs.setdefault("seed", 42)
        sim = Simulator(state_dir, **kwargs)
        started.append(sim)
        return sim.start()

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def simulator(simulator_factory):
    """A running simulator: fresh state dir, 200 cards, seed 42, HTTPS."""
    return simulator_factory()


# The suite runs on 2 xdist workers with --dist worksteal (Makefile): the slowest tests (ansible-playbook
# and ansible-runner jobs, a KDC) start first and the many quick unit tests fill the gaps at the end, so
# neither worker idles while the other finishes a long tail.
_SLOW_FIRST = ("tests/integration/awx/", "tests/integration/roles/", "tests/integration/auth/",
               "tests/integration/", "tests/simulator_contract/")


def _start_rank(item):
    path = item.nodeid.split("::", 1)[0]
    for rank, prefix in enumerate(_SLOW_FIRST):
        if path.startswith(prefix):
            return rank
    return len(_SLOW_FIRST)


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_start_rank)  # stable: the order inside each group is kept
