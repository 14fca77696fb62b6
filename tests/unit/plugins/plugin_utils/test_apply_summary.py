"""Unit tests of plugins/plugin_utils/apply_summary.py, called directly: the batch fold (the running
state of the apply's batch loop) and the apply summary over it."""

import json

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.apply_summary import (
    RESULT_FIELDS,
    batch_fold,
    empty_fold,
    lifecycle_summary,
)
from ansible_collections.mim.cm.plugins.plugin_utils.card_inputs import card_inputs
from ansible_collections.mim.cm.plugins.plugin_utils.change_plan import lifecycle_plan
from ansible_collections.mim.cm.plugins.plugin_utils.drift import lifecycle_check


def uid(i):
    return "aaaaaaaa-0000-4000-8000-%012d" % i


def status_result(states, start=0):
    """A mimcm_smartcard_status result as registered: one per-card result per state."""
    results = [{"uuid": uid(start + i), "card_id": "c", "before": "Active", "before_code": 3,
                "after": "Retired" if s in ("changed", "unchanged") else "Active", "after_code": 6,
                "changed": s == "changed", "request_id": "r%d" % (start + i), "state": s, "msg": "card %d %s" % (start + i, s)}
               for i, s in enumerate(states)]
    summary = {s: states.count(s) for s in ("changed", "unchanged", "pending", "failed", "skipped")}
    return {"changed": "changed" in states, "results": results, "summary": dict(summary, total=len(states))}


def test_fold_counts_outcomes_and_keeps_compact_results():
    state = batch_fold(status_result(["changed", "failed", "pending"]), None, 50)
    state = batch_fold(status_result(["changed", "unchanged"], start=3), state, "50")
    assert {k: state[k] for k in ("batches", "attempted", "failed", "stop", "stopped_after")} == {
        "batches": 2, "attempted": 5, "failed": 1, "stop": False, "stopped_after": 0}
    assert state["outcomes"] == {"changed": 2, "failed": 1, "pending": 1, "unchanged": 1}
    assert len(state["results"]) == 2 and all(isinstance(t, str) for t in state["results"])
    first = json.loads(state["results"][0])
    assert [set(r) for r in first] == [set(RESULT_FIELDS)] * 3 and first[1]["state"] == "failed"


def test_fold_never_touches_earlier_batches():
    """Each fold adds its own batch's text; the earlier texts are the same objects, not copies."""
    state = batch_fold(status_result(["changed"] * 3), {}, 10)
    earlier = state["results"][0]
    state = batch_fold(status_result(["changed"] * 3, start=3), state, 10)
    assert state["results"][0] is earlier
    assert state["results"] is not batch_fold(status_result(["changed"], start=9), state, 10)["results"]


@pytest.mark.parametrize("limit,stops,stopped_after", [
    (0, [True, True, True], 1),
    (15, [False, True, True], 2),
    (20, [False, False, False], 0),  # 20 % is not more than 20 %
    (100, [False, False, False], 0),
])
def test_fold_stops_once_the_failure_share_passes_the_limit(limit, stops, stopped_after):
    """Batch 1: 1 of 10 cards failed (10 %); batch 2: 4 of 20 (20 %); batch 3: 4 of 30."""
    state = None
    seen = []
    for n, states in enumerate([["failed"] + ["changed"] * 9, ["failed"] * 3 + ["changed"] * 7, ["changed"] * 10]):
        state = batch_fold(status_result(states, start=10 * n), state, limit)
        seen.append(state["stop"])
    assert seen == stops and state["stopped_after"] == stopped_after
    assert (state["attempted"], state["failed"]) == (30, 4)


def test_stop_is_sticky_and_skipped_batches_change_nothing():
    state = batch_fold(status_result(["failed"]), None, 10)
    assert state["stop"] and state["stopped_after"] == 1
    state = batch_fold(status_result(["changed"] * 50, start=1), state, 10)
    assert state["stop"] and state["stopped_after"] == 1 and state["failed"] * 100 < 10 * state["attempted"]
    skipped = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}
    assert batch_fold(skipped, state, 10) == state and batch_fold(None, state, 10) == state


def test_fold_without_results_keeps_counts_only():
    state = batch_fold(status_result(["changed", "failed"]), empty_fold(), 100, keep_results=False)
    assert state["results"] == [] and state["attempted"] == 2 and state["outcomes"] == {"changed": 1, "failed": 1}


@pytest.mark.parametrize("limit,state,message", [
    (101, None, "max_fail_percentage must be between 0 and 100, got 101"),
    ("ten", None, "max_fail_percentage must be a whole number, got 'ten'"),
    (10, "[]", "batch_fold: the running state must be the previous batch_fold result or none, got str"),
    (10, {"attempted": 1}, "batch_fold: the running state must be the previous batch_fold result or none, got dict"),
])
def test_fold_bad_input_is_a_typed_error(limit, state, message):
    with pytest.raises(InvalidInput) as err:
        batch_fold(status_result(["changed"]), state, limit)
    assert str(err.value) == message


def _check(n):
    ids = [uid(i) for i in range(n)]
    info = {"smartcards": [{"uuid": u, "query": u, "card_id": u, "status": 3, "status_name": "Active",
                            "operations": ["Retire"]} for u in ids], "missing": []}
    plan = lifecycle_plan(card_inputs(ids), info, "Retired", "CHG")
    return lifecycle_check(plan, plan["digest"], plan)


def test_summary_over_the_fold_equals_the_summary_over_the_registered_results():
    check = _check(6)
    batches = [status_result(["changed", "failed"]), status_result(["pending", "changed"], start=2)]
    state = None
    for batch in batches:
        state = batch_fold(batch, state, 100)
    meta = {"target_status": "Retired"}
    from_fold = lifecycle_summary(check, state, meta)
    assert from_fold == lifecycle_summary(check, batches, meta)
    assert from_fold == lifecycle_summary(check, [json.loads(t) for t in state["results"]], meta)
    assert from_fold["outcomes"] == {"changed": 2, "failed": 1, "pending": 1, "not_started": 2}
    assert [c["msg"] for c in from_fold["failed"]] == [
        "card 1 failed", "not attempted: its batch did not run", "not attempted: its batch did not run"]


def test_summary_of_results_that_are_not_json_is_a_typed_error():
    with pytest.raises(InvalidInput, match="is not the JSON text of status module results"):
        lifecycle_summary(_check(1), ["{not json"], {})


def test_a_refused_card_counts_as_a_failure_for_the_threshold_and_the_summary():
    """issue 12: a planned change that ends skipped (for example a read-only account) fails the apply."""
    state = batch_fold(status_result(["skipped", "skipped", "changed"]), None, 50)
    assert state["failed"] == 2 and state["stop"] and state["outcomes"] == {"skipped": 2, "changed": 1}
