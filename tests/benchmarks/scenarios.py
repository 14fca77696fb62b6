"""The benchmark scenarios of issues 6 and 15. Each starts its own simulator (fresh state, seed 42)
and returns one result row (a dict); ``tests.benchmarks.__main__`` repeats, stores and prints.

1. bulk     mim.cm.smartcard_lifecycle retires N cards (plan timed separately from apply; the
            apply's re-check is part of apply). 1q: the same with the progress lines off.
2. loop     a ``loop:`` over mim.cm.mimcm_smartcard_status, one card per task.
3. raw      requests + requests-ntlm, one Session per thread, the same calls as scenario 1's apply
            (kinds and counts from the simulator's access log).
4. latency  1 and 3 with injected server latency, at concurrency 8 and 16.
5. report   mim.cm.smartcard_report over N cards: wall time and the largest process's peak RSS.
6. slices   the apply as AWX jobs (ansible-runner, tests/integration/awx/awx_emulation.py): 1 slice,
            and several concurrent slices of a workers inventory, each card changed once.
"""

import contextlib
import datetime
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from tests.benchmarks import harness
from tests.integration.awx import awx_emulation

TICKET = "BENCH-0006"
RETIRED = 6
# the role variable that switches the progress lines off (issue 15)
PROGRESS_OFF = {"smartcard_lifecycle_progress_interval": 0}


def _workdir(ctx, name):
    Path(ctx["workdir"]).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=name + "-", dir=str(ctx["workdir"])))


def _handshakes(stats):
    return stats.get("ntlm_handshakes")


def _common(row, analysis, stats, n):
    row.update({
        "calls_per_card": analysis.get("calls_per_card"),
        "by_kind": analysis["by_kind"],
        "by_kind_per_card": analysis.get("by_kind_per_card"),
        "connections": analysis["connections"],
        "ntlm_handshakes": _handshakes(stats),
        "invocations": analysis["invocations"],
        "max_connections_per_invocation": analysis["max_connections_per_invocation"],
        "statuses": analysis["statuses"],
    })
    row["cards_per_s"] = round(n / row["wall_s"], 2) if row["wall_s"] else None
    row["s_per_card"] = round(row["wall_s"] / n, 5) if n else None
    return row


