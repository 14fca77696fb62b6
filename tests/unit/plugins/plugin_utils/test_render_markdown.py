"""Unit tests of plugins/plugin_utils/render_markdown.py."""

from ansible_collections.mim.cm.plugins.plugin_utils.card_inputs import card_inputs
from ansible_collections.mim.cm.plugins.plugin_utils.change_plan import lifecycle_plan
from ansible_collections.mim.cm.plugins.plugin_utils.render_markdown import md_table, report_markdown

from card_cases import mixed_plan_maker

mixed_plan = mixed_plan_maker(card_inputs, lifecycle_plan)


def test_table_cells_are_escaped():
    assert md_table(["a|b"], [("x\ny",)]) == "| a\\|b |\n|---|\n| x y |"


def test_plan_lists_every_row_and_how_to_approve():
    plan = mixed_plan(ticket="CHG|1")
    md = report_markdown(plan, {"generated_by": "me"})
    assert "- Change ticket: CHG\\|1" in md and "- generated_by: me\n" in md
    for row in plan["rows"]:
        assert sum(line.startswith("| %s |" % row["key"]) for line in md.splitlines()) == 1
    assert "smartcard_lifecycle_approved_plan_digest=%s" % plan["digest"] in md
    assert md.index("| Active | 2 |") < md.index("| Retired | 1 |") < md.index("| Missing | 1 |")


def test_apply_lists_only_the_sections_with_cards():
    md = report_markdown({"kind": "apply", "ok": True, "meta": {}, "outcomes": {"changed": 1},
                          "counts_before": {"Active": 1}, "counts_after": {"Retired": 1}, "failed": [],
                          "pending": [], "cannot": []})
    assert md.startswith("# Smart card lifecycle apply: OK") and "## Failed" not in md


def test_inventory():
    md = report_markdown({"kind": "inventory", "meta": {"host": "h"}, "total": 3, "missing": ["x"],
                          "status_counts": {"Retired": 1, "Active": 2}, "templates": [],
                          "operation_counts": {"Retire": 2}})
    assert "- Cards: 3 (missing: 1)" in md and md.index("| Active | 2 |") < md.index("| Retired | 1 |")
