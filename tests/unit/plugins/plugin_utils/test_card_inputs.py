"""Unit tests of plugins/plugin_utils/card_inputs.py, called directly: typed errors (InvalidInput)
with the messages the filters show, GUIDs recognised by mimcm_ids, the info module queries."""

import json

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.card_inputs import (
    card_inputs,
    card_keys,
    card_query,
    parse_card_file,
    read_cards_file,
)

from card_cases import C1, U1, U2, U3


def test_ids_from_every_input_in_order_with_kinds():
    out = card_inputs(["{%s}" % C1.upper(), U1], "%s;%s" % (U2, U1), [U3],
                      file_content="uuid\n%s\n" % U3, file_name="f.csv")
    # issue 12: a card given twice is kept once and says how many times it was listed (the plan reports it)
    assert out == [{"key": C1, "kind": "card_id"}, {"key": U1, "kind": "any", "listed": 2},
                   {"key": U2, "kind": "uuid"}, {"key": U3, "kind": "any", "listed": 2}]


@pytest.mark.parametrize("kwargs,message", [
    ({"cards": [U1, "nope", "12345"]},
     "not a card uuid or card id (a GUID like 17cf063d-e337-4aa9-a822-346554ddd3c9 or "
     "{bc88f13f-83ba-4037-8262-46eba1291c6e}): 'nope' (cards), '12345' (cards)"),
    ({"cards": [{"uuid": U1}]}, 'cards: expected a card id, got a mapping {"uuid":"%s"}' % U1),
    ({"file_content": "name\nx\n", "file_name": "c.csv"},
     "c.csv has no card id column: its header is 'name'; name a column 'uuid'"),
    ({"file_content": "", "file_name": "c.csv"}, "c.csv is empty: expected a header line"),
    ({"file_content": "{", "file_name": "c.json"}, "c.json is not valid JSON: "),
    ({"file_content": "{}", "file_name": "c.json"}, "c.json: expected a list of ids, a list of objects"),
    ({"file_content": '{"cards": 5}', "file_name": "c.json"}, "c.json: expected a JSON list of card ids"),
    ({"file_content": '[{"x": 1}]', "file_name": "c.json"}, "c.json item 1 has no 'uuid' or 'card_id' key"),
    ({"file_content": "x", "file_format": "xml"}, "unknown cards file format 'xml': use csv, json or auto"),
])
def test_bad_input_is_a_typed_error_naming_it(kwargs, message):
    with pytest.raises(InvalidInput) as err:
        card_inputs(**kwargs)
    assert str(err.value).startswith(message)


def test_unreadable_file_and_many_bad_lines_are_clipped():
    with pytest.raises(InvalidInput, match="^cards.csv could not be read$"):
        parse_card_file(None, "cards.csv")
    text = "uuid,x\n" + ",a\n" * 12
    with pytest.raises(InvalidInput, match=r"line\(s\) 2, 3, .*, 11 and 2 more have no value in the uuid column"):
        card_inputs(file_content=text, file_name="c.csv")


def test_file_format_from_name_then_content():
    assert parse_card_file(json.dumps([U1]), "cards") == [(U1, "any", "cards item 1")]
    assert parse_card_file("uuid\n%s\n" % U1, "cards.txt") == [(U1, "uuid", "cards.txt line 2")]


def test_card_keys_are_card_inputs_as_one_mapping():
    """issue 15: the compact form of card_inputs for 100,000 ids (one dict entry per card)."""
    listed = {}
    keys = card_keys(["{%s}" % C1.upper(), U1], "%s;%s" % (U2, U1), [U3], file_content="uuid\n%s\n" % U3,
                     file_name="f.csv", listed=listed)
    assert list(keys.items()) == [(C1, "card_id"), (U1, "any"), (U2, "uuid"), (U3, "any")]
    assert listed == {U1: 2, U3: 2}
    assert card_keys() == {} and card_keys(None, [], "") == {}
    with pytest.raises(InvalidInput, match="'nope' \\(card_ids\\)"):
        card_keys(card_ids=[U1, "nope"])


def test_card_query_kinds_and_missing_of_a_looped_result():
    inputs = card_inputs([U1, "{%s}" % C1], [U2])
    assert card_query(inputs) == [U1, U2]
    looped = {"results": [{"missing": ["{%s}" % U1.upper()]}, {"skipped": True}]}
    assert card_query(inputs, ["card_id", "any"], looped) == [U1, C1]
    assert card_query(inputs, "card_id", []) == [C1]


# ---------------------------------------------------------------- issue 12 / 16: the cards file itself

def test_a_header_without_data_rows_or_an_empty_json_list_says_so():
    with pytest.raises(InvalidInput) as err:
        card_inputs(file_content="\ufeffuuid\n\n", file_name="changes/CHG1.csv")
    assert str(err.value) == ("changes/CHG1.csv has a header line ('uuid') but no data rows: add one card per line "
                              "under the header")
    with pytest.raises(InvalidInput, match=r"^c.json lists no cards: the JSON list is empty$"):
        card_inputs(file_content="[]", file_name="c.json")


def test_read_cards_file_names_the_variable_the_value_and_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "changes").mkdir()
    (tmp_path / "changes" / "ok.csv").write_bytes("\ufeffuuid\n%s\n".encode() % U1.encode())
    read = read_cards_file("changes/ok.csv", "smartcard_lifecycle_cards_file")
    assert read == {"text": "uuid\n%s\n" % U1, "path": str(tmp_path / "changes" / "ok.csv"), "error": ""}
    given = "{{ playbook_dir }}/changes/ok.csv"
    read = read_cards_file(given, "smartcard_lifecycle_cards_file")
    assert read["text"] is None and read["error"].startswith(
        "smartcard_lifecycle_cards_file %r cannot be read (there is no such file): looked for %s. A relative path"
        % (given, tmp_path / "{{ playbook_dir }}" / "changes" / "ok.csv"))
    assert "is a directory" in read_cards_file("changes", "v")["error"]
    (tmp_path / "latin1.csv").write_bytes(b"uuid\n\xe9\n")
    assert "it is not UTF-8 text" in read_cards_file(str(tmp_path / "latin1.csv"), "v")["error"]
