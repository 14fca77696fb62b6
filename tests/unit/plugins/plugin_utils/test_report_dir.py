"""Unit tests of plugins/plugin_utils/report_dir.py: a digest that only resembles a plan's, what earlier
applies teach about CM approvals, on real files in a temporary directory."""

import json
import os

from ansible_collections.mim.cm.plugins.plugin_utils import report_dir

D1 = "8f3c" + "0" * 56 + "a1b2"
D2 = "1234" + "5" * 60


def _plans(tmp_path, *digests):
    for d in digests:
        (tmp_path / ("plan-%s.json" % d)).write_text("{}")
    (tmp_path / "plan-latest.json").write_text("{}")


def test_a_typo_or_a_prefix_of_a_plan_digest_is_named_with_the_plan_files(tmp_path):
    _plans(tmp_path, D1, D2)
    typo = D1[:10] + "f" + D1[11:]
    msg = report_dir.approved_digest_problem(typo, str(tmp_path))
    assert msg.startswith("no plan with digest %s in %s; plan files here: plan-%s.json; check the digest"
                          % (typo, tmp_path, D1))
    assert D2 not in msg
    assert "plan-%s.json" % D1 in report_dir.approved_digest_problem(D1[:12].upper(), str(tmp_path))
    assert "plan-%s.json" % D1 in report_dir.approved_digest_problem(D1[1:], str(tmp_path))  # one missing


def test_no_problem_for_an_exact_match_an_unlike_digest_or_no_plan_files(tmp_path):
    _plans(tmp_path, D1)
    assert report_dir.approved_digest_problem(D1, str(tmp_path)) == ""
    assert report_dir.approved_digest_problem("e3b0c442" + "9" * 56, str(tmp_path)) == ""
    assert report_dir.approved_digest_problem("", str(tmp_path)) == ""
    assert report_dir.approved_digest_problem(D1[:5] + "x", str(tmp_path / "absent")) == ""


def test_resemblance():
    assert report_dir.resembles(D1[:6], D1) and not report_dir.resembles(D1[:5], D1)
    assert report_dir.resembles(D1[:-3] + "fff", D1) and not report_dir.resembles("fffff" + D1[5:], D1)


def _report(path, cards, check=False, age=0):
    path.write_text(json.dumps({"kind": "apply", "meta": {"check_mode": check}, "cards": cards}))
    os.utime(path, (1_700_000_000 - age, 1_700_000_000 - age))


def test_learned_approval_from_the_newest_apply_reports(tmp_path):
    _report(tmp_path / "apply-0123456789ab-h.json", [
        {"profile_template_uuid": "t-pending", "outcome": "pending"},
        {"profile_template_uuid": "t-direct", "outcome": "changed"},
        {"profile_template_uuid": "t-both", "outcome": "changed"}, {"profile_template_uuid": "t-both", "outcome": "pending"}])
    _report(tmp_path / "apply-0123456789ab-h-check.json", [{"profile_template_uuid": "t-check", "outcome": "pending"}],
            check=True)
    _report(tmp_path / "apply-0123456789ab-old.json", [{"profile_template_uuid": "t-old", "outcome": "pending"}], age=100)
    (tmp_path / "apply-0123456789ab-broken.json").write_text("{")
    assert report_dir.learned_approval(str(tmp_path)) == {
        "t-pending": True, "t-direct": False, "t-both": True, "t-old": True}
    assert "t-old" not in report_dir.learned_approval(str(tmp_path), limit=2)
    known = report_dir.approval_templates(str(tmp_path), ["  Executive Smart Card ", "t-direct", ""])
    assert known["executive smart card"] is True and known["t-direct"] is True
