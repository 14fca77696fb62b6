# -*- coding: utf-8 -*-
# Copyright (c) mim.cm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters behind the mim.cm.smartcard_lifecycle role: card input parsing, plan, digest,
drift check, sharding and the apply summary. Pure Python, no Ansible state: unit tested in
tests/unit/filter/. The rendering of reports lives in report_render.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

from ansible.errors import AnsibleFilterError

PLAN_FORMAT = 1

_GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Column names (compared after lower-casing and dropping spaces, '_' and '-').
_UUID_COLUMNS = ("uuid", "smartcarduuid", "carduuid", "profileuuid", "smartcardid")
_CARD_ID_COLUMNS = ("cardid", "serialnumber", "serial", "serialno", "card", "physicalcardid",
                    "smartcardserial", "smartcardserialnumber")

# What a target status needs: the request type that sets it (as the operations list names
# it) and the statuses it can be reached from. Mirrors the documented lifecycle rules of
# MIM CM (docs/dev/contracts.md); the module enforces the same rules again at write time.
TARGETS = {
    "Retired": {"operation": "Retire",
                "from": ("None", "New", "Assigned", "Active", "Suspended", "Disabled")},
    "Disabled": {"operation": "Revoke", "from": ("Assigned", "Active", "Suspended")},
    "Active": {"operation": "Reinstate", "from": ("Suspended",)},
}

ACTIONS = ("change", "already_done", "cannot", "missing")
ROW_FIELDS = ("key", "uuid", "card_id", "status", "status_name", "action", "reason")


def _fail(msg):
    raise AnsibleFilterError(msg)


