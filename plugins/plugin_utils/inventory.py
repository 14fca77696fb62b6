# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory behind the mim.cm.smartcard_report role: summarise and export the cards that
mim.cm.mimcm_smartcard_info returned, in one pass over the cards.

Large reports are read in chunks (inventory_plan, inventory_chunks); each chunk's results are folded into a
small running summary while its CSV lines go to a part file (inventory_fold), so the controller
holds one chunk of cards at a time, never all of them.
"""

from __future__ import annotations

import csv
import io

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import id_key
from ansible_collections.mim.cm.plugins.plugin_utils.card_inputs import card_keys
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import as_list, info_cards, info_results

CSV_COLUMNS = ("uuid", "card_id", "status", "status_name", "profile_template_uuid",
               "profile_template_version", "assigned_user_uuid", "middleware", "operations",
               "comment")

# the card fields the summary needs besides the CSV columns
_SUMMARY_FIELDS = ("uuid", "card_id", "query", "status", "status_name", "profile_template_uuid",
                   "operations")


def _key(value):
    """The comparison key of an id (None and '' give '')."""
    return id_key(value) if value else ""


class _LazySet:
    """Membership in ``ids``, normalised; the set is built only when first asked (most chunks never
    need it). ``ids``: a comma-separated string, a list of ids, or the chunks of inventory_chunks
    (their ids of kinds uuid and any: those looked up as uuids)."""

    def __init__(self, ids):
        self._ids = ids
        self._set = None

    def __contains__(self, item):
        if not self._ids:
            return False
        if self._set is None:
            self._set = {_key(i) for i in _split_ids(self._ids)}
        return item in self._set


def _split_ids(ids):
    if isinstance(ids, str):
        yield from ids.split(",")
        return
    for item in as_list(ids):
        if isinstance(item, dict):
            for kind in ("uuid", "any"):
                yield from (i for i in (item.get(kind) or "").split(",") if i)
        else:
            yield item


def _cell(value):
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    # no formula injection when the CSV is opened in a spreadsheet
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def _empty_summary():
    return {"kind": "inventory", "meta": {}, "total": 0, "status_counts": {}, "templates": [],
            "operation_counts": {}, "missing": [], "template_names": {}}


def _walk(results, skip_uuids=None, columns=CSV_COLUMNS, rows=True):
    """One pass over the cards of ``results``: (summary, CSV lines without header).

    A card counts once: a second sighting of the same uuid is dropped, and so is a card that
    another id (its card id) found while its uuid is in ``skip_uuids`` (the ids the report looks
    up as uuids, in this chunk or another one: that lookup counts it)."""
    status_counts = {}
    templates = {}
    operations = {}
    seen = set()
    found = set()
    skip = _LazySet(skip_uuids)
    fields = tuple(dict.fromkeys(tuple(columns) + _SUMMARY_FIELDS))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    total = 0
    missing = []
    names = {}
    for res in info_results(results):
        if isinstance(res, dict):
            missing.extend(res.get("missing") or [])
            names.update((_key(t.get("uuid")), t.get("name")) for t in res.get("profile_templates") or []
                         if isinstance(t, dict) and t.get("uuid") and t.get("name"))
    for card in info_cards(results):
        card = {f: card.get(f) for f in fields}  # each field read once (lazy values in 2.19)
        for key in ("query", "uuid", "card_id"):
            if card[key]:
                found.add(_key(card[key]))
        uuid = _key(card["uuid"])
        query = _key(card["query"])
        if uuid in seen or (query and query != uuid and uuid in skip):
            continue
        seen.add(uuid)
        total += 1
        name = card["status_name"] or "Unknown(%s)" % card["status"]
        status_counts[name] = status_counts.get(name, 0) + 1
        tpl = str(card["profile_template_uuid"] or "").lower() or "(none)"
        entry = templates.setdefault(tpl, {"profile_template_uuid": tpl, "cards": 0,
                                           "status_counts": {}})
        entry["cards"] += 1
        entry["status_counts"][name] = entry["status_counts"].get(name, 0) + 1
        for op in card["operations"] or []:
            operations[op] = operations.get(op, 0) + 1
        if rows:
            writer.writerow([_cell(card[c]) for c in columns])
    # an id missed by one call (a bare GUID tried as uuid) may have been found by the next one
    missing = [m for m in dict.fromkeys(_key(m) for m in missing) if m not in found]
    summary = {"kind": "inventory", "meta": {}, "total": total, "status_counts": status_counts,
               "templates": list(templates.values()), "operation_counts": operations,
               "missing": missing, "template_names": names}
    return summary, buf.getvalue()


def _add_counts(into, counts):
    for name, n in (counts or {}).items():
        into[name] = into.get(name, 0) + int(n)


def _merge(summary, part):
    """``summary`` + ``part`` (both inventory summaries) as a new summary, templates sorted."""
    out = _empty_summary()
    templates = {}
    for src in (summary or {}, part):
        out["meta"].update(src.get("meta") or {})
        out["total"] += int(src.get("total") or 0)
        _add_counts(out["status_counts"], src.get("status_counts"))
        _add_counts(out["operation_counts"], src.get("operation_counts"))
        for tpl in src.get("templates") or []:
            key = tpl["profile_template_uuid"]
            entry = templates.setdefault(key, {"profile_template_uuid": key, "cards": 0,
                                               "status_counts": {}})
            entry["cards"] += int(tpl.get("cards") or 0)
            _add_counts(entry["status_counts"], tpl.get("status_counts"))
        out["missing"].extend(src.get("missing") or [])
        out["template_names"].update(src.get("template_names") or {})
    for key, entry in templates.items():  # named by the one listing of the templates (the first chunk's)
        if out["template_names"].get(key):
            entry["profile_template"] = out["template_names"][key]
    out["missing"] = sorted(set(out["missing"]))  # the same whatever the chunking or the order of the reads
    out["templates"] = sorted(templates.values(),
                              key=lambda t: (-t["cards"], t["profile_template_uuid"]))
    return out


def inventory_summary(results, meta=None):
    """Counts by status, by profile template (with its statuses) and by permitted operation.

    ``results``: one or more info module results (or lists of cards). Cards seen twice (same
    uuid) count once. The cards themselves are not copied into the summary (memory: 100,000
    cards); inventory_csv writes them from the same results."""
    summary = _merge(None, _walk(results, rows=False)[0])
    summary["meta"] = dict(meta or {})
    return summary


def inventory_csv(results, columns=CSV_COLUMNS):
    """The cards of info module results (or lists of cards) as CSV text, header row first, one
    line per card (a card seen twice once)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(columns)
    return buf.getvalue() + _walk(results, columns=columns)[1]