# --------------------------------------------------------------------------- 1 / 1q / 4a / 4c
def bulk(ctx, n, concurrency=16, latency_ms=0.0, scenario="1", batch_size=None, progress=True):
    """The role's plan, then its apply (timed), retiring ``n`` retirable cards; ``progress=False``:
    both with the progress lines off."""
    pool = ctx["pool"]
    sim = pool.fresh(harness.dataset_size(n), name="bulk")
    work = _workdir(ctx, "s%s-bulk" % scenario)
    try:
        uuids = harness.retirable_cards(sim, n)
        runner = harness.PlaybookRunner(sim, work)
        base = {"smartcard_lifecycle_card_uuids": uuids,
                "smartcard_lifecycle_change_ticket": TICKET,
                "smartcard_lifecycle_report_dir": str(work / "reports"),
                "smartcard_lifecycle_concurrency": concurrency}
        if batch_size:
            base["smartcard_lifecycle_batch_size"] = batch_size
        if not progress:
            base.update(PROGRESS_OFF)
        plan = runner.run("mim.cm.retire_smartcards", dict(base, smartcard_lifecycle_mode="plan"), "plan")
        plan_stats = sim.stats()
        plan_log = sim.access_log()
        plan_an = harness.analyze(plan_log, plan["invocations"], n)
        digest = json.loads((work / "reports" / "plan-latest.json").read_text())["digest"]

        sim.clear_access_log()
        sim.reset_stats()
        if latency_ms:
            sim.set_faults(latency_ms=latency_ms)  # the apply is what the latency bound is about
        apply = runner.run("mim.cm.retire_smartcards",
                           dict(base, smartcard_lifecycle_mode="apply",
                                smartcard_lifecycle_approved_plan_digest=digest), "apply")
        stats = sim.stats()
        log = sim.access_log()
        analysis = harness.analyze(log, apply["invocations"], n)
        report = json.loads((work / "reports" / ("apply-%s-localhost.json" % digest[:12])).read_text())
        row = {
            "scenario": scenario,
            "name": "bulk apply (role)" + (", latency" if latency_ms else "") + ("" if progress else ", progress off"),
            "n": n, "concurrency": concurrency, "latency_ms": latency_ms, "progress": progress,
            "wall_s": round(apply["wall"], 3), "plan_wall_s": round(plan["wall"], 3),
            "plan_calls_per_card": plan_an.get("calls_per_card"), "plan_by_kind": plan_an["by_kind"],
            "plan_connections": plan_an["connections"], "plan_ntlm_handshakes": _handshakes(plan_stats),
            "plan_client_cpu_s": plan["client_cpu_s"], "plan_server_cpu_s": plan["server_cpu_s"],
            "client_cpu_s": apply["client_cpu_s"], "server_cpu_s": apply["server_cpu_s"],
            "plan_peak_rss_mb": plan["peak_rss_mb"], "plan_peak_process": plan["peak_process"],
            "peak_rss_mb": apply["peak_rss_mb"], "peak_process": apply["peak_process"],
            "peak_tree_mb": apply["peak_tree_mb"],
            "outcomes": report.get("outcomes"),
            "output": apply["output"], "plan_output": plan["output"],
            "task_times": apply["task_times"], "plan_task_times": plan["task_times"],
            "per_invocation": [[i["module"], i["connections"], i["calls"]] for i in analysis["per_invocation"]],
            "plan_per_invocation": [[i["module"], i["connections"], i["calls"]] for i in plan_an["per_invocation"]],
            "profile": {"n": n, "by_kind": analysis["by_kind"]},
            "ok": (report.get("outcomes") or {}).get("changed") == n,
        }
        return _common(row, analysis, stats, n)
    finally:
        pool.release(sim, keep=ctx.get("keep"))


# --------------------------------------------------------------------------- 2
def loop(ctx, n):
    pool = ctx["pool"]
    sim = pool.fresh(harness.dataset_size(n), name="loop")
    work = _workdir(ctx, "s2-loop")
    try:
        uuids = harness.retirable_cards(sim, n)
        runner = harness.PlaybookRunner(sim, work)
        out = runner.run(str(harness.BENCH_DIR / "playbooks" / "per_card_loop.yml"),
                         {"bench_cards": uuids, "bench_ticket": TICKET}, "loop")
        stats = sim.stats()
        analysis = harness.analyze(sim.access_log(), out["invocations"], n)
        retired = sum(1 for u in uuids[:50] if sim.card(u)["Status"] == 6)
        row = {
            "scenario": "2", "name": "per-card loop (module, one card per task)", "n": n, "concurrency": 1,
            "latency_ms": 0.0, "wall_s": round(out["wall"], 3),
            "client_cpu_s": out["client_cpu_s"], "server_cpu_s": out["server_cpu_s"],
            "peak_rss_mb": out["peak_rss_mb"], "peak_process": out["peak_process"],
            "peak_tree_mb": out["peak_tree_mb"], "output": out["output"],
            "ok": retired == min(50, n),
        }
        return _common(row, analysis, stats, n)
    finally:
        pool.release(sim, keep=ctx.get("keep"))


