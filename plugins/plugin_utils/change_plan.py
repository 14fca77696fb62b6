# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The change plan: one row per card input saying what an apply would do to it and why, and
the digest a change approver signs off.

The rules (legal sources, terminal status, which operation a target needs, which targets can be
planned) are mimcm_enums'; this file only words the reasons. The digest covers each row's
reason text: changing a reason's wording changes the digest of every plan that has it, so the
wording stays as it is unless PLAN_FORMAT is bumped (with a changelog fragment).
"""

from __future__ import annotations

import hashlib

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import SmartcardStatus
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import id_key
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import (
    blocked_transition,
    operation_allowed,
    operation_for_request_type,
    plannable_statuses,
    request_type_for_status,
)
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import canonical_json, info_results

PLAN_FORMAT = 1

ACTIONS = ("change", "already_done", "cannot", "missing")
ROW_FIELDS = ("key", "uuid", "card_id", "status", "status_name", "action", "reason")


def normalize_target(target_status):
    """The canonical name of a target status a change can be planned for, or InvalidInput."""
    name = SmartcardStatus.canonical(str(target_status or "").strip())
    if name in plannable_statuses():
        return name
    raise InvalidInput("target status %r is not supported: use one of %s"
                       % (target_status, ", ".join(plannable_statuses())))


def _cards_by_query(results):
    """{id key: card} for every id a card was found by (query, uuid, card id); first sighting wins."""
    found = {}
    for res in info_results(results):
        if not isinstance(res, dict):
            continue
        for card in res.get("smartcards") or []:
            for key in (card.get("query"), card.get("uuid"), card.get("card_id")):
                if key:
                    found.setdefault(id_key(key), card)
    return found


def _status_name(card):
    name = card.get("status_name")
    if name:
        return str(name)
    return "Unknown(%s)" % card.get("status")


def _table_status(name):
    """``name`` when it is a table status as the info module spells it; None for anything else
    (Unknown(n), another spelling), which is no legal source of any transition."""
    return name if SmartcardStatus.canonical(name) == name else None


def plan_row(key, card, target, have_operations=True):
    """The plan row of the input ``key`` for the ``card`` it found (None: missing)."""
    if card is None:
        return {"key": key, "uuid": None, "card_id": None, "status": None, "status_name": None,
                "action": "missing", "reason": "no card has this uuid or card id"}
    status_name = _status_name(card)
    row = {"key": key, "uuid": id_key(card.get("uuid") or "") or None,
           "card_id": id_key(card.get("card_id") or card.get("serial_number") or "") or None,
           "status": card.get("status"), "status_name": status_name}
    if status_name == target:
        row.update(action="already_done", reason="already %s" % target)
        return row
    blocked = blocked_transition(_table_status(status_name), target)
    if blocked is not None and blocked[0] == "terminal":
        row.update(action="cannot", reason="card is %s, which is terminal" % blocked[1])
    elif blocked is not None:
        row.update(action="cannot", reason="no transition from %s to %s (allowed from: %s)"
                   % (status_name, target, ", ".join(blocked[1])))
    elif have_operations and not operation_allowed(card.get("operations"), target):
        row.update(action="cannot", reason="not permitted: the caller may not request %s for "
                   "this card" % operation_for_request_type(request_type_for_status(target)))
    else:
        row.update(action="change", reason="%s -> %s" % (status_name, target))
    return row


def plan_digest(plan):
    """SHA-256 of the canonical JSON of {target_status, change_ticket, rows sorted by key}."""
    body = {"target_status": plan.get("target_status"),
            "change_ticket": plan.get("change_ticket") or "",
            "rows": sorted(plan.get("rows") or [], key=lambda r: r["key"])}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _totals(rows):
    totals = {a: 0 for a in ACTIONS}
    status_counts = {}
    for row in rows:
        totals[row["action"]] = totals.get(row["action"], 0) + 1
        name = row["status_name"] or "Missing"
        status_counts[name] = status_counts.get(name, 0) + 1
    totals["total"] = len(rows)
    return totals, status_counts


def lifecycle_plan(inputs, results, target_status, change_ticket=""):
    """Build the plan for ``inputs`` (from card_inputs) from one or more info module results
    (``include_operations: true``). Rows are sorted by key. No timestamps: the same state gives
    the same plan and digest."""
    target = normalize_target(target_status)
    found = _cards_by_query(results)
    have_ops = any("operations" in c for c in found.values())
    rows = []
    seen_uuid = {}
    for item in sorted(inputs or [], key=lambda i: i["key"]):
        key = item["key"]
        kind = item.get("kind", "any")
        card = found.get(key)
        if card is not None and kind != "any":
            # a uuid input must have been found by its uuid, a card id by its card id
            attr = "uuid" if kind == "uuid" else "card_id"
            if id_key(card.get(attr) or card.get("serial_number") or "") != key:
                card = None
        row = plan_row(key, card, target, have_ops)
        if row["uuid"]:
            if row["uuid"] in seen_uuid:
                row.update(action="cannot", reason="same card as input %s" % seen_uuid[row["uuid"]])
            else:
                seen_uuid[row["uuid"]] = key
        rows.append(row)
    plan = {"kind": "plan", "format": PLAN_FORMAT, "target_status": target,
            "change_ticket": str(change_ticket or "").strip(), "rows": rows,
            "operations_checked": have_ops}
    plan["totals"], plan["status_counts"] = _totals(rows)
    plan["change_uuids"] = [r["uuid"] for r in rows if r["action"] == "change"]
    plan["digest"] = plan_digest(plan)
    return plan
