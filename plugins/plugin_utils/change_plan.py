# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The change plan: one row per card input saying what an apply would do to it and why, and
the digest a change approver signs off.

The rules (legal sources, terminal status, which operation a target needs, which targets can be
planned) are mimcm_enums'; this file only words the reasons. The digest covers the decision
fields of each row (ROW_FIELDS), including the reason text: changing a reason's wording changes
the digest of every plan that has it, so the wording stays as it is unless PLAN_FORMAT is bumped
(with a changelog fragment). What a row shows the approver besides (DISPLAY_FIELDS: the profile
template's name, the card's owner, whether CM asks for an approval), the summary by template and
the cards given more than once are outside the digest: they explain the decision, they are not it.
"""

from __future__ import annotations

import hashlib

from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import (
    SmartcardStatus,
    blocked_transition,
    operation_allowed,
    operation_for_request_type,
    plannable_statuses,
    request_type_for_status,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import id_key
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import canonical_json, info_results

PLAN_FORMAT = 1

ACTIONS = ("change", "already_done", "cannot", "missing")
ROW_FIELDS = ("key", "uuid", "card_id", "status", "status_name", "action", "reason")
DISPLAY_FIELDS = ("profile_template", "profile_template_uuid", "owner_uuid", "needs_approval")
NO_CARD = "(no card)"


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
    """SHA-256 of the canonical JSON of {target_status, change_ticket, rows sorted by key}, each
    row reduced to its decision fields (ROW_FIELDS)."""
    body = {"target_status": plan.get("target_status"),
            "change_ticket": plan.get("change_ticket") or "",
            "rows": sorted(({f: r.get(f) for f in ROW_FIELDS} for r in plan.get("rows") or []),
                           key=lambda r: r["key"])}
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


def _template_names(results):
    """{template uuid: name} from the ``profile_templates`` of info module results."""
    names = {}
    for res in info_results(results):
        if isinstance(res, dict):
            for tpl in res.get("profile_templates") or []:
                if isinstance(tpl, dict) and tpl.get("uuid") and tpl.get("name"):
                    names[id_key(tpl["uuid"])] = str(tpl["name"])
    return names


def _approval_lookup(approval):
    """{lower-case template uuid or name: bool} from a mapping or a list (a list means required)."""
    if isinstance(approval, dict):
        return {str(k).strip().lower(): bool(v) for k, v in approval.items() if str(k).strip()}
    return {str(k).strip().lower(): True for k in approval or [] if str(k).strip()}


def _display(card, names, approval):
    """The display fields of a row: template name (its uuid when not visible), owner, approval."""
    if card is None:
        return dict.fromkeys(DISPLAY_FIELDS)
    tpl = id_key(card.get("profile_template_uuid") or "") or None
    name = names.get(tpl) or tpl
    needs = approval.get(tpl or "")
    if needs is None and name:
        needs = approval.get(name.lower())
    return {"profile_template": name, "profile_template_uuid": tpl,
            "owner_uuid": id_key(card.get("assigned_user_uuid") or "") or None, "needs_approval": needs}


def by_template(rows):
    """The plan's summary table: per profile template (and approval flag), the cards per action."""
    groups = {}
    for row in rows:
        label = row.get("profile_template") or NO_CARD
        entry = groups.setdefault(label, dict({a: 0 for a in ACTIONS}, profile_template=label,
                                              profile_template_uuid=row.get("profile_template_uuid"),
                                              needs_approval=row.get("needs_approval"), total=0))
        entry[row["action"]] += 1
        entry["total"] += 1
    return sorted(groups.values(), key=lambda g: (g["profile_template"] == NO_CARD, -g["total"], g["profile_template"]))


def lifecycle_plan(inputs, results, target_status, change_ticket="", approval=None):
    """Build the plan for ``inputs`` (from card_inputs) from one or more info module results
    (``include_operations: true``; with ``include_profile_templates: true`` the rows name the
    templates). ``approval``: which profile templates need a CM approval, a mapping of template
    uuid or name to true/false, or a list of those that do. Rows are sorted by key. No
    timestamps: the same state gives the same plan and digest."""
    target = normalize_target(target_status)
    found = _cards_by_query(results)
    names = _template_names(results)
    approval = _approval_lookup(approval)
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
        row.update(_display(card, names, approval))
        rows.append(row)
    listed = [{"key": i["key"], "times": int(i["listed"])} for i in inputs or [] if int(i.get("listed") or 1) > 1]
    plan = {"kind": "plan", "format": PLAN_FORMAT, "target_status": target,
            "change_ticket": str(change_ticket or "").strip(), "rows": rows,
            "operations_checked": have_ops, "templates_named": bool(names),
            "duplicates": {"count": sum(d["times"] - 1 for d in listed), "cards": sorted(listed, key=lambda d: d["key"])}}
    plan["totals"], plan["status_counts"] = _totals(rows)
    plan["by_template"] = by_template(rows)
    plan["change_uuids"] = [r["uuid"] for r in rows if r["action"] == "change"]
    plan["digest"] = plan_digest(plan)
    return plan
