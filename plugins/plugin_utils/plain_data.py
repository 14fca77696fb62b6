# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plain data as the roles hand it to the filters: scalars or lists, canonical JSON, lists
clipped for a message, and the registered results of the mim.cm modules, which come plain,
looped (a ``results`` list), skipped, or as bare lists: info module results are flattened here
once for every file.
"""

from __future__ import annotations

import json

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput


def as_list(value):
    """``value`` as a list: None -> [], a list or tuple -> a list, anything else -> [value]."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def canonical_json(obj):
    """The canonical JSON the plan digest is computed over: sorted keys, no whitespace, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def clip(items, limit=10):
    """``a, b, c and 7 more``: a list shortened for a message."""
    items = list(items)
    text = ", ".join(str(i) for i in items[:limit])
    if len(items) > limit:
        text += " and %d more" % (len(items) - limit)
    return text


def info_results(results):
    """The info module results in ``results``, looped ones (``results``) flattened, in order.

    Anything else (skipped results, lists of cards) is passed through for the caller to sort out.
    """
    for res in as_list(results):
        if isinstance(res, dict) and "results" in res and "smartcards" not in res:
            yield from info_results(res["results"])
        else:
            yield res


def info_cards(results):
    """The cards of info module results (or of lists of cards, or single cards), in order."""
    for res in info_results(results):
        if isinstance(res, dict) and "smartcards" in res:
            yield from res.get("smartcards") or []
        elif isinstance(res, dict) and ("uuid" in res or "status" in res):
            yield res
        elif isinstance(res, list):
            yield from res


def whole_number(value, what):
    """``int(value)``, or InvalidInput naming ``what`` when it is not a whole number."""
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput("%s must be a whole number, got %r" % (what, value)) from None
