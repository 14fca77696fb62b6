"""Unit tests of the smartcard_lifecycle / smartcard_report filter plugins (no network)."""

import hashlib
import json
import uuid as uuidlib
from html.parser import HTMLParser

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import inventory, lifecycle, report_render

U1 = "17cf063d-e337-4aa9-a822-346554ddd3c9"
U2 = "438d1b30-0000-4000-8000-000000000002"
U3 = "0c96d73f-967b-420e-854a-43ad2a1504bc"
C1 = "bc88f13f-83ba-4037-8262-46eba1291c6e"


def card(uuid, status_name, status=None, ops=("Retire", "Revoke"), card_id=None, query=None,
         template="a039b4d0-5ce8-4eff-8651-181c6576fda3"):
    codes = {"New": 1, "Assigned": 2, "Active": 3, "Suspended": 4, "Disabled": 5, "Retired": 6}
    return {"uuid": uuid, "status": codes.get(status_name, status), "status_name": status_name,
            "card_id": card_id or str(uuidlib.uuid5(uuidlib.NAMESPACE_OID, uuid)),
            "query": query or uuid, "operations": list(ops), "profile_template_uuid": template}


# ---------------------------------------------------------------- inputs

def test_card_inputs_normalises_and_dedupes():
    out = lifecycle.card_inputs([" %s " % U1.upper(), "{%s}" % C1, U1], [U2], ["{%s}" % U3])
    assert out == [{"key": U1, "kind": "any"}, {"key": C1, "kind": "card_id"},
                   {"key": U2, "kind": "uuid"}, {"key": U3, "kind": "card_id"}]


def test_card_inputs_from_a_survey_text_area():
    out = lifecycle.card_inputs("%s\n {%s},%s\n\n" % (U1, C1, U2), "", "")
    assert [i["key"] for i in out] == [U1, C1, U2]


def test_card_inputs_rejects_non_guid_naming_it():
    with pytest.raises(AnsibleFilterError, match="not-a-guid"):
        lifecycle.card_inputs([U1, "not-a-guid"])


def test_messy_csv():
    text = ("\ufeff  Card_ID ; UUID  \r\n\r\n"
            "  {%s} ;  \r\n"
            " ; %s \r\n"
            "\r\n   \r\n"
            "%s;%s\r\n" % (C1.upper(), U1, C1, U2))
    out = lifecycle.card_inputs(file_content=text, file_name="cards.csv")
    assert out == [{"key": C1, "kind": "card_id"}, {"key": U1, "kind": "uuid"},
                   {"key": U2, "kind": "uuid"}]


def test_csv_uuid_column_wins_over_card_id():
    text = "serial number,Smartcard UUID\n%s,%s\n" % (C1, U1)
    assert lifecycle.card_inputs(file_content=text, file_name="x.csv") == [{"key": U1, "kind": "uuid"}]


@pytest.mark.parametrize("text", ["name,owner\nalice,bob\n", "%s\n%s\n" % (U1, U2)])
def test_csv_without_id_column_fails_clearly(text):
    with pytest.raises(AnsibleFilterError, match="has no card id column"):
        lifecycle.card_inputs(file_content=text, file_name="cards.csv")


def test_csv_row_without_value_fails_with_line_number():
    with pytest.raises(AnsibleFilterError, match="line\\(s\\) 3"):
        lifecycle.card_inputs(file_content="uuid,name\n%s,a\n,b\n" % U1, file_name="c.csv")


@pytest.mark.parametrize("data,expected", [
    ([U1, "{%s}" % C1], [{"key": U1, "kind": "any"}, {"key": C1, "kind": "card_id"}]),
    ([{"UUID": U1}, {"card_id": C1}], [{"key": U1, "kind": "uuid"}, {"key": C1, "kind": "card_id"}]),
    ({"uuids": [U1], "card_ids": [C1]}, [{"key": U1, "kind": "uuid"}, {"key": C1, "kind": "card_id"}]),
    ({"cards": [U1]}, [{"key": U1, "kind": "any"}]),
])
def test_json_files(data, expected):
    assert lifecycle.card_inputs(file_content=json.dumps(data), file_name="c.json") == expected


