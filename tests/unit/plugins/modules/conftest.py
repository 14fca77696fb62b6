"""Fixtures of the module tests."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_client


@pytest.fixture
def no_http(monkeypatch):
    def fail(*a, **k):
        raise AssertionError('an HTTP call was made')
    monkeypatch.setattr(mimcm_client.MimCmClient, '_attempt', fail)
