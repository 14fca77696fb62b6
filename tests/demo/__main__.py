"""`make demo`: a change-controlled smart card retirement against the bundled simulator.

Starts the MIM CM simulator (fresh state under build/demo), picks 20 active cards plus an
already retired and an unknown one, then runs `ansible-playbook mim.cm.retire_smartcards`:
plan in check mode, apply in check mode, apply for real with the approved digest, and shows
what changed in the simulator's journal. The connection reaches ansible-playbook through the
MIMCM_* environment variables, as an AWX credential would inject it; the password is never
printed. Exit status 0 when every step did what it should.
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.simulator.control import Simulator  # noqa: E402

# MIMCM_DEMO_DIR lets a test run the demo in a directory of its own
DEMO = Path(os.environ.get("MIMCM_DEMO_DIR") or REPO / "build" / "demo").resolve()
PLAYBOOK = "mim.cm.retire_smartcards"
TICKET = "CHG0042"
STATUS = {0: "None", 1: "New", 2: "Assigned", 3: "Active", 4: "Suspended", 5: "Disabled", 6: "Retired"}


def say(text=""):
    print(text, flush=True)


def step(title):
    say()
    say("== %s" % title)


class DemoError(Exception):
    pass


def rel(path):
    path = Path(path)
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


def run_playbook(label, extra, env, check=False):
    argv = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(DEMO / "inventory.ini"),
            PLAYBOOK]
    for key, value in extra.items():
        value = rel(value) if str(value).startswith("/") else value
        argv += ["-e", "%s=%s" % (key, value)]
    if check:
        argv.append("--check")
    log = DEMO / ("%s.log" % label)
    shown = " ".join(str(rel(a)) if a.startswith("/") else a for a in argv[1:])
    say("$ ansible-playbook %s" % shown.replace("smartcard_lifecycle_approved_plan_digest=" + extra.get(
        "smartcard_lifecycle_approved_plan_digest", "-"), "smartcard_lifecycle_approved_plan_digest=<digest>"))
    started = time.monotonic()
    proc = subprocess.run(argv, cwd=str(REPO), env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    log.write_text(proc.stdout)
    for line in interesting(proc.stdout):
        say("  " + line)
    say("  (%.1f s, exit %d, full output: %s)" % (time.monotonic() - started, proc.returncode,
                                                  rel(log)))
    return proc


def interesting(output):
    """The batch progress lines and the summary messages of a playbook run."""
    lines = output.splitlines()
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"TASK \[mim\.cm\.smartcard_lifecycle : (Apply \| set the status, .*?)\] \*+$", line)
        if m:
            out.append(m.group(1))
        if re.match(r"TASK \[.*(Plan \| summary|Apply \| summary)\]", line) or line.startswith("fatal:"):
            if line.startswith("fatal:"):
                out.append(line[:400])
            i += 1
            while i < len(lines) and lines[i].strip():
                text = lines[i].strip().rstrip(",")
                if text.startswith('"') and text.endswith('"'):
                    out.append("  " + json.loads(text))
                i += 1
            continue
        if line.startswith("localhost") and "ok=" in line:
            out.append("recap: " + " ".join(line.split(":", 1)[1].split()))
        i += 1
    return out


def main():
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir(parents=True)
    (DEMO / "inventory.ini").write_text(
        'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')

    step("Start the MIM CM simulator (HTTPS + NTLM, 300 generated cards)")
    sim = Simulator(DEMO / "simulator", cards=300, seed=42, reset=True)
    sim.start()
    try:
        return demo(sim)
    except DemoError as exc:
        say()
        say("DEMO FAILED: %s" % exc)
        return 1
    finally:
        sim.stop()
        say()
        say("Simulator stopped.")


def demo(sim):
    say("API: %s  (CA: %s, user: %s)" % (sim.api_url, rel(sim.ca_path),
                                         sim.users["operator"]["username"]))
    active = sim.cards(status=3, approval_required=False, restricted=False, limit=20)
    retired = sim.cards(status=6, limit=1)
    unknown = "0c96d73f-967b-420e-854a-43ad2a1504bc"
    cards_file = DEMO / "cards.csv"
    with open(cards_file, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["UUID", "owner note"])
        for card in active + retired:
            writer.writerow([card["Uuid"], "lost badge"])
        writer.writerow([unknown, "typo in the ticket"])
    say("Cards file %s: %d active cards, 1 already retired, 1 unknown id"
        % (rel(cards_file), len(active)))

    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(REPO / "build" / "collections"),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "MIMCM_URL": sim.url,
        "MIMCM_USERNAME": sim.users["operator"]["username"],
        "MIMCM_PASSWORD": sim.users["operator"]["password"],
        "MIMCM_CA_PATH": str(sim.ca_path),
    })
    say("ansible-playbook gets the connection from MIMCM_URL, MIMCM_USERNAME, MIMCM_PASSWORD (not shown)"
        " and MIMCM_CA_PATH, as an AWX credential would inject it.")
    reports = DEMO / "reports"
    common = {"smartcard_lifecycle_cards_file": str(cards_file),
              "smartcard_lifecycle_change_ticket": TICKET,
              "smartcard_lifecycle_report_dir": str(reports)}
    journal_start = len(sim.journal())

    step("1. Plan the retirement (check mode: nothing is written)")
    proc = run_playbook("1-plan", common, env, check=True)
    if proc.returncode != 0:
        raise DemoError("the plan failed")
    plan = json.loads((reports / "plan-latest.json").read_text())
    digest = plan["digest"]
    for row in plan["rows"]:
        if row["action"] != "change":
            say("  %-36s %-12s %s" % (row["key"], row["action"], row["reason"]))
    if len(sim.journal()) != journal_start:
        raise DemoError("planning wrote to the server")

    step("2. Apply in check mode with the approved digest (still nothing is written)")
    apply_vars = dict(common, smartcard_lifecycle_mode="apply",
                      smartcard_lifecycle_approved_plan_digest=digest)
    proc = run_playbook("2-apply-check", apply_vars, env, check=True)
    if proc.returncode != 0 or len(sim.journal()) != journal_start:
        raise DemoError("the check-mode apply failed or wrote to the server")

    step("3. Apply for real")
    proc = run_playbook("3-apply", apply_vars, env)
    if proc.returncode != 0:
        raise DemoError("the apply failed")

    step("What changed on the server (simulator journal)")
    journal = [e for e in sim.journal()[journal_start:] if e["user"] != "admin"]
    changes = [e for e in journal if e["kind"] == "card_status"]
    for entry in changes[:5]:
        say("  card %s  %s -> %s  (request %s, by %s)" % (
            entry["card"], STATUS.get(entry["before"], entry["before"]),
            STATUS.get(entry["after"], entry["after"]), entry["request_id"][:8], entry["user"]))
    if len(changes) > 5:
        say("  ... and %d more" % (len(changes) - 5))
    kinds = {}
    for entry in journal:
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    say("  journal: %s" % ", ".join("%s=%d" % kv for kv in sorted(kinds.items())))
    changed = {e["card"].lower() for e in changes}
    expected = {c["Uuid"].lower() for c in active}
    if changed != expected or len(changes) != len(expected):
        raise DemoError("expected exactly the %d active cards to change once, got %d changes"
                        % (len(expected), len(changes)))

    audit = reports / ("audit-%s-localhost.jsonl" % TICKET)
    say()
    say("Reports in %s:" % rel(reports))
    for path in sorted(reports.iterdir()):
        say("  %s" % path.name)
    say("Audit records: %d (%s)" % (len(audit.read_text().splitlines()), audit.name))

    step("4. Run the same apply again: nothing changes (idempotent, resumable)")
    mark = len(sim.journal())
    proc = run_playbook("4-apply-again", apply_vars, env)
    if proc.returncode != 0 or [e for e in sim.journal()[mark:] if e["user"] != "admin"]:
        raise DemoError("the second apply failed or wrote to the server")
    say()
    say("Demo OK: %d cards retired under %s, plan digest %s" % (len(changed), TICKET, digest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
