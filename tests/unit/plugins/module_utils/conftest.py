"""Fixtures of the module_utils tests: the in-process fake API and a client talking to it."""

import pytest

from mimcm_fakes import FakeCM, make_client


@pytest.fixture
def cm():
    """A fresh in-process fake of the MIM CM REST API."""
    return FakeCM()


@pytest.fixture
def sleeps():
    """The backoff sleeps the client asked for (it never really sleeps in these tests)."""
    return []


@pytest.fixture
def client(cm, sleeps):
    """A client of ``cm`` with the operator's credentials."""
    return make_client(cm, sleeps)
