# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The apply-time check: is the approved plan intact, and do the cards still look as they did
when it was approved? Decides which cards the apply hands to the status module, tells drift
from the progress of an earlier run of the same apply, and words the drift.
"""

from __future__ import annotations

from ansible_collections.mim.cm.plugins.plugin_utils.change_plan import ROW_FIELDS, plan_digest
from ansible_collections.mim.cm.plugins.plugin_utils.sharding import shard

_UNREADABLE = "the approved plan could not be read"


def lifecycle_check(approved, digest, current, shard_index=0, shard_count=1):
    """Compare the approved plan (the whole list) with ``current`` (a fresh plan of this host's
    share of the same inputs) and decide what to apply.

    Returns {ok, problems, drift, todo, progress, rows}. ``drift``: cards whose state differs
    from the approved plan, except a card planned to 'change' that is now in the target status
    (the progress of an earlier run of this apply: that is what makes resume work). Cards
    that appeared, vanished, changed status or permission are drift; so is a card list that
    is not the approved one. ``todo``: uuids to hand to the status module, every card planned
    to 'change' (those already at target, listed in ``progress`` too, cost the module one read
    and get their left-over request completed). ``rows``: the approved rows of this share.
    ``current`` may come from a status-only read (``operations_checked`` false): then a card
    planned 'cannot' for lack of permission is compared by its status alone.
    ``todo_cards``: the cards of ``todo`` as this re-check read them (uuid, card id, status code,
    template, owner), for the status module's ``known_cards``: it does not read them again.
    """
    problems = []
    digest = str(digest or "").strip().lower()
    if not isinstance(approved, dict) or "rows" not in approved:
        return {"ok": False, "problems": [_UNREADABLE], "drift": [],
                "todo": [], "todo_cards": [], "progress": [], "rows": [], "message": _UNREADABLE}
    actual = plan_digest(approved)
    if actual != digest:
        problems.append("the approved plan's content hashes to %s, not to the approved digest %s"
                        % (actual, digest))
    if approved.get("target_status") != current.get("target_status"):
        problems.append("target status is %s but the approved plan is for %s"
                        % (current.get("target_status"), approved.get("target_status")))
    if (approved.get("change_ticket") or "") != (current.get("change_ticket") or ""):
        problems.append("change ticket is %r but the approved plan is for %r"
                        % (current.get("change_ticket"), approved.get("change_ticket")))
    share = shard(approved["rows"], shard_index, shard_count)
    planned = {r["key"]: r for r in share}
    now = {r["key"]: r for r in current.get("rows") or []}
    target = approved.get("target_status")
    drift = []
    todo = []
    todo_cards = []
    progress = []
    for key in sorted(set(planned) | set(now)):
        a = planned.get(key)
        c = now.get(key)
        if a is None:
            drift.append({"key": key, "what": "not in the approved plan (the card list changed)",
                          "planned": None, "now": _brief(c)})
            continue
        if c is None:
            drift.append({"key": key, "what": "in the approved plan but not in the card list",
                          "planned": _brief(a), "now": None})
            continue
        same = all(a.get(f) == c.get(f) for f in ROW_FIELDS)
        if not same and not current.get("operations_checked", True) \
                and a["action"] == "cannot" and a["reason"].startswith("not permitted") \
                and c["action"] == "change" \
                and all(a.get(f) == c.get(f) for f in ("uuid", "card_id", "status", "status_name")):
            # a status-only re-check cannot see permissions: the card is unchanged, and it
            # stays out of the apply as approved (the status module checks permission again)
            continue
        if same:
            if a["action"] == "change":
                todo.append(a["uuid"])
                todo_cards.append(_known(c))
            continue
        if a["action"] == "change" and c["action"] == "already_done" and c["uuid"] == a["uuid"] \
                and c["status_name"] == target:
            # done by an earlier run of this apply: still handed to the module, which costs one
            # read, completes a request a killed run left Executing, and writes its audit record
            progress.append(a["uuid"])
            todo.append(a["uuid"])
            todo_cards.append(_known(c))
            continue
        drift.append({"key": key, "what": _drift_text(a, c), "planned": _brief(a),
                      "now": _brief(c)})
    check = {"ok": not problems and not drift, "problems": problems, "drift": drift,
             "todo": todo, "todo_cards": todo_cards, "progress": progress, "rows": share}
    check["message"] = drift_message(check)
    return check


def _known(row):
    """A card of the re-check as the status module's ``known_cards`` takes it."""
    return {"uuid": row["uuid"], "card_id": row.get("card_id"), "status": row.get("status"),
            "profile_template_uuid": row.get("profile_template_uuid"), "assigned_user_uuid": row.get("owner_uuid")}


def _brief(row):
    if row is None:
        return None
    return {k: row.get(k) for k in ("uuid", "status_name", "action", "reason")}


def _drift_text(a, c):
    if a["action"] == "missing":
        return "appeared: planned as missing, now %s (%s)" % (c["status_name"], c["action"])
    if c["action"] == "missing":
        return "vanished: planned as %s (%s), now missing" % (a["status_name"], a["action"])
    if a["status_name"] != c["status_name"]:
        return "status changed from %s to %s since the plan" % (a["status_name"], c["status_name"])
    if a["action"] != c["action"]:
        return "action changed from %s to %s: %s" % (a["action"], c["action"], c["reason"])
    return "changed since the plan: %s" % c["reason"]


def drift_message(check, limit=20):
    """The problems and the first ``limit`` drifted cards of a check, one per line."""
    lines = list(check.get("problems") or [])
    drift = check.get("drift") or []
    if drift:
        lines.append("%d card(s) drifted since the plan was approved:" % len(drift))
        for d in drift[:limit]:
            lines.append("  %s: %s" % (d["key"], d["what"]))
        if len(drift) > limit:
            lines.append("  ... and %d more (see the drift report)" % (len(drift) - limit))
    return "\n".join(lines)
