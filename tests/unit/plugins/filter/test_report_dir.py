"""The report directory filters (plugins/filter/report_dir.py): approved_digest_problem,
approval_templates, merge_apply_reports, through the adapters."""

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import report_dir

DIGEST = "0123456789ab" + "c" * 52


def test_filters_are_registered():
    assert sorted(report_dir.FilterModule().filters()) == [
        "approval_templates", "approved_digest_problem", "merge_apply_reports"]


def test_adapters_call_plugin_utils(tmp_path):
    (tmp_path / ("plan-%s.json" % DIGEST)).write_text("{}")
    assert "check the digest" in report_dir.approved_digest_problem(DIGEST[:-1] + "d", str(tmp_path))
    assert report_dir.approval_templates(str(tmp_path), "Executive") == {"executive": True}
    (tmp_path / "apply-0123456789ab-h.json").write_text(json.dumps({
        "kind": "apply", "ok": True, "total": 0, "outcomes": {}, "cards": [],
        "meta": {"plan_digest": DIGEST, "shard": "1/1", "host": "h"}}))
    merged = report_dir.merge_apply_reports(str(tmp_path), DIGEST, "now")
    assert merged["problem"] == "" and merged["summary"]["meta"]["hosts"] == ["h"]


@pytest.mark.parametrize("name,args", [
    ("approved_digest_problem", (DIGEST, "")),
    ("approval_templates", (None,)),
    ("merge_apply_reports", (5, DIGEST)),
])
def test_a_report_dir_that_is_not_a_path_is_a_filter_error(name, args):
    with pytest.raises(AnsibleFilterError, match="%s: expected the report directory" % name):
        getattr(report_dir, name)(*args)


def test_limit_must_be_a_whole_number(tmp_path):
    with pytest.raises(AnsibleFilterError, match="approval_templates: limit must be a whole number"):
        report_dir.approval_templates(str(tmp_path), [], "many")
