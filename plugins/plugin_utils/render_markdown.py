# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plans, apply summaries and inventories as Markdown. Linear in the number of cards: the
roles never build large documents in Jinja.
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
    apply_title,
    card_rows,
    duplicates_line,
    escape_md,
    headline,
    meta_word_rows,
    outcome_word_rows,
    plan_rows,
    plan_template_rows,
    status_rows,
    template_rows,
)

# The sections of cards that need a reader's attention, before the list of every card.
EXCEPTIONS = (("Could not be changed", "failed"), ("Waiting for approval in CM", "pending"),
              ("Cannot be changed or not found, known when planned", "cannot"))


def md_table(headers, rows):
    lines = ["| " + " | ".join(escape_md(h) for h in headers) + " |",
             "|" + "|".join("---" for dummy in headers) + "|"]
    lines.extend("| " + " | ".join(escape_md(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def plan_markdown(plan, meta=None):
    totals = plan.get("totals", {})
    title = "# Smart card change plan %s: %d card(s) to change to %s" % (
        escape_md(plan.get("change_ticket")) or "(no change ticket)", totals.get("change", 0),
        escape_md(plan.get("target_status")))
    lines = [title, "",
             "- Target status: **%s**" % escape_md(plan.get("target_status")),
             "- Change ticket: %s" % (escape_md(plan.get("change_ticket")) or "(none)"),
             "- Digest (SHA-256): `%s`" % plan.get("digest"), ""]
    for k, v in meta_word_rows(meta or {}):
        lines.insert(-1, "- %s: %s" % (escape_md(k), escape_md(v)))
    lines.append(md_table(["action", "cards"], [(ACTION_WORDS[a], totals.get(a, 0)) for a in ACTIONS]
                          + [("total", totals.get("total", 0))]))
    if duplicates_line(plan):
        lines += ["", "**Listed twice:** %s." % escape_md(duplicates_line(plan))]
    lines += ["", "## By profile template", ""]
    if not plan.get("templates_named"):
        lines += ["Template names were not read for this plan: the uuid stands for the name.", ""]
    lines.append(md_table(PLAN_TEMPLATE_HEADERS, plan_template_rows(plan)))
    counts = plan.get("status_counts", {})
    lines += ["", "## Current status", "",
              md_table(["status", "cards"], [(n, counts.get(n, 0)) for n in SmartcardStatus.order(counts)]),
              "", "## Every card (%d)" % len(plan.get("rows") or []), ""]
    lines.append(md_table(PLAN_HEADERS, plan_rows(plan)))
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
    check = bool(meta.get("check_mode"))
    level, verdict, text = headline(summary)
    lines = ["# %s" % escape_md(apply_title(summary)), ""]
    if check:
        lines += ["> **%s.** The outcomes below are what a real run would do." % CHECK_BANNER, ""]
    lines += ["**%s** %s" % (verdict if not check else "CHECK MODE:", escape_md(text)), ""]
    lines.extend("- %s: %s" % (escape_md(k), escape_md(v)) for k, v in meta_word_rows(meta))
    lines += ["", "## Outcomes", "",
              md_table(["outcome", "cards"], outcome_word_rows(summary.get("outcomes", {}), check)),
              "", "## Status before and %s" % ("as it would be after" if check else "after"), "",
              md_table(["status", "before", "would be" if check else "after"], status_rows(summary))]
    for title, key in EXCEPTIONS:
        cards = summary.get(key) or []
        if cards:
            lines += ["", "## %s (%d)" % (title, len(cards)), "",
                      md_table(CARD_HEADERS, card_rows(cards, check))]
    cards = summary.get("cards") or []
    lines += ["", "## Every card (%d)" % len(cards), "", md_table(CARD_HEADERS, card_rows(cards, check)), ""]
    return "\n".join(lines)


def inventory_markdown(summary):
    missing = len(summary.get("missing") or [])
    lines = ["# Smart card inventory: %d card(s)%s" % (
        summary.get("total", 0), ", %d not found" % missing if missing else ""), ""]
    lines.extend("- %s: %s" % (escape_md(k), escape_md(v)) for k, v in meta_word_rows(summary.get("meta", {})))
    counts = summary.get("status_counts", {})
    lines += ["- Cards: %d (missing: %d)" % (summary.get("total", 0), missing),
              "", "## By status", "",
              md_table(["status", "cards"], [(n, counts[n]) for n in SmartcardStatus.order(counts)]),
              "", "## By profile template", "",
              md_table(["profile template", "cards"], template_rows(summary)),
              "", "## Operations the caller may request", "",
              md_table(["operation", "cards"], sorted(summary.get("operation_counts", {}).items())),
              ""]
    if missing:
        lines += ["## Missing: no card has these ids (%d)" % missing, "",
                  ", ".join(escape_md(m) for m in summary["missing"]), ""]
    return "\n".join(lines)
