"""Benchmarks of issue 6: ``python -m tests.benchmarks`` (``make bench``).

Runs the scenarios (see tests/benchmarks/scenarios.py) ``--repeat`` times, interleaved (so a
change in the machine's background load hits every scenario alike), appends one row per run to
``build/bench/results.json``, and prints one Markdown table of the medians with the targets.

Sizes and repeats come from the options or the environment (BENCH_N, BENCH_LOOP_N,
BENCH_LATENCY_N, BENCH_REPORT_N, BENCH_REPEAT, BENCH_LOOP_REPEAT, BENCH_LATENCY_REPEAT,
BENCH_REPORT_REPEAT, BENCH_SCENARIOS). ``--smoke``
runs everything with tiny sizes once (the harness test in tests/integration uses it).
"""

import argparse
import datetime
import json
import os
import sys
import time
import traceback
from pathlib import Path

from tests.benchmarks import harness, scenarios

DEFAULTS = {"n": 10000, "loop_n": 200, "latency_n": 2000, "report_n": 100000, "repeat": 3, "loop_repeat": 3,
            "latency_repeat": 3, "report_repeat": 3, "concurrency": 16, "latency_concurrency": 8, "latency_ms": 50.0, "scenarios": "1,2,3,4,5"}
SMOKE = {"n": 24, "loop_n": 2, "latency_n": 8, "report_n": 200, "repeat": 1, "loop_repeat": 1,
         "latency_repeat": 1, "report_repeat": 1, "latency_ms": 20.0, "batch_size": 10}
TARGETS = {"bulk_vs_raw": 1.15, "latency_efficiency": 0.9, "bulk_vs_loop": 50.0, "calls_per_card": 6.0,
           "report_rss_mb": 200.0}


def _env(name, cast, default):
    value = os.environ.get(name)
    return cast(value) if value not in (None, "") else default


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--scenarios", default=_env("BENCH_SCENARIOS", str, DEFAULTS["scenarios"]),
                   help="comma-separated scenario numbers (default 1,2,3,4,5)")
    p.add_argument("--n", type=int, default=_env("BENCH_N", int, None), help="cards, scenarios 1 and 3 (10000)")
    p.add_argument("--loop-n", type=int, default=_env("BENCH_LOOP_N", int, None), help="cards, scenario 2 (200)")
    p.add_argument("--latency-n", type=int, default=_env("BENCH_LATENCY_N", int, None), help="cards, scenario 4 (2000)")
    p.add_argument("--report-n", type=int, default=_env("BENCH_REPORT_N", int, None),
                   help="cards, scenario 5 (100000)")
    p.add_argument("--repeat", type=int, default=_env("BENCH_REPEAT", int, None), help="runs per scenario (3)")
    p.add_argument("--loop-repeat", type=int, default=_env("BENCH_LOOP_REPEAT", int, None),
                   help="runs of scenario 2 (3; each run is N sequential module runs, ~3 minutes)")
    p.add_argument("--latency-repeat", type=int, default=_env("BENCH_LATENCY_REPEAT", int, None),
                   help="runs of scenario 4 (3; each run ~4 minutes)")
    p.add_argument("--report-repeat", type=int, default=_env("BENCH_REPORT_REPEAT", int, None),
                   help="runs of scenario 5 (3; each run ~5 minutes)")
    p.add_argument("--concurrency", type=int, default=DEFAULTS["concurrency"])
    p.add_argument("--latency-concurrency", type=int, default=DEFAULTS["latency_concurrency"])
    p.add_argument("--latency-ms", type=float, default=None)
    p.add_argument("--batch-size", type=int, default=None, help="smartcard_lifecycle_batch_size (role default)")
    p.add_argument("--out", default=str(harness.REPO / "build" / "bench" / "results.json"))
    p.add_argument("--workdir", default=str(harness.REPO / "build" / "bench" / "work"))
    p.add_argument("--cache", default=str(harness.REPO / "build" / "bench" / "cache"),
                   help="pristine simulator data sets, copied for each run")
    p.add_argument("--keep", action="store_true", help="keep the simulators' state dirs")
    p.add_argument("--smoke", action="store_true", help="tiny sizes, one run, stop at the first error")
    p.add_argument("--render", metavar="RUN_ID[,RUN_ID...]",
                   help="run nothing: print the table of these earlier runs from the results file (the "
                        "medians over all their rows), e.g. scenarios measured in separate invocations")
    args = p.parse_args(argv)
    base = dict(DEFAULTS, **(SMOKE if args.smoke else {}))
    for key in ("n", "loop_n", "latency_n", "report_n", "repeat", "loop_repeat", "latency_repeat", "report_repeat", "latency_ms", "batch_size"):
        if getattr(args, key, None) is None:
            setattr(args, key, base.get(key))
    for key in ("out", "workdir", "cache"):
        setattr(args, key, str(Path(getattr(args, key)).resolve()))
    args.scenarios = sorted({s.strip() for s in str(args.scenarios).split(",") if s.strip()})
    return args


