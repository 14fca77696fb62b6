"""Unit tests of the report filters (plugins/filter/reports.py): report_markdown, report_html,
report_files, through the adapters. No network."""

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import apply_summary, cards, change_plan, reports

from card_cases import HtmlChecker as _Checker
from card_cases import U1, mixed_plan_maker

mixed_plan = mixed_plan_maker(cards.card_inputs, change_plan.lifecycle_plan)


def _summary():
    plan = mixed_plan()
    check = change_plan.lifecycle_check(plan, plan["digest"], mixed_plan())
    res = {"results": [{"uuid": U1, "state": "failed", "after": "Active", "before": "Active",
                        "msg": "<script>alert(1)</script> & failed"}]}
    return apply_summary.lifecycle_summary(check, [res], {"change_ticket": "CHG<1>", "target_status": "Retired"})


def test_html_report_is_valid_escaped_and_self_contained():
    page = reports.report_html(_summary())
    parser = _Checker()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    assert parser.external == []
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "CHG&lt;1&gt;" in page
    assert "<svg" in page
    text = " ".join(parser.text)
    assert "failed" in text and "Active" in text


def test_markdown_report_and_plan():
    md = reports.report_markdown(_summary())
    assert "| failed | 1 |" in md and "FAILED" in md
    pm = reports.report_markdown(mixed_plan(), {"generated_by": "me"})
    assert mixed_plan()["digest"] in pm and "| change | 1 |" in pm and "generated_by: me" in pm


def test_report_files_renders_the_three_reports_and_a_brief_summary():
    card = "aaaaaaaa-0000-4000-8000-000000000001"
    plan = change_plan.lifecycle_plan(
        [{"key": card, "kind": "uuid"}],
        [{"smartcards": [{"query": card, "uuid": card, "status": 3, "status_name": "Active",
                          "operations": ["Retire"]}]}], "Retired", "CHG<1>")
    check = change_plan.lifecycle_check(plan, plan["digest"], plan)
    res = {"uuid": card, "state": "failed", "changed": False, "msg": "boom <b>"}
    summary = apply_summary.lifecycle_summary(check, [res], {"change_ticket": "CHG<1>", "target_status": "Retired"})
    files = reports.report_files(summary, first=1)
    assert json.loads(files["json"]) == summary
    assert files["md"] == reports.report_markdown(summary)
    assert files["html"] == reports.report_html(summary)
    brief = files["brief"]
    assert brief["ok"] is False and brief["failed_count"] == len(summary["failed"]) >= 1
    assert brief["failed_first"] == summary["failed"][:1] and brief["pending_count"] == len(summary["pending"])
    assert brief["outcomes"] == summary["outcomes"] and "cards" not in brief


# ---------------------------------------------------------------- the adapter

def test_filter_names():
    assert sorted(reports.FilterModule().filters()) == ["report_files", "report_html", "report_markdown"]


def test_a_summary_that_is_not_a_dict_is_a_filter_error():
    for name in ("report_markdown", "report_html", "report_files"):
        with pytest.raises(AnsibleFilterError) as err:
            getattr(reports, name)("text")
        assert err.value.message == "%s: expected a plan, an apply summary or an inventory summary (a dict), got str" % name
