# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which cards a run is about: the ids given in role variables, survey text areas and CSV or
JSON cards files, collected into card inputs ``[{key, kind}]``, and the ids to ask the info
module for. GUIDs are recognised and normalised by mimcm_ids only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import (
    EXAMPLE_CARD_ID,
    EXAMPLE_UUID,
    id_key,
    is_braced,
    normalize_guid,
)
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import as_list, canonical_json, clip

# Column names (compared after lower-casing and dropping spaces, '_' and '-').
_UUID_COLUMNS = ("uuid", "smartcarduuid", "carduuid", "profileuuid", "smartcardid")
_CARD_ID_COLUMNS = ("cardid", "serialnumber", "serial", "serialno", "card", "physicalcardid",
                    "smartcardserial", "smartcardserialnumber")


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
                raise InvalidInput("%s has no card id column: its header is %s; name a column 'uuid' (the "
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
        raise InvalidInput("%s is empty: expected a header line with a 'uuid' or 'card_id' column" % source)
    if not found and not bad_rows:
        raise InvalidInput("%s has a header line (%s) but no data rows: add one card per line under the header"
                           % (source, ", ".join(repr(c) for c in header)))
    if bad_rows:
        raise InvalidInput("%s: line(s) %s have no value in the %s column(s)"
                           % (source, clip(bad_rows), " / ".join(sorted(columns))))
    return found


def _parse_json(text, source):
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidInput("%s is not valid JSON: %s" % (source, exc)) from exc
    found = []
    if isinstance(data, dict):
        lowered = {_column_kind(k) or str(k).lower(): v for k, v in data.items()}
        if "cards" in lowered:
            data = lowered["cards"]
        else:
            for kind, plural in (("uuid", "uuids"), ("card_id", "card_ids")):
                for key in (kind, plural):
                    for value in as_list(lowered.get(key)):
                        found.append((value, kind, source))
            if not found:
                raise InvalidInput("%s: expected a list of ids, a list of objects with a 'uuid' or "
                                   "'card_id' key, or an object with 'cards', 'uuids' or 'card_ids'" % source)
            return found
    if not isinstance(data, list):
        raise InvalidInput("%s: expected a JSON list of card ids" % source)
    if not data:
        raise InvalidInput("%s lists no cards: the JSON list is empty" % source)
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
                raise InvalidInput("%s has no 'uuid' or 'card_id' key: %s" % (where, canonical_json(item)[:200]))
            found.append(entry)
        elif item not in (None, ""):
            found.append((item, "any", where))
    return found


def _id_list(value):
    """A list of ids; a string (an AWX survey text area) is split at whitespace, commas and
    semicolons."""
    if isinstance(value, str):
        return [v for v in re.split(r"[\s,;]+", value) if v]
    return as_list(value)


def parse_card_file(content, name="cards file", file_format="auto"):
    """Parse CSV or JSON text into [(value, kind, where)]."""
    if content is None:
        raise InvalidInput("%s could not be read" % name)
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
    raise InvalidInput("unknown cards file format %r: use csv, json or auto" % file_format)


def _given(cards, uuids, card_ids, file_content, file_name, file_format):
    """Every id as given, one at a time: (value, kind, where), in input order."""
    for value in _id_list(cards):
        yield value, "any", "cards"
    for value in _id_list(uuids):
        yield value, "uuid", "card_uuids"
    for value in _id_list(card_ids):
        yield value, "card_id", "card_ids"
    if file_content is not None:
        yield from parse_card_file(file_content, file_name, file_format)


def card_keys(cards=None, uuids=None, card_ids=None, file_content=None, file_name="cards file",
              file_format="auto", listed=None):
    """The cards to work on as one ordered mapping ``{key: kind}``, in input order (see card_inputs).

    The compact form for large inputs (100,000 ids: one dict entry each, no list of dicts). When
    ``listed`` (a dict) is given, it receives ``{key: times given}`` for the keys given more than once.
    """
    keys = {}
    bad = []
    for value, kind, where in _given(cards, uuids, card_ids, file_content, file_name, file_format):
        if isinstance(value, dict):
            raise InvalidInput("%s: expected a card id, got a mapping %s" % (where, canonical_json(value)[:200]))
        key = id_key(value)
        if normalize_guid(key) is None:
            bad.append("%r (%s)" % (value, where))
            continue
        if kind == "any" and is_braced(value):
            kind = "card_id"
        prev = keys.get(key)
        if prev is None:
            keys[key] = kind
            continue
        if prev != kind:
            keys[key] = "any"
        if listed is not None:
            listed[key] = listed.get(key, 1) + 1
    if bad:
        raise InvalidInput("not a card uuid or card id (a GUID like %s or %s): %s"
                           % (EXAMPLE_UUID, EXAMPLE_CARD_ID, clip(bad)))
    return keys


def card_inputs(cards=None, uuids=None, card_ids=None, file_content=None, file_name="cards file",
                file_format="auto"):
    """Collect the cards to work on from every input into [{key, kind}], in input order.

    kind is 'uuid', 'card_id', or 'any' (a bare GUID in ``cards`` or a JSON list: looked up as
    a uuid first, then as a card id). A braced GUID ({...}) is a card id (SerialNumber form).
    Fails, naming the value, when a value is not a GUID. Duplicates keep their first place, and
    that input carries ``listed``: how many times it was given (only when more than once), which
    the plan reports.
    """
    listed = {}
    keys = card_keys(cards, uuids, card_ids, file_content, file_name, file_format, listed)
    out = []
    for key, kind in keys.items():
        item = {"key": key, "kind": kind}
        if key in listed:
            item["listed"] = listed[key]
        out.append(item)
    return out


def read_cards_file(path, variable="cards file"):
    """The text of the cards file ``path`` as given by the user (``~`` expanded; a relative path is
    relative to the controller's working directory, which in AWX is the project directory).

    Returns ``{"text", "path", "error"}``: ``error`` is the role's message naming ``variable``, the
    value as given and the absolute path when the file cannot be read (``text`` is then None), so
    the role fails with its own words rather than a lookup's."""
    given = "" if path is None else str(path)
    resolved = os.path.realpath(os.path.expanduser(given)) if given else ""
    try:
        with open(resolved, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
        return {"text": text, "path": resolved, "error": ""}
    except FileNotFoundError:
        why = "there is no such file"
    except IsADirectoryError:
        why = "it is a directory"
    except PermissionError:
        why = "permission denied"
    except UnicodeDecodeError as exc:
        why = "it is not UTF-8 text (%s)" % exc.reason
    except OSError as exc:
        why = exc.strerror or str(exc)
    msg = ("%s %r cannot be read (%s): looked for %s. A relative path is relative to the directory "
           "ansible-playbook runs in (in AWX: the project directory), and the value is used as given "
           "(AWX survey answers are not templated)" % (variable, given, why, resolved))
    return {"text": None, "path": resolved, "error": msg}


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
    kinds = as_list(kinds)
    missing_set = None
    if missing is not None:
        missing_set = {id_key(m) for m in _missing_ids(missing)}
    out = []
    for item in inputs or []:
        kind = item.get("kind")
        if kind in kinds and kind != "any":
            out.append(item["key"])
        elif kind == "any" and "any" in kinds:
            if missing_set is None or item["key"] in missing_set:
                out.append(item["key"])
    return out