def inventory_fold(results, summary=None, skip_uuids=None, csv_lines=True):
    """Fold one chunk of info module results into a running summary.

    Returns ``{"summary": summary + this chunk's counts, "csv": this chunk's CSV lines without
    the header}`` (``csv`` empty with ``csv_lines=False``). ``skip_uuids``: the ids the whole
    report looks up as uuids (the chunks of inventory_chunks, or those ids as a list or one
    comma-separated string), so that a card given both by
    uuid and by card id, in different chunks, counts once. Folding every chunk from ``none``
    gives the summary and CSV of inventory_summary / inventory_csv over all the results."""
    part, lines = _walk(results, skip_uuids, rows=bool(csv_lines))
    return {"summary": _merge(summary, part), "csv": lines}


def _chunk_size(size):
    try:
        number = int(size)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise InvalidInput("inventory_chunks: the chunk size must be at least 1, got %s" % (size,))
    return number


def inventory_chunks(inputs, size=5000):
    """Split the card inputs into chunks of ``size`` for the report role, in input order.

    ``inputs``: the ordered mapping ``{key: kind}`` of card_inputs.card_keys (or the list of
    ``{key, kind}`` of card_inputs). Returns ``{"requested": number of inputs, "chunks": [{"uuid",
    "card_id", "any"}, ...]}``: each chunk holds its keys of each kind as one comma-separated string
    (empty when none). Strings rather than lists of 100,000 ids or dicts: a few MB that ansible-core
    copies and sends between its processes cheaply. The chunks are also inventory_fold's
    ``skip_uuids``. No input: no chunk."""
    number = _chunk_size(size)
    if isinstance(inputs, dict):
        pairs = inputs.items()
    else:
        pairs = ((i["key"], i["kind"]) for i in inputs or [])
    chunks = []
    current = None
    requested = 0
    for key, kind in pairs:
        if requested % number == 0:
            current = {"uuid": [], "card_id": [], "any": []}
            chunks.append(current)
        requested += 1
        current[kind].append(key)
    return {"requested": requested,
            "chunks": [{kind: ",".join(keys) for kind, keys in chunk.items()} for chunk in chunks]}


def inventory_plan(cards=None, uuids=None, card_ids=None, file_content=None, file_name="cards file",
                   file_format="auto", size=5000):
    """inventory_chunks of every card input (see card_inputs), parsed straight into the chunks:
    a bad chunk size fails first, and no list of every input is built on the way."""
    _chunk_size(size)
    return inventory_chunks(card_keys(cards, uuids, card_ids, file_content, file_name, file_format), size)