def _profile_from_results(path, n):
    """The call profile of the latest scenario 1 run with ``n`` cards in the results file."""
    try:
        rows = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        rows = []
    for row in reversed(rows):
        if row.get("scenario") == "1" and row.get("n") == n and row.get("profile"):
            return row["profile"]
    raise SystemExit("scenario 3 replays the calls of scenario 1 with the same N: run scenario 1 first")


def main(argv=None):
    args = parse_args(argv)
    if args.render:
        wanted = {r.strip() for r in args.render.split(",") if r.strip()}
        rows = [r for r in json.loads(Path(args.out).read_text()) if r.get("run_id") in wanted]
        if not rows:
            raise SystemExit("no rows of run(s) %s in %s" % (", ".join(sorted(wanted)), args.out))
        args.smoke = any(r.get("smoke") for r in rows)
        print(render(rows, rows[0]["machine"], args, "+".join(sorted(wanted))))
        return 0
    run_id = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    mach = harness.machine()
    ctx = {"pool": harness.SimPool(args.cache, Path(args.workdir) / "sims"), "workdir": Path(args.workdir) / run_id,
           "keep": args.keep}
    rows = []
    failures = []

    def record(func, *a, **kw):
        t0 = time.time()
        try:
            row = func(ctx, *a, **kw)
        except Exception as exc:  # one scenario's failure must not lose the others' figures
            if args.smoke:
                raise
            traceback.print_exc()
            failures.append("%s: %s" % (func.__name__, exc))
            return None
        row.update({"run_id": run_id, "time": datetime.datetime.fromtimestamp(t0, datetime.timezone.utc).isoformat(),
                    "machine": mach, "load_before": load, "smoke": bool(args.smoke)})
        rows.append(row)
        harness.append_results(args.out, [row])
        print("  %-40s n=%-6d %8.2f s  %s" % (row["name"], row["n"], row["wall_s"],
                                              "ok" if row.get("ok") else "NOT OK"), flush=True)
        return row

    print("mim.cm benchmarks %s on %s (%s cores, %s); scenarios %s, repeat %d" % (
        run_id, mach["host"], mach["cores"], mach["cpu_model"], ",".join(args.scenarios), args.repeat), flush=True)
    try:
        for rep in range(args.repeat):
            load = harness.load_average()
            print("run %d/%d (load %s)" % (rep + 1, args.repeat, load), flush=True)
            profile = None
            if "1" in args.scenarios:
                r1 = record(scenarios.bulk, args.n, args.concurrency, batch_size=args.batch_size)
                profile = r1["profile"] if r1 else None
            if "3" in args.scenarios:
                record(scenarios.raw, args.n, profile or _profile_from_results(args.out, args.n),
                       threads=args.concurrency)
            if "2" in args.scenarios and rep < args.loop_repeat:
                record(scenarios.loop, args.loop_n)
            if "4" in args.scenarios and args.smoke and profile:
                # smoke: 4a is scenario 1's code with latency and lower concurrency; spare its two
                # playbook runs and replay scenario 1's calls with latency (4b's code)
                record(scenarios.raw, args.n, profile, threads=args.latency_concurrency,
                       latency_ms=args.latency_ms, scenario="4b")
            elif "4" in args.scenarios and rep < args.latency_repeat:
                r4 = record(scenarios.bulk, args.latency_n, args.latency_concurrency, latency_ms=args.latency_ms,
                            scenario="4a", batch_size=args.batch_size)
                if r4:
                    record(scenarios.raw, args.latency_n, r4["profile"], threads=args.latency_concurrency,
                           latency_ms=args.latency_ms, scenario="4b")
            if "5" in args.scenarios and rep < args.report_repeat:
                record(scenarios.report, args.report_n, args.concurrency)
    finally:
        ctx["pool"].close()

    text = render(rows, mach, args, run_id, failures)
    print()
    print(text)
    md = Path(args.out).with_name("results-%s.md" % run_id)
    md.write_text(text + "\n")
    print("\nrows appended to %s; this table also in %s" % (args.out, md))
    return 1 if failures or not all(r.get("ok") for r in rows) else 0


