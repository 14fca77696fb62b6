"""Unit tests of the card filters (plugins/filter/cards.py): card_inputs, card_query, shard,
shard_position, through the adapters (errors are AnsibleFilterError). No network."""

import hashlib
import json
import uuid as uuidlib

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import cards, change_plan, inventory

from card_cases import C1, U1, U2, U3, card


def test_card_inputs_normalises_and_dedupes():
    out = cards.card_inputs([" %s " % U1.upper(), "{%s}" % C1, U1], [U2], ["{%s}" % U3])
    assert out == [{"key": U1, "kind": "any", "listed": 2}, {"key": C1, "kind": "card_id"},
                   {"key": U2, "kind": "uuid"}, {"key": U3, "kind": "card_id"}]


def test_card_inputs_from_a_survey_text_area():
    out = cards.card_inputs("%s\n {%s},%s\n\n" % (U1, C1, U2), "", "")
    assert [i["key"] for i in out] == [U1, C1, U2]


def test_card_inputs_rejects_non_guid_naming_it():
    with pytest.raises(AnsibleFilterError, match="not-a-guid"):
        cards.card_inputs([U1, "not-a-guid"])


def test_messy_csv():
    text = ("\ufeff  Card_ID ; UUID  \r\n\r\n"
            "  {%s} ;  \r\n"
            " ; %s \r\n"
            "\r\n   \r\n"
            "%s;%s\r\n" % (C1.upper(), U1, C1, U2))
    out = cards.card_inputs(file_content=text, file_name="cards.csv")
    assert out == [{"key": C1, "kind": "card_id"}, {"key": U1, "kind": "uuid"},
                   {"key": U2, "kind": "uuid"}]


def test_csv_uuid_column_wins_over_card_id():
    text = "serial number,Smartcard UUID\n%s,%s\n" % (C1, U1)
    assert cards.card_inputs(file_content=text, file_name="x.csv") == [{"key": U1, "kind": "uuid"}]


@pytest.mark.parametrize("text", ["name,owner\nalice,bob\n", "%s\n%s\n" % (U1, U2)])
def test_csv_without_id_column_fails_clearly(text):
    with pytest.raises(AnsibleFilterError, match="has no card id column"):
        cards.card_inputs(file_content=text, file_name="cards.csv")


def test_csv_row_without_value_fails_with_line_number():
    with pytest.raises(AnsibleFilterError, match="line\\(s\\) 3"):
        cards.card_inputs(file_content="uuid,name\n%s,a\n,b\n" % U1, file_name="c.csv")


@pytest.mark.parametrize("data,expected", [
    ([U1, "{%s}" % C1], [{"key": U1, "kind": "any"}, {"key": C1, "kind": "card_id"}]),
    ([{"UUID": U1}, {"card_id": C1}], [{"key": U1, "kind": "uuid"}, {"key": C1, "kind": "card_id"}]),
    ({"uuids": [U1], "card_ids": [C1]}, [{"key": U1, "kind": "uuid"}, {"key": C1, "kind": "card_id"}]),
    ({"cards": [U1]}, [{"key": U1, "kind": "any"}]),
])
def test_json_files(data, expected):
    assert cards.card_inputs(file_content=json.dumps(data), file_name="c.json") == expected


def test_looped_info_results_are_understood():
    inputs = cards.card_inputs([U1, U2, "{%s}" % C1])
    looped = {"results": [{"smartcards": [card(U1, "Active")], "missing": []},
                          {"smartcards": [], "missing": [U2]}, {"skipped": True}]}
    assert cards.card_query(inputs, ["card_id", "any"], looped) == [U2, C1]
    plan = change_plan.lifecycle_plan(inputs, [looped], "Retired", "")
    assert {r["key"]: r["action"] for r in plan["rows"]} == {U1: "change", U2: "missing", C1: "missing"}
    s = inventory.inventory_summary([looped])
    assert s["total"] == 1 and s["missing"] == [U2]
    assert len(inventory.inventory_csv([looped]).splitlines()) == 2


def test_card_query_second_call_only_missing_any():
    inputs = [{"key": U1, "kind": "any"}, {"key": U2, "kind": "any"}, {"key": C1, "kind": "card_id"},
              {"key": U3, "kind": "uuid"}]
    assert cards.card_query(inputs, ["uuid", "any"]) == [U1, U2, U3]
    first = {"smartcards": [card(U1, "Active")], "missing": [U2, U3]}
    assert cards.card_query(inputs, ["card_id", "any"], first) == [U2, C1]


def test_shards_partition_every_key_once():
    keys = [str(uuidlib.uuid4()) for dummy in range(500)]
    parts = [cards.shard(keys, i, 3) for i in range(3)]
    assert sorted(sum(parts, [])) == sorted(keys)
    assert all(parts)
    assert cards.shard(keys, 0, 1) == keys
    k = keys[0]
    assert k in parts[int(hashlib.sha256(k.encode()).hexdigest(), 16) % 3]


def test_shard_position():
    hosts = ["s2", "s0", "s1"]
    assert cards.shard_position("s1", hosts) == {"index": 1, "count": 3}
    assert cards.shard_position("x", [], 2, 4) == {"index": 2, "count": 4}
    assert cards.shard_position("localhost") == {"index": 0, "count": 1}
    with pytest.raises(AnsibleFilterError):
        cards.shard_position("x", [], 4, 4)
    with pytest.raises(AnsibleFilterError):
        cards.shard_position("x", [], 1, None)


# ---------------------------------------------------------------- the adapter

def test_filter_names():
    assert sorted(cards.FilterModule().filters()) == ["card_inputs", "card_query", "cards_file_read", "shard",
                                                      "shard_position"]


def test_typed_errors_arrive_as_filter_errors_with_the_same_message():
    with pytest.raises(AnsibleFilterError, match=r"^shard index must be a whole number, got 'x'$"):
        cards.shard([U1], "x", 2)
    with pytest.raises(AnsibleFilterError, match=r"^card_query: expected the card inputs of mim.cm.card_inputs \(a list\), got str$"):
        cards.card_query(U1)


def test_cards_file_read_returns_the_text_or_the_roles_message(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("uuid\n%s\n" % U1)
    assert cards.cards_file_read(str(path), "smartcard_report_cards_file")["text"] == "uuid\n%s\n" % U1
    error = cards.cards_file_read(str(tmp_path / "nope.csv"), "smartcard_report_cards_file")["error"]
    assert error.startswith("smartcard_report_cards_file '%s' cannot be read (there is no such file)" % (tmp_path / "nope.csv"))
