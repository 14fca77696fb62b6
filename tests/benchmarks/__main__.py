"""Benchmarks of issues 6 and 15: ``python -m tests.benchmarks`` (``make bench``).

Runs the scenarios (see tests/benchmarks/scenarios.py) ``--repeat`` times, interleaved (so a
change in the machine's background load hits every scenario alike; the pairs compared with each
other, 1 / 1q and 6a / 6b, swap their order every run), appends one row per run to
``build/bench/results.json``, and prints one Markdown table of the medians with the targets.

Sizes and repeats come from the options or the environment (BENCH_N, BENCH_LOOP_N,
BENCH_LATENCY_N, BENCH_REPORT_N, BENCH_SLICE_N, BENCH_REPEAT, BENCH_LOOP_REPEAT,
BENCH_LATENCY_REPEAT, BENCH_REPORT_REPEAT, BENCH_SLICE_REPEAT, BENCH_LATENCY_CONCURRENCY,
BENCH_SCENARIOS). ``--smoke`` runs everything with tiny sizes once (the harness test in
tests/integration uses it).
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

DEFAULTS = {"n": 10000, "loop_n": 200, "latency_n": 2000, "report_n": 100000, "slice_n": 2000, "repeat": 3,
            "loop_repeat": 3, "latency_repeat": 3, "report_repeat": 3, "slice_repeat": 3, "concurrency": 16,
            "latency_concurrency": "8,16", "latency_ms": 50.0, "slices": 3, "scenarios": "1,1q,2,3,4,5,6"}
SMOKE = {"n": 24, "loop_n": 2, "latency_n": 8, "report_n": 200, "slice_n": 12, "repeat": 1, "loop_repeat": 1,
         "latency_repeat": 1, "report_repeat": 1, "slice_repeat": 1, "latency_ms": 20.0, "batch_size": 10}
TARGETS = {"bulk_vs_raw": 1.15, "latency_efficiency": 0.9, "bulk_vs_loop": 50.0, "calls_per_card": 6.0,
           "report_rss_mb": 200.0, "end_to_end_n": 10000, "end_to_end_s": 120.0, "progress_cost": 0.03,
           "silence_s": 30.0, "slice_speedup": 2.5}
# scenario 4 at each of its concurrencies: (role apply, raw client) ids, in the order of --latency-concurrency
LATENCY_IDS = [("4a", "4b"), ("4c", "4d"), ("4e", "4f")]
# the table's row order; other scenario ids follow, sorted
ORDER = ["1", "1q", "3", "2"] + [sc for pair in LATENCY_IDS for sc in pair] + ["5", "6a", "6b"]


def _env(name, cast, default):
    value = os.environ.get(name)
    return cast(value) if value not in (None, "") else default


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--scenarios", default=_env("BENCH_SCENARIOS", str, DEFAULTS["scenarios"]),
                   help="comma-separated scenario numbers (default %s)" % DEFAULTS["scenarios"])
    p.add_argument("--n", type=int, default=_env("BENCH_N", int, None), help="cards, scenarios 1, 1q and 3 (10000)")
    p.add_argument("--loop-n", type=int, default=_env("BENCH_LOOP_N", int, None), help="cards, scenario 2 (200)")
    p.add_argument("--latency-n", type=int, default=_env("BENCH_LATENCY_N", int, None), help="cards, scenario 4 (2000)")
    p.add_argument("--report-n", type=int, default=_env("BENCH_REPORT_N", int, None),
                   help="cards, scenario 5 (100000)")
    p.add_argument("--slice-n", type=int, default=_env("BENCH_SLICE_N", int, None), help="cards, scenario 6 (2000)")
    p.add_argument("--repeat", type=int, default=_env("BENCH_REPEAT", int, None), help="runs per scenario (3)")
    p.add_argument("--loop-repeat", type=int, default=_env("BENCH_LOOP_REPEAT", int, None),
                   help="runs of scenario 2 (3; each run is N sequential module runs, ~3 minutes)")
    p.add_argument("--latency-repeat", type=int, default=_env("BENCH_LATENCY_REPEAT", int, None),
                   help="runs of scenario 4 (3; each run ~6 minutes, both concurrencies)")
    p.add_argument("--report-repeat", type=int, default=_env("BENCH_REPORT_REPEAT", int, None),
                   help="runs of scenario 5 (3; each run ~5 minutes)")
    p.add_argument("--slice-repeat", type=int, default=_env("BENCH_SLICE_REPEAT", int, None),
                   help="runs of scenario 6 (3; each run ~2 minutes)")
    p.add_argument("--concurrency", type=int, default=DEFAULTS["concurrency"],
                   help="the role's concurrency in scenarios 1, 1q, 3, 5 and in every slice of 6 (16)")
    p.add_argument("--latency-concurrency",
                   default=_env("BENCH_LATENCY_CONCURRENCY", str, DEFAULTS["latency_concurrency"]),
                   help="scenario 4's concurrencies, comma-separated (8,16: 4a/4b at 8, 4c/4d at 16)")
    p.add_argument("--latency-ms", type=float, default=None, help="injected latency, scenarios 4 and 6 (50)")
    p.add_argument("--slices", type=int, default=DEFAULTS["slices"], help="concurrent slices of scenario 6b (3)")
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
    for key in ("n", "loop_n", "latency_n", "report_n", "slice_n", "repeat", "loop_repeat", "latency_repeat",
                "report_repeat", "slice_repeat", "latency_ms", "batch_size"):
        if getattr(args, key, None) is None:
            setattr(args, key, base.get(key))
    for key in ("out", "workdir", "cache"):
        setattr(args, key, str(Path(getattr(args, key)).resolve()))
    args.scenarios = sorted({s.strip() for s in str(args.scenarios).split(",") if s.strip()})
    args.latency_concurrency = [int(c) for c in str(args.latency_concurrency).split(",") if c.strip()]
    if len(args.latency_concurrency) > len(LATENCY_IDS):
        p.error("at most %d latency concurrencies" % len(LATENCY_IDS))
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
            # 1 and 1q (progress off) are compared with each other: alternate which runs first
            for sc in _alternate(["1", "1q"], rep):
                if sc in args.scenarios:
                    r1 = record(scenarios.bulk, args.n, args.concurrency, batch_size=args.batch_size, scenario=sc,
                                progress=sc == "1")
                    if sc == "1" and r1:
                        profile = r1["profile"]
            if "3" in args.scenarios:
                record(scenarios.raw, args.n, profile or _profile_from_results(args.out, args.n),
                       threads=args.concurrency)
            if "2" in args.scenarios and rep < args.loop_repeat:
                record(scenarios.loop, args.loop_n)
            for conc, (bulk_id, raw_id) in zip(args.latency_concurrency, LATENCY_IDS):
                if "4" in args.scenarios and args.smoke and profile:
                    # smoke: 4a/4c are scenario 1's code with latency and another concurrency; spare
                    # their playbook runs and replay scenario 1's calls with latency (4b/4d's code)
                    record(scenarios.raw, args.n, profile, threads=conc, latency_ms=args.latency_ms, scenario=raw_id)
                elif "4" in args.scenarios and rep < args.latency_repeat:
                    r4 = record(scenarios.bulk, args.latency_n, conc, latency_ms=args.latency_ms, scenario=bulk_id,
                                batch_size=args.batch_size)
                    if r4:
                        record(scenarios.raw, args.latency_n, r4["profile"], threads=conc,
                               latency_ms=args.latency_ms, scenario=raw_id)
            if "5" in args.scenarios and rep < args.report_repeat:
                record(scenarios.report, args.report_n, args.concurrency)
            if "6" in args.scenarios and rep < args.slice_repeat:
                for sc in _alternate(["6a", "6b"], rep):
                    record(scenarios.sliced_apply, args.slice_n, 1 if sc == "6a" else args.slices, args.concurrency,
                           latency_ms=args.latency_ms, scenario=sc, batch_size=args.batch_size)
    finally:
        ctx["pool"].close()

    text = render(rows, mach, args, run_id, failures)
    print()
    print(text)
    md = Path(args.out).with_name("results-%s.md" % run_id)
    md.write_text(text + "\n")
    print("\nrows appended to %s; this table also in %s" % (args.out, md))
    return 1 if failures or not all(r.get("ok") for r in rows) else 0


def _alternate(pair, rep):
    """The two scenarios compared with each other, the first one first in even runs."""
    return pair if rep % 2 == 0 else pair[::-1]


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


def _order(sc):
    return (ORDER.index(sc) if sc in ORDER else len(ORDER), sc)


def _conc(row):
    if row.get("slices", 1) > 1:
        return "%d x %d slices" % (row["concurrency"], row["slices"])
    return str(row["concurrency"])


def _watch(output):
    """Progress lines and the longest silence of a playbook's output."""
    if not output:
        return "-"
    return "%d, %s s" % (output["progress_lines"], harness.fmt(output["longest_silence_s"], 1))


