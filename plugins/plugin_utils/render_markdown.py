# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plans, apply summaries and inventories as Markdown. Linear in the number of cards: the
roles never build large documents in Jinja.
"""

from __future__ import annotations

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus
from ansible_collections.mim.cm.plugins.plugin_utils.render_common import (
    CARD_HEADERS,
    card_rows,
    escape_md,
    meta_rows,
    outcome_rows,
    status_rows,
    template_rows,
)


def md_table(headers, rows):
    lines = ["| " + " | ".join(escape_md(h) for h in headers) + " |",
             "|" + "|".join("---" for dummy in headers) + "|"]
    lines.extend("| " + " | ".join(escape_md(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def plan_markdown(plan, meta=None):
    totals = plan.get("totals", {})
    lines = ["# Smart card lifecycle plan", "",
             "- Target status: **%s**" % escape_md(plan.get("target_status")),
             "- Change ticket: %s" % (escape_md(plan.get("change_ticket")) or "(none)"),
             "- Digest (SHA-256): `%s`" % plan.get("digest"), ""]
    for k, v in meta_rows(meta or {}):
        lines.insert(-1, "- %s: %s" % (escape_md(k), escape_md(v)))
    actions = ("change", "already_done", "cannot", "missing", "total")
    lines.append(md_table(["action", "cards"], [(a, totals.get(a, 0)) for a in actions]))
    counts = plan.get("status_counts", {})
    lines += ["", "## Current status", "",
              md_table(["status", "cards"], [(n, counts.get(n, 0)) for n in SmartcardStatus.order(counts)]),
              "", "## Cards", ""]
    lines.append(md_table(["key", "uuid", "card id", "status", "action", "reason"],
                          [(r["key"], r["uuid"] or "", r["card_id"] or "", r["status_name"] or "",
                            r["action"], r["reason"]) for r in plan.get("rows") or []]))
    lines += ["", "Approve by passing `smartcard_lifecycle_approved_plan_digest=%s` with "
              "`smartcard_lifecycle_mode=apply`." % plan.get("digest"), ""]
    return "\n".join(lines)


def report_markdown(summary, meta=None):
    """Markdown for a plan (kind plan), an apply summary (kind apply) or an inventory."""
    if summary.get("kind") == "inventory":
        return inventory_markdown(summary)
    if summary.get("kind") == "plan":
        return plan_markdown(summary, meta)
    meta = summary.get("meta", {})
    verdict = "OK" if summary.get("ok") else "FAILED"
    lines = ["# Smart card lifecycle apply: %s" % verdict, ""]
    lines.extend("- %s: %s" % (escape_md(k), escape_md(v)) for k, v in meta_rows(meta))
    lines += ["", "## Outcomes", "",
              md_table(["outcome", "cards"], outcome_rows(summary.get("outcomes", {}))),
              "", "## Status before and after", "",
              md_table(["status", "before", "after"], status_rows(summary))]
    for title, key in (("Failed or not done", "failed"), ("Pending approval", "pending"),
                       ("Cannot change / missing", "cannot")):
        cards = summary.get(key) or []
        if cards:
            lines += ["", "## %s (%d)" % (title, len(cards)), "",
                      md_table(CARD_HEADERS, card_rows(cards))]
    lines.append("")
    return "\n".join(lines)


def inventory_markdown(summary):
    lines = ["# Smart card inventory", ""]
    lines.extend("- %s: %s" % (escape_md(k), escape_md(v)) for k, v in meta_rows(summary.get("meta", {})))
    counts = summary.get("status_counts", {})
    missing = len(summary.get("missing") or [])
    lines += ["- Cards: %d (missing: %d)" % (summary.get("total", 0), missing),
              "", "## By status", "",
              md_table(["status", "cards"], [(n, counts[n]) for n in SmartcardStatus.order(counts)]),
              "", "## By profile template", "",
              md_table(["profile template", "cards"], template_rows(summary)),
              "", "## Operations the caller may request", "",
              md_table(["operation", "cards"], sorted(summary.get("operation_counts", {}).items())),
              ""]
    return "\n".join(lines)