def test_looped_info_results_are_understood():
    inputs = lifecycle.card_inputs([U1, U2, "{%s}" % C1])
    looped = {"results": [{"smartcards": [card(U1, "Active")], "missing": []},
                          {"smartcards": [], "missing": [U2]}, {"skipped": True}]}
    assert lifecycle.card_query(inputs, ["card_id", "any"], looped) == [U2, C1]
    plan = lifecycle.lifecycle_plan(inputs, [looped], "Retired", "")
    assert {r["key"]: r["action"] for r in plan["rows"]} == {U1: "change", U2: "missing", C1: "missing"}
    s = inventory.inventory_summary([looped])
    assert s["total"] == 1 and s["missing"] == [U2]
    assert len(inventory.inventory_csv([looped]).splitlines()) == 2


def test_card_query_second_call_only_missing_any():
    inputs = [{"key": U1, "kind": "any"}, {"key": U2, "kind": "any"}, {"key": C1, "kind": "card_id"},
              {"key": U3, "kind": "uuid"}]
    assert lifecycle.card_query(inputs, ["uuid", "any"]) == [U1, U2, U3]
    first = {"smartcards": [card(U1, "Active")], "missing": [U2, U3]}
    assert lifecycle.card_query(inputs, ["card_id", "any"], first) == [U2, C1]


# ---------------------------------------------------------------- plan

def mixed_plan(target="Retired", ticket="CHG1"):
    inputs = lifecycle.card_inputs([U1, U2, U3, "{%s}" % C1])
    first = {"smartcards": [card(U1, "Active"), card(U2, "Retired", ops=())], "missing": [U3]}
    second = {"smartcards": [card("99999999-0000-4000-8000-000000000009", "Active", ops=("Renew",),
                                  card_id=C1, query=C1)], "missing": [U3]}
    return lifecycle.lifecycle_plan(inputs, [first, second], target, ticket)


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
    inputs = lifecycle.card_inputs([U1, U2])
    info = {"smartcards": [card(U1, "Active"), card(U2, "Retired")], "missing": []}
    rows = {r["key"]: r for r in lifecycle.lifecycle_plan(inputs, info, "active", "")["rows"]}
    assert rows[U1]["action"] == "already_done"
    assert rows[U2]["action"] == "cannot" and "terminal" in rows[U2]["reason"]
    info = {"smartcards": [card(U1, "New")], "missing": []}
    row = lifecycle.lifecycle_plan(lifecycle.card_inputs([U1]), info, "Disabled", "")["rows"][0]
    assert row["action"] == "cannot" and "no transition from New to Disabled" in row["reason"]


def test_plan_unknown_status_does_not_crash():
    info = {"smartcards": [dict(card(U1, "Active"), status=42, status_name=None)], "missing": []}
    row = lifecycle.lifecycle_plan(lifecycle.card_inputs([U1]), info, "Retired", "")["rows"][0]
    assert row["status_name"] == "Unknown(42)" and row["action"] == "cannot"


def test_digest_is_sha256_of_canonical_json_and_stable():
    plan = mixed_plan()
    body = {"target_status": "Retired", "change_ticket": "CHG1",
            "rows": sorted(plan["rows"], key=lambda r: r["key"])}
    expected = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False).encode()).hexdigest()
    assert plan["digest"] == expected == mixed_plan()["digest"]
    assert mixed_plan(ticket="CHG2")["digest"] != expected
    assert mixed_plan(target="Disabled")["digest"] != expected
    # the file content (with meta) hashes to the same digest
    content = dict(plan, meta={"generated_at": "now"})
    assert lifecycle.plan_digest(json.loads(json.dumps(content))) == expected


def test_same_card_twice_is_planned_once():
    inputs = lifecycle.card_inputs([U1], card_ids=[C1])
    info1 = {"smartcards": [card(U1, "Active", card_id=C1)], "missing": []}
    info2 = {"smartcards": [card(U1, "Active", card_id=C1, query=C1)], "missing": []}
    rows = lifecycle.lifecycle_plan(inputs, [info1, info2], "Retired", "")["rows"]
    assert sorted(r["action"] for r in rows) == ["cannot", "change"]


# ---------------------------------------------------------------- drift / resume

def test_check_identical_is_ok_with_todo():
    plan = mixed_plan()
    check = lifecycle.lifecycle_check(plan, plan["digest"], mixed_plan())
    assert check["ok"] and check["todo"] == [U1] and not check["drift"]


