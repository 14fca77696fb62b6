# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report files of an apply, rendered in one pass: JSON, Markdown, HTML and the brief summary
the role prints and decides on.
"""

from __future__ import annotations

import json

from ansible_collections.mim.cm.plugins.plugin_utils.render_common import headline
from ansible_collections.mim.cm.plugins.plugin_utils.render_html import report_html
from ansible_collections.mim.cm.plugins.plugin_utils.render_markdown import report_markdown


def report_files(summary, first=5, meta=None):
    """An apply summary rendered once into the texts of its three report files, plus a brief summary.

    Returns ``{"json", "md", "html", "brief"}``. ``brief`` holds what the role prints and decides on
    (meta, outcomes, counts before and after, total, ok, failed_count, the ``first`` failed cards,
    pending_count, and the report's ``headline``, ``level`` and ``verdict``), so the whole summary
    (every card) is walked once here and never kept as a variable (in ansible-core 2.19 every
    variable holding every card costs seconds per use at 10,000 cards). A plan (kind plan) gives
    its JSON (with ``meta`` when given), Markdown and HTML, and a brief without cards.
    """
    plain = json.loads(json.dumps(summary))  # one walk of the (lazy) input; plain data from here on
    if plain.get("kind") == "plan":
        if meta:
            plain["meta"] = dict(meta)
        brief = {k: plain.get(k) for k in ("digest", "target_status", "change_ticket", "totals", "duplicates")}
        return {"json": json.dumps(plain, indent=1, sort_keys=True, separators=(",", ": ")),
                "md": report_markdown(plain, meta), "html": report_html(plain), "brief": brief}
    failed = plain.get("failed") or []
    brief = {k: plain.get(k) for k in ("kind", "meta", "outcomes", "counts_before", "counts_after", "total", "ok")}
    brief.update(failed_count=len(failed), failed_first=failed[:int(first)],
                 pending_count=len(plain.get("pending") or []))
    brief["level"], brief["verdict"], brief["headline"] = headline(plain)
    return {"json": json.dumps(plain, indent=1, sort_keys=True, separators=(",", ": ")),
            "md": report_markdown(plain), "html": report_html(plain), "brief": brief}
