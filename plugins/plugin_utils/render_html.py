# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply summaries and inventories as one self-contained HTML page: inline CSS, an inline SVG
bar chart, no external resource, everything HTML-escaped. Linear in the number of cards.
"""

from __future__ import annotations

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus
from ansible_collections.mim.cm.plugins.plugin_utils.render_common import (
    CARD_HEADERS,
    card_rows,
    escape_html as _e,
    meta_rows,
    outcome_rows,
    status_rows,
    template_rows,
)

_CSS = """
body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:.9em}
th{background:#f2f2f2}td.n{text-align:right}
.ok{color:#1a7f37}.bad{color:#b42318}.warn{color:#9a6700}
.meta td:first-child{font-weight:bold}
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
        "<tr><td>%s</td><td>%s</td></tr>" % (_e(k), _e(v)) for k, v in meta_rows(meta)]


def report_html(summary):
    """The HTML page of an apply summary (kind apply) or an inventory (kind inventory)."""
    if summary.get("kind") == "inventory":
        return inventory_html(summary)
    meta = summary.get("meta", {})
    ok = summary.get("ok")
    body = ['<h1>Smart card lifecycle apply: <span class="%s">%s</span></h1>'
            % ("ok" if ok else "bad", "OK" if ok else "FAILED")]
    body.extend(_meta_table(meta))
    body.append("</tbody></table>")
    body.append("<h2>Outcomes</h2>")
    body.append(html_table(["outcome", "cards"], outcome_rows(summary.get("outcomes", {})),
                           numeric=(1,)))
    body.append("<h2>Status before and after</h2>")
    body.append(bar_chart_svg([("before", summary.get("counts_before", {}), "#9aa5b1"),
                               ("after", summary.get("counts_after", {}), "#2f6fde")],
                              "Cards by status, before and after"))
    body.append(html_table(["status", "before", "after"], status_rows(summary), numeric=(1, 2)))
    for title, key, cls in (("Failed or not done", "failed", "bad"),
                            ("Pending approval", "pending", "warn"),
                            ("Cannot change / missing", "cannot", "")):
        cards = summary.get(key) or []
        body.append('<h2 class="%s">%s (%d)</h2>' % (cls, _e(title), len(cards)))
        if cards:
            body.append(html_table(CARD_HEADERS, card_rows(cards)))
        else:
            body.append("<p>None.</p>")
    return _page("Smart card lifecycle apply %s" % meta.get("change_ticket", ""), "\n".join(body))


def inventory_html(summary, card_limit=5000):
    body = ["<h1>Smart card inventory</h1>"]
    body.extend(_meta_table(summary.get("meta", {})))
    body.append("<tr><td>cards</td><td>%d</td></tr><tr><td>missing</td><td>%d</td></tr>"
                % (summary.get("total", 0), len(summary.get("missing") or [])))
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
    if summary.get("missing"):
        body.append("<h2>Missing (%d)</h2><p>%s</p>" % (
            len(summary["missing"]), _e(", ".join(summary["missing"][:card_limit]))))
    return _page("Smart card inventory", "\n".join(body))
