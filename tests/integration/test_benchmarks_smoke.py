"""The benchmark harness (tests/benchmarks, `make bench`) with tiny sizes, so it never rots.

Runs every scenario once through the same code as `make bench` and checks that each produced a
complete, correct row (cards retired, the raw client replayed exactly the bulk apply's calls, the
report covered every card) and that the table with the targets is printed. No time is asserted:
the figures of a smoke run mean nothing.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# 4a and 4c (scenario 1 with latency, concurrency 8 and 16) are skipped by --smoke: their code is scenario 1's
SCENARIOS = {"1", "1q", "2", "3", "4b", "4d", "5", "6a", "6b"}


def test_benchmarks_smoke(tmp_path):
    out = tmp_path / "results.json"
    env = dict(os.environ)
    for name in [k for k in env if k.startswith("BENCH_")]:
        del env[name]
    env["ANSIBLE_COLLECTIONS_PATH"] = str(REPO / "build" / "collections")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--smoke", "--out", str(out), "--workdir", str(tmp_path / "work"),
         "--cache", str(tmp_path / "cache")],
        cwd=str(REPO), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=1200, check=False)
    assert proc.returncode == 0, proc.stdout[-8000:]

    rows = json.loads(out.read_text())
    assert {r["scenario"] for r in rows} == SCENARIOS, proc.stdout[-4000:]
    for row in rows:
        assert row["ok"], row
        for key in ("wall_s", "cards_per_s", "calls_per_card", "by_kind", "connections", "ntlm_handshakes",
                    "peak_rss_mb"):
            assert row.get(key) is not None, (key, row)
        if not row["scenario"].startswith("6"):  # AWX jobs: no module invocation windows
            assert row.get("max_connections_per_invocation") is not None, row
        assert row["machine"]["cores"] >= 1
    by = {r["scenario"]: r for r in rows}
    # the raw client issued exactly the calls of the bulk apply, kind by kind
    assert by["3"]["by_kind"] == by["1"]["by_kind"]
    assert by["4b"]["by_kind"] == by["1"]["by_kind"] and by["4b"]["latency_ms"] > 0
    assert (by["4b"]["concurrency"], by["4d"]["concurrency"]) == (8, 16)
    # the progress lines and the silences of the playbook output were counted, with and without progress
    assert by["1q"]["progress"] is False and by["1q"]["by_kind"]["request_create"] == by["1q"]["n"]
    for key in ("output", "plan_output"):
        assert by["1"][key]["lines"] > 0 and by["1"][key]["longest_silence_s"] > 0
    assert by["1q"]["output"]["progress_lines"] == 0
    # AWX job slicing: 1 slice and 3 concurrent slices, every card changed once (the simulator's journal)
    assert (by["6a"]["slices"], by["6b"]["slices"]) == (1, 3)
    for sc in ("6a", "6b"):
        assert by[sc]["each_card_changed_once"] and by[sc]["by_kind"]["request_create"] == by[sc]["n"]
        assert sum(by[sc]["cards_per_slice"]) == by[sc]["n"] and len(by[sc]["slice_walls_s"]) == by[sc]["slices"]
    # a retirement: read the card (re-check and module), create, read, set, complete; the permission the plan read
    # is trusted until the server refuses (issue 15: no operations call on the apply path)
    for kind in ("card_get", "request_create", "request_get", "request_card_put", "request_update"):
        assert by["1"]["by_kind"].get(kind, 0) >= by["1"]["n"], kind
    assert by["1"]["by_kind"].get("card_operations", 0) == 0
    assert by["1"]["plan_wall_s"] > 0 and by["1"]["invocations"] >= 2
    assert by["5"]["reported_cards"] == by["5"]["n"]

    text = proc.stdout
    assert "| target | figure | verdict |" in text
    assert "cores" in text
    for label in ("bulk apply / raw client", "faster per card", "HTTP calls per card",
                  "NTLM handshakes per module invocation", "no process >", "plan + apply end to end",
                  "progress costs", "longest silence in the output", "3 slices >= 2.5x faster than 1"):
        assert label in text, label