# --------------------------------------------------------------------------- the table
def _by_scenario(rows):
    """Rows by scenario; when a scenario ran with several sizes, the largest size's rows."""
    out = {}
    for row in rows:
        out.setdefault(row["scenario"], []).append(row)
    for sc, runs in out.items():
        biggest = max(r["n"] for r in runs)
        out[sc] = [r for r in runs if r["n"] == biggest]
    return out


def _kinds(by_kind_per_card):
    short = {"card_get": "card", "card_operations": "ops", "request_create": "POST req", "request_get": "req",
             "request_card_put": "PUT card", "request_update": "PUT req", "request_list": "list req",
             "card_by_cardid": "card by id", "card_list": "my cards", "request_card_get": "req card"}
    return ", ".join("%s %s" % (short.get(k, k), ("%.3f" % v).rstrip("0").rstrip("."))
                     for k, v in sorted((by_kind_per_card or {}).items(), key=lambda kv: -kv[1]))


def render(rows, mach, args, run_id, failures=()):
    groups = _by_scenario(rows)
    lines = []
    lines.append("### mim.cm benchmarks, run %s%s" % (run_id, " (smoke sizes)" if args.smoke else ""))
    lines.append("")
    counts = ", ".join("%s: %d" % (sc, len(groups[sc])) for sc in sorted(groups))
    loads = [r["load_before"][0] for r in rows if r.get("load_before")]
    lines.append("Machine: %s, **%s cores (%s)**, %s GB RAM, Python %s, ansible-core %s. HTTPS + NTLM against the "
                 "bundled simulator on the same machine. Wall time is the median run (all runs in parentheses); "
                 "runs per scenario: %s. 1-min load average before the runs: %s."
                 % (mach["host"], mach["cores"], mach["cpu_model"], mach["memory_gb"], mach["python"],
                    mach["ansible_core"], counts, "-".join("%.1f" % x for x in (min(loads), max(loads))) if loads else "?"))
    lines.append("")
    lines.append("| # | scenario | N | conc. | latency | wall s (median) | cards/s | s/card | HTTP calls/card "
                 "(breakdown) | connections = NTLM handshakes per run | max per module invocation (invocations) "
                 "| peak RSS, largest process | CPU s: client / simulator |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    order = ["1", "3", "2", "4a", "4b", "5"]
    med = {}
    for sc in order:
        runs = groups.get(sc)
        if not runs:
            continue
        m = harness.median_row(runs)
        med[sc] = m
        if sc in ("1", "4a"):
            plan_runs = sorted(r["plan_wall_s"] for r in runs)
            pm = plan_runs[(len(plan_runs) - 1) // 2]
            lines.append("| %s | plan (role, read-only) | %d | %d | - | %s%s | %s | %s | %s (%s) | %s = %s | - | %s MB (%s) | %s / %s |" % (
                sc, m["n"], m["concurrency"], harness.fmt(pm), harness.spread(plan_runs),
                harness.fmt(m["n"] / pm, 1), harness.fmt(pm / m["n"], 5), harness.fmt(m["plan_calls_per_card"], 3),
                _kinds({k: v / m["n"] for k, v in m["plan_by_kind"].items()}), m["plan_connections"],
                m["plan_ntlm_handshakes"], m["plan_peak_rss_mb"], m["plan_peak_process"],
                harness.fmt(m.get("plan_client_cpu_s"), 1), harness.fmt(m.get("plan_server_cpu_s"), 1)))
        walls = sorted(r["wall_s"] for r in runs)
        lines.append("| %s | %s | %d | %d | %s | **%s**%s | %s | %s | %s (%s) | %s = %s | %s (%s) | %s MB (%s) | %s / %s |" % (
            sc, m["name"], m["n"], m["concurrency"], ("%g ms" % m["latency_ms"]) if m["latency_ms"] else "-",
            harness.fmt(m["wall_s"]), harness.spread(walls), harness.fmt(m["cards_per_s"], 1),
            harness.fmt(m["s_per_card"], 5), harness.fmt(m["calls_per_card"], 3), _kinds(m["by_kind_per_card"]),
            m["connections"], m["ntlm_handshakes"], harness.fmt(m["max_connections_per_invocation"]),
            m["invocations"], m["peak_rss_mb"], m["peak_process"],
            harness.fmt(m.get("client_cpu_s"), 1), harness.fmt(m.get("server_cpu_s"), 1)))
    lines.append("")
    lines.extend(targets(med, args))
    if failures:
        lines.append("")
        lines.append("Failed runs: " + "; ".join(failures))
    bad = [r for r in rows if not r.get("ok")]
    if bad:
        lines.append("")
        lines.append("Runs whose outcome was not fully correct: " + "; ".join(
            "%s n=%s (%s)" % (r["name"], r["n"], r.get("outcomes") or r.get("first_errors") or "") for r in bad))
    return "\n".join(lines)


def _verdict(ok):
    return "met" if ok else "**NOT met**"


def targets(med, args):
    out = ["| target | figure | verdict |", "|---|---|---|"]
    s1, s2, s3, s4a, s4b, s5 = (med.get(k) for k in ("1", "2", "3", "4a", "4b", "5"))
    if s1 and s3 and s1["n"] != s3["n"]:
        out.append("| bulk apply / raw client <= %.2f | not comparable: scenario 1 ran %d cards, scenario 3 %d | - |"
                   % (TARGETS["bulk_vs_raw"], s1["n"], s3["n"]))
    elif s1 and s3:
        ratio = s1["wall_s"] / s3["wall_s"]
        out.append("| bulk apply / raw client <= %.2f (same %d cards, same calls) | %.2f (%.1f s / %.1f s) | %s |" % (
            TARGETS["bulk_vs_raw"], s1["n"], ratio, s1["wall_s"], s3["wall_s"], _verdict(ratio <= TARGETS["bulk_vs_raw"])))
    if s4a and s4b and s4a["n"] != s4b["n"]:
        s4b = None
    if s4a:
        cpc = s4a["calls_per_card"]
        bound = s4a["n"] * cpc * (s4a["latency_ms"] / 1000.0) / s4a["concurrency"]
        eff = bound / s4a["wall_s"]
        raw = (" (raw client: %.2f)" % (bound / s4b["wall_s"])) if s4b else ""
        out.append("| latency-bound: bound / measured >= %.1f (bound = %d x %.3f calls x %g ms / %d = %.1f s) | "
                   "%.2f (apply %.1f s)%s | %s |" % (
                       TARGETS["latency_efficiency"], s4a["n"], cpc, s4a["latency_ms"], s4a["concurrency"], bound, eff,
                       s4a["wall_s"], raw, _verdict(eff >= TARGETS["latency_efficiency"])))
    if s1 and s2:
        per_loop = s2["s_per_card"]
        apply_only = per_loop / s1["s_per_card"]
        with_plan = per_loop / ((s1["wall_s"] + s1["plan_wall_s"]) / s1["n"])
        out.append("| bulk apply (scenario 1) >= %dx faster per card than the per-card loop | %.0fx (plan + apply: %.0fx) "
                   "(loop %.3f s/card, bulk %.5f s/card) | %s |" % (
                       TARGETS["bulk_vs_loop"], apply_only, with_plan, per_loop, s1["s_per_card"],
                       _verdict(apply_only >= TARGETS["bulk_vs_loop"])))
    if s1:
        n = s1["n"]
        per_card = sum(v // n for v in s1["by_kind"].values())
        per_run = sum(v % n for v in s1["by_kind"].values())
        inv = max(1, s1["invocations"] - 1)
        out.append("| <= %d HTTP calls per card for a retirement, re-check included | %d per card (%s) + %d per run "
                   "(%s per status module invocation: open request listings and learning the request status integers) = %.3f per card amortized | %s |" % (
                       TARGETS["calls_per_card"], per_card,
                       _kinds({k: v // n for k, v in s1["by_kind"].items() if v // n}), per_run,
                       ("%.1f" % (per_run / inv)).rstrip("0").rstrip("."), s1["calls_per_card"],
                       _verdict(per_card <= TARGETS["calls_per_card"]) + (
                           "" if s1["calls_per_card"] <= TARGETS["calls_per_card"] else
                           " per card; amortized %.3f" % s1["calls_per_card"])))
    checks = []
    for key, row in (("1", s1), ("2", s2), ("4a", s4a), ("5", s5)):
        if row and row.get("max_connections_per_invocation") is not None:
            conc = row["concurrency"]
            checks.append((key, row["max_connections_per_invocation"], conc,
                           row["max_connections_per_invocation"] <= conc))
    if checks:
        out.append("| NTLM handshakes per module invocation <= its concurrency | %s | %s |" % (
            "; ".join("scenario %s: max %d (concurrency %d)" % c[:3] for c in checks), _verdict(all(c[3] for c in checks))))
    if s5:
        ok = s5.get("ok") and s5["peak_rss_mb"] <= TARGETS["report_rss_mb"]
        out.append("| %d-card report finishes, no process > %d MB RSS | %s in %.0f s; largest %s MB (%s) | %s |" % (
            s5["n"], TARGETS["report_rss_mb"], "finished" if s5.get("ok") else "incomplete", s5["wall_s"],
            s5["peak_rss_mb"], s5["peak_process"], _verdict(ok)))
    return out


if __name__ == "__main__":
    sys.exit(main())
