"""mim.cm.smartcard_lifecycle through playbooks/retire_smartcards.yml, real ansible-playbook
runs against the simulator: plan, apply, drift, kill and resume, failure threshold, pending
approvals, sharding, CSV input, HTML report."""

import json
import os
import signal
import time
import uuid as uuidlib
from collections import Counter

from mimcm_roles_helpers import HtmlChecker, sim_env, writes

RETIRED = 6
ACTIVE = 3


def uuids_of(cards):
    return [c["Uuid"].lower() for c in cards]


def pick(sim, n, status=ACTIVE, approval_required=False, restricted=False):
    cards = sim.cards(status=status, approval_required=approval_required, restricted=restricted,
                      limit=n)
    assert len(cards) == n, "the simulator data set has too few such cards"
    return uuids_of(cards)


def card_status(sim, uuid):
    return sim.card(uuid)["Status"]


def changed_cards(journal):
    return Counter(e["card"].lower() for e in writes(journal, "card_status"))


def created_requests(journal):
    return Counter(e["card"].lower() for e in writes(journal, "request_created"))


def test_plan_on_mixed_cards_makes_no_write(simulator, runner):
    sim = simulator
    active = pick(sim, 3)
    retired = pick(sim, 1, status=RETIRED, approval_required=None, restricted=None)
    restricted = pick(sim, 1, restricted=True, approval_required=None)
    missing = [str(uuidlib.UUID(int=7))]
    by_card_id = sim.cards(status=ACTIVE, approval_required=False, restricted=False, limit=4)[3]
    cards = active + retired + restricted + missing + [by_card_id["SerialNumber"]]
    before = len(sim.journal())

    proc, plan = runner.plan(cards)
    assert "Plan digest (SHA-256): %s" % plan["digest"] in proc.stdout
    rows = {r["key"]: r for r in plan["rows"]}
    for u in active:
        assert rows[u]["action"] == "change" and rows[u]["status_name"] == "Active"
    assert rows[retired[0]]["action"] == "already_done"
    assert rows[restricted[0]]["action"] == "cannot" and "not permitted" in rows[restricted[0]]["reason"]
    assert rows[missing[0]]["action"] == "missing"
    serial = by_card_id["SerialNumber"].strip("{}").lower()
    assert rows[serial]["action"] == "change" and rows[serial]["uuid"] == by_card_id["Uuid"].lower()
    assert plan["totals"] == {"change": 4, "already_done": 1, "cannot": 1, "missing": 1, "total": 7}
    md = (runner.report_dir / ("plan-%s.md" % plan["digest"])).read_text()
    assert plan["digest"] in md and "| change | 4 |" in md

    # check mode plans the same, and nothing was written either time
    proc, again = runner.plan(cards, check=True)
    assert again["digest"] == plan["digest"]
    assert len(sim.journal()) == before


def test_apply_changes_exactly_the_plan_then_nothing(simulator, runner):
    sim = simulator
    active = pick(sim, 6)
    retired = pick(sim, 2, status=RETIRED, approval_required=None, restricted=None)
    cards = active + retired + [str(uuidlib.UUID(int=9))]
    plan = runner.plan(cards)[1]
    start = len(sim.journal())

    proc = runner.apply(cards, plan["digest"], smartcard_lifecycle_batch_size=4)
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert "batch 1/2: 4 card(s) to Retired, cards 1-4 of 6" in proc.stdout
    assert "batch 2/2: 2 card(s) to Retired, cards 5-6 of 6" in proc.stdout
    journal = sim.journal()[start:]
    assert changed_cards(journal) == Counter({u: 1 for u in active})
    assert created_requests(journal) == Counter({u: 1 for u in active})
    assert all(card_status(sim, u) == RETIRED for u in active)
    comments = {r["Comment"] for u in active for r in sim.requests(card=u)}
    assert comments == {"CHG0042"}

    report = runner.apply_report(plan["digest"])
    assert report["ok"] and report["outcomes"]["changed"] == 6
    assert report["counts_before"] == {"Active": 6, "Retired": 2, "Missing": 1}
    assert report["counts_after"] == {"Retired": 8, "Missing": 1}
    audit = runner.audit()
    assert sorted(a["uuid"].lower() for a in audit) == sorted(active)
    assert {a["plan_digest"] for a in audit} == {plan["digest"]}
    assert all(a["ticket"] == "CHG0042" and a["operator"] for a in audit)
    assert sim.users["operator"]["password"] not in (runner.report_dir / "audit-CHG0042-localhost.jsonl").read_text()

    # the HTML report is one valid self-contained page with the counts
    page = (runner.report_dir / ("apply-%s-localhost.html" % plan["digest"][:12])).read_text()
    checker = HtmlChecker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [] and checker.external == []
    assert checker.tags["svg"] == 1 and checker.tags["html"] == 1
    text = " ".join(checker.text)
    assert "Retired" in text and "changed" in text
    assert ("<td>Retired</td><td class=\"n\">2</td><td class=\"n\">8</td>") in page

    # a second apply changes nothing
    mark = len(sim.journal())
    proc = runner.apply(cards, plan["digest"])
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert writes(sim.journal()[mark:]) == []
    assert runner.apply_report(plan["digest"])["outcomes"]["done_earlier"] == 6