# --------------------------------------------------------------------------- 3 / 4b / 4d
def raw(ctx, n, profile, threads=16, latency_ms=0.0, scenario="3"):
    pool = ctx["pool"]
    sim = pool.fresh(harness.dataset_size(n), name="raw")
    work = _workdir(ctx, "s%s-raw" % scenario)
    try:
        uuids = harness.retirable_cards(sim, n)
        if profile.get("n") != n:
            raise ValueError("the call profile is for %s cards, not %d" % (profile.get("n"), n))
        (work / "cards.json").write_text(json.dumps(uuids))
        (work / "profile.json").write_text(json.dumps(profile))
        sim.reset_stats()
        sim.clear_access_log()
        if latency_ms:
            sim.set_faults(latency_ms=latency_ms)
        argv = [sys.executable, "-m", "tests.benchmarks.raw_client", "--sim-info",
                str(Path(sim.state_dir) / "simulator.json"), "--cards", str(work / "cards.json"),
                "--profile", str(work / "profile.json"), "--threads", str(threads), "--comment", TICKET]
        env = dict(os.environ, PYTHONPATH=str(harness.REPO))
        out = harness.run_monitored(argv, env, harness.REPO, work / "raw.log", server_pid=sim.proc.pid)
        lines = [ln for ln in (work / "raw.log").read_text().splitlines() if ln.startswith("{")]
        if not lines:
            raise RuntimeError("raw client failed (rc %s):\n%s" % (out["rc"], harness.tail(work / "raw.log")))
        result = json.loads(lines[-1])
        stats = sim.stats()
        analysis = harness.analyze(sim.access_log(), [], n)
        analysis["invocations"] = 1
        analysis["max_connections_per_invocation"] = analysis["connections"]
        row = {
            "scenario": scenario, "name": "raw client (requests + requests-ntlm)" if not latency_ms
            else "raw client, latency",
            "n": n, "concurrency": threads, "latency_ms": latency_ms,
            "wall_s": round(out["wall"], 3), "inner_wall_s": round(result["wall"], 3),
            "client_cpu_s": out["client_cpu_s"], "server_cpu_s": out["server_cpu_s"],
            "peak_rss_mb": out["peak_rss_mb"], "peak_process": "raw_client",
            "errors": result["errors"], "first_errors": result["first_errors"],
            "same_calls_as_bulk": analysis["by_kind"] == profile["by_kind"],
            "ok": out["rc"] == 0 and result["errors"] == 0 and analysis["by_kind"] == profile["by_kind"],
        }
        return _common(row, analysis, stats, n)
    finally:
        pool.release(sim, keep=ctx.get("keep"))


# --------------------------------------------------------------------------- 5
def report(ctx, n, concurrency=16):
    pool = ctx["pool"]
    sim = pool.fresh(n, name="report")
    work = _workdir(ctx, "s5-report")
    try:
        # the cards as a CSV file, the form the role documents for tens of thousands of cards (an extra-var
        # list of 100,000 ids costs ansible-core itself about 220 MB before the role starts: docs/dev/performance.md)
        cards_file = work / "cards.csv"
        cards_file.write_text("uuid\n" + "".join(c["Uuid"] + "\n" for c in sim.cards(limit=n)))
        runner = harness.PlaybookRunner(sim, work)
        sim.reset_stats()
        sim.clear_access_log()
        out = runner.run("mim.cm.smartcard_report",
                         {"smartcard_report_cards_file": str(cards_file), "smartcard_report_dir": str(work / "reports"),
                          "smartcard_report_concurrency": concurrency}, "report")
        stats = sim.stats()
        analysis = harness.analyze(sim.access_log(), out["invocations"], n)
        summary = json.loads((work / "reports" / "smartcard-report-localhost.json").read_text())
        sizes = {p.name: round(p.stat().st_size / 2 ** 20, 1) for p in (work / "reports").iterdir()}
        row = {
            "scenario": "5", "name": "report role (read at scale, cards file)", "n": n, "concurrency": concurrency,
            "latency_ms": 0.0, "wall_s": round(out["wall"], 3),
            "client_cpu_s": out["client_cpu_s"], "server_cpu_s": out["server_cpu_s"],
            "peak_rss_mb": out["peak_rss_mb"], "peak_process": out["peak_process"],
            "peak_tree_mb": out["peak_tree_mb"], "report_files_mb": sizes, "task_times": out["task_times"],
            "output": out["output"],
            "per_invocation": [[i["module"], i["connections"], i["calls"]] for i in analysis["per_invocation"]],
            "reported_cards": summary.get("total"),
            "ok": summary.get("total") == n,
        }
        return _common(row, analysis, stats, n)
    finally:
        pool.release(sim, keep=ctx.get("keep"))


