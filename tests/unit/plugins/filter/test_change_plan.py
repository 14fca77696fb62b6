"""Unit tests of the change plan filters (plugins/filter/change_plan.py): lifecycle_plan,
plan_digest, lifecycle_check, through the adapters. No network."""

import hashlib
import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import apply_summary, cards, change_plan

from ansible_collections.mim.cm.plugins.plugin_utils.change_plan import ROW_FIELDS

from card_cases import C1, U1, U2, U3, card, mixed_plan_maker

mixed_plan = mixed_plan_maker(cards.card_inputs, change_plan.lifecycle_plan)


def test_plan_actions_and_totals():
    plan = mixed_plan()
    actions = {r["key"]: (r["action"], r["reason"]) for r in plan["rows"]}
    assert actions[U1] == ("change", "Active -> Retired")
    assert actions[U2][0] == "already_done"
    assert actions[U3][0] == "missing"
    assert actions[C1][0] == "cannot" and "not permitted" in actions[C1][1]
    assert plan["totals"] == {"change": 1, "already_done": 1, "cannot": 1, "missing": 1, "total": 4}
    assert plan["change_uuids"] == [U1]
    assert [r["key"] for r in plan["rows"]] == sorted(r["key"] for r in plan["rows"])


def test_plan_transition_rules():
    inputs = cards.card_inputs([U1, U2])
    info = {"smartcards": [card(U1, "Active"), card(U2, "Retired")], "missing": []}
    rows = {r["key"]: r for r in change_plan.lifecycle_plan(inputs, info, "active", "")["rows"]}
    assert rows[U1]["action"] == "already_done"
    assert rows[U2]["action"] == "cannot" and "terminal" in rows[U2]["reason"]
    info = {"smartcards": [card(U1, "New")], "missing": []}
    row = change_plan.lifecycle_plan(cards.card_inputs([U1]), info, "Disabled", "")["rows"][0]
    assert row["action"] == "cannot" and "no transition from New to Disabled" in row["reason"]


def test_plan_unknown_status_does_not_crash():
    info = {"smartcards": [dict(card(U1, "Active"), status=42, status_name=None)], "missing": []}
    row = change_plan.lifecycle_plan(cards.card_inputs([U1]), info, "Retired", "")["rows"][0]
    assert row["status_name"] == "Unknown(42)" and row["action"] == "cannot"


def test_digest_is_sha256_of_canonical_json_and_stable():
    plan = mixed_plan()
    body = {"target_status": "Retired", "change_ticket": "CHG1",
            "rows": sorted(({f: r[f] for f in ROW_FIELDS} for r in plan["rows"]), key=lambda r: r["key"])}
    expected = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False).encode()).hexdigest()
    assert plan["digest"] == expected == mixed_plan()["digest"]
    assert mixed_plan(ticket="CHG2")["digest"] != expected
    assert mixed_plan(target="Disabled")["digest"] != expected
    # the file content (with meta) hashes to the same digest
    content = dict(plan, meta={"generated_at": "now"})
    assert change_plan.plan_digest(json.loads(json.dumps(content))) == expected


def test_same_card_twice_is_planned_once():
    inputs = cards.card_inputs([U1], card_ids=[C1])
    info1 = {"smartcards": [card(U1, "Active", card_id=C1)], "missing": []}
    info2 = {"smartcards": [card(U1, "Active", card_id=C1, query=C1)], "missing": []}
    rows = change_plan.lifecycle_plan(inputs, [info1, info2], "Retired", "")["rows"]
    assert sorted(r["action"] for r in rows) == ["cannot", "change"]


def test_check_identical_is_ok_with_todo():
    plan = mixed_plan()
    check = change_plan.lifecycle_check(plan, plan["digest"], mixed_plan())
    assert check["ok"] and check["todo"] == [U1] and not check["drift"]


def test_check_progress_is_not_drift():
    plan = mixed_plan()
    inputs = cards.card_inputs([U1, U2, U3, "{%s}" % C1])
    first = {"smartcards": [card(U1, "Retired", ops=()), card(U2, "Retired", ops=())], "missing": [U3]}
    second = {"smartcards": [card("99999999-0000-4000-8000-000000000009", "Active", ops=("Renew",),
                                  card_id=C1, query=C1)], "missing": [U3]}
    now = change_plan.lifecycle_plan(inputs, [first, second], "Retired", "CHG1")
    check = change_plan.lifecycle_check(plan, plan["digest"], now)
    assert check["ok"] and check["todo"] == [U1] and check["progress"] == [U1]
    res = {"results": [{"uuid": U1, "state": "unchanged", "after": "Retired", "msg": "already"}]}
    summary = apply_summary.lifecycle_summary(check, [res], {"target_status": "Retired"})
    assert summary["outcomes"]["done_earlier"] == 1 and summary["ok"]
    assert summary["counts_after"]["Retired"] == 2


