"""The five benchmark scenarios of issue 6. Each starts its own simulator (fresh state, seed 42)
and returns one result row (a dict); ``tests.benchmarks.__main__`` repeats, stores and prints.

1. bulk     mim.cm.smartcard_lifecycle retires N cards (plan timed separately from apply; the
            apply's re-check is part of apply).
2. loop     a ``loop:`` over mim.cm.mimcm_smartcard_status, one card per task.
3. raw      requests + requests-ntlm, one Session per thread, the same calls as scenario 1's apply
            (kinds and counts from the simulator's access log).
4. latency  1 and 3 with injected server latency and lower concurrency.
5. report   mim.cm.smartcard_report over N cards: wall time and the largest process's peak RSS.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

from tests.benchmarks import harness

TICKET = "BENCH-0006"


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


# --------------------------------------------------------------------------- 1 / 4a
def bulk(ctx, n, concurrency=16, latency_ms=0.0, scenario="1", batch_size=None):
    """The role's plan, then its apply (timed), retiring ``n`` retirable cards."""
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
            "scenario": scenario, "name": "bulk apply (role)" if not latency_ms else "bulk apply (role), latency",
            "n": n, "concurrency": concurrency, "latency_ms": latency_ms,
            "wall_s": round(apply["wall"], 3), "plan_wall_s": round(plan["wall"], 3),
            "plan_calls_per_card": plan_an.get("calls_per_card"), "plan_by_kind": plan_an["by_kind"],
            "plan_connections": plan_an["connections"], "plan_ntlm_handshakes": _handshakes(plan_stats),
            "plan_client_cpu_s": plan["client_cpu_s"], "plan_server_cpu_s": plan["server_cpu_s"],
            "client_cpu_s": apply["client_cpu_s"], "server_cpu_s": apply["server_cpu_s"],
            "plan_peak_rss_mb": plan["peak_rss_mb"], "plan_peak_process": plan["peak_process"],
            "peak_rss_mb": apply["peak_rss_mb"], "peak_process": apply["peak_process"],
            "peak_tree_mb": apply["peak_tree_mb"],
            "outcomes": report.get("outcomes"),
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
            "peak_tree_mb": out["peak_tree_mb"],
            "ok": retired == min(50, n),
        }
        return _common(row, analysis, stats, n)
    finally:
        pool.release(sim, keep=ctx.get("keep"))


# --------------------------------------------------------------------------- 3 / 4b
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
        uuids = [c["Uuid"] for c in sim.cards(limit=n)]
        runner = harness.PlaybookRunner(sim, work)
        sim.reset_stats()
        sim.clear_access_log()
        out = runner.run("mim.cm.smartcard_report",
                         {"smartcard_report_card_uuids": uuids, "smartcard_report_dir": str(work / "reports"),
                          "smartcard_report_concurrency": concurrency}, "report")
        stats = sim.stats()
        analysis = harness.analyze(sim.access_log(), out["invocations"], n)
        summary = json.loads((work / "reports" / "smartcard-report-localhost.json").read_text())
        sizes = {p.name: round(p.stat().st_size / 2 ** 20, 1) for p in (work / "reports").iterdir()}
        row = {
            "scenario": "5", "name": "report role (read at scale)", "n": n, "concurrency": concurrency,
            "latency_ms": 0.0, "wall_s": round(out["wall"], 3),
            "client_cpu_s": out["client_cpu_s"], "server_cpu_s": out["server_cpu_s"],
            "peak_rss_mb": out["peak_rss_mb"], "peak_process": out["peak_process"],
            "peak_tree_mb": out["peak_tree_mb"], "report_files_mb": sizes, "task_times": out["task_times"],
            "per_invocation": [[i["module"], i["connections"], i["calls"]] for i in analysis["per_invocation"]],
            "reported_cards": summary.get("total"),
            "ok": summary.get("total") == n,
        }
        return _common(row, analysis, stats, n)
    finally:
        pool.release(sim, keep=ctx.get("keep"))