def test_check_progress_is_not_drift():
    plan = mixed_plan()
    inputs = lifecycle.card_inputs([U1, U2, U3, "{%s}" % C1])
    first = {"smartcards": [card(U1, "Retired", ops=()), card(U2, "Retired", ops=())], "missing": [U3]}
    second = {"smartcards": [card("99999999-0000-4000-8000-000000000009", "Active", ops=("Renew",),
                                  card_id=C1, query=C1)], "missing": [U3]}
    now = lifecycle.lifecycle_plan(inputs, [first, second], "Retired", "CHG1")
    check = lifecycle.lifecycle_check(plan, plan["digest"], now)
    assert check["ok"] and check["todo"] == [U1] and check["progress"] == [U1]
    res = {"results": [{"uuid": U1, "state": "unchanged", "after": "Retired", "msg": "already"}]}
    summary = lifecycle.lifecycle_summary(check, [res], {"target_status": "Retired"})
    assert summary["outcomes"]["done_earlier"] == 1 and summary["ok"]
    assert summary["counts_after"]["Retired"] == 2


@pytest.mark.parametrize("change", ["status", "appeared", "vanished", "permission", "list"])
def test_check_drift(change):
    plan = mixed_plan()
    inputs = lifecycle.card_inputs([U1, U2, U3, "{%s}" % C1])
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
    now = lifecycle.lifecycle_plan(inputs, [first, {"smartcards": [c1], "missing": []}], "Retired", "CHG1")
    check = lifecycle.lifecycle_check(plan, plan["digest"], now)
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
    inputs = lifecycle.card_inputs([U1, U2, U3, "{%s}" % C1])
    first = {"smartcards": [card(U1, "Suspended" if suspended else "Active"), card(U2, "Retired", ops=())],
             "missing": [U3]}
    second = {"smartcards": [card("99999999-0000-4000-8000-000000000009", "Active", ops=("Renew",),
                                  card_id=C1, query=C1)], "missing": [U3]}
    now = lifecycle.lifecycle_plan(inputs, [_without_operations(first), _without_operations(second)],
                                   "Retired", "CHG1")
    assert now["operations_checked"] is False
    check = lifecycle.lifecycle_check(plan, plan["digest"], now)
    if suspended:
        assert not check["ok"] and [d["key"] for d in check["drift"]] == [U1]
    else:
        assert check["ok"] and check["todo"] == [U1] and not check["drift"]


def test_check_tampered_plan_and_other_ticket():
    plan = mixed_plan()
    tampered = json.loads(json.dumps(plan))
    tampered["rows"][0]["reason"] = "edited"
    check = lifecycle.lifecycle_check(tampered, plan["digest"], mixed_plan())
    assert not check["ok"] and "hashes to" in check["problems"][0]
    check = lifecycle.lifecycle_check(plan, plan["digest"], mixed_plan(ticket="CHG9"))
    assert not check["ok"] and any("change ticket" in p for p in check["problems"])


# ---------------------------------------------------------------- sharding

def test_shards_partition_every_key_once():
    keys = [str(uuidlib.uuid4()) for dummy in range(500)]
    parts = [lifecycle.shard(keys, i, 3) for i in range(3)]
    assert sorted(sum(parts, [])) == sorted(keys)
    assert all(parts)
    assert lifecycle.shard(keys, 0, 1) == keys
    k = keys[0]
    assert k in parts[int(hashlib.sha256(k.encode()).hexdigest(), 16) % 3]


def test_shard_position():
    hosts = ["s2", "s0", "s1"]
    assert lifecycle.shard_position("s1", hosts) == {"index": 1, "count": 3}
    assert lifecycle.shard_position("x", [], 2, 4) == {"index": 2, "count": 4}
    assert lifecycle.shard_position("localhost") == {"index": 0, "count": 1}
    with pytest.raises(AnsibleFilterError):
        lifecycle.shard_position("x", [], 4, 4)
    with pytest.raises(AnsibleFilterError):
        lifecycle.shard_position("x", [], 1, None)


# ---------------------------------------------------------------- summary and reports