@pytest.mark.parametrize("change", ["status", "appeared", "vanished", "permission", "list"])
def test_check_drift(change):
    plan = mixed_plan()
    inputs = cards.card_inputs([U1, U2, U3, "{%s}" % C1])
    c1 = card("99999999-0000-4000-8000-000000000009", "Active", ops=("Renew",), card_id=C1, query=C1)
    first = {"smartcards": [card(U1, "Active"), card(U2, "Retired", ops=())], "missing": [U3]}
    if change == "status":
        first["smartcards"][0] = card(U1, "Suspended")
    elif change == "appeared":
        first["smartcards"].append(card(U3, "Active"))
    elif change == "vanished":
        first["smartcards"].pop(1)
    elif change == "permission":
        first["smartcards"][0] = card(U1, "Active", ops=("Renew",))
    elif change == "list":
        inputs = inputs[:3]
    now = change_plan.lifecycle_plan(inputs, [first, {"smartcards": [c1], "missing": []}], "Retired", "CHG1")
    check = change_plan.lifecycle_check(plan, plan["digest"], now)
    assert not check["ok"] and len(check["drift"]) == 1
    assert check["message"].startswith("1 card(s) drifted")


def _without_operations(info):
    return {"smartcards": [{k: v for k, v in c.items() if k != "operations"} for c in info["smartcards"]],
            "missing": info["missing"]}


@pytest.mark.parametrize("suspended", [False, True])
def test_check_with_a_status_only_read(suspended):
    """The apply re-check reads status only (one call per card): a card planned 'cannot' for
    lack of permission is not drift by itself, and stays out of the apply; a status change is."""
    plan = mixed_plan()
    inputs = cards.card_inputs([U1, U2, U3, "{%s}" % C1])
    first = {"smartcards": [card(U1, "Suspended" if suspended else "Active"), card(U2, "Retired", ops=())],
             "missing": [U3]}
    second = {"smartcards": [card("99999999-0000-4000-8000-000000000009", "Active", ops=("Renew",),
                                  card_id=C1, query=C1)], "missing": [U3]}
    now = change_plan.lifecycle_plan(inputs, [_without_operations(first), _without_operations(second)],
                                     "Retired", "CHG1")
    assert now["operations_checked"] is False
    check = change_plan.lifecycle_check(plan, plan["digest"], now)
    if suspended:
        assert not check["ok"] and [d["key"] for d in check["drift"]] == [U1]
    else:
        assert check["ok"] and check["todo"] == [U1] and not check["drift"]


def test_check_tampered_plan_and_other_ticket():
    plan = mixed_plan()
    tampered = json.loads(json.dumps(plan))
    tampered["rows"][0]["reason"] = "edited"
    check = change_plan.lifecycle_check(tampered, plan["digest"], mixed_plan())
    assert not check["ok"] and "hashes to" in check["problems"][0]
    check = change_plan.lifecycle_check(plan, plan["digest"], mixed_plan(ticket="CHG9"))
    assert not check["ok"] and any("change ticket" in p for p in check["problems"])


# ---------------------------------------------------------------- the adapter

def test_filter_names():
    assert sorted(change_plan.FilterModule().filters()) == ["lifecycle_check", "lifecycle_plan", "plan_digest"]


@pytest.mark.parametrize("call,message", [
    (lambda: change_plan.lifecycle_plan([], [], "Suspended"),
     "target status 'Suspended' is not supported: use one of Retired, Disabled, Active"),
    (lambda: change_plan.lifecycle_plan(U1, [], "Retired"),
     "lifecycle_plan: expected the card inputs of mim.cm.card_inputs (a list), got str"),
    (lambda: change_plan.plan_digest("{}"),
     "plan_digest: expected a plan (the dict mim.cm.lifecycle_plan returns, or a plan file's content), got str"),
    (lambda: change_plan.lifecycle_check(mixed_plan(), "x", None),
     "lifecycle_check: expected a plan (the dict mim.cm.lifecycle_plan returns, or a plan file's content), got NoneType"),
])
def test_errors_are_filter_errors_naming_the_input(call, message):
    with pytest.raises(AnsibleFilterError) as err:
        call()
    assert err.value.message == message