def test_drift_refuses_and_writes_nothing(simulator, runner):
    sim = simulator
    active = pick(sim, 5)
    plan = runner.plan(active)[1]
    sim.set_card_status(active[2], 4)  # someone suspends a card after the approval
    mark = len(sim.journal())
    proc = runner.apply(active, plan["digest"])
    assert proc.returncode != 0
    assert "Refused, nothing written" in proc.stdout
    assert active[2] in proc.stdout and "status changed from Active to Suspended" in proc.stdout
    assert sim.journal()[mark:] == []
    drift = json.loads((runner.report_dir / ("drift-%s-localhost.json" % plan["digest"][:12])).read_text())
    assert [d["key"] for d in drift["drift"]] == [active[2]]

    # a wrong digest or another ticket are refused as well (a changed card list: unit tests)
    assert runner.apply(active, "0" * 64).returncode != 0
    assert runner.apply(active, plan["digest"], ticket="CHG9999").returncode != 0
    assert sim.journal()[mark:] == []


def test_apply_without_plan_file_replans_and_requires_the_digest(simulator, runner):
    sim = simulator
    active = pick(sim, 3)
    plan = runner.plan(active)[1]
    for f in runner.report_dir.glob("plan-*"):
        f.unlink()
    proc = runner.apply(active, plan["digest"])
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert (runner.report_dir / ("plan-%s.json" % plan["digest"])).exists()
    assert all(card_status(sim, u) == RETIRED for u in active)


def test_killed_apply_resumes_each_card_changed_once(simulator_factory, runner_factory):
    sim = simulator_factory(cards=300, latency_ms=15)
    runner = runner_factory(sim)
    cards = pick(sim, 60)
    plan = runner.plan(cards)[1]
    start = len(sim.journal())
    extra = runner.lifecycle_vars(cards, mode="apply", digest=plan["digest"],
                                  smartcard_lifecycle_batch_size=10, smartcard_lifecycle_concurrency=4)
    proc = runner.popen("mim.cm.retire_smartcards", extra)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(changed_cards(sim.journal()[start:])) >= 15:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "apply finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = changed_cards(sim.journal()[start:])
    assert 0 < len(done_before) < len(cards)

    again = runner.apply(cards, plan["digest"], smartcard_lifecycle_batch_size=10)
    assert again.returncode == 0, again.stdout[-6000:]
    journal = sim.journal()[start:]
    assert changed_cards(journal) == Counter({u: 1 for u in cards})
    assert created_requests(journal) == Counter({u: 1 for u in cards})
    assert all(card_status(sim, u) == RETIRED for u in cards)
    # no request left open behind the kill
    open_requests = [r for u in cards for r in sim.requests(card=u) if r["Status"] != 8]
    assert open_requests == []
    audit = runner.audit()
    assert {a["uuid"].lower() for a in audit} == set(cards)
    assert sum(1 for a in audit if a["state"] == "changed") >= len(cards) - 4  # at most one kill-lost record per worker
    report = runner.apply_report(plan["digest"])
    assert report["ok"] and report["counts_after"] == {"Retired": 60}


