"""Fixtures for the AWX job tests (the AWX emulation is awx_emulation.py)."""

import pytest

from awx_emulation import Awx, credential_inputs


@pytest.fixture
def awx_factory(tmp_path):
    """``awx_factory(sim, **kwargs)``: an AWX with the setup of docs/awx.md, its credential pointing
    at ``sim``, the persistent report directory ``tmp_path/reports``."""
    def make(sim, report_dir="default", **kwargs):
        if report_dir == "default":
            report_dir = tmp_path / "reports"
        return Awx(tmp_path / "awx", credential_inputs(sim), report_dir=report_dir, **kwargs)
    return make