def canonical_json(obj):
    """The canonical JSON the digest is computed over: sorted keys, no whitespace, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def normalize_target(target_status):
    text = str(target_status or "").strip()
    for name in TARGETS:
        if text.lower() == name.lower():
            return name
    _fail("target status %r is not supported: use one of %s" % (target_status, ", ".join(TARGETS)))


def _norm_id(value):
    """Return (key, braced): lower case, whitespace and braces removed."""
    text = str(value).strip()
    braced = text.startswith("{") and text.endswith("}")
    return text.strip("{}").strip().lower(), braced


# ---------------------------------------------------------------- card inputs

def _column_kind(header):
    name = re.sub(r"[\s_\-.]", "", str(header).replace("\ufeff", "")).lower()
    if name in _UUID_COLUMNS:
        return "uuid"
    if name in _CARD_ID_COLUMNS:
        return "card_id"
    return None


def _parse_csv(text, source):
    lines = text.splitlines()
    sample = next((ln for ln in lines if ln.strip()), "")
    delimiter = ","
    for cand in (",", ";", "\t", "|"):
        if cand in sample:
            delimiter = cand
            break
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    header = None
    columns = {}
    found = []
    bad_rows = []
    for lineno, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if header is None:
            header = cells
            for idx, cell in enumerate(cells):
                kind = _column_kind(cell)
                if kind and kind not in columns:
                    columns[kind] = idx
            if not columns:
                _fail("%s has no card id column: its header is %s; name a column 'uuid' (the "
                      "card's Uuid) or 'card_id' (its serial number / physical card id), "
                      "header names are case-insensitive"
                      % (source, ", ".join(repr(c) for c in cells) or "empty"))
            continue
        value = kind = None
        for kind in ("uuid", "card_id"):
            idx = columns.get(kind)
            if idx is not None and idx < len(cells) and cells[idx]:
                value = cells[idx]
                break
        if value is None:
            bad_rows.append(lineno)
            continue
        found.append((value, kind, "%s line %d" % (source, lineno)))
    if header is None:
        _fail("%s is empty: expected a header line with a 'uuid' or 'card_id' column" % source)
    if bad_rows:
        _fail("%s: line(s) %s have no value in the %s column(s)"
              % (source, _clip(bad_rows), " / ".join(sorted(columns))))
    return found


def _parse_json(text, source):
    try:
        data = json.loads(text)
    except ValueError as exc:
        _fail("%s is not valid JSON: %s" % (source, exc))
    found = []
    if isinstance(data, dict):
        lowered = {_column_kind(k) or str(k).lower(): v for k, v in data.items()}
        if "cards" in lowered:
            data = lowered["cards"]
        else:
            for kind, plural in (("uuid", "uuids"), ("card_id", "card_ids")):
                for key in (kind, plural):
                    for value in _as_list(lowered.get(key) if key in lowered else
                                          data.get(plural)):
                        found.append((value, kind, source))
            if not found:
                _fail("%s: expected a list of ids, a list of objects with a 'uuid' or "
                      "'card_id' key, or an object with 'cards', 'uuids' or 'card_ids'" % source)
            return found
    if not isinstance(data, list):
        _fail("%s: expected a JSON list of card ids" % source)
    for pos, item in enumerate(data, start=1):
        where = "%s item %d" % (source, pos)
        if isinstance(item, dict):
            entry = None
            for key, value in item.items():
                kind = _column_kind(key)
                if kind and value not in (None, ""):
                    if entry is None or (kind == "uuid" and entry[1] != "uuid"):
                        entry = (value, kind, where)
            if entry is None:
                _fail("%s has no 'uuid' or 'card_id' key: %s" % (where, canonical_json(item)[:200]))
            found.append(entry)
        elif item not in (None, ""):
            found.append((item, "any", where))
    return found


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _id_list(value):
    """A list of ids; a string (an AWX survey text area) is split at whitespace, commas and
    semicolons."""
    if isinstance(value, str):
        return [v for v in re.split(r"[\s,;]+", value) if v]
    return _as_list(value)


def _clip(items, limit=10):
    items = list(items)
    text = ", ".join(str(i) for i in items[:limit])
    if len(items) > limit:
        text += " and %d more" % (len(items) - limit)
    return text


def parse_card_file(content, name="cards file", file_format="auto"):
    """Parse CSV or JSON text into [(value, kind, where)]."""
    if content is None:
        _fail("%s could not be read" % name)
    text = str(content).lstrip("\ufeff")
    fmt = (file_format or "auto").lower()
    if fmt == "auto":
        lower = str(name).lower()
        if lower.endswith(".json"):
            fmt = "json"
        elif lower.endswith((".csv", ".txt", ".tsv")):
            fmt = "csv"
        else:
            fmt = "json" if text.lstrip()[:1] in ("[", "{") else "csv"
    if fmt == "json":
        return _parse_json(text, name)
    if fmt == "csv":
        return _parse_csv(text, name)
    _fail("unknown cards file format %r: use csv, json or auto" % file_format)


def card_inputs(cards=None, uuids=None, card_ids=None, file_content=None, file_name="cards file",
                file_format="auto"):
    """Collect the cards to work on from every input into [{key, kind}], in input order.

    kind is 'uuid', 'card_id', or 'any' (a bare GUID in ``cards`` or a JSON list: looked up as
    a uuid first, then as a card id). A braced GUID ({...}) is a card id (SerialNumber form).
    Fails, naming the value, when a value is not a GUID. Duplicates keep their first place.
    """
    raw = []
    for value in _id_list(cards):
        raw.append((value, "any", "cards"))
    for value in _id_list(uuids):
        raw.append((value, "uuid", "card_uuids"))
    for value in _id_list(card_ids):
        raw.append((value, "card_id", "card_ids"))
    if file_content is not None:
        raw.extend(parse_card_file(file_content, file_name, file_format))
    out = []
    index = {}
    bad = []
    for value, kind, where in raw:
        if isinstance(value, dict):
            _fail("%s: expected a card id, got a mapping %s" % (where, canonical_json(value)[:200]))
        key, braced = _norm_id(value)
        if not _GUID_RE.match(key):
            bad.append("%r (%s)" % (value, where))
            continue
        if braced and kind == "any":
            kind = "card_id"
        if key in index:
            prev = out[index[key]]
            if prev["kind"] != kind:
                prev["kind"] = "any"
            continue
        index[key] = len(out)
        out.append({"key": key, "kind": kind})
    if bad:
        _fail("not a card uuid or card id (a GUID like 17cf063d-e337-4aa9-a822-346554ddd3c9 or "
              "{bc88f13f-83ba-4037-8262-46eba1291c6e}): %s" % _clip(bad))
    return out


def _missing_ids(value):
    """The ``missing`` ids of an info module result, of a looped one (``results``), or a list."""
    if isinstance(value, dict):
        if "results" in value and "missing" not in value:
            return [m for item in value.get("results") or [] for m in _missing_ids(item)]
        return list(value.get("missing") or [])
    if isinstance(value, (list, tuple)):
        return list(value)
    return []


def card_query(inputs, kinds=("uuid", "any"), missing=None):
    """The keys to pass to the info module: inputs of the given kinds; when ``missing`` (a
    previous info result or its missing list) is given, 'any' inputs only if they were missing."""
    kinds = _as_list(kinds)
    missing_set = None
    if missing is not None:
        missing_set = {_norm_id(m)[0] for m in _missing_ids(missing)}
    out = []
    for item in inputs or []:
        kind = item.get("kind")
        if kind in kinds and kind != "any":
            out.append(item["key"])
        elif kind == "any" and "any" in kinds:
            if missing_set is None or item["key"] in missing_set:
                out.append(item["key"])
    return out


# ---------------------------------------------------------------- sharding

def shard_of(key, count):
    return int(hashlib.sha256(str(key).encode("utf-8")).hexdigest(), 16) % int(count)


def shard(items, index=0, count=1, attribute="key"):
    """Items (dicts with ``attribute`` or plain keys) whose key hashes to shard ``index``."""
    count = int(count)
    index = int(index)
    if count < 1 or not 0 <= index < count:
        _fail("shard index %s is not within a shard count of %s" % (index, count))
    if count == 1:
        return list(items or [])
    out = []
    for item in items or []:
        key = item.get(attribute) if isinstance(item, dict) else _norm_id(item)[0]
        if shard_of(key, count) == index:
            out.append(item)
    return out


def shard_position(host, group_hosts=None, index=None, count=None):
    """{index, count} for a host: explicit index/count (host vars) win, else the host's place in
    the sorted group, else a single shard."""
    if index not in (None, "") or count not in (None, ""):
        if index in (None, "") or count in (None, ""):
            _fail("host %s: set both mimcm_shard_index and mimcm_shard_count" % host)
        index, count = int(index), int(count)
        if count < 1 or not 0 <= index < count:
            _fail("host %s: mimcm_shard_index %d is not within mimcm_shard_count %d"
                  % (host, index, count))
        return {"index": index, "count": count}
    hosts = sorted(set(group_hosts or []))
    if not hosts:
        return {"index": 0, "count": 1}
    if host not in hosts:
        _fail("host %s is not in the shard group (%s)" % (host, _clip(hosts)))
    return {"index": hosts.index(host), "count": len(hosts)}


# ---------------------------------------------------------------- plan

def _cards_by_query(results):
    found = {}
    for res in _as_list(results):
        if not isinstance(res, dict):
            continue
        if "results" in res and "smartcards" not in res:
            found.update({k: v for k, v in _cards_by_query(res["results"]).items() if k not in found})
            continue
        for card in res.get("smartcards") or []:
            query = card.get("query")
            for key in (query, card.get("uuid"), card.get("card_id")):
                if key:
                    found.setdefault(_norm_id(key)[0], card)
    return found


def _status_name(card):
    name = card.get("status_name")
    if name:
        return str(name)
    return "Unknown(%s)" % card.get("status")


def plan_row(key, card, target, have_operations=True):
    if card is None:
        return {"key": key, "uuid": None, "card_id": None, "status": None, "status_name": None,
                "action": "missing", "reason": "no card has this uuid or card id"}
    status_name = _status_name(card)
    row = {"key": key, "uuid": _norm_id(card.get("uuid") or "")[0] or None,
           "card_id": _norm_id(card.get("card_id") or card.get("serial_number") or "")[0] or None,
           "status": card.get("status"), "status_name": status_name}
    rule = TARGETS[target]
    if status_name == target:
        row.update(action="already_done", reason="already %s" % target)
    elif status_name == "Retired":
        row.update(action="cannot", reason="card is Retired, which is terminal")
    elif status_name not in rule["from"]:
        row.update(action="cannot", reason="no transition from %s to %s (allowed from: %s)"
                   % (status_name, target, ", ".join(rule["from"])))
    elif have_operations and rule["operation"].lower() not in {
            str(op).lower() for op in (card.get("operations") or [])}:
        row.update(action="cannot", reason="not permitted: the caller may not request %s for "
                   "this card" % rule["operation"])
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


def lifecycle_plan(inputs, info_results, target_status, change_ticket=""):
    """Build the plan for ``inputs`` (from card_inputs) from one or more info module results
    (``include_operations: true``). Rows are sorted by key. No timestamps: the same state gives
    the same plan and digest."""
    target = normalize_target(target_status)
    found = _cards_by_query(info_results)
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
            if _norm_id(card.get(attr) or card.get("serial_number") or "")[0] != key:
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


# ---------------------------------------------------------------- apply-time checks

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
    """
    problems = []
    digest = str(digest or "").strip().lower()
    if not isinstance(approved, dict) or "rows" not in approved:
        return {"ok": False, "problems": ["the approved plan could not be read"], "drift": [],
                "todo": [], "progress": [], "rows": [],
                "message": "the approved plan could not be read"}
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
            continue
        if a["action"] == "change" and c["action"] == "already_done" and c["uuid"] == a["uuid"] \
                and c["status_name"] == target:
            # done by an earlier run of this apply: still handed to the module, which costs one
            # read, completes a request a killed run left Executing, and writes its audit record
            progress.append(a["uuid"])
            todo.append(a["uuid"])
            continue
        drift.append({"key": key, "what": _drift_text(a, c), "planned": _brief(a),
                      "now": _brief(c)})
    check = {"ok": not problems and not drift, "problems": problems, "drift": drift,
             "todo": todo, "progress": progress, "rows": share}
    check["message"] = drift_message(check)
    return check


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
    lines = list(check.get("problems") or [])
    drift = check.get("drift") or []
    if drift:
        lines.append("%d card(s) drifted since the plan was approved:" % len(drift))
        for d in drift[:limit]:
            lines.append("  %s: %s" % (d["key"], d["what"]))
        if len(drift) > limit:
            lines.append("  ... and %d more (see the drift report)" % (len(drift) - limit))
    return "\n".join(lines)


