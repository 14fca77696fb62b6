"""Examples of the docs that a reader runs as written: the user guide's "drive the simulator yourself"
block (it must show cards), `make help` (it must list every target a user or contributor needs), and the
one-line hint of the simulator started with a Python that is not the repository's venv."""

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAKE_TARGETS = ("collection", "docs", "changelog", "gates", "gates-list", "pytest", "unit", "bench", "bench-smoke",
                "test-other-pythons", "demo", "test", "clean")


def drive_the_simulator_block():
    text = (REPO / "docs" / "user-guide.md").read_text()
    section = text[text.index("To drive the simulator yourself:"):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_user_guide_drive_the_simulator_yourself_shows_cards(tmp_path):
    block = drive_the_simulator_block()
    assert "ansible-playbook mim.cm.smartcard_report" in block
    # run from a scratch directory instead of the checkout: the venv and the collection link by
    # absolute path, the state dir in tmp_path, and the background simulator stopped at the end
    script = (block.replace("make collection", ":")
              .replace(". .venv/bin/activate", ". %s/activate" % Path(sys.executable).parent)
              .replace("$PWD/build/collections", str(REPO / "build" / "collections"))
              .replace("/tmp/mimcm-sim", str(tmp_path / "sim"))
              .replace("--cards 1000 &", "--cards 1000 --exit-with-parent &"))
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8", "PYTHONPATH": str(REPO)}
    proc = subprocess.run(["bash", "-c", "set -e\ntrap 'kill %%1 2>/dev/null; wait' EXIT\n" + script],
                          cwd=str(work), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert len((work / "cards.csv").read_text().splitlines()) == 21
    with open(work / "mimcm-reports" / "smartcard-report-localhost.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 20, rows[:3]
    for ext in ("json", "md", "html"):
        assert (work / "mimcm-reports" / ("smartcard-report-localhost." + ext)).exists()


def test_make_help_lists_every_target():
    out = subprocess.run(["make", "-s", "-C", str(REPO), "help"], stdout=subprocess.PIPE, text=True,
                         timeout=60, check=True).stdout
    listed = set(re.findall(r"^\s*make ([a-z-]+)", out, re.M))
    missing = [t for t in MAKE_TARGETS if t not in listed]
    assert not missing, "make help does not list %s" % missing
    phony = set()
    for path in [REPO / "Makefile"] + sorted((REPO / "mk").glob("*.mk")):
        for line in path.read_text().splitlines():
            if line.startswith(".PHONY:"):
                phony.update(line.split(":", 1)[1].split())
    assert phony - {"help", "venv"} <= listed, "targets not in make help: %s" % sorted(phony - {"help", "venv"} - listed)


def test_simulator_started_with_another_python_says_which_to_use(tmp_path):
    # -S: no site-packages, as a system Python without the venv's packages
    proc = subprocess.run([sys.executable, "-S", "-m", "tests.simulator", "--state-dir", str(tmp_path)],
                          cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    assert proc.returncode != 0 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and ".venv/bin/python -m tests.simulator" in lines[0], proc.stderr
    assert "make collection" in lines[0] and "Traceback" not in proc.stderr
