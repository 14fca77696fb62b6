"""Fixtures of the simulator tests.

``shared_sim`` is one simulator per test module (and xdist worker). Tests that change state
on it take their own cards through ``take_card`` so they never touch another test's cards;
tests that need a whole simulator to themselves use ``simulator``/``simulator_factory``.
"""

import pytest

from tests.simulator.control import Simulator

from .helpers import REF_CARD_1, REF_CARD_2


@pytest.fixture(scope="module")
def shared_sim(tmp_path_factory):
    sim = Simulator(tmp_path_factory.mktemp("shared-sim"), cards=400, seed=42, access_log=True)
    sim.start()
    yield sim
    sim.stop()


class CardPool:
    """Hands out cards of a simulator that no other test of the module has used."""

    def __init__(self, sim):
        self.sim = sim
        self.used = {REF_CARD_1.lower(), REF_CARD_2.lower()}

    def take(self, status=3, approval_required=False, restricted=False, owner=None, upper=None):
        for card in self.sim.cards(status=status, approval_required=approval_required,
                                   restricted=restricted, owner=owner):
            u = card["Uuid"]
            if u.lower() in self.used:
                continue
            if upper is not None and (u != u.lower()) != upper:
                continue
            self.used.add(u.lower())
            return card
        pytest.skip("no unused card with status=%s approval_required=%s restricted=%s" % (
            status, approval_required, restricted))


@pytest.fixture(scope="module")
def pool(shared_sim):
    return CardPool(shared_sim)


@pytest.fixture(scope="module")
def take_card(pool):
    return pool.take


@pytest.fixture(scope="module")
def op(shared_sim):
    """requests.Session of the operator on the shared simulator."""
    s = shared_sim.session("operator")
    yield s
    s.close()
