"""Unit tests of plugins/plugin_utils/report_merge.py: the merged report of a sharded apply, and the
shard reports it refuses to do without, on real files in a temporary directory."""

import json

from ansible_collections.mim.cm.plugins.plugin_utils.report_merge import merge_apply_reports, shard_report_paths

DIGEST = "abcdef012345" + "6" * 52


def _write(tmp_path, name, shard, host, cards, ok=True, check=False, digest=DIGEST):
    outcomes = {}
    for c in cards:
        outcomes[c["outcome"]] = outcomes.get(c["outcome"], 0) + 1
    report = {"kind": "apply", "ok": ok, "total": len(cards), "outcomes": outcomes,
              "counts_before": {"Active": len(cards)}, "counts_after": {"Retired": len(cards)},
              "cards": cards, "failed": [c for c in cards if c["outcome"] == "failed"], "pending": [], "cannot": [],
              "meta": {"plan_digest": digest, "shard": shard, "host": host, "check_mode": check,
                       "target_status": "Retired", "change_ticket": "CHG1", "started": "2026-01-0%sT00:00:00Z" % shard[0],
                       "finished": "2026-01-0%sT00:10:00Z" % shard[0], "operator": "jsmith"}}
    (tmp_path / name).write_text(json.dumps(report))


def _three(tmp_path):
    _write(tmp_path, "apply-abcdef012345-w1.json", "2/3", "w1", [{"key": "b", "outcome": "changed"}])
    _write(tmp_path, "apply-abcdef012345-w0.json", "1/3", "w0", [{"key": "c", "outcome": "changed"},
                                                                 {"key": "a", "outcome": "failed"}], ok=False)
    _write(tmp_path, "apply-abcdef012345-w2.json", "3/3", "w2", [])
    # not shard reports: a check-mode report, a run's own timestamped copy, an earlier merge, another plan
    _write(tmp_path, "apply-abcdef012345-w0-check.json", "1/3", "w0", [{"key": "x", "outcome": "changed"}], check=True)
    _write(tmp_path, "apply-abcdef012345-w0-20260101T000000Z.json", "1/3", "w0", [{"key": "y", "outcome": "changed"}])
    _write(tmp_path, "apply-abcdef012345-merged.json", "1/1", "m", [{"key": "z", "outcome": "changed"}])
    _write(tmp_path, "apply-999999999999-w0.json", "1/3", "w0", [{"key": "q", "outcome": "changed"}], digest="9" * 64)


def test_the_latest_report_of_every_shard_is_summed(tmp_path):
    _three(tmp_path)
    names = sorted(p.rsplit("/", 1)[1] for p in shard_report_paths(str(tmp_path), DIGEST))
    assert names == ["apply-abcdef012345-w0-check.json", "apply-abcdef012345-w0.json",
                     "apply-abcdef012345-w1.json", "apply-abcdef012345-w2.json"]
    out = merge_apply_reports(str(tmp_path), DIGEST.upper(), "2026-01-05T00:00:00Z")
    assert out["problem"] == ""
    merged = out["summary"]
    assert merged["ok"] is False and merged["total"] == 3
    assert merged["outcomes"] == {"changed": 2, "failed": 1}
    assert merged["counts_before"] == {"Active": 3} and merged["counts_after"] == {"Retired": 3}
    assert [c["key"] for c in merged["cards"]] == ["a", "b", "c"] and [c["key"] for c in merged["failed"]] == ["a"]
    meta = merged["meta"]
    assert meta["hosts"] == ["w0", "w1", "w2"] and meta["plan_digest"] == DIGEST and meta["shards"] == 3
    assert (meta["started"], meta["finished"]) == ("2026-01-01T00:00:00Z", "2026-01-03T00:10:00Z")


def test_a_missing_shard_is_named(tmp_path):
    _three(tmp_path)
    (tmp_path / "apply-abcdef012345-w1.json").unlink()
    out = merge_apply_reports(str(tmp_path), DIGEST)
    assert out["summary"] is None
    assert out["problem"].startswith("Merge refused: the apply report of shard(s) 2/3 of plan %s is missing" % DIGEST)
    assert "apply-abcdef012345-w0.json (1/3)" in out["problem"]


def test_no_report_two_reports_of_a_shard_mixed_counts_and_unreadable_files(tmp_path):
    assert merge_apply_reports(str(tmp_path), DIGEST)["problem"].startswith(
        "Merge refused: no apply report of plan %s in %s" % (DIGEST, tmp_path))
    _write(tmp_path, "apply-abcdef012345-a.json", "1/2", "a", [])
    _write(tmp_path, "apply-abcdef012345-b.json", "1/2", "b", [])
    assert "two reports for shard 1/2" in merge_apply_reports(str(tmp_path), DIGEST)["problem"]
    _write(tmp_path, "apply-abcdef012345-b.json", "2/3", "b", [])
    assert "different shard counts (2, 3)" in merge_apply_reports(str(tmp_path), DIGEST)["problem"]
    (tmp_path / "apply-abcdef012345-c.json").write_text("[1]")
    assert "apply-abcdef012345-c.json is not an apply report" in merge_apply_reports(str(tmp_path), DIGEST)["problem"]
