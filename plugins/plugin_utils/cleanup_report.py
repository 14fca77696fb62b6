# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report of the lifecycle role's cleanup mode: the requests of a change that were still waiting for a CM
approver, and what became of each (from one M(mim.cm.mimcm_request) result), as a summary, JSON and Markdown.

Written for a person first: a headline in words, check mode unmistakable in the title and the headline, outcome
labels that say what happened ("canceled", "would be canceled"), and every request listed.
"""

from __future__ import annotations

import json

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.render_common import escape_md
from ansible_collections.mim.cm.plugins.plugin_utils.render_markdown import md_table

CHECK_MODE_TITLE = "CHECK MODE: nothing was written"

# mimcm_request states -> words for the reader, (real run, check mode)
OUTCOME_WORDS = {
    "changed": ("canceled", "would be canceled"),
    "unchanged": ("already canceled", "already canceled"),
    "skipped": ("could not be canceled", "could not be canceled"),
    "failed": ("failed", "would fail"),
}
OUTCOME_ORDER = ("changed", "unchanged", "skipped", "failed")

# meta key -> label, in the order a reader wants them
META_LABELS = (
    ("change_ticket", "Change ticket"),
    ("plan_digest", "Approved plan digest"),
    ("plan_file", "Plan file"),
    ("cards", "Cards in the plan (this host)"),
    ("host", "Host"),
    ("shard", "Shard"),
    ("operator", "Operator"),
    ("started", "Started (UTC)"),
    ("finished", "Finished (UTC)"),
    ("audit_log", "Audit log"),
)


def _outcome(state, check_mode):
    words = OUTCOME_WORDS.get(state)
    return words[1 if check_mode else 0] if words else str(state)


def cleanup_summary(result, meta=None):
    """The cleanup summary of a mimcm_request result (registered, or skipped when there was nothing to select)."""
    if result is not None and not isinstance(result, dict):
        raise InvalidInput("cleanup_report: expected the registered result of mim.cm.mimcm_request (a dict), got %s"
                           % type(result).__name__)
    result = result or {}
    meta = dict(meta or {})
    check_mode = bool(meta.get("check_mode"))
    ticket = meta.get("change_ticket") or "(no ticket)"
    requests = []
    counts = dict((state, 0) for state in OUTCOME_ORDER)
    for item in result.get("results") or []:
        state = item.get("state")
        counts[state] = counts.get(state, 0) + 1
        requests.append({"id": item.get("id"), "card": item.get("card"), "before": item.get("before"),
                         "after": item.get("after"), "state": state, "outcome": _outcome(state, check_mode),
                         "msg": item.get("msg") or ""})
    error = None
    if result.get("error") or (result and "results" not in result and not result.get("skipped")):
        # the whole call failed (registered with failed_when false, so "failed" may read false): its message
        error = (result.get("error") or {}).get("msg") or result.get("msg") or "the request module gave no result"
    total = len(requests)
    problems = counts["failed"] + counts["skipped"]
    if error:
        headline = "Cleanup of change %s failed before any request was changed: %s" % (ticket, error)
    elif not total:
        headline = "No request of change %s is waiting for approval: nothing to cancel." % ticket
    else:
        done = counts["changed"]
        headline = "%d of %d pending request(s) of change %s %s" % (
            done, total, ticket, "would be canceled" if check_mode else "canceled")
        if counts["unchanged"]:
            headline += ", %d already canceled" % counts["unchanged"]
        if problems:
            headline += ", %d could not be canceled" % problems
        headline += "."
    if check_mode:
        headline = "%s. %s" % (CHECK_MODE_TITLE, headline)
    return {"kind": "cleanup", "check_mode": check_mode, "ok": not error and not problems, "headline": headline,
            "total": total, "outcomes": counts, "requests": requests, "error": error,
            "meta": dict((k, v) for k, v in meta.items() if v not in (None, "", [], {}))}


def cleanup_markdown(summary):
    meta = summary.get("meta", {})
    title = "Cleanup of change %s" % (meta.get("change_ticket") or "(no ticket)")
    if summary.get("check_mode"):
        title += " - %s" % CHECK_MODE_TITLE
    lines = ["# %s" % escape_md(title), "", "**%s**" % escape_md(summary.get("headline")), ""]
    rows = [(label, meta[key]) for key, label in META_LABELS if key in meta]
    rows.append(("Mode", "check mode (nothing was written)" if summary.get("check_mode") else "real run"))
    lines += [md_table(["", ""], rows), "", "## Outcomes", ""]
    check_mode = summary.get("check_mode")
    lines.append(md_table(["outcome", "requests"], [(_outcome(state, check_mode), summary["outcomes"].get(state, 0))
                                                    for state in OUTCOME_ORDER]))
    lines += ["", "## Requests", ""]
    if summary.get("requests"):
        lines.append(md_table(["request", "card", "status before", "status after", "outcome", "details"],
                              [(r["id"], r["card"] or "", r["before"] or "", r["after"] or "", r["outcome"], r["msg"])
                               for r in summary["requests"]]))
    else:
        lines.append("None: no request of this change was waiting for approval on the plan's cards.")
    lines.append("")
    return "\n".join(lines)


def cleanup_report(result, meta=None, first=5):
    """``{json, md, brief}``: the report texts, and what the role's summary and final check need."""
    summary = cleanup_summary(result, meta)
    troubles = [r for r in summary["requests"] if r["state"] in ("failed", "skipped")]
    brief = {"ok": summary["ok"], "headline": summary["headline"], "total": summary["total"],
             "outcomes": summary["outcomes"], "error": summary["error"], "check_mode": summary["check_mode"],
             "problem_count": len(troubles), "problems_first": [{"id": r["id"], "msg": r["msg"]} for r in troubles[:first]]}
    return {"json": json.dumps(summary, indent=1, sort_keys=True) + "\n", "md": cleanup_markdown(summary),
            "brief": brief}
