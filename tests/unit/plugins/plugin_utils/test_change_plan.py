"""Unit tests of plugins/plugin_utils/change_plan.py, called directly: plan rows, reasons, totals
and the digest, which must not change for the same cards (it is what a change approver signed)."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_enums import LEGAL_SOURCES, plannable_statuses
from ansible_collections.mim.cm.plugins.plugin_utils import change_plan
from ansible_collections.mim.cm.plugins.plugin_utils.card_inputs import card_inputs

from card_cases import C1, U1, U2, U3, card, mixed_plan_maker

mixed_plan = mixed_plan_maker(card_inputs, change_plan.lifecycle_plan)

U4 = "aaaaaaaa-0000-4000-8000-000000000004"
U5 = "aaaaaaaa-0000-4000-8000-000000000005"
U6 = "aaaaaaaa-0000-4000-8000-000000000006"
C2 = "bbbbbbbb-0000-4000-8000-000000000002"


def _card(uuid, name, status, ops, card_id, query=None):
    return {"uuid": uuid, "status": status, "status_name": name, "card_id": card_id, "query": query or uuid,
            "operations": list(ops)}


def pinned_plan(target):
    """Every action and every reason: change, already, terminal, no transition (also from an unknown
    status), not permitted (an operation in lower case counts), same card twice, missing."""
    inputs = card_inputs([U1, U2, U3, U4, "{%s}" % C1, U6], [U5], ["{%s}" % C2])
    info = [{"smartcards": [_card(U1, "Active", 3, ["retire", "Revoke"], "c0000000-0000-4000-8000-000000000001"),
                            _card(U2, "Retired", 6, [], "c0000000-0000-4000-8000-000000000002"),
                            _card(U4, "New", 1, ["Retire"], "c0000000-0000-4000-8000-000000000004"),
                            _card(U5, "Suspended", 4, ["Renew"], C2),
                            _card(U6, None, 42, ["Retire"], None)],
             "missing": [U3]},
            {"smartcards": [_card(U5, "Suspended", 4, ["Renew"], C2, query=C2),
                            _card("99999999-0000-4000-8000-000000000009", "Disabled", 5, ["Retire", "Reinstate"], C1,
                                  query=C1)],
             "missing": []}]
    return change_plan.lifecycle_plan(inputs, info, target, "CHG-42")


# Computed with the filter code before plugin_utils existed (plugins/filter/lifecycle.py, PLAN_FORMAT 1).
# A change here means approved plans no longer verify: bump PLAN_FORMAT instead, with a changelog fragment.
PINNED_DIGESTS = {
    "Retired": "d8b6e6d52dea7968f84f61cd35b3ab41ef5ecbc6b038a2eeac85c415e5881ba3",
    "Disabled": "2ac8d8f937fefba2db60ad96fae85d6b402b55aaad195a7ff2dd03ff22118f12",
    # issue 11: "reinstate" is not in the documented operations vocabulary, so a card whose list lacks it is no
    # longer planned "not permitted" (was 96232267f0cd38f11fd2623c72e570e8507a17d6413010670a1d0dfe63643fdd)
    "Active": "7eeb1dba511d6b0d251ce0507e05de9b0bf04dfa0ad93a8ea734b7a5391b5c2f",
}


@pytest.mark.parametrize("target", sorted(PINNED_DIGESTS))
def test_digest_is_pinned(target):
    plan = pinned_plan(target)
    assert plan["format"] == change_plan.PLAN_FORMAT == 1
    assert plan["digest"] == change_plan.plan_digest(plan) == PINNED_DIGESTS[target]


def test_reason_texts_are_pinned():
    reasons = {t: {r["key"]: r["reason"] for r in pinned_plan(t)["rows"]} for t in ("Retired", "Disabled", "Active")}
    assert reasons["Retired"] == {
        U3: "no card has this uuid or card id",
        U1: "Active -> Retired",
        U2: "already Retired",
        U4: "New -> Retired",
        U5: "not permitted: the caller may not request Retire for this card",
        U6: "no transition from Unknown(42) to Retired (allowed from: None, New, Assigned, Active, Suspended, Disabled)",
        C2: "same card as input %s" % U5,
        C1: "Disabled -> Retired",
    }
    assert reasons["Disabled"][U2] == "card is Retired, which is terminal"
    assert reasons["Disabled"][U4] == "no transition from New to Disabled (allowed from: Assigned, Active, Suspended)"
    assert reasons["Disabled"][U5] == "not permitted: the caller may not request Revoke for this card"
    assert reasons["Disabled"][C1] == "already Disabled"
    assert reasons["Active"][U5] == "Suspended -> Active"  # the server's answer to the request decides
    assert reasons["Active"][C1] == "no transition from Disabled to Active (allowed from: Suspended)"


def test_rules_come_from_the_transition_table():
    """The plan plans what mimcm_enums allows: every legal source of a plannable target can change."""
    assert plannable_statuses() == ("Retired", "Disabled", "Active")
    for target in plannable_statuses():
        for source in LEGAL_SOURCES[target]:
            row = change_plan.plan_row(U1, card(U1, source, status=0, ops=("retire", "Revoke", "REINSTATE")), target)
            assert row["action"] == ("already_done" if source == target else "change"), (source, target)


def test_target_status_any_case_and_unsupported():
    assert change_plan.normalize_target(" disabled ") == "Disabled"
    for bad in ("Suspended", "bogus", None):
        with pytest.raises(InvalidInput, match="is not supported: use one of Retired, Disabled, Active"):
            change_plan.normalize_target(bad)


def test_a_status_spelled_otherwise_is_no_legal_source():
    """Only the info module's spelling is a table status (as before the rules moved to mimcm_enums)."""
    row = change_plan.plan_row(U1, card(U1, "active", status=3), "Retired")
    assert row["action"] == "cannot" and row["reason"].startswith("no transition from active to Retired")


