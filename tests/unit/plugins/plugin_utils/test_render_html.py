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
    assert "FAILED" in text and "<script>" not in apply_page and "<title>Smart card lifecycle apply &lt;T&gt;</title>" in apply_page
    inventory_page = report_html({"kind": "inventory", "meta": {}, "total": 1, "missing": ["m1", "m2"],
                                  "status_counts": {"Active": 1}, "templates": [], "operation_counts": {}})
    assert "Missing (2)" in _valid(inventory_page)
