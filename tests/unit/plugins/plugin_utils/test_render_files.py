"""Unit tests of plugins/plugin_utils/render_files.py."""

import json

from ansible_collections.mim.cm.plugins.plugin_utils.render_files import report_files
from ansible_collections.mim.cm.plugins.plugin_utils.render_html import report_html
from ansible_collections.mim.cm.plugins.plugin_utils.render_markdown import report_markdown


def test_three_texts_and_a_brief_without_the_cards():
    failed = [{"key": "k%d" % i, "outcome": "failed", "msg": "m"} for i in range(3)]
    summary = {"kind": "apply", "ok": False, "meta": {"t": 1}, "outcomes": {"failed": 3}, "counts_before": {},
               "counts_after": {}, "total": 3, "failed": failed, "pending": [{"key": "p"}], "cannot": [],
               "cards": failed}
    files = report_files(summary, first="2")
    assert json.loads(files["json"]) == summary
    assert files["md"] == report_markdown(summary) and files["html"] == report_html(summary)
    assert files["brief"] == {"kind": "apply", "meta": {"t": 1}, "outcomes": {"failed": 3}, "counts_before": {},
                              "counts_after": {}, "total": 3, "ok": False, "failed_count": 3,
                              "failed_first": failed[:2], "pending_count": 1,
                              "level": "bad", "verdict": "FAILED", "headline": "3 could not be changed"}
