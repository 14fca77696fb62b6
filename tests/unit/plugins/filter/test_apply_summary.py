"""Unit tests of the apply filters (plugins/filter/apply_summary.py): lifecycle_summary, through
the adapter. No network."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import apply_summary, cards, change_plan

from card_cases import U1, mixed_plan_maker

mixed_plan = mixed_plan_maker(cards.card_inputs, change_plan.lifecycle_plan)


def _summary():
    plan = mixed_plan()
    check = change_plan.lifecycle_check(plan, plan["digest"], mixed_plan())
    res = {"results": [{"uuid": U1, "state": "failed", "after": "Active", "before": "Active",
                        "msg": "<script>alert(1)</script> & failed"}]}
    return apply_summary.lifecycle_summary(check, [res], {"change_ticket": "CHG<1>", "target_status": "Retired"})


def test_summary_counts_and_failure():
    s = _summary()
    assert s["outcomes"] == {"failed": 1, "already_done": 1, "missing": 1, "cannot": 1}
    assert s["counts_before"] == {"Active": 2, "Retired": 1, "Missing": 1}
    assert not s["ok"] and s["failed"][0]["key"] == U1


def test_summary_not_started_when_batch_skipped():
    plan = mixed_plan()
    check = change_plan.lifecycle_check(plan, plan["digest"], mixed_plan())
    s = apply_summary.lifecycle_summary(check, [], {})
    assert s["outcomes"]["not_started"] == 1 and not s["ok"]


# ---------------------------------------------------------------- batch_fold and the adapter

def test_filter_names():
    assert sorted(apply_summary.FilterModule().filters()) == ["batch_fold", "lifecycle_summary"]


def test_the_batch_loop_as_the_role_runs_it():
    """fold = batch_result | batch_fold(fold, max_fail_percentage) per batch; then
    check | lifecycle_summary(fold, meta). A batch after the stop is skipped (its task did not run)."""
    plan = mixed_plan()
    check = change_plan.lifecycle_check(plan, plan["digest"], mixed_plan())
    fold = None
    for batch in ({"results": [{"uuid": U1, "state": "failed", "changed": False, "msg": "boom"}]},
                  {"skipped": True, "changed": False}):
        fold = apply_summary.batch_fold(batch, fold, "10")
    assert fold["stop"] and fold["stopped_after"] == 1 and fold["batches"] == 1
    summary = apply_summary.lifecycle_summary(check, fold, {"batches_run": fold["batches"]})
    assert summary["outcomes"]["failed"] == 1 and summary["failed"][0]["msg"] == "boom"


def test_errors_are_filter_errors_with_the_same_message():
    with pytest.raises(AnsibleFilterError) as err:
        apply_summary.batch_fold({"results": []}, None, 200)
    assert err.value.message == "max_fail_percentage must be between 0 and 100, got 200"
    with pytest.raises(AnsibleFilterError) as err:
        apply_summary.lifecycle_summary([], [])
    assert err.value.message == "lifecycle_summary: expected the result of mim.cm.lifecycle_check, got list"
