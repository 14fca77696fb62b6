# -*- coding: utf-8 -*-
# Copyright (c) mim.cm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render plans and reports as Markdown and as one self-contained HTML page (inline CSS, an
inline SVG bar chart, no external resource, everything HTML-escaped). Pure Python, linear in
the number of cards: the roles never build large documents in Jinja.
"""

from __future__ import annotations

import html
import json

# Chart and table order of the SmartcardStatus names (docs/dev/contracts.md); names not in it
# (unknown integers, 'Missing') follow in alphabetical order.
_STATUS_ORDER = ("None", "New", "Assigned", "Active", "Suspended", "Disabled", "Retired")

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


def _e(value):
    return html.escape("" if value is None else str(value), quote=True)


def _md(value):
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _order(names):
    names = [n for n in names if n is not None]
    known = [n for n in _STATUS_ORDER if n in names]
    return known + sorted(n for n in names if n not in _STATUS_ORDER)


def bar_chart_svg(series, title="Cards by status"):
    """An inline SVG grouped bar chart. ``series``: [(label, {status: count}, colour)]."""
    names = _order(set().union(*[set(s[1]) for s in series]) if series else set())
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


def _html_table(headers, rows, numeric=()):
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


def _md_table(headers, rows):
    lines = ["| " + " | ".join(_md(h) for h in headers) + " |",
             "|" + "|".join("---" for dummy in headers) + "|"]
    lines.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def _meta_rows(meta):
    return [(k, meta[k]) for k in sorted(meta) if meta[k] not in (None, "", [], {})]


# ---------------------------------------------------------------- plan

def plan_markdown(plan, meta=None):
    totals = plan.get("totals", {})
    lines = ["# Smart card lifecycle plan", "",
             "- Target status: **%s**" % _md(plan.get("target_status")),
             "- Change ticket: %s" % (_md(plan.get("change_ticket")) or "(none)"),
             "- Digest (SHA-256): `%s`" % plan.get("digest"), ""]
    for k, v in _meta_rows(meta or {}):
        lines.insert(-1, "- %s: %s" % (_md(k), _md(v)))
    actions = ("change", "already_done", "cannot", "missing", "total")
    lines.append(_md_table(["action", "cards"], [(a, totals.get(a, 0)) for a in actions]))
    lines += ["", "## Current status", "",
              _md_table(["status", "cards"], [(n, plan.get("status_counts", {}).get(n, 0))
                                              for n in _order(plan.get("status_counts", {}))]),
              "", "## Cards", ""]
    lines.append(_md_table(["key", "uuid", "card id", "status", "action", "reason"],
                           [(r["key"], r["uuid"] or "", r["card_id"] or "", r["status_name"] or "",
                             r["action"], r["reason"]) for r in plan.get("rows") or []]))
    lines += ["", "Approve by passing `smartcard_lifecycle_approved_plan_digest=%s` with "
              "`smartcard_lifecycle_mode=apply`." % plan.get("digest"), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- apply

_OUTCOME_ORDER = ("changed", "done_earlier", "unchanged", "already_done", "pending", "failed",
                  "not_started", "skipped", "cannot", "missing")


def _outcome_rows(outcomes):
    names = [o for o in _OUTCOME_ORDER if o in outcomes] + sorted(
        o for o in outcomes if o not in _OUTCOME_ORDER)
    return [(o, outcomes[o]) for o in names]


def _status_rows(summary):
    before = summary.get("counts_before", {})
    after = summary.get("counts_after", {})
    return [(n, before.get(n, 0), after.get(n, 0)) for n in _order(set(before) | set(after))]


def _card_rows(cards):
    return [(c.get("key"), c.get("uuid") or "", c.get("before") or "", c.get("after") or "",
             c.get("outcome"), c.get("request_id") or "", c.get("msg") or "") for c in cards]


_CARD_HEADERS = ["key", "uuid", "before", "after", "outcome", "request id", "reason"]


def report_markdown(summary, meta=None):
    """Markdown for a plan (kind plan), an apply summary (kind apply) or an inventory."""
    if summary.get("kind") == "inventory":
        return inventory_markdown(summary)
    if summary.get("kind") == "plan":
        return plan_markdown(summary, meta)
    meta = summary.get("meta", {})
    verdict = "OK" if summary.get("ok") else "FAILED"
    lines = ["# Smart card lifecycle apply: %s" % verdict, ""]
    lines.extend("- %s: %s" % (_md(k), _md(v)) for k, v in _meta_rows(meta))
    lines += ["", "## Outcomes", "",
              _md_table(["outcome", "cards"], _outcome_rows(summary.get("outcomes", {}))),
              "", "## Status before and after", "",
              _md_table(["status", "before", "after"], _status_rows(summary))]
    for title, key in (("Failed or not done", "failed"), ("Pending approval", "pending"),
                       ("Cannot change / missing", "cannot")):
        cards = summary.get(key) or []
        if cards:
            lines += ["", "## %s (%d)" % (title, len(cards)), "",
                      _md_table(_CARD_HEADERS, _card_rows(cards))]
    lines.append("")
    return "\n".join(lines)


def report_html(summary):
    if summary.get("kind") == "inventory":
        return inventory_html(summary)
    meta = summary.get("meta", {})
    ok = summary.get("ok")
    body = ['<h1>Smart card lifecycle apply: <span class="%s">%s</span></h1>'
            % ("ok" if ok else "bad", "OK" if ok else "FAILED"),
            '<table class="meta"><tbody>']
    body.extend("<tr><td>%s</td><td>%s</td></tr>" % (_e(k), _e(v)) for k, v in _meta_rows(meta))
    body.append("</tbody></table>")
    body.append("<h2>Outcomes</h2>")
    body.append(_html_table(["outcome", "cards"], _outcome_rows(summary.get("outcomes", {})),
                            numeric=(1,)))
    body.append("<h2>Status before and after</h2>")
    body.append(bar_chart_svg([("before", summary.get("counts_before", {}), "#9aa5b1"),
                               ("after", summary.get("counts_after", {}), "#2f6fde")],
                              "Cards by status, before and after"))
    body.append(_html_table(["status", "before", "after"], _status_rows(summary),
                            numeric=(1, 2)))
    for title, key, cls in (("Failed or not done", "failed", "bad"),
                            ("Pending approval", "pending", "warn"),
                            ("Cannot change / missing", "cannot", "")):
        cards = summary.get(key) or []
        body.append('<h2 class="%s">%s (%d)</h2>' % (cls, _e(title), len(cards)))
        if cards:
            body.append(_html_table(_CARD_HEADERS, _card_rows(cards)))
        else:
            body.append("<p>None.</p>")
    return _page("Smart card lifecycle apply %s" % meta.get("change_ticket", ""), "\n".join(body))


def report_files(summary, first=5):
    """An apply summary rendered once into the texts of its three report files, plus a brief summary.

    Returns ``{"json", "md", "html", "brief"}``. ``brief`` holds what the role prints and decides on
    (meta, outcomes, counts before and after, total, ok, failed_count, the ``first`` failed cards,
    pending_count), so the whole summary (every card) is walked once here and never kept as a variable
    (in ansible-core 2.19 every variable holding every card costs seconds per use at 10,000 cards).
    """
    plain = json.loads(json.dumps(summary))  # one walk of the (lazy) input; plain data from here on
    failed = plain.get("failed") or []
    brief = {k: plain.get(k) for k in ("kind", "meta", "outcomes", "counts_before", "counts_after", "total", "ok")}
    brief.update(failed_count=len(failed), failed_first=failed[:int(first)],
                 pending_count=len(plain.get("pending") or []))
    return {"json": json.dumps(plain, indent=1, sort_keys=True, separators=(",", ": ")),
            "md": report_markdown(plain), "html": report_html(plain), "brief": brief}


# ---------------------------------------------------------------- inventory

def inventory_markdown(summary):
    lines = ["# Smart card inventory", ""]
    lines.extend("- %s: %s" % (_md(k), _md(v)) for k, v in _meta_rows(summary.get("meta", {})))
    counts = summary.get("status_counts", {})
    missing = len(summary.get("missing") or [])
    lines += ["- Cards: %d (missing: %d)" % (summary.get("total", 0), missing),
              "", "## By status", "",
              _md_table(["status", "cards"], [(n, counts[n]) for n in _order(counts)]),
              "", "## By profile template", "",
              _md_table(["profile template", "cards"], _template_rows(summary)),
              "", "## Operations the caller may request", "",
              _md_table(["operation", "cards"], sorted(summary.get("operation_counts", {}).items())),
              ""]
    return "\n".join(lines)


def _template_rows(summary):
    rows = []
    for t in summary.get("templates", []):
        rows.append((t["profile_template_uuid"], t["cards"]))
    return rows


def inventory_html(summary, card_limit=5000):
    body = ["<h1>Smart card inventory</h1>", '<table class="meta"><tbody>']
    body.extend("<tr><td>%s</td><td>%s</td></tr>" % (_e(k), _e(v))
                for k, v in _meta_rows(summary.get("meta", {})))
    body.append("<tr><td>cards</td><td>%d</td></tr><tr><td>missing</td><td>%d</td></tr>"
                % (summary.get("total", 0), len(summary.get("missing") or [])))
    body.append("</tbody></table><h2>By status</h2>")
    counts = summary.get("status_counts", {})
    body.append(bar_chart_svg([("cards", counts, "#2f6fde")], "Cards by status"))
    body.append(_html_table(["status", "cards"], [(n, counts[n]) for n in _order(counts)],
                            numeric=(1,)))
    body.append("<h2>By profile template</h2>")
    body.append(_html_table(["profile template", "cards"], _template_rows(summary), numeric=(1,)))
    body.append("<h2>Operations the caller may request</h2>")
    body.append(_html_table(["operation", "cards"],
                            sorted(summary.get("operation_counts", {}).items()), numeric=(1,)))
    if summary.get("missing"):
        body.append("<h2>Missing (%d)</h2><p>%s</p>" % (
            len(summary["missing"]), _e(", ".join(summary["missing"][:card_limit]))))
    return _page("Smart card inventory", "\n".join(body))


class FilterModule(object):
    def filters(self):
        return {
            "report_markdown": report_markdown,
            "report_html": report_html,
            "report_files": report_files,
        }
