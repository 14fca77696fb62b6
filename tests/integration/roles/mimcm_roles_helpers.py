"""Helpers for the role/playbook integration tests (imported by conftest.py and the tests): real ansible-playbook runs of
playbooks/retire_smartcards.yml and playbooks/smartcard_report.yml against the simulator."""

import json
import os
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
COLLECTIONS = REPO / "build" / "collections"
ANSIBLE_PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))
LOCAL_INVENTORY = 'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'


def sim_env(sim, user="operator", **extra):
    """Environment of a child ansible-playbook: the connection comes from MIMCM_* variables."""
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "MIMCM_URL": sim.url,
        "MIMCM_USERNAME": sim.users[user]["username"],
        "MIMCM_PASSWORD": sim.users[user]["password"],
        "MIMCM_CA_PATH": str(sim.ca_path),
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Runner:
    """Runs mim.cm playbooks against one simulator with a report dir of its own."""

    def __init__(self, sim, workdir, user="operator"):
        self.sim = sim
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.report_dir = self.workdir / "reports"
        self.user = user
        self.inventory = self.workdir / "inventory.ini"
        self.inventory.write_text(LOCAL_INVENTORY)
        self._n = 0

    def argv(self, playbook, extra_vars, check=False, inventory=None, limit=None):
        self._n += 1
        vars_file = self.workdir / ("vars-%d.json" % self._n)
        vars_file.write_text(json.dumps(extra_vars))
        argv = [ANSIBLE_PLAYBOOK, "-i", str(inventory or self.inventory), playbook,
                "-e", "@%s" % vars_file]
        if check:
            argv.append("--check")
        if limit:
            argv += ["--limit", limit]
        return argv

    def lifecycle_vars(self, cards=None, mode="plan", digest=None, ticket="CHG0042", **more):
        extra = {"smartcard_lifecycle_mode": mode,
                 "smartcard_lifecycle_change_ticket": ticket,
                 "smartcard_lifecycle_report_dir": str(self.report_dir)}
        if cards is not None:
            extra["smartcard_lifecycle_cards"] = list(cards)
        if digest:
            extra["smartcard_lifecycle_approved_plan_digest"] = digest
        extra.update(more)
        return extra

    def run(self, playbook, extra_vars, check=False, inventory=None, limit=None, env=None,
            timeout=300):
        proc = subprocess.run(
            self.argv(playbook, extra_vars, check, inventory, limit), cwd=str(self.workdir),
            env=env or sim_env(self.sim, self.user), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, check=False)
        return proc

    def popen(self, playbook, extra_vars, inventory=None, limit=None, env=None):
        log = open(self.workdir / ("run-%d.log" % (self._n + 1)), "w")
        return subprocess.Popen(
            self.argv(playbook, extra_vars, inventory=inventory, limit=limit),
            cwd=str(self.workdir), env=env or sim_env(self.sim, self.user),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)

    # the two entry points
    def plan(self, cards=None, check=False, **more):
        proc = self.run("mim.cm.retire_smartcards", self.lifecycle_vars(cards, **more), check=check)
        assert proc.returncode == 0, proc.stdout[-6000:]
        return proc, self.latest_plan()

    def apply(self, cards=None, digest=None, **kwargs):
        more = {k: v for k, v in kwargs.items() if k.startswith("smartcard_lifecycle_") or k == "ticket"}
        rest = {k: v for k, v in kwargs.items() if k not in more}
        return self.run("mim.cm.retire_smartcards",
                        self.lifecycle_vars(cards, mode="apply", digest=digest, **more), **rest)

    def latest_plan(self):
        return json.loads((self.report_dir / "plan-latest.json").read_text())

    def apply_report(self, digest, host="localhost"):
        return json.loads((self.report_dir / ("apply-%s-%s.json" % (digest[:12], host))).read_text())

    def audit(self, ticket="CHG0042", host="localhost"):
        path = self.report_dir / ("audit-%s-%s.jsonl" % (ticket, host))
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def writes(journal, kind=None):
    """Journal entries made through the API (not by the test's admin calls)."""
    return [e for e in journal if e["user"] != "admin" and (kind is None or e["kind"] == kind)]


class HtmlChecker(HTMLParser):
    """Checks that every element is closed in order and that nothing is loaded from outside."""
    VOID = {"meta", "br", "img", "input", "link", "hr", "line", "rect"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.text = []
        self.external = []
        self.tags = Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
