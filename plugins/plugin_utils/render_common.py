# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Markdown and the HTML reports share: escaping, and the rows of their tables (meta,
outcomes, statuses before and after, cards, profile templates) in the order a reader expects.
Statuses follow the SmartcardStatus table order of mimcm_enums.
"""

from __future__ import annotations

import html

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus

# Table order of the apply outcomes; others follow alphabetically.
OUTCOME_ORDER = ("changed", "done_earlier", "unchanged", "already_done", "pending", "failed",
                 "not_started", "skipped", "cannot", "missing")

CARD_HEADERS = ["key", "uuid", "before", "after", "outcome", "request id", "reason"]


def escape_html(value):
    return html.escape("" if value is None else str(value), quote=True)


def escape_md(value):
    """A Markdown table cell: backslashes and pipes escaped, on one line."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def meta_rows(meta):
    return [(k, meta[k]) for k in sorted(meta) if meta[k] not in (None, "", [], {})]


def outcome_rows(outcomes):
    names = [o for o in OUTCOME_ORDER if o in outcomes] + sorted(
        o for o in outcomes if o not in OUTCOME_ORDER)
    return [(o, outcomes[o]) for o in names]


def status_rows(summary):
    """(status, before, after) of an apply summary."""
    before = summary.get("counts_before", {})
    after = summary.get("counts_after", {})
    return [(n, before.get(n, 0), after.get(n, 0)) for n in SmartcardStatus.order(set(before) | set(after))]


def card_rows(cards):
    return [(c.get("key"), c.get("uuid") or "", c.get("before") or "", c.get("after") or "",
             c.get("outcome"), c.get("request_id") or "", c.get("msg") or "") for c in cards]


def template_rows(summary):
    """(profile template, cards) of an inventory summary."""
    return [(t["profile_template_uuid"], t["cards"]) for t in summary.get("templates", [])]
