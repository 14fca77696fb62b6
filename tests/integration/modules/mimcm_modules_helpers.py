"""Helpers of the module integration tests, importable from the test files (a conftest.py is not: pytest
may have loaded another directory's conftest under the same name)."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
COLLECTIONS = REPO / 'build' / 'collections'
BIN = Path(sys.executable).parent


def connection(sim, user='operator'):
    """The connection options of a simulator user, for module_defaults or a task."""
    u = sim.users[user]
    conn = {'url': sim.url, 'username': u['username'], 'password': u['password']}
    if sim.ca_path:
        conn['ca_path'] = sim.ca_path
    return conn
