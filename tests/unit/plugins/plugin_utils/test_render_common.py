"""Unit tests of plugins/plugin_utils/render_common.py: escaping and the rows of report tables."""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus
from ansible_collections.mim.cm.plugins.plugin_utils.render_common import (
    card_rows,
    escape_html,
    escape_md,
    meta_rows,
    outcome_rows,
    status_rows,
    template_rows,
)


def test_escaping():
    assert escape_html('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert escape_html(None) == "" and escape_md(None) == ""
    assert escape_md("a|b\\c\nd") == "a\\|b\\\\c d"


def test_statuses_in_table_order_then_the_others_alphabetically():
    summary = {"counts_before": {"Missing": 1, "Retired": 2, "Unknown(9)": 1, "Active": 3},
               "counts_after": {"Retired": 5, "New": 1}}
    assert [r[0] for r in status_rows(summary)] == ["New", "Active", "Retired", "Missing", "Unknown(9)"]
    assert status_rows(summary)[0] == ("New", 0, 1)
    assert list(SmartcardStatus.names) == ["None", "New", "Assigned", "Active", "Suspended", "Disabled", "Retired"]


def test_outcomes_meta_cards_and_templates():
    assert outcome_rows({"zzz": 1, "failed": 2, "changed": 3}) == [("changed", 3), ("failed", 2), ("zzz", 1)]
    assert meta_rows({"b": "", "a": 1, "c": None, "d": []}) == [("a", 1)]
    assert card_rows([{"key": "k", "outcome": "failed"}]) == [("k", "", "", "", "", "failed", "", "")]
    assert card_rows([{"key": "k", "outcome": "not_started"}])[0][5] == "not attempted (its batch did not run)"
    assert template_rows({"templates": [{"profile_template_uuid": "t", "cards": 2}]}) == [("t", 2)]
