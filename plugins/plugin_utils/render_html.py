# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply summaries and inventories as one self-contained HTML page: inline CSS, an inline SVG
bar chart, no external resource, everything HTML-escaped. Linear in the number of cards.
"""

from __future__ import annotations

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus
from ansible_collections.mim.cm.plugins.plugin_utils.render_common import (
    ACTION_WORDS,
    ACTIONS,
    CARD_HEADERS,
    CHECK_BANNER,
    PLAN_HEADERS,
    PLAN_TEMPLATE_HEADERS,
    apply_subject,
    apply_title,
    card_rows,
    duplicates_line,
    escape_html as _e,
    headline,
    meta_word_rows,
    outcome_word_rows,
    plan_rows,
    plan_template_rows,
    status_rows,
    template_rows,
)
from ansible_collections.mim.cm.plugins.plugin_utils.render_markdown import EXCEPTIONS

_CSS = """
body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:.9em}
th{background:#f2f2f2}td.n{text-align:right}
.ok{color:#1a7f37}.bad{color:#b42318}.warn{color:#9a6700}.check{color:#6639ba}
.headline{font-size:1.3em;font-weight:bold;padding:.5em .8em;border-left:.4em solid;margin:.8em 0}
.headline.ok{background:#e9f6ec}.headline.bad{background:#fdecea}.headline.warn{background:#fff4d6}
.headline.check{background:#f1ebfb}
.banner{background:#6639ba;color:#fff;font-size:1.4em;font-weight:bold;padding:.6em .8em;margin:0 0 .8em}
.badge{display:inline-block;padding:0 .4em;margin-right:.5em;border:2px solid;border-radius:.2em}
.meta td:first-child{font-weight:bold}
details{margin:.5em 0}summary{cursor:pointer;font-weight:bold}
code{font-family:SFMono-Regular,Consolas,monospace;font-size:.85em}
"""


def bar_chart_svg(series, title="Cards by status"):
    """An inline SVG grouped bar chart. ``series``: [(label, {status: count}, colour)]."""
    names = SmartcardStatus.order(set().union(*[set(s[1]) for s in series]) if series else set())
    peak = max([1] + [c for s in series for c in s[1].values()])
    group_w = 24 * max(1, len(series)) + 24
    width = max(320, 60 + group_w * len(names))
    height = 240
    base = 190
    scale = 150.0 / peak
    out = ['<svg xmlns="http://www.w3.org/2000/svg" role="img" width="%d" height="%d" '
           'viewBox="0 0 %d %d" aria-label="%s">' % (width, height, width, height, _e(title)),
           '<title>%s</title>' % _e(title),
           '<line x1="40" y1="%d" x2="%d" y2="%d" stroke="#888"/>' % (base, width - 10, base)]
    for gi, name in enumerate(names):
        x0 = 50 + gi * group_w
        for si, (label, counts, colour) in enumerate(series):
            n = int(counts.get(name, 0))
            h = int(round(n * scale))
            x = x0 + si * 24
            out.append('<rect x="%d" y="%d" width="20" height="%d" fill="%s">'
                       '<title>%s %s: %d</title></rect>'
                       % (x, base - h, h, _e(colour), _e(label), _e(name), n))
            out.append('<text x="%d" y="%d" font-size="10" text-anchor="middle">%d</text>'
                       % (x + 10, base - h - 3, n))
        out.append('<text x="%d" y="%d" font-size="11" text-anchor="middle">%s</text>'
                   % (x0 + 12 * len(series), base + 16, _e(name)))
    for si, (label, dummy, colour) in enumerate(series):
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
                   '<text x="%d" y="%d" font-size="11">%s</text>'
                   % (50 + si * 110, height - 18, _e(colour), 64 + si * 110, height - 9, _e(label)))
    out.append("</svg>")
    return "".join(out)


def _page(title, body):
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n%s\n</body>\n</html>\n'
            % (_e(title), _CSS, body))


def html_table(headers, rows, numeric=()):
    out = ["<table><thead><tr>"]
    out.extend("<th>%s</th>" % _e(h) for h in headers)
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            cls = ' class="n"' if i in numeric else ""
            out.append("<td%s>%s</td>" % (cls, _e(cell)))
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _meta_table(meta):
    return ['<table class="meta"><tbody>'] + [
        "<tr><td>%s</td><td>%s</td></tr>" % (_e(k), _e(v)) for k, v in meta_word_rows(meta)]


def _headline(level, verdict, text):
    return '<p class="headline %s"><span class="badge">%s</span>%s</p>' % (level, _e(verdict), _e(text))


def report_html(summary):
    """The HTML page of a plan (kind plan), an apply summary (kind apply) or an inventory (kind
    inventory). An apply page says what happened in its title and headline, in the colour of the
    worst outcome, or CHECK MODE in its own colour; it lists the cards that need attention first,
    then every card in a collapsible list."""
    if summary.get("kind") == "inventory":
        return inventory_html(summary)
    if summary.get("kind") == "plan":
        return plan_html(summary)
    meta = summary.get("meta", {})
    check = bool(meta.get("check_mode"))
    level, verdict, text = headline(summary)
    body = []
    if check:
        body.append('<p class="banner">%s. The outcomes below are what a real run would do.</p>' % CHECK_BANNER)
    body.append('<h1 class="%s">%s</h1>' % (level, _e(apply_title(summary) if check else apply_subject(summary))))
    body.append(_headline(level, "CHECK MODE" if check else verdict, text))
    body.extend(_meta_table(meta))
    body.append("</tbody></table>")
    body.append("<h2>Outcomes</h2>")
    body.append(html_table(["outcome", "cards"], outcome_word_rows(summary.get("outcomes", {}), check),
                           numeric=(1,)))
    after = "would be" if check else "after"
    body.append("<h2>Status before and %s</h2>" % ("as it would be after (check mode)" if check else "after"))
    body.append(bar_chart_svg([("before", summary.get("counts_before", {}), "#9aa5b1"),
                               (after, summary.get("counts_after", {}), "#6639ba" if check else "#2f6fde")],
                              "Cards by status, before and %s" % after))
    body.append(html_table(["status", "before", after], status_rows(summary), numeric=(1, 2)))
    for (title, key), cls in zip(EXCEPTIONS, ("bad", "warn", "")):
        cards = summary.get(key) or []
        body.append('<h2 class="%s">%s (%d)</h2>' % (cls, _e(title), len(cards)))
        body.append(html_table(CARD_HEADERS, card_rows(cards, check)) if cards else "<p>None.</p>")
    cards = summary.get("cards") or []
    body.append("<h2>Every card (%d)</h2>" % len(cards))
    body.append("<details><summary>Show every card with its outcome (%d)</summary>%s</details>"
                % (len(cards), html_table(CARD_HEADERS, card_rows(cards, check))))
    return _page(apply_title(summary), "\n".join(body))


def plan_html(plan):
    """The plan as a page an approver reads: the summary by profile template first, then every card."""
    totals = plan.get("totals", {})
    ticket = plan.get("change_ticket") or "(no change ticket)"
    title = "Smart card change plan %s: %d card(s) to change to %s" % (ticket, totals.get("change", 0),
                                                                       plan.get("target_status"))
    body = ["<h1>%s</h1>" % _e(title)]
    body.extend(_meta_table(dict(plan.get("meta") or {}, target_status=plan.get("target_status"),
                                 change_ticket=plan.get("change_ticket"))))
    body.append("<tr><td>Plan digest (SHA-256)</td><td><code>%s</code></td></tr></tbody></table>" % _e(plan.get("digest")))
    body.append(html_table(["action", "cards"], [(ACTION_WORDS[a], totals.get(a, 0)) for a in ACTIONS]
                           + [("total", totals.get("total", 0))], numeric=(1,)))
    if duplicates_line(plan):
        body.append('<p class="warn"><b>Listed twice:</b> %s.</p>' % _e(duplicates_line(plan)))
    body.append("<h2>By profile template</h2>")
    if not plan.get("templates_named"):
        body.append("<p>Template names were not read for this plan: the uuid stands for the name.</p>")
    body.append(html_table(PLAN_TEMPLATE_HEADERS, plan_template_rows(plan), numeric=(2, 3, 4, 5, 6)))
    rows = plan.get("rows") or []
    body.append("<h2>Every card (%d)</h2>" % len(rows))
    body.append(html_table(PLAN_HEADERS, plan_rows(plan)))
    body.append("<p>Approve by passing <code>smartcard_lifecycle_approved_plan_digest=%s</code> with "
                "<code>smartcard_lifecycle_mode=apply</code>.</p>" % _e(plan.get("digest")))
    return _page(title, "\n".join(body))


def inventory_html(summary, card_limit=5000):
    missing = summary.get("missing") or []
    title = "Smart card inventory: %d card(s)%s" % (
        summary.get("total", 0), ", %d missing" % len(missing) if missing else "")
    body = ["<h1>%s</h1>" % _e(title)]
    body.extend(_meta_table(summary.get("meta", {})))
    body.append("<tr><td>Cards</td><td>%d</td></tr><tr><td>Missing (no card has the id)</td><td>%d</td></tr>"
                % (summary.get("total", 0), len(missing)))
    body.append("</tbody></table><h2>By status</h2>")
    counts = summary.get("status_counts", {})
    body.append(bar_chart_svg([("cards", counts, "#2f6fde")], "Cards by status"))
    body.append(html_table(["status", "cards"], [(n, counts[n]) for n in SmartcardStatus.order(counts)],
                           numeric=(1,)))
    body.append("<h2>By profile template</h2>")
    body.append(html_table(["profile template", "cards"], template_rows(summary), numeric=(1,)))
    body.append("<h2>Operations the caller may request</h2>")
    body.append(html_table(["operation", "cards"],
                           sorted(summary.get("operation_counts", {}).items()), numeric=(1,)))
    if missing:
        body.append("<h2>Missing (%d)</h2><p>%s</p>" % (len(missing), _e(", ".join(missing[:card_limit]))))
    return _page(title, "\n".join(body))
