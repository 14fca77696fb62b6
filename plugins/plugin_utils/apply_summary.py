# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an apply did: the batch fold (the small running state of the batch loop: counts, the
failure threshold, compact per-card results) and the summary of one host's apply run.
"""

from __future__ import annotations

import json

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import id_key
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import as_list, whole_number

# the per-card result fields lifecycle_summary reads; the fold keeps these only
RESULT_FIELDS = ("uuid", "card_id", "state", "changed", "before", "after", "request_id", "msg")
# outcomes of a planned change that fail the apply: the card was not changed and will not be
# without someone acting (a refused write, ``skipped``, is a failure when the plan said change)
PROBLEM_OUTCOMES = ("failed", "skipped", "not_started")
# the plan row fields every card of the summary carries, to say which card it is
_ROW_DISPLAY = ("profile_template", "profile_template_uuid", "owner_uuid")


def _outcome(res):
    return res.get("state") or ("changed" if res.get("changed") else "failed")


def _card_results(results):
    """Per-card results of status module runs: a run (its ``results``), a batch_fold state, the
    JSON text of a results list, lists of any of these, or single per-card results."""
    for item in as_list(results):
        if isinstance(item, str):
            try:
                parsed = json.loads(item)
            except ValueError:
                raise InvalidInput("lifecycle_summary: %r... is not the JSON text of status module results "
                                   "(pass the batch_fold state or the registered results)" % item[:40]) from None
            yield from _card_results(parsed)
        elif isinstance(item, dict) and "results" in item and "state" not in item:
            yield from _card_results(item.get("results") or [])
        elif isinstance(item, list):
            yield from _card_results(item)
        elif isinstance(item, dict):
            yield item


def empty_fold():
    """The state before the first batch."""
    return {"batches": 0, "attempted": 0, "failed": 0, "outcomes": {}, "stop": False,
            "stopped_after": 0, "results": []}


def batch_fold(batch_result, state=None, max_fail_percentage=100, keep_results=True):
    """Fold one mim.cm.mimcm_smartcard_status result (one batch) into the running state.

    ``state``: the previous batch_fold result, None (or {}) before the first batch. Returns a
    new state: ``batches`` folded, cards ``attempted`` and ``failed``, ``outcomes`` {state:
    count}, ``stop`` (true once more than ``max_fail_percentage`` % of the cards attempted so far
    failed: start no new batch; it stays true), ``stopped_after`` (the batch that set it, else
    0) and ``results``: one compact JSON text per batch (only the fields of RESULT_FIELDS).
    ``failed`` counts the cards that failed or were skipped (refused: a planned change that
    ends skipped is a failure). A skipped batch (``skipped``, or None) leaves the state as it was.

    Each fold costs the size of its own batch: earlier batches' results are texts shared by
    reference, never parsed or copied again (a list of dicts made every batch re-copy every
    earlier result in ansible-core 2.19, quadratic in the number of cards).
    """
    limit = whole_number(max_fail_percentage, "max_fail_percentage")
    if not 0 <= limit <= 100:
        raise InvalidInput("max_fail_percentage must be between 0 and 100, got %d" % limit)
    if state in (None, "", {}):
        state = empty_fold()
    elif not isinstance(state, dict) or "outcomes" not in state:
        raise InvalidInput("batch_fold: the running state must be the previous batch_fold result or none, got %s"
                           % type(state).__name__)
    if batch_result is None or (isinstance(batch_result, dict) and batch_result.get("skipped")):
        return state
    new = dict(empty_fold(), **state)
    new.update(batches=int(new["batches"]), attempted=int(new["attempted"]))
    outcomes = dict(new["outcomes"])
    compact = []
    for res in _card_results([batch_result]):
        outcome = _outcome(res)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        new["attempted"] += 1
        if keep_results:
            compact.append({f: res.get(f) for f in RESULT_FIELDS})
    new.update(batches=new["batches"] + 1, failed=outcomes.get("failed", 0) + outcomes.get("skipped", 0),
               outcomes=outcomes)
    if not new["stop"] and new["failed"] * 100 > limit * new["attempted"]:
        new.update(stop=True, stopped_after=new["batches"])
    if keep_results:
        new["results"] = list(new["results"]) + [json.dumps(compact, separators=(",", ":"), ensure_ascii=False)]
    return new


def lifecycle_summary(check, batch_results, meta=None):
    """Summarise an apply run of one host: per card outcome and counts before/after by status.

    ``check``: the lifecycle_check result; ``batch_results``: the batch_fold state, or the status
    module results (or their ``results`` lists) of the batches that ran. Outcomes: changed,
    unchanged, pending, failed, skipped (from the module), done_earlier (at target from an
    earlier run), not_started (its batch was not run: failure threshold), already_done, cannot,
    missing.
    """
    meta = dict(meta or {})
    by_uuid = {}
    for res in _card_results(batch_results):
        uuid = id_key(res.get("uuid") or "")
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
        entry.update((f, row.get(f)) for f in _ROW_DISPLAY if row.get(f))
        if row["action"] != "change":
            outcome = row["action"]
        elif row["uuid"] in by_uuid:
            res = by_uuid[row["uuid"]]
            outcome = _outcome(res)
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
    problems = [c for c in cards if c["outcome"] in PROBLEM_OUTCOMES]
    pending = [c for c in cards if c["outcome"] == "pending"]
    summary = {"kind": "apply", "meta": meta, "outcomes": outcomes,
               "counts_before": before, "counts_after": after,
               "total": len(cards), "failed": problems, "pending": pending,
               "cannot": [c for c in cards if c["outcome"] in ("cannot", "missing")],
               "ok": not problems, "cards": cards}
    return summary