def render(rows, mach, args, run_id, failures=()):
    groups = _by_scenario(rows)
    med = {sc: harness.median_row(runs) for sc, runs in groups.items()}
    lines = []
    lines.append("### mim.cm benchmarks, run %s%s" % (run_id, " (smoke sizes)" if args.smoke else ""))
    lines.append("")
    counts = ", ".join("%s: %d" % (sc, len(groups[sc])) for sc in sorted(groups, key=_order))
    loads = [r["load_before"][0] for r in rows if r.get("load_before")]
    lines.append("Machine: %s, **%s cores (%s)**, %s GB RAM, Python %s, ansible-core %s. HTTPS + NTLM against the "
                 "bundled simulator on the same machine. Wall time is the median run (all runs in parentheses); "
                 "runs per scenario: %s. 1-min load average before the runs: %s."
                 % (mach["host"], mach["cores"], mach["cpu_model"], mach["memory_gb"], mach["python"],
                    mach["ansible_core"], counts, "-".join("%.1f" % x for x in (min(loads), max(loads))) if loads else "?"))
    lines.append("")
    lines.append("| # | scenario | N | conc. | latency | wall s (median) | cards/s | s/card | HTTP calls/card "
                 "(breakdown) | connections = NTLM handshakes per run | max per module invocation (invocations) "
                 "| peak RSS, largest process | CPU s: client / simulator | progress lines, longest silence |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for sc in sorted(groups, key=_order):
        runs, m = groups[sc], med[sc]
        if "plan_by_kind" in m:
            plan_runs = sorted(r["plan_wall_s"] for r in runs)
            pm = plan_runs[(len(plan_runs) - 1) // 2]
            lines.append("| %s | plan (role, read-only) | %d | %d | - | %s%s | %s | %s | %s (%s) | %s = %s | - | %s MB (%s) | %s / %s | %s |" % (
                sc, m["n"], m["concurrency"], harness.fmt(pm), harness.spread(plan_runs),
                harness.fmt(m["n"] / pm, 1), harness.fmt(pm / m["n"], 5), harness.fmt(m["plan_calls_per_card"], 3),
                _kinds({k: v / m["n"] for k, v in m["plan_by_kind"].items()}), m["plan_connections"],
                m["plan_ntlm_handshakes"], m["plan_peak_rss_mb"], m["plan_peak_process"],
                harness.fmt(m.get("plan_client_cpu_s"), 1), harness.fmt(m.get("plan_server_cpu_s"), 1),
                _watch(m.get("plan_output"))))
        walls = sorted(r["wall_s"] for r in runs)
        lines.append("| %s | %s | %d | %s | %s | **%s**%s | %s | %s | %s (%s) | %s = %s | %s (%s) | %s MB (%s) | %s / %s | %s |" % (
            sc, m["name"], m["n"], _conc(m), ("%g ms" % m["latency_ms"]) if m["latency_ms"] else "-",
            harness.fmt(m["wall_s"]), harness.spread(walls), harness.fmt(m["cards_per_s"], 1),
            harness.fmt(m["s_per_card"], 5), harness.fmt(m["calls_per_card"], 3), _kinds(m["by_kind_per_card"]),
            m["connections"], m["ntlm_handshakes"], harness.fmt(m["max_connections_per_invocation"]),
            m["invocations"], m["peak_rss_mb"], m["peak_process"],
            harness.fmt(m.get("client_cpu_s"), 1), harness.fmt(m.get("server_cpu_s"), 1), _watch(m.get("output"))))
    lines.append("")
    lines.extend(targets(groups, med))
    if failures:
        lines.append("")
        lines.append("Failed runs: " + "; ".join(failures))
    bad = [r for r in rows if not r.get("ok")]
    if bad:
        lines.append("")
        lines.append("Runs whose outcome was not fully correct: " + "; ".join(
            "%s n=%s (%s)" % (r["name"], r["n"], r.get("outcomes") or r.get("first_errors")
                              or r.get("changes_per_card") or "") for r in bad))
    return "\n".join(lines)


def _verdict(ok):
    return "met" if ok else "**NOT met**"


def _median_of(runs, key):
    return harness.median([r[key] for r in runs if r.get(key) is not None])


def targets(groups, med):
    out = ["| target | figure | verdict |", "|---|---|---|"]
    s1, s1q, s2, s3, s5, s6a, s6b = (med.get(k) for k in ("1", "1q", "2", "3", "5", "6a", "6b"))
    if s1 and s3 and s1["n"] != s3["n"]:
        out.append("| bulk apply / raw client <= %.2f | not comparable: scenario 1 ran %d cards, scenario 3 %d | - |"
                   % (TARGETS["bulk_vs_raw"], s1["n"], s3["n"]))
    elif s1 and s3:
        ratio = s1["wall_s"] / s3["wall_s"]
        out.append("| bulk apply / raw client <= %.2f (same %d cards, same calls) | %.2f (%.1f s / %.1f s) | %s |" % (
            TARGETS["bulk_vs_raw"], s1["n"], ratio, s1["wall_s"], s3["wall_s"], _verdict(ratio <= TARGETS["bulk_vs_raw"])))
    if s1:
        out.append(_end_to_end(groups["1"]))
    for bulk_id, raw_id in LATENCY_IDS:
        row = _latency(med.get(bulk_id), med.get(raw_id))
        if row:
            out.append(row)
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
    for key in ["1", "1q", "2"] + [bulk_id for bulk_id, _ in LATENCY_IDS] + ["5"]:
        row = med.get(key)
        if row and row.get("max_connections_per_invocation") is not None:
            conc = row["concurrency"]
            checks.append((key, row["max_connections_per_invocation"], conc,
                           row["max_connections_per_invocation"] <= conc))
    if checks:
        out.append("| NTLM handshakes per module invocation <= its concurrency | %s | %s |" % (
            "; ".join("scenario %s: max %d (concurrency %d)" % c[:3] for c in checks), _verdict(all(c[3] for c in checks))))
    if s5:
        ok = s5.get("ok") and s5["peak_rss_mb"] <= TARGETS["report_rss_mb"]
        out.append("| %d-card report (cards from a CSV file) finishes, no process > %d MB RSS | %s in %.0f s; largest %s MB (%s) | %s |" % (
            s5["n"], TARGETS["report_rss_mb"], "finished" if s5.get("ok") else "incomplete", s5["wall_s"],
            s5["peak_rss_mb"], s5["peak_process"], _verdict(ok)))
    if s1 and s1q:
        out.append(_progress_cost(groups["1"], groups["1q"]))
    if s1:
        out.extend(_silence(groups["1"], key) for key in ("output", "plan_output"))
    if s6a and s6b:
        out.append(_slicing(groups["6a"], groups["6b"]))
    return [row for row in out if row]


def _end_to_end(runs):
    """Scenario 1's plan + apply: the median run of their sum."""
    run = sorted(runs, key=lambda r: r["plan_wall_s"] + r["wall_s"])[(len(runs) - 1) // 2]
    total = run["plan_wall_s"] + run["wall_s"]
    label = "{:,} cards plan + apply end to end < {:.0f} s".format(TARGETS["end_to_end_n"], TARGETS["end_to_end_s"])
    figure = "%.1f s (plan %.1f + apply %.1f)" % (total, run["plan_wall_s"], run["wall_s"])
    if run["n"] != TARGETS["end_to_end_n"]:
        return "| %s | %s at N = %d: not the target's size | - |" % (label, figure, run["n"])
    return "| %s | %s | %s |" % (label, figure, _verdict(total < TARGETS["end_to_end_s"]))


def _latency(bulk, raw):
    """Scenario 4 at one concurrency: the role's apply against the latency bound (and the raw client's)."""
    if not bulk:
        return None
    if raw and (raw["n"] != bulk["n"] or raw["concurrency"] != bulk["concurrency"]):
        raw = None
    cpc = bulk["calls_per_card"]
    bound = bulk["n"] * cpc * (bulk["latency_ms"] / 1000.0) / bulk["concurrency"]
    eff = bound / bulk["wall_s"]
    raw_text = (" (raw client: %.2f)" % (bound / raw["wall_s"])) if raw else ""
    return ("| latency-bound at concurrency %d: bound / measured >= %.1f (bound = %d x %.3f calls x %g ms / %d "
            "= %.1f s) | %.2f (apply %.1f s)%s | %s |" % (
                bulk["concurrency"], TARGETS["latency_efficiency"], bulk["n"], cpc, bulk["latency_ms"],
                bulk["concurrency"], bound, eff, bulk["wall_s"], raw_text,
                _verdict(eff >= TARGETS["latency_efficiency"])))


def _progress_cost(with_runs, without_runs):
    """(median apply with progress - median without) / median without, scenario 1 against 1q."""
    label = "progress costs <= %.0f%% of the apply time (scenario 1 against 1q, progress off)" % (
        100 * TARGETS["progress_cost"])
    if with_runs[0]["n"] != without_runs[0]["n"]:
        return "| %s | not comparable: scenario 1 ran %d cards, 1q %d | - |" % (
            label, with_runs[0]["n"], without_runs[0]["n"])

    def cost(key):
        on, off = _median_of(with_runs, key), _median_of(without_runs, key)
        return (on, off, (on - off) / off) if on is not None and off else (on, off, None)

    on, off, apply_cost = cost("wall_s")
    extra = []
    for key, what in (("plan_wall_s", "plan"), ("client_cpu_s", "client CPU of the apply")):
        share = cost(key)[2]
        if share is not None:
            extra.append("%s %+.1f%%" % (what, 100 * share))
    lines = max((r.get("output") or {}).get("progress_lines", 0) for r in with_runs)
    note = "" if lines else "; no progress line in scenario 1's output"
    return "| %s | %+.1f%% (median apply %.1f s with, %.1f s without; %s; runs %d / %d%s) | %s |" % (
        label, 100 * apply_cost, on, off, ", ".join(extra), len(with_runs), len(without_runs), note,
        _verdict(apply_cost <= TARGETS["progress_cost"]))


def _silence(runs, key):
    """The longest silence of scenario 1's apply (or plan) output over its runs."""
    outputs = [r[key] for r in runs if r.get(key)]
    if not outputs:
        return None
    worst = max(outputs, key=lambda o: o["longest_silence_s"])
    gaps = [o["longest_progress_gap_s"] for o in outputs if o.get("longest_progress_gap_s") is not None]
    what = "apply" if key == "output" else "plan"
    return ("| longest silence in the output of the %d-card %s <= %.0f s (progress at least every %.0f s) | "
            "%.1f s, after \"%s\" (worst of %d runs); progress lines %s, longest gap between them %s | %s |" % (
                runs[0]["n"], what, TARGETS["silence_s"], TARGETS["silence_s"], worst["longest_silence_s"],
                str(worst["silence_after"]).replace("|", "/")[:80], len(outputs),
                "/".join(str(o["progress_lines"]) for o in outputs),
                ("%.1f s" % max(gaps)) if gaps else "-", _verdict(worst["longest_silence_s"] <= TARGETS["silence_s"])))


def _slicing(one_runs, sliced_runs):
    """Scenario 6: the median 1-slice apply over the median apply of the concurrent slices."""
    one, sliced = _median_of(one_runs, "wall_s"), _median_of(sliced_runs, "wall_s")
    slices = sliced_runs[0]["slices"]
    label = "%d slices >= %.1fx faster than 1 (AWX job slicing, same %d cards, each card changed once)" % (
        slices, TARGETS["slice_speedup"], sliced_runs[0]["n"])
    if one_runs[0]["n"] != sliced_runs[0]["n"]:
        return "| %s | not comparable: 6a ran %d cards, 6b %d | - |" % (label, one_runs[0]["n"], sliced_runs[0]["n"])
    once = all(r.get("each_card_changed_once") for r in one_runs + sliced_runs)
    speedup = one / sliced
    walls = harness.median_row(sliced_runs).get("slice_walls_s") or []
    return "| %s | %.2fx (1 slice %.1f s, %d slices %.1f s; slices of the median run ended at %s s); %s | %s |" % (
        label, speedup, one, slices, sliced, "/".join("%.1f" % w for w in walls),
        "every card changed once in every run (journal)" if once else "**a card was not changed exactly once**",
        _verdict(speedup >= TARGETS["slice_speedup"] and once))


if __name__ == "__main__":
    sys.exit(main())
