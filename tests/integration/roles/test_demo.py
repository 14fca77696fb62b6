"""`make demo` (python -m tests.demo) runs end to end and never prints the password."""

import os
import subprocess
import sys

from mimcm_roles_helpers import REPO


def test_demo_runs(tmp_path):
    env = dict(os.environ, MIMCM_DEMO_DIR=str(tmp_path / "demo"))
    proc = subprocess.run([sys.executable, "-m", "tests.demo"], cwd=str(REPO), env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert "Demo OK: 20 cards retired under CHG0042" in proc.stdout
    assert "journal: card_status=20, request_created=20" in proc.stdout
    users = (tmp_path / "demo" / "simulator" / "users.txt").read_text().splitlines()
    (password,) = [line.split(":", 2)[2] for line in users if line.split(":")[1] == "operator"]
    assert len(password) > 8 and password not in proc.stdout
    assert "Simulator stopped." in proc.stdout
