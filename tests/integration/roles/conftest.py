"""Fixtures for the role/playbook integration tests (helpers in mimcm_roles_helpers.py)."""

import pytest

from mimcm_roles_helpers import Runner


@pytest.fixture
def runner(simulator, tmp_path):
    return Runner(simulator, tmp_path / "run")


@pytest.fixture
def runner_factory(tmp_path):
    def make(sim, name="run", user="operator"):
        return Runner(sim, tmp_path / name, user=user)
    return make