# ---------------------------------------------------------------- apply summary

def _flatten(results):
    for item in _as_list(results):
        if isinstance(item, dict) and "results" in item and "state" not in item:
            yield from item.get("results") or []
        elif isinstance(item, list):
            yield from item
        elif isinstance(item, dict):
            yield item


def lifecycle_summary(check, batch_results, meta=None):
    """Summarise an apply run of one host: per card outcome and counts before/after by status.

    ``check``: the lifecycle_check result; ``batch_results``: the status module results (or
    their ``results`` lists) of the batches that ran. Outcomes: changed, unchanged, pending,
    failed, skipped (from the module), done_earlier (at target from an earlier run),
    not_started (its batch was not run: failure threshold), already_done, cannot, missing.
    """
    meta = dict(meta or {})
    by_uuid = {}
    for res in _flatten(batch_results):
        uuid = _norm_id(res.get("uuid") or "")[0]
        if uuid:
            by_uuid[uuid] = res
    progress = set(check.get("progress") or [])
    target = meta.get("target_status")
    cards = []
    before = {}
    after = {}
    outcomes = {}
    for row in check.get("rows") or []:
        name_before = row["status_name"] or "Missing"
        name_after = name_before
        entry = {"key": row["key"], "uuid": row["uuid"], "card_id": row["card_id"],
                 "before": row["status_name"], "request_id": None, "msg": row["reason"]}
        if row["action"] != "change":
            outcome = row["action"]
        elif row["uuid"] in by_uuid:
            res = by_uuid[row["uuid"]]
            outcome = res.get("state") or ("changed" if res.get("changed") else "failed")
            if outcome == "unchanged" and row["uuid"] in progress:
                outcome = "done_earlier"
            if res.get("after"):
                name_after = res["after"]
            entry["request_id"] = res.get("request_id")
            entry["msg"] = res.get("msg") or ""
        elif row["uuid"] in progress:
            outcome = "done_earlier"
            name_after = target
            entry["msg"] = "in %s since an earlier run of this apply" % target
        else:
            outcome = "not_started"
            entry["msg"] = "not attempted: its batch did not run"
        entry["after"] = None if name_after == "Missing" else name_after
        entry["outcome"] = outcome
        before[name_before] = before.get(name_before, 0) + 1
        after[name_after] = after.get(name_after, 0) + 1
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        cards.append(entry)
    problems = [c for c in cards if c["outcome"] in ("failed", "not_started", "skipped")]
    pending = [c for c in cards if c["outcome"] == "pending"]
    summary = {"kind": "apply", "meta": meta, "outcomes": outcomes,
               "counts_before": before, "counts_after": after,
               "total": len(cards), "failed": problems, "pending": pending,
               "cannot": [c for c in cards if c["outcome"] in ("cannot", "missing")],
               "ok": not problems, "cards": cards}
    return summary


class FilterModule(object):
    def filters(self):
        return {
            "card_inputs": card_inputs,
            "card_query": card_query,
            "shard": shard,
            "shard_position": shard_position,
            "lifecycle_plan": lifecycle_plan,
            "plan_digest": plan_digest,
            "lifecycle_check": lifecycle_check,
            "lifecycle_summary": lifecycle_summary,
        }