# --------------------------------------------------------------------------- 6a / 6b
# the project file of docs/awx.md that the apply job template's inventory (MIM CM - workers) imports
WORKERS_INVENTORY = "inventory/mimcm-workers.yml"
CARDS_FILE = "changes/%s.csv" % TICKET


def workers_inventory(count):
    """The workers inventory of docs/awx.md with ``count`` worker hosts, one shard each."""
    return yaml.safe_dump({"all": {"children": {"mimcm_workers": {
        "hosts": {"mimcm-%d" % i: {"mimcm_shard_index": i} for i in range(count)},
        "vars": {"mimcm_shard_count": count, "ansible_connection": "local",
                 "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}}, sort_keys=False)


def _job_events(job):
    """The job's events in order with ``t``: seconds after its first event (ansible-runner's ``created``)."""
    events = [e for e in job.events if e.get("created")]
    if not events:
        return []
    start = datetime.datetime.fromisoformat(events[0]["created"])
    return [dict(e, t=(datetime.datetime.fromisoformat(e["created"]) - start).total_seconds()) for e in events]


def job_output(job):
    """The progress lines and the longest silence of an AWX job's output, as its events carry it."""
    clock = harness.OutputTimes()
    events = _job_events(job)
    for event in events:
        for line in (event.get("stdout") or "").splitlines():
            clock.add(event["t"], line)
    return clock.summary(events[-1]["t"] if events else 0.0)


def job_task_times(job, top=8):
    """The slowest tasks of an AWX job, from its events."""
    kinds = {"playbook_on_task_start": "task_start", "playbook_on_stats": "end"}
    return harness.rank_tasks([{"t": e["t"], "event": kinds.get(e["event"], e["event"]),
                                "task": (e.get("event_data") or {}).get("task")} for e in _job_events(job)], top)


def _wait_all(jobs, t0):
    """Wait for every job's process; each one's exit time (seconds after ``t0``, polled every 50 ms)."""
    done = {}
    while len(done) < len(jobs):
        for job in jobs:
            if job.id not in done and job.process.poll() is not None:
                done[job.id] = time.perf_counter() - t0
        time.sleep(0.05)
    return [done[job.id] for job in jobs]


def sliced_apply(ctx, n, slices, concurrency=16, latency_ms=50.0, scenario="6b", batch_size=None):
    """AWX job slicing: the job template MIM CM - plan plans ``n`` cards (no latency, not timed), then
    MIM CM - apply runs with ``slices`` slices over a workers inventory of as many hosts (one shard, so
    one slice, per host; the role's ``concurrency`` in every slice), all started together. Timed from
    the launch to the last slice's exit; the simulator's journal shows whether each card was changed
    (one request, one status change) exactly once."""
    pool = ctx["pool"]
    sim = pool.fresh(harness.dataset_size(n), name="slices")
    work = _workdir(ctx, "s%s-slices" % scenario)
    try:
        uuids = harness.retirable_cards(sim, n)
        reports = work / "reports"
        template_vars = {"smartcard_lifecycle_concurrency": concurrency}
        if batch_size:
            template_vars["smartcard_lifecycle_batch_size"] = batch_size
        awx = awx_emulation.Awx(work / "awx", awx_emulation.credential_inputs(sim), report_dir=reports,
                                project={CARDS_FILE: "uuid\n" + "".join(u + "\n" for u in uuids),
                                         WORKERS_INVENTORY: workers_inventory(slices)},
                                job_template_vars=template_vars)
        answers = {"smartcard_lifecycle_change_ticket": TICKET, "smartcard_lifecycle_target_status": "Retired",
                   "smartcard_lifecycle_cards_file": CARDS_FILE}
        t_plan = time.perf_counter()
        (plan,) = awx.run("MIM CM - plan", answers)
        plan_wall = time.perf_counter() - t_plan
        if plan.status != "successful":
            raise RuntimeError("plan job %d %s:\n%s" % (plan.id, plan.status, plan.stdout[-3000:]))
        digest = json.loads((reports / "plan-latest.json").read_text())["digest"]

        awx.inventory("MIM CM - workers")  # imported before the clock starts, as an inventory sync would
        since = max((e["seq"] for e in sim.journal()), default=0)
        sim.clear_access_log()
        sim.reset_stats()
        if latency_ms:
            sim.set_faults(latency_ms=latency_ms)
        cpu0, server0 = harness.children_cpu(), harness.process_cpu(sim.proc.pid)
        t0 = time.perf_counter()
        jobs = awx.launch("MIM CM - apply", dict(answers, smartcard_lifecycle_approved_plan_digest=digest),
                          job_slice_count=slices)
        with contextlib.ExitStack() as stack:
            monitors = [stack.enter_context(harness.TreeMonitor(job.process.pid)) for job in jobs]
            finished = _wait_all(jobs, t0)
        wall = max(finished)
        cpu1, server1 = harness.children_cpu(), harness.process_cpu(sim.proc.pid)
        for job in jobs:
            job.wait()  # collects status, output and events
            if job.status != "successful":
                raise RuntimeError("apply slice %s/%s (job %d) %s:\n%s" % (
                    job.slice[0], job.slice[1], job.id, job.status, job.stdout[-3000:]))

        stats = sim.stats()
        analysis = harness.analyze(sim.access_log(), [], n)
        writes = [e for e in sim.journal(since) if e["user"] != "admin"]
        changed = Counter(e["card"].lower() for e in writes if e["kind"] == "card_status")
        requested = Counter(e["card"].lower() for e in writes if e["kind"] == "request_created")
        wanted = Counter(u.lower() for u in uuids)
        retired = {c["Uuid"].lower() for c in sim.cards(status=RETIRED)}
        once = changed == wanted and requested == wanted and set(wanted) <= retired
        per_slice = [json.loads((reports / ("apply-%s-mimcm-%d.json" % (digest[:12], i))).read_text())
                     for i in range(slices)]
        peak = max(monitors, key=lambda m: m.peak_rss)
        slowest = jobs[finished.index(wall)]
        row = {
            "scenario": scenario,
            "name": "AWX apply job, %d slice%s (ansible-runner)" % (slices, "s" if slices > 1 else ""),
            "n": n, "concurrency": concurrency, "slices": slices, "latency_ms": latency_ms,
            "wall_s": round(wall, 3), "slice_walls_s": [round(t, 2) for t in finished],
            "cards_per_slice": [(r.get("outcomes") or {}).get("changed") for r in per_slice],
            "plan_wall_s": round(plan_wall, 3),
            "client_cpu_s": round(cpu1 - cpu0, 2),
            "server_cpu_s": round(server1 - server0, 2) if None not in (server0, server1) else None,
            "peak_rss_mb": round(peak.peak_rss / 2 ** 20, 1), "peak_process": peak.peak_name,
            "peak_tree_mb": round(sum(m.peak_tree for m in monitors) / 2 ** 20, 1),
            # the slowest slice's: where its time went, what its AWX job output showed
            "task_times": job_task_times(slowest), "output": job_output(slowest),
            "each_card_changed_once": once,
            "changes_per_card": dict(Counter(changed.values())),
            "ok": once,
        }
        return _common(row, analysis, stats, n)
    finally:
        pool.release(sim, keep=ctx.get("keep"))
