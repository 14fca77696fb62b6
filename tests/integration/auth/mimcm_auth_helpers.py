"""Helpers for the Kerberos and ADFS tests: playbook runs with a given environment, card picking."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.kerberos_realm import kerberos_unavailable

REPO = Path(__file__).resolve().parents[3]
COLLECTIONS = REPO / "build" / "collections"
BIN = Path(sys.executable).parent
INFO = "mim.cm.mimcm_smartcard_info"
STATUS = "mim.cm.mimcm_smartcard_status"
REFERENCE_CARD = "17cf063d-e337-4aa9-a822-346554ddd3c9"


def _in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_kerberos(module_level=False):
    """Skip when the KDC or the Python Kerberos packages are missing: at module level the whole test module,
    one report line. With CI set, fail instead: each test errors in its fixture (a failure at module level
    would be a collection error, which stops the whole pytest run)."""
    reason = kerberos_unavailable()
    if not reason:
        return
    if _in_ci():
        if not module_level:
            pytest.fail("CI is set, so this fails instead of skipping: " + reason, pytrace=False)
        return
    pytest.skip(reason, allow_module_level=module_level)


class Cards(object):
    """Active cards of a simulator (no approval, not restricted) that no other test took."""

    def __init__(self, sim):
        self.sim = sim
        self.used = set()

    def take(self, n=1):
        out = []
        for card in self.sim.cards(status=3, approval_required=False, restricted=False):
            if card["Uuid"].lower() not in self.used:
                self.used.add(card["Uuid"].lower())
                out.append(card["Uuid"])
                if len(out) == n:
                    return out
        raise AssertionError("not enough unused Active cards")


def ansible_env(base, **extra):
    env = dict(base)
    for key in list(env):
        if key.startswith("MIMCM_"):
            del env[key]
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_DEPRECATION_WARNINGS": "false", "ANSIBLE_PIPELINING": "true",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Run(object):
    def __init__(self, proc, results):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.results = results

    def __getitem__(self, name):
        return self.results[name]

    def __repr__(self):
        return "Run(rc=%s)\n--- stdout\n%s\n--- stderr\n%s" % (self.rc, self.stdout[-6000:], self.stderr[-3000:])


def play(workdir, tasks, env, defaults=None, args=(), timeout=300, secrets=None):
    """One ansible-playbook run on localhost; every task with ``register`` is collected (ignore_errors).

    ``secrets`` (name -> value) are passed as extra variables from a file, for tasks to use as
    ``"{{ name }}"``: Ansible shows the task's lines of the playbook in a failure message, as a real
    playbook would show a vault variable's name, never its value."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    n = len(list(workdir.glob("playbook-*.yml"))) + 1
    out = workdir / ("results-%d.json" % n)
    registered = [t["register"] for t in tasks if "register" in t]
    tasks = [dict({"ignore_errors": True}, **t) if "register" in t else t for t in tasks]
    collect = {"name": "collect results", "ansible.builtin.copy": {
        "dest": str(out), "content": "{{ {%s} | to_json }}" % ", ".join("'%s': %s" % (r, r) for r in registered)}}
    play_ = {"name": "mim.cm over Kerberos/ADFS", "hosts": "localhost", "gather_facts": False,
             "tasks": tasks + [collect]}
    if defaults:
        play_["module_defaults"] = {"group/mim.cm.mimcm": defaults}
    playbook = workdir / ("playbook-%d.yml" % n)
    playbook.write_text(yaml.safe_dump([play_], sort_keys=False))
    inventory = workdir / "inventory"
    inventory.write_text('localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
    env = dict(env, ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"))
    args = list(args)
    if secrets:
        vars_file = workdir / ("secrets-%d.json" % n)
        vars_file.write_text(json.dumps(secrets))
        args += ["-e", "@%s" % vars_file]
    proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(inventory), str(playbook)] + args,
                          cwd=str(workdir), env=env, capture_output=True, text=True, timeout=timeout, check=False)
    results = json.loads(out.read_text()) if out.exists() else {}
    return Run(proc, results)


def journal_users(sim, since, cards):
    """{card: set of journal users} of the writes on ``cards`` after journal seq ``since``."""
    wanted = {c.lower() for c in cards}
    found = {}
    for entry in sim.journal(since=since):
        if entry["user"] != "admin" and (entry["card"] or "").lower() in wanted:
            found.setdefault(entry["card"].lower(), set()).add(entry["user"])
    return found


def last_seq(sim):
    entries = sim.journal(since=0)
    return entries[-1]["seq"] if entries else 0


def no_secret(run, *secrets):
    text = run.stdout + run.stderr + json.dumps(run.results)
    return [s for s in secrets if s and s in text]

