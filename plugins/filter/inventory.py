# -*- coding: utf-8 -*-
# Copyright (c) mim.cm contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters behind the mim.cm.smartcard_report role: summarise and export the cards that
mim.cm.mimcm_smartcard_info returned. One pass over the cards (100,000 cards in well under a
second), so the role never loops over cards in Jinja.
"""

from __future__ import annotations

import csv
import io

CSV_COLUMNS = ("uuid", "card_id", "status", "status_name", "profile_template_uuid",
               "profile_template_version", "assigned_user_uuid", "middleware", "operations",
               "comment")


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _results(results):
    """Info module results, looped ones (``results``) flattened."""
    for res in _as_list(results):
        if isinstance(res, dict) and "results" in res and "smartcards" not in res:
            yield from _results(res["results"])
        else:
            yield res


def _cards(results):
    for res in _results(results):
        if isinstance(res, dict) and "smartcards" in res:
            yield from res.get("smartcards") or []
        elif isinstance(res, dict) and ("uuid" in res or "status" in res):
            yield res
        elif isinstance(res, list):
            yield from res


def inventory_summary(results, meta=None):
    """Counts by status, by profile template (with its statuses) and by permitted operation.

    ``results``: one or more info module results (or lists of cards). Cards seen twice (same
    uuid) count once. The cards themselves are not copied into the summary (memory: 100,000
    cards); inventory_csv writes them from the same results."""
    status_counts = {}
    templates = {}
    operations = {}
    missing = []
    seen = set()
    found = set()
    total = 0
    for res in _results(results):
        if isinstance(res, dict):
            missing.extend(str(m) for m in res.get("missing") or [])
    for card in _cards(results):
        uuid = str(card.get("uuid") or "").lower()
        if uuid in seen:
            continue
        seen.add(uuid)
        total += 1
        for key in ("query", "uuid", "card_id"):
            if card.get(key):
                found.add(str(card[key]).strip("{}").lower())
        name = card.get("status_name") or "Unknown(%s)" % card.get("status")
        status_counts[name] = status_counts.get(name, 0) + 1
        tpl = str(card.get("profile_template_uuid") or "").lower() or "(none)"
        entry = templates.setdefault(tpl, {"profile_template_uuid": tpl, "cards": 0,
                                           "status_counts": {}})
        entry["cards"] += 1
        entry["status_counts"][name] = entry["status_counts"].get(name, 0) + 1
        for op in card.get("operations") or []:
            operations[op] = operations.get(op, 0) + 1
    # an id missed by one call (a bare GUID tried as uuid) may have been found by the next one
    missing = list(dict.fromkeys(m.strip("{}").lower() for m in missing
                                 if m.strip("{}").lower() not in found))
    return {"kind": "inventory", "meta": dict(meta or {}), "total": total,
            "status_counts": status_counts,
            "templates": sorted(templates.values(),
                                key=lambda t: (-t["cards"], t["profile_template_uuid"])),
            "operation_counts": operations, "missing": missing}


def _cell(value):
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    # no formula injection when the CSV is opened in a spreadsheet
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def inventory_csv(results, columns=CSV_COLUMNS):
    """The cards of info module results (or lists of cards) as CSV text, header row first, one
    line per card (a card seen twice once)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    seen = set()
    for card in _cards(results):
        uuid = str(card.get("uuid") or "").lower()
        if uuid in seen:
            continue
        seen.add(uuid)
        writer.writerow([_cell(card.get(c)) for c in columns])
    return buf.getvalue()


class FilterModule(object):
    def filters(self):
        return {
            "inventory_summary": inventory_summary,
            "inventory_csv": inventory_csv,
        }
