"""Bootstrap what the Kerberos tests need (issue 14); run by `make kerberos-bootstrap` (a prerequisite of `make test`).

1. The MIT Kerberos system packages (Debian: krb5-kdc krb5-admin-server krb5-user libkrb5-dev): when some
   are missing and this runs as root on a machine with apt-get, `apt-get update` once and install them,
   non-interactively.
2. The Python extras (requirements-kerberos.txt: gssapi and krb5 compile from source against
   libkrb5-dev) into the virtualenv running this script, once per version of that file (a stamp file).

Where that is impossible (not root, no apt-get, a failed install) it prints ONE loud line naming what is
missing and exits 0: the Kerberos tests then skip with the same reason, or fail when CI is set
(tests/integration/auth/conftest.py). Never fails the build itself.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements-kerberos.txt"
PACKAGES = ("krb5-kdc", "krb5-admin-server", "krb5-user", "libkrb5-dev")
# what each package provides that the tests use, for machines without dpkg
PROVIDES = {"krb5-kdc": ("krb5kdc", "kdb5_util"), "krb5-admin-server": ("kadmin.local",),
            "krb5-user": ("kinit", "klist"), "libkrb5-dev": ("krb5-config",)}
SBIN = ("/usr/sbin", "/sbin", "/usr/local/sbin")


def log(message):
    print("kerberos-bootstrap: " + message, flush=True)


def loud(message):
    print("*** make test: %s ***" % message, flush=True)


def installed(package):
    if shutil.which("dpkg-query"):
        proc = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", package], capture_output=True,
                              text=True, check=False)
        return proc.returncode == 0 and proc.stdout.strip() == "installed"
    return all(shutil.which(b) or any(os.access(os.path.join(d, b), os.X_OK) for d in SBIN)
               for b in PROVIDES[package])


def install_system_packages(missing):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    t0 = time.monotonic()
    for argv in (["apt-get", "update", "-qq"],
                 ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing):
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-2:])
            return "%s failed (%s)" % (" ".join(argv[:2]), tail)
    log("installed %s with apt-get in %.0f s" % (" ".join(missing), time.monotonic() - t0))
    return None


def python_ready():
    code = "import gssapi, krb5, requests_gssapi, spnego"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, check=False).returncode == 0


def main():
    missing = [p for p in PACKAGES if not installed(p)]
    if missing:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            why = "not root" if os.geteuid() != 0 else "no apt-get"
            loud("KERBEROS TESTS WILL SKIP (FAIL with CI set): system packages %s missing and cannot be installed "
                 "here (%s): apt-get install %s" % (" ".join(missing), why, " ".join(PACKAGES)))
            return 0
        problem = install_system_packages(missing)
        if problem:
            loud("KERBEROS TESTS WILL SKIP (FAIL with CI set): installing %s: %s" % (" ".join(missing), problem))
            return 0
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    stamp = Path(sys.prefix) / (".kerberos-installed-%s" % digest)
    if stamp.exists() and python_ready():
        return 0
    t0 = time.monotonic()
    log("pip install -r %s (gssapi and krb5 compile from source the first time; minutes)" % REQUIREMENTS.name)
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "-r", str(REQUIREMENTS)], capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not python_ready():
        tail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-2:])
        loud("KERBEROS TESTS WILL SKIP (FAIL with CI set): pip install -r %s failed: %s" % (REQUIREMENTS.name, tail))
        return 0
    for old in Path(sys.prefix).glob(".kerberos-installed-*"):
        old.unlink()
    stamp.touch()
    log("Python extras installed in %.0f s" % (time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
