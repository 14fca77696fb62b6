"""Unit tests of plugins/plugin_utils/render_html.py: valid, escaped, self-contained pages."""

from ansible_collections.mim.cm.plugins.plugin_utils.render_html import bar_chart_svg, html_table, report_html

from card_cases import HtmlChecker


def _valid(page):
    checker = HtmlChecker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [] and checker.external == []
    return " ".join(checker.text)


def test_chart_in_status_order_with_escaped_labels():
    svg = bar_chart_svg([("<b>", {"Retired": 2, "Active": 1, "Zed": 1}, "#000")], "t&t")
    assert svg.index(">Active<") < svg.index(">Retired<") < svg.index(">Zed<")
    assert "&lt;b&gt;" in svg and "t&amp;t" in svg and "<b>" not in svg


def test_table_numeric_cells():
    assert '<td class="n">2</td>' in html_table(["a", "n"], [("x", 2)], numeric=(1,))


def test_apply_and_inventory_pages():
    apply_page = report_html({"kind": "apply", "ok": False, "meta": {"change_ticket": "<T>"},
                              "outcomes": {"failed": 1}, "counts_before": {"Active": 1}, "counts_after": {"Active": 1},
                              "failed": [{"key": "k", "outcome": "failed", "msg": "<script>"}], "pending": [], "cannot": []})
    text = _valid(apply_page)
    assert "FAILED" in text and "<script>" not in apply_page and "<title>Smart card apply &lt;T&gt; (): 1 could not be changed</title>" in apply_page
    inventory_page = report_html({"kind": "inventory", "meta": {}, "total": 1, "missing": ["m1", "m2"],
                                  "status_counts": {"Active": 1}, "templates": [], "operation_counts": {}})
    assert "Missing (2)" in _valid(inventory_page)


def _apply(outcomes, check=False, cards=None):
    cards = cards or [{"key": "k%d" % i, "outcome": o, "msg": "m"} for i, o in enumerate(
        o for o, n in outcomes.items() for dummy in range(n))]
    return {"kind": "apply", "ok": not any(c["outcome"] in ("failed", "skipped") for c in cards),
            "meta": {"change_ticket": "CHG7", "target_status": "Retired", "check_mode": check},
            "outcomes": outcomes, "counts_before": {"Active": len(cards)}, "counts_after": {"Retired": len(cards)},
            "cards": cards, "failed": [c for c in cards if c["outcome"] in ("failed", "skipped")],
            "pending": [c for c in cards if c["outcome"] == "pending"], "cannot": []}


def test_check_mode_page_cannot_be_taken_for_a_real_run():
    page = report_html(_apply({"changed": 2}, check=True))
    text = _valid(page)
    assert "<title>CHECK MODE: nothing was written - Smart card apply CHG7 (Retired)</title>" in page
    assert text.count("CHECK MODE") >= 3 and "2 would be changed" in text and "would be changed" in text
    assert 'class="banner"' in page and 'class="headline check"' in page
    assert "Cards by status, before and would be" in page and ">would be<" in page and ">after<" not in page


def test_real_page_headline_says_what_happened_in_the_colour_of_the_worst_outcome():
    page = report_html(_apply({"changed": 42, "pending": 3, "skipped": 2}))
    assert "<title>Smart card apply CHG7 (Retired): 42 changed, 3 waiting for approval, 2 could not be changed</title>" in page
    assert '<p class="headline bad"><span class="badge">FAILED</span>42 changed, 3 waiting for approval, 2 could not ' \
           'be changed</p>' in page and "CHECK MODE" not in page
    assert 'class="headline warn"' in report_html(_apply({"changed": 1, "pending": 1}))
    assert '<span class="badge">DONE</span>1 changed' in report_html(_apply({"changed": 1}))


def test_every_card_is_listed_the_exceptions_first_then_a_collapsible_list():
    page = report_html(_apply({"skipped": 1, "changed": 2}))
    _valid(page)
    refused = page.index("Could not be changed (1)")
    every = page.index("<details><summary>Show every card with its outcome (3)</summary>")
    assert refused < every
    # the outcomes table, the cards that need attention, every card
    assert page.count("<td>changed</td>") == 1 + 0 + 2 and page.count("<td>refused: could not be changed</td>") == 1 + 1 + 1
    assert "not_started" not in page and "already_done" not in page


def test_plan_page_for_an_approver():
    plan = {"kind": "plan", "digest": "d" * 64, "target_status": "Retired", "change_ticket": "CHG7",
            "totals": {"change": 1, "already_done": 0, "cannot": 0, "missing": 1, "total": 2},
            "templates_named": True, "duplicates": {"count": 1, "cards": [{"key": "k1", "times": 2}]},
            "rows": [{"key": "k1", "uuid": "k1", "card_id": "c1", "status_name": "Active", "action": "change",
                      "reason": "Active -> Retired", "profile_template": "Executive <Smart> Card",
                      "profile_template_uuid": "t1", "owner_uuid": "o1", "needs_approval": True},
                     {"key": "k2", "uuid": None, "card_id": None, "status_name": None, "action": "missing",
                      "reason": "no card has this uuid or card id", "profile_template": None}],
            "by_template": [{"profile_template": "Executive <Smart> Card", "profile_template_uuid": "t1",
                             "needs_approval": True, "change": 1, "already_done": 0, "cannot": 0, "missing": 0,
                             "total": 1}],
            "meta": {"generated_by": "jsmith"}}
    page = report_html(plan)
    text = _valid(page)
    assert "<title>Smart card change plan CHG7: 1 card(s) to change to Retired</title>" in page
    assert "Executive &lt;Smart&gt; Card" in page and "<td>required</td>" in page and "<td>o1</td>" in page
    assert page.index("By profile template") < page.index("Every card (2)")
    assert "k1 (2 times)" in text and "Generated by" in text and "d" * 64 in text