def test_failure_threshold_stops_new_batches_then_rerun_completes(simulator_factory, runner_factory):
    sim = simulator_factory(cards=200, error_500_rate=1.0, fault_methods="POST")
    runner = runner_factory(sim)
    cards = pick(sim, 24)
    plan = runner.plan(cards)[1]
    start = len(sim.journal())
    proc = runner.apply(cards, plan["digest"], smartcard_lifecycle_batch_size=6,
                        smartcard_lifecycle_max_fail_percentage=20,
                        env=sim_env(sim, MIMCM_RETRIES=0))
    assert proc.returncode != 0
    assert "no new batch will be started" in proc.stdout
    report = runner.apply_report(plan["digest"])
    assert report["outcomes"]["failed"] == 6 and report["outcomes"]["not_started"] == 18
    assert report["meta"]["batches_run"] == 1 and report["meta"]["batches"] == 4
    assert not report["ok"] and len(report["failed"]) == 24
    page = (runner.report_dir / ("apply-%s-localhost.html" % plan["digest"][:12])).read_text()
    # issue 12: labels are words, not field names ("not_started", "Failed or not done" before)
    assert "not attempted (its batch did not run)" in page and "Could not be changed (24)" in page
    assert '<span class="badge">FAILED</span>6 could not be changed, 18 not attempted' in page

    sim.set_faults(reset=True)
    proc = runner.apply(cards, plan["digest"], smartcard_lifecycle_batch_size=6)
    assert proc.returncode == 0, proc.stdout[-6000:]
    journal = sim.journal()[start:]
    assert changed_cards(journal) == Counter({u: 1 for u in cards})
    assert all(card_status(sim, u) == RETIRED for u in cards)


def test_pending_approvals_reported_then_completed(simulator, runner):
    sim = simulator
    normal = pick(sim, 2)
    approval = pick(sim, 3, approval_required=True)
    cards = normal + approval
    plan = runner.plan(cards)[1]
    proc = runner.apply(cards, plan["digest"])
    assert proc.returncode == 0, proc.stdout[-6000:]
    report = runner.apply_report(plan["digest"])
    assert report["outcomes"] == {"changed": 2, "pending": 3}
    assert sorted(c["uuid"] for c in report["pending"]) == sorted(approval)
    assert all(c["request_id"] for c in report["pending"])
    assert "Pending approval: 3" in proc.stdout
    for u in approval:
        assert card_status(sim, u) == ACTIVE
        (req,) = sim.requests(card=u)
        sim.approve(req["Uuid"])

    mark = len(sim.journal())
    proc = runner.apply(cards, plan["digest"])
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert all(card_status(sim, u) == RETIRED for u in cards)
    assert changed_cards(sim.journal()[mark:]) == Counter({u: 1 for u in approval})
    assert created_requests(sim.journal()) == Counter({u: 1 for u in cards})
    assert runner.apply_report(plan["digest"])["outcomes"] == {"done_earlier": 2, "changed": 3}


SHARD_INVENTORY = """[shards]
s0
s1
s2

[shards:vars]
ansible_connection=local
ansible_python_interpreter="{{ ansible_playbook_python }}"
"""