class _Checker(HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr", "line", "rect"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.text = []
        self.external = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _summary():
    plan = mixed_plan()
    check = lifecycle.lifecycle_check(plan, plan["digest"], mixed_plan())
    res = {"results": [{"uuid": U1, "state": "failed", "after": "Active", "before": "Active",
                        "msg": "<script>alert(1)</script> & failed"}]}
    return lifecycle.lifecycle_summary(check, [res], {"change_ticket": "CHG<1>", "target_status": "Retired"})


def test_summary_counts_and_failure():
    s = _summary()
    assert s["outcomes"] == {"failed": 1, "already_done": 1, "missing": 1, "cannot": 1}
    assert s["counts_before"] == {"Active": 2, "Retired": 1, "Missing": 1}
    assert not s["ok"] and s["failed"][0]["key"] == U1


def test_summary_not_started_when_batch_skipped():
    plan = mixed_plan()
    check = lifecycle.lifecycle_check(plan, plan["digest"], mixed_plan())
    s = lifecycle.lifecycle_summary(check, [], {})
    assert s["outcomes"]["not_started"] == 1 and not s["ok"]


def test_html_report_is_valid_escaped_and_self_contained():
    page = report_render.report_html(_summary())
    parser = _Checker()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    assert parser.external == []
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "CHG&lt;1&gt;" in page
    assert "<svg" in page
    text = " ".join(parser.text)
    assert "failed" in text and "Active" in text


def test_markdown_report_and_plan():
    md = report_render.report_markdown(_summary())
    assert "| failed | 1 |" in md and "FAILED" in md
    pm = report_render.report_markdown(mixed_plan(), {"generated_by": "me"})
    assert mixed_plan()["digest"] in pm and "| change | 1 |" in pm and "generated_by: me" in pm


# ---------------------------------------------------------------- inventory

def test_inventory_summary_and_csv():
    cards = [card(U1, "Active"), card(U2, "Retired", ops=(), template="t2"),
             dict(card(U3, "Active"), comment="=cmd|' /C calc'!A0")]
    results = [{"smartcards": cards, "missing": [C1]}, {"skipped": True}]
    s = inventory.inventory_summary(results, {"host": "h"})
    assert s["total"] == 3 and s["status_counts"] == {"Active": 2, "Retired": 1}
    assert s["templates"][0]["cards"] == 2 and s["operation_counts"]["Retire"] == 2
    assert s["missing"] == [C1]
    text = inventory.inventory_csv(results + [{"smartcards": cards[:1]}])
    lines = text.splitlines()
    assert lines[0].startswith("uuid,card_id,status") and len(lines) == 4
    assert "'=cmd" in text
    page = report_render.report_html(s)
    parser = _Checker()
    parser.feed(page)
    assert parser.stack == []
    assert "Retired" in page
    assert "Active" in report_render.report_markdown(s)


def test_inventory_handles_100k_cards():
    cards = [card(str(uuidlib.UUID(int=i)), "Active") for i in range(100000)]
    s = inventory.inventory_summary({"smartcards": cards, "missing": []})
    inventory.inventory_csv({"smartcards": cards})
    report_render.report_html(s)
    assert s["total"] == 100000


def test_report_files_renders_the_three_reports_and_a_brief_summary():
    card = "aaaaaaaa-0000-4000-8000-000000000001"
    plan = lifecycle.lifecycle_plan(
        [{"key": card, "kind": "uuid"}],
        [{"smartcards": [{"query": card, "uuid": card, "status": 3, "status_name": "Active",
                          "operations": ["Retire"]}]}], "Retired", "CHG<1>")
    check = lifecycle.lifecycle_check(plan, plan["digest"], plan)
    res = {"uuid": card, "state": "failed", "changed": False, "msg": "boom <b>"}
    summary = lifecycle.lifecycle_summary(check, [res], {"change_ticket": "CHG<1>", "target_status": "Retired"})
    files = report_render.report_files(summary, first=1)
    assert json.loads(files["json"]) == summary
    assert files["md"] == report_render.report_markdown(summary)
    assert files["html"] == report_render.report_html(summary)
    brief = files["brief"]
    assert brief["ok"] is False and brief["failed_count"] == len(summary["failed"]) >= 1
    assert brief["failed_first"] == summary["failed"][:1] and brief["pending_count"] == len(summary["pending"])
    assert brief["outcomes"] == summary["outcomes"] and "cards" not in brief
