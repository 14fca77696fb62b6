"""Unit tests of plugins/plugin_utils/inventory.py, called directly (the filter tests in
tests/unit/plugins/filter/test_inventory.py cover the folding in depth)."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.inventory import (
    CSV_COLUMNS,
    inventory_chunks,
    inventory_csv,
    inventory_fold,
    inventory_plan,
    inventory_summary,
)

from card_cases import C1, U1, U2, card


def test_a_card_found_by_uuid_and_by_card_id_counts_once_and_ids_compare_normalised():
    by_uuid = {"smartcards": [card(U1, "Active")], "missing": ["{%s}" % C1.upper()]}
    by_card_id = {"smartcards": [dict(card(U2, "Retired", card_id=C1), query="{%s}" % C1)], "missing": []}
    again = {"smartcards": [dict(card(U1, "Active"), query=card(U1, "Active")["card_id"])]}
    summary = inventory_summary([by_uuid, by_card_id, again], {"report": "r"})
    assert summary["total"] == 2 and summary["missing"] == [] and summary["meta"] == {"report": "r"}
    assert summary["status_counts"] == {"Active": 1, "Retired": 1}


def test_csv_columns_and_formula_cells():
    text = inventory_csv({"smartcards": [dict(card(U1, "Active"), comment="@SUM(1)", operations=["Retire", "Revoke"])]},
                         ["uuid", "operations", "comment"])
    assert text.splitlines() == ["uuid,operations,comment", "%s,Retire Revoke,'@SUM(1)" % U1]
    assert inventory_csv([]).strip() == ",".join(CSV_COLUMNS)


def test_fold_from_none():
    out = inventory_fold({"smartcards": [card(U1, "Active")]})
    assert out["summary"]["total"] == 1 and out["csv"].startswith(U1)


@pytest.mark.parametrize("size", [0, "0", "x", None, -3])
def test_chunk_size_below_one_is_a_typed_error(size):
    with pytest.raises(InvalidInput) as err:
        inventory_chunks([{"key": U1, "kind": "uuid"}], size)
    assert str(err.value) == "inventory_chunks: the chunk size must be at least 1, got %s" % (size,)


def test_chunks_of_card_inputs_or_of_card_keys_are_the_same():
    from ansible_collections.mim.cm.plugins.plugin_utils.card_inputs import card_inputs, card_keys
    given = (["{%s}" % C1, U1], [U2])
    assert inventory_chunks(card_inputs(*given), 2) == inventory_chunks(card_keys(*given), 2) == {
        "requested": 3, "chunks": [{"uuid": "", "card_id": C1, "any": U1}, {"uuid": U2, "card_id": "", "any": ""}]}
    assert inventory_plan(*given, size=2) == inventory_chunks(card_keys(*given), 2)


def test_templates_are_named_by_the_one_listing_whatever_the_chunk():
    """issue 12: the report role lists the profile templates with its first chunk only."""
    from ansible_collections.mim.cm.plugins.plugin_utils.inventory import inventory_fold
    t1, t2 = "a039b4d0-5ce8-4eff-8651-181c6576fda3", "bbbb0000-0000-4000-8000-00000000000b"
    first = {"smartcards": [{"uuid": "aaaaaaaa-0000-4000-8000-000000000001", "status": 3, "status_name": "Active",
                             "profile_template_uuid": t1}],
             "profile_templates": [{"uuid": t1.upper(), "name": "Smart Card Logon"}, {"uuid": t2, "name": "Executive"}]}
    second = {"smartcards": [{"uuid": "aaaaaaaa-0000-4000-8000-000000000002", "status": 3, "status_name": "Active",
                              "profile_template_uuid": t2}]}
    summary = inventory_fold([second], inventory_fold([first])["summary"])["summary"]
    assert {t["profile_template_uuid"]: t.get("profile_template") for t in summary["templates"]} == {
        t1: "Smart Card Logon", t2: "Executive"}
