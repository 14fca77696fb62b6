"""Unit tests of plugins/plugin_utils/drift.py, called directly: what an apply hands to the status
module, drift against progress, sharded checks, and the drift message."""

from ansible_collections.mim.cm.plugins.plugin_utils.card_inputs import card_inputs
from ansible_collections.mim.cm.plugins.plugin_utils.change_plan import lifecycle_plan
from ansible_collections.mim.cm.plugins.plugin_utils.drift import drift_message, lifecycle_check
from ansible_collections.mim.cm.plugins.plugin_utils.sharding import shard

from card_cases import MIXED_IDS, U1, mixed_info, mixed_plan_maker

mixed_plan = mixed_plan_maker(card_inputs, lifecycle_plan)


def test_unreadable_plan_is_a_problem_not_an_exception():
    check = lifecycle_check("not a plan", "x", mixed_plan())
    assert check["ok"] is False and check["message"] == "the approved plan could not be read"


def test_each_shard_checks_its_own_rows():
    plan = mixed_plan()
    todo = []
    for index in range(3):
        share = shard(card_inputs(MIXED_IDS), index, 3)
        check = lifecycle_check(plan, plan["digest"], lifecycle_plan(share, mixed_info(), "Retired", "CHG1"), index, 3)
        assert check["ok"], check["message"]
        assert [r["key"] for r in check["rows"]] == [r["key"] for r in shard(plan["rows"], index, 3)]
        todo += check["todo"]
    assert todo == [U1]
    # another host's share is drift: this host would not apply it
    wrong = lifecycle_check(plan, plan["digest"], plan, 0, 3)
    assert not wrong["ok"] and all(d["what"].startswith("not in the approved plan") for d in wrong["drift"])


def test_target_and_ticket_changes_are_problems():
    plan = mixed_plan()
    check = lifecycle_check(plan, plan["digest"].upper(), mixed_plan(target="Disabled", ticket="CHG2"))
    assert check["problems"] == ["target status is Disabled but the approved plan is for Retired",
                                 "change ticket is 'CHG2' but the approved plan is for 'CHG1'"]


def test_drift_message_is_clipped():
    check = {"problems": ["p"], "drift": [{"key": "k%d" % i, "what": "w"} for i in range(25)]}
    lines = drift_message(check, limit=20).splitlines()
    assert lines[:3] == ["p", "25 card(s) drifted since the plan was approved:", "  k0: w"]
    assert lines[-1] == "  ... and 5 more (see the drift report)" and len(lines) == 23


def test_todo_cards_are_the_cards_as_the_recheck_read_them():
    plan = mixed_plan()
    now = lifecycle_plan(card_inputs(MIXED_IDS), mixed_info(), "Retired", "CHG1")
    check = lifecycle_check(plan, plan["digest"], now)
    assert check["ok"] and check["todo"] == [U1]
    row = next(r for r in now["rows"] if r["uuid"] == U1)
    assert check["todo_cards"] == [{"uuid": U1, "card_id": row["card_id"], "status": row["status"],
                                    "profile_template_uuid": row["profile_template_uuid"],
                                    "assigned_user_uuid": row["owner_uuid"]}]
    assert isinstance(check["todo_cards"][0]["status"], int)