def test_sharding_equals_unsharded_run(simulator_factory, runner_factory):
    # three simulators with the same seed hold the same cards: one plan digest for all three
    sims = [simulator_factory(cards=200) for dummy in range(3)]
    runners = [runner_factory(s, name="r%d" % i) for i, s in enumerate(sims)]
    cards = pick(sims[0], 30) + pick(sims[0], 2, status=RETIRED, approval_required=None, restricted=None)
    plan = runners[0].plan(cards)[1]
    for r in runners[1:]:
        r.report_dir.mkdir(parents=True)
        name = "plan-%s.json" % plan["digest"]
        (r.report_dir / name).write_text((runners[0].report_dir / name).read_text())
    inventory = runners[0].workdir / "shards.ini"
    inventory.write_text(SHARD_INVENTORY)
    group = {"smartcard_lifecycle_shard_group": "shards"}

    # unsharded (localhost)
    proc = runners[0].apply(cards, plan["digest"])
    assert proc.returncode == 0, proc.stdout[-6000:]
    # one run over the 3-host group
    proc = runners[1].run("mim.cm.retire_smartcards",
                          runners[1].lifecycle_vars(cards, mode="apply", digest=plan["digest"], **group),
                          inventory=inventory)
    assert proc.returncode == 0, proc.stdout[-6000:]
    # three parallel --limit runs, one per host
    procs = [runners[2].popen("mim.cm.retire_smartcards",
                              runners[2].lifecycle_vars(cards, mode="apply", digest=plan["digest"], **group),
                              inventory=inventory, limit=h) for h in ("s0", "s1", "s2")]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]

    expected = changed_cards(sims[0].journal())
    assert sorted(expected) == sorted(cards[:30]) and set(expected.values()) == {1}
    for sim in sims[1:]:
        assert changed_cards(sim.journal()) == expected
    for r in runners[1:]:
        shares = [{a["uuid"] for a in r.audit(host=h)} for h in ("s0", "s1", "s2")]
        assert all(shares) and sum(len(s) for s in shares) == 30
        assert set().union(*shares) == set(cards[:30])
        reports = [r.apply_report(plan["digest"], host=h) for h in ("s0", "s1", "s2")]
        assert sum(rep["total"] for rep in reports) == len(cards)
        assert {rep["meta"]["shard"] for rep in reports} == {"1/3", "2/3", "3/3"}


def test_messy_csv_and_csv_without_id_column(simulator, runner):
    sim = simulator
    active = sim.cards(status=ACTIVE, approval_required=False, restricted=False, limit=3)
    path = runner.workdir / "cards.csv"
    serials = (active[0]["SerialNumber"], active[1]["SerialNumber"].upper(), active[2]["SerialNumber"].strip("{}"))
    text = ("\ufeff  Owner ,  Card ID  \r\n\r\n"
            "alice , %s \r\n"
            "   \r\n"
            "bob,%s\r\n"
            "carol,  %s\r\n\r\n" % serials)
    path.write_bytes(text.encode("utf-8"))
    plan = runner.plan(smartcard_lifecycle_cards_file="cards.csv")[1]  # relative to the cwd
    assert plan["totals"]["change"] == 3
    assert sorted(r["uuid"] for r in plan["rows"]) == sorted(c["Uuid"].lower() for c in active)

    bad = runner.workdir / "bad.csv"
    bad.write_text("owner,comment\nalice,lost\n")
    before = sim.stats()["requests"]
    proc = runner.run("mim.cm.retire_smartcards",
                      runner.lifecycle_vars(smartcard_lifecycle_cards_file=str(bad)))
    assert proc.returncode != 0
    assert "has no card id column" in proc.stdout and "'owner', 'comment'" in proc.stdout
    assert sim.stats()["requests"] == before


def test_apply_needs_ticket_and_digest(simulator, runner):
    cards = pick(simulator, 1)
    proc = runner.apply(cards, None)
    assert proc.returncode != 0 and "Apply needs smartcard_lifecycle_approved_plan_digest" in proc.stdout
    proc = runner.apply(cards, "a" * 64, ticket="")
    assert proc.returncode != 0 and "Nothing was written" in proc.stdout
    assert simulator.stats()["requests"] == 0


def test_connection_from_role_variable_without_environment(simulator, runner):
    sim = simulator
    env = {k: v for k, v in sim_env(sim).items() if not k.startswith("MIMCM_")}
    connection = {"url": sim.url, "username": sim.users["operator"]["username"],
                  "password": sim.users["operator"]["password"], "ca_path": str(sim.ca_path)}
    proc = runner.run("mim.cm.retire_smartcards",
                      runner.lifecycle_vars(pick(sim, 2), smartcard_lifecycle_connection=connection),
                      env=env)
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert runner.latest_plan()["totals"]["change"] == 2
    assert sim.users["operator"]["password"] not in proc.stdout
