"""Unit tests of plugins/plugin_utils/preflight.py: control characters in text inputs, and the report
directory of an AWX job."""

from ansible_collections.mim.cm.plugins.plugin_utils.preflight import (
    control_characters,
    ephemeral_problem,
    lifecycle_preflight,
    text_problems,
)


def test_control_characters_but_tab():
    assert control_characters("CHG\t0042") == []
    assert control_characters("CHG\x000042\n\x1b\x7f\u2028") == ["\\x00", "\\x0a", "\\x1b", "\\x7f", "\\u2028"]
    assert control_characters(42) == []


def test_text_problems_name_the_variable_and_the_key():
    problems = text_problems({"smartcard_lifecycle_change_ticket": "CHG\x00", "ok": "fine",
                              "smartcard_lifecycle_data_collection": {"Reason": "lost\r\n", "A\x07": "b"}})
    assert problems == [
        "smartcard_lifecycle_change_ticket holds control characters (\\x00): remove them (a tab is allowed). "
        "Nothing was read or written",
        "smartcard_lifecycle_data_collection['A\\x07'] holds control characters (\\x07): remove them (a tab is "
        "allowed). Nothing was read or written",
        "smartcard_lifecycle_data_collection['Reason'] holds control characters (\\x0a, \\x0d): remove them (a tab "
        "is allowed). Nothing was read or written"]


def test_report_dir_inside_the_job_is_refused_only_under_awx(tmp_path):
    pdd = tmp_path / "awx_1"
    project = pdd / "project"
    project.mkdir(parents=True)
    for inside in (project / "mimcm-reports", pdd / "reports", pdd):
        msg = ephemeral_problem(str(inside), 4201, str(project), str(pdd))
        assert msg.startswith("smartcard_lifecycle_report_dir resolves to %s, inside the job's" % inside)
        assert "persistent" in msg and "smartcard_lifecycle_allow_ephemeral_report_dir" in msg and "job 4201" in msg
    assert "the job's project directory" in ephemeral_problem(str(project / "r"), 1, str(project), str(pdd))
    assert "/runner" in ephemeral_problem("/runner/project/r", 1, None, None)
    assert ephemeral_problem(str(tmp_path / "persistent"), 4201, str(project), str(pdd)) == ""
    assert ephemeral_problem(str(tmp_path / "awx_10"), 4201, None, str(pdd)) == ""  # a sibling, not inside
    assert ephemeral_problem(str(project / "r"), None, str(project), str(pdd)) == ""  # not AWX
    assert ephemeral_problem(str(project / "r"), 4201, str(project), str(pdd), allow=True) == ""


def test_lifecycle_preflight_collects_every_problem(tmp_path):
    problems = lifecycle_preflight({"texts": {"t": "a\x00"}, "report_dir": str(tmp_path / "p" / "r"),
                                    "awx_job_id": "7", "playbook_dir": str(tmp_path / "p")})
    assert len(problems) == 2 and problems[0].startswith("t holds") and "job 7" in problems[1]
    assert lifecycle_preflight({}) == []
