"""The cleanup report of the lifecycle role (plugin_utils/cleanup_report.py): words a reader understands, check mode
unmistakable, every request listed, a failed module call reported, Markdown escaped."""

import json

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.cleanup_report import cleanup_report, cleanup_summary

META = {"change_ticket": "CHG0042", "plan_digest": "ab" * 32, "host": "localhost", "cards": 4, "shard": "1/1",
        "operator": "alice", "started": "2026-01-01T00:00:00Z", "finished": "2026-01-01T00:00:09Z",
        "audit_log": "/r/audit-cleanup-CHG0042-localhost.jsonl", "plan_file": "", "check_mode": False}


def result(*states):
    return {"changed": "changed" in states, "results": [
        {"id": "r%d" % i, "card": "c%d" % i, "before": "Pending", "after": "Canceled" if s == "changed" else "Pending",
         "state": s, "msg": "request r%d: %s | <b>" % (i, s)} for i, s in enumerate(states)]}


def test_real_run_counts_words_and_every_request():
    report = cleanup_report(result("changed", "changed", "unchanged"), META)
    summary = json.loads(report["json"])
    assert summary["kind"] == "cleanup" and summary["ok"] and not summary["check_mode"]
    assert summary["headline"] == "2 of 3 pending request(s) of change CHG0042 canceled, 1 already canceled."
    assert summary["outcomes"] == {"changed": 2, "unchanged": 1, "skipped": 0, "failed": 0}
    assert [r["outcome"] for r in summary["requests"]] == ["canceled", "canceled", "already canceled"]
    assert "plan_file" not in summary["meta"]  # empty values are left out
    md = report["md"]
    assert md.startswith("# Cleanup of change CHG0042\n\n**2 of 3 pending request(s) of change CHG0042 canceled")
    assert "| Approved plan digest | %s |" % ("ab" * 32) in md and "| Mode | real run |" in md
    assert "| r2 | c2 | Pending | Pending | already canceled | request r2: unchanged \\| <b> |" in md
    assert report["brief"]["ok"] and report["brief"]["problem_count"] == 0


def test_check_mode_is_unmistakable():
    report = cleanup_report(result("changed"), dict(META, check_mode=True))
    assert report["brief"]["headline"] == ("CHECK MODE: nothing was written. 1 of 1 pending request(s) of change "
                                           "CHG0042 would be canceled.")
    assert report["md"].startswith("# Cleanup of change CHG0042 - CHECK MODE: nothing was written")
    assert "| would be canceled | 1 |" in report["md"] and "check mode (nothing was written)" in report["md"]


def test_problems_make_it_not_ok_with_the_first_ones():
    report = cleanup_report(result("changed", "skipped", "failed", "failed"), META, first=2)
    brief = report["brief"]
    assert not brief["ok"] and brief["problem_count"] == 3
    assert brief["problems_first"] == [{"id": "r1", "msg": "request r1: skipped | <b>"},
                                       {"id": "r2", "msg": "request r2: failed | <b>"}]
    assert brief["headline"] == "1 of 4 pending request(s) of change CHG0042 canceled, 3 could not be canceled."


def test_nothing_to_do_and_a_skipped_task():
    for skipped in ({"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}, None,
                    {"changed": False, "results": [], "msg": "no request matched the selection"}):
        summary = cleanup_summary(skipped, META)
        assert summary["ok"] and summary["total"] == 0 and summary["error"] is None
        assert summary["headline"] == "No request of change CHG0042 is waiting for approval: nothing to cancel."
    assert "None: no request of this change" in cleanup_report(None, META)["md"]


def test_a_failed_module_call_is_reported_even_when_failed_when_hid_it():
    failed = {"failed": False, "failed_when_result": False, "changed": False, "results": [],
              "error": {"kind": "auth_failed", "msg": "Listing Pending requests: authentication failed (HTTP 401)"}}
    summary = cleanup_summary(failed, META)
    assert not summary["ok"] and summary["error"].startswith("Listing Pending requests: authentication failed")
    assert summary["headline"].startswith("Cleanup of change CHG0042 failed before any request was changed: ")
    crashed = cleanup_summary({"failed": False, "msg": "MODULE FAILURE"}, META)
    assert crashed["error"] == "MODULE FAILURE" and not crashed["ok"]


def test_not_a_result_is_refused():
    with pytest.raises(InvalidInput) as exc:
        cleanup_summary(["not", "a", "result"], META)
    assert "expected the registered result of mim.cm.mimcm_request" in str(exc.value)
