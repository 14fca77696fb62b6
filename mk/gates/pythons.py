"""Run the unit tests under the other Pythons this machine has (make test-other-pythons).

    python mk/gates/pythons.py 3.12 3.13

For each version: find its interpreter (pythonX.Y on PATH that really runs, or a pyenv install
under $PYENV_ROOT/versions), make or reuse .venv-X.Y, install the newest ansible-core that Python
allows plus the collection's runtime and test requirements, and run `pytest tests/unit`.
An absent interpreter prints a skip line and does not fail. When the package index cannot be
reached but the venv was set up before, the tests run with what it has (and say so).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# what tests/unit (and the tests/conftest.py it loads) import, besides the standard library
PACKAGES = ["ansible-core", "requests", "requests-ntlm", "pyspnego", "pytest", "trustme", "cryptography"]


def find_interpreter(version: str) -> str | None:
    candidates = []
    found = shutil.which(f"python{version}")
    if found:
        candidates.append(found)
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates.extend(sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*", "bin", f"python{version}")), reverse=True))
    for candidate in candidates:
        try:  # a pyenv shim exists even when that version is not installed: check that it runs
            out = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return candidate
    return None


def run(cmd: list, log, **kwargs) -> int:
    log.write(f"$ {' '.join(map(str, cmd))}\n")
    log.flush()
    return subprocess.run([str(c) for c in cmd], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          cwd=ROOT, **kwargs).returncode


def one(version: str) -> bool:
    interpreter = find_interpreter(version)
    if interpreter is None:
        print(f"python {version}: skipped (no python{version} on this machine)", flush=True)
        return True
    start = time.monotonic()
    venv = ROOT / f".venv-{version}"
    python = venv / "bin" / "python"
    logs = ROOT / "build" / "gates"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"python-{version}.log"
    note = ""
    with log_path.open("w") as log:
        if not python.exists():
            if run([interpreter, "-m", "venv", venv], log) != 0:
                print(f"python {version}: FAILED to create {venv.name} (see {log_path.relative_to(ROOT)})", flush=True)
                return False
        rc = run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", *PACKAGES], log)
        if rc != 0:
            has_core = run([python, "-c", "import ansible, pytest, requests"], log) == 0
            if not has_core:
                print(f"python {version}: FAILED to install {', '.join(PACKAGES)} (see {log_path.relative_to(ROOT)})", flush=True)
                return False
            note = " (could not upgrade: tested with the packages already in the venv)"
        core = subprocess.run([python, "-c", "import ansible.release as r; print(r.__version__)"],
                              capture_output=True, text=True).stdout.strip()
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        rc = run([python, "-m", "pytest", "tests/unit", "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra"], log, env=env)
    summary = ""
    for line in reversed(log_path.read_text(errors="replace").splitlines()):
        if " passed" in line or " failed" in line or " error" in line or "no tests ran" in line:
            summary = line.strip("= ").strip()
            break
    seconds = time.monotonic() - start
    status = "ok" if rc == 0 else "FAILED"
    print(f"python {version}: {status}, ansible-core {core}: {summary} ({seconds:.0f} s){note}", flush=True)
    if rc != 0:
        print(f"---- end of {log_path.relative_to(ROOT)}")
        print("\n".join(log_path.read_text(errors="replace").splitlines()[-40:]))
        print("----", flush=True)
    return rc == 0


def main(versions: list[str]) -> int:
    results = [one(v) for v in versions]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["3.12", "3.13"]))