def test_missing_card_row_and_totals():
    plan = mixed_plan()
    assert change_plan.plan_row(U3, None, "Retired")["action"] == "missing"
    assert plan["totals"] == {"change": 1, "already_done": 1, "cannot": 1, "missing": 1, "total": 4}
    assert plan["status_counts"] == {"Active": 2, "Retired": 1, "Missing": 1}
    assert [set(r) for r in plan["rows"]] == [set(change_plan.ROW_FIELDS + change_plan.DISPLAY_FIELDS)] * 4


def test_digest_ignores_everything_but_target_ticket_and_rows():
    plan = mixed_plan()
    assert change_plan.plan_digest(dict(plan, meta={"x": 1}, totals={})) == plan["digest"]
    assert change_plan.plan_digest(dict(plan, rows=list(reversed(plan["rows"])))) == plan["digest"]
    assert change_plan.plan_digest(dict(plan, change_ticket="other")) != plan["digest"]


# ---------------------------------------------------------------- issue 12: plans an approver can read

T1 = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
T2 = "bbbb0000-0000-4000-8000-00000000000a"
OWNER = "8f1590dc-d932-4b66-8e68-2e91c5880780"


def _named_info():
    cards = [dict(card(U1, "Active", template=T1), assigned_user_uuid=OWNER.upper()),
             dict(card(U2, "Active", template=T2), assigned_user_uuid=OWNER),
             card(U4, "Retired", ops=(), template="cccc0000-0000-4000-8000-00000000000c")]
    return [{"smartcards": cards, "missing": [U3],
             "profile_templates": [{"uuid": T1.upper(), "name": "Smart Card Logon"}, {"uuid": T2, "name": "Executive"}]}]


def test_display_fields_name_the_template_and_owner_and_leave_the_digest_alone():
    inputs = card_inputs([U1, U2, U3, U4])
    named = change_plan.lifecycle_plan(inputs, _named_info(), "Retired", "CHG1", {"executive": True, T1: False})
    bare = change_plan.lifecycle_plan(inputs, [{k: v for k, v in _named_info()[0].items() if k != "profile_templates"}],
                                      "Retired", "CHG1")
    assert named["digest"] == bare["digest"] == change_plan.plan_digest(named)
    rows = {r["key"]: r for r in named["rows"]}
    assert rows[U1]["profile_template"] == "Smart Card Logon" and rows[U1]["owner_uuid"] == OWNER
    assert rows[U1]["needs_approval"] is False and rows[U2]["needs_approval"] is True
    assert rows[U4]["profile_template"] == "cccc0000-0000-4000-8000-00000000000c"  # not visible: its uuid
    assert rows[U4]["needs_approval"] is None and rows[U3]["profile_template"] is None
    assert named["templates_named"] and not bare["templates_named"]
    assert [(t["profile_template"], t["change"], t["already_done"], t["missing"], t["total"]) for t in named["by_template"]] == [
        ("Executive", 1, 0, 0, 1), ("Smart Card Logon", 1, 0, 0, 1),
        ("cccc0000-0000-4000-8000-00000000000c", 0, 1, 0, 1), ("(no card)", 0, 0, 1, 1)]


def test_a_row_with_display_fields_changes_the_digest_only_through_its_decision_fields():
    plan = mixed_plan()
    rows = [dict(r, profile_template="x", owner_uuid="y", needs_approval=True) for r in plan["rows"]]
    assert change_plan.plan_digest(dict(plan, rows=rows)) == plan["digest"]
    rows[0]["reason"] = "another wording"
    assert change_plan.plan_digest(dict(plan, rows=rows)) != plan["digest"]


def test_cards_listed_twice_are_planned_once_and_recorded_outside_the_digest():
    once = change_plan.lifecycle_plan(card_inputs([U1, U2]), _named_info(), "Retired", "CHG1")
    twice = change_plan.lifecycle_plan(card_inputs([U1, U2, U1], [U1], file_content="uuid\n%s\n" % U2,
                                                   file_name="c.csv"), _named_info(), "Retired", "CHG1")
    assert twice["digest"] == once["digest"] and twice["totals"] == once["totals"]
    assert once["duplicates"] == {"count": 0, "cards": []}
    assert twice["duplicates"] == {"count": 3, "cards": [{"key": U1, "times": 3}, {"key": U2, "times": 2}]}
