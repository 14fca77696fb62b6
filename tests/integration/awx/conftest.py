"""Fixtures for the AWX job tests (the AWX emulation is awx_emulation.py)."""

from pathlib import Path

import pytest

from awx_emulation import Awx


def credential_inputs(sim, user="operator"):
    """A credential of type MIM Certificate Management for the simulator, as the AWX form saves it
    (the string fields with defaults filled in, the boolean fields left unticked)."""
    return {
        "url": sim.url,
        "auth": "ntlm",
        "username": sim.users[user]["username"],
        "password": sim.users[user]["password"],
        "ca_pem": Path(sim.ca_path).read_text(),
        "api_path": "/CertificateManagement/api/v1.0",
        "timeout": "30",
        "retries": "3",
    }


@pytest.fixture
def awx_factory(tmp_path):
    """``awx_factory(sim, **kwargs)``: an AWX with the setup of docs/awx.md, its credential pointing
    at ``sim``, the persistent report directory ``tmp_path/reports``."""
    def make(sim, report_dir="default", **kwargs):
        if report_dir == "default":
            report_dir = tmp_path / "reports"
        return Awx(tmp_path / "awx", credential_inputs(sim), report_dir=report_dir, **kwargs)
    return make
