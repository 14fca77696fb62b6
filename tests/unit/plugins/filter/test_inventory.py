"""Unit tests of the inventory filters (plugins/filter/inventory.py), through the adapters (no network):
inventory_summary and inventory_csv over all results;
inventory_chunks parses the card inputs (as card_inputs does) straight into compact chunks, inventory_fold folds chunk after chunk into a running
summary and CSV lines that equal inventory_summary / inventory_csv over all the results."""

import csv
import io
import json
import uuid as uuidlib

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import cards, inventory, reports

from card_cases import C1, U1, U2, U3
from card_cases import HtmlChecker as _Checker
from card_cases import card as uuid_card


def uid(i):
    return str(uuidlib.UUID(int=i))


def serial(i):
    return str(uuidlib.UUID(int=10 ** 9 + i))


def card(i, status_name="Active", query=None, ops=("Retire", "Revoke"), template=None):
    codes = {"New": 1, "Assigned": 2, "Active": 3, "Suspended": 4, "Disabled": 5, "Retired": 6}
    return {"uuid": uid(i), "card_id": serial(i), "status": codes.get(status_name), "status_name": status_name,
            "query": query or uid(i), "operations": list(ops), "comment": "card %d" % i,
            "profile_template_uuid": template or "T%d" % (i % 3)}


def info(cards, missing=()):
    return {"changed": False, "smartcards": list(cards), "missing": list(missing)}


SKIPPED = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}


def fold_all(chunks, skip_uuids=None, csv_lines=True):
    """Fold [results of chunk 1, results of chunk 2, ...] as the role does: (summary, CSV text)."""
    summary = None
    lines = ""
    for results in chunks:
        out = inventory.inventory_fold(results, summary, skip_uuids, csv_lines)
        summary = out["summary"]
        lines += out["csv"]
    return summary, inventory.inventory_csv([]) + lines


# ---------------------------------------------------------------- inventory_chunks

def test_chunks_split_in_input_order():
    plan = inventory.inventory_chunks([uid(1), "{%s}" % serial(2), uid(3)], [uid(4)], [serial(5)], size=2)
    assert plan["requested"] == 5
    # each chunk: its ids of each kind as one comma-separated string (a few MB for 100,000 ids)
    assert plan["chunks"] == [{"uuid": "", "card_id": serial(2), "any": uid(1)},
                              {"uuid": uid(4), "card_id": "", "any": uid(3)},
                              {"uuid": "", "card_id": serial(5), "any": ""}]
    assert sorted(plan) == ["chunks", "requested"]


def test_chunks_are_the_card_inputs_split():
    """The same ids, kinds, order and duplicates as mim.cm.card_inputs, from every kind of input."""
    text = "uuid\n%s\n%s\n" % (uid(7), uid(1))
    given = ([uid(1), "{%s}" % serial(2).upper(), " %s " % uid(3), uid(1)], "%s;%s" % (uid(4), uid(3)), [serial(5)],
             text, "cards.csv", "auto")
    inputs = cards.card_inputs(*given)
    for size in (1, 2, 3, 100):
        plan = inventory.inventory_chunks(*given, size=size)
        assert plan["requested"] == len(inputs) == 6
        expected = [inputs[k:k + size] for k in range(0, len(inputs), size)]
        assert plan["chunks"] == [{kind: ",".join(i["key"] for i in chunk if i["kind"] == kind)
                                   for kind in ("uuid", "card_id", "any")} for chunk in expected]


def test_chunks_of_no_input_and_a_string_size():
    assert inventory.inventory_chunks([], size="3") == {"requested": 0, "chunks": []}
    assert inventory.inventory_chunks(None) == {"requested": 0, "chunks": []}
    plan = inventory.inventory_chunks(None, [uid(i) for i in range(10001)])
    assert len(plan["chunks"]) == 3 and plan["chunks"][2] == {"uuid": uid(10000), "card_id": "", "any": ""}


def test_chunks_of_100k_uuids_are_a_few_strings():
    """issue 15: 100,000 ids as strings, not 100,000 dicts (ansible-core copies and pickles facts)."""
    plan = inventory.inventory_chunks(None, [uid(i) for i in range(100000)])
    assert plan["requested"] == 100000 and len(plan["chunks"]) == 20
    assert all(isinstance(v, str) for chunk in plan["chunks"] for v in chunk.values())
    assert plan["chunks"][19]["uuid"].split(",")[-1] == uid(99999)


@pytest.mark.parametrize("size", [0, -1, "x", None])
def test_chunks_reject_a_size_below_one(size):
    with pytest.raises(AnsibleFilterError, match="chunk size must be at least 1"):
        inventory.inventory_chunks([uid(1)], size=size)
    # before the inputs are parsed
    with pytest.raises(AnsibleFilterError, match="chunk size must be at least 1"):
        inventory.inventory_chunks(["not a GUID"], size=size)


def test_chunks_reject_what_card_inputs_rejects():
    with pytest.raises(AnsibleFilterError, match="not a card uuid or card id .*'nope' \\(card_uuids\\)"):
        inventory.inventory_chunks([uid(1)], ["nope"])
    with pytest.raises(AnsibleFilterError, match="c.csv has no card id column"):
        inventory.inventory_chunks(None, None, None, "name\nx\n", "c.csv")


# ---------------------------------------------------------------- inventory_fold

def test_fold_of_chunks_equals_one_pass():
    cards = [card(i, ("Active", "Retired", "Suspended")[i % 3], ops=() if i % 3 == 1 else ("Retire",))
             for i in range(23)]
    cards[5]["comment"] = "=HYPERLINK(\"x\")"
    # by uuid in chunks of 5; the last chunk also finds a card by card id (a bare GUID missed by uuid)
    chunks = [[info(cards[k:k + 5], [uid(900 + k)] if k == 10 else []), SKIPPED] for k in range(0, 20, 5)]
    chunks.append([info(cards[20:22], [serial(22)]), info([dict(cards[22], query=serial(22))])])
    everything = [r for c in chunks for r in c]

    summary, text = fold_all(chunks)
    expected = inventory.inventory_summary(everything)
    assert summary == expected
    assert summary["total"] == 23 and summary["missing"] == [uid(910)]
    assert summary["templates"] == sorted(summary["templates"], key=lambda t: (-t["cards"], t["profile_template_uuid"]))
    assert text == inventory.inventory_csv(everything)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["uuid"] for r in rows] == [uid(i) for i in range(23)]
    assert rows[5]["comment"].startswith("'=")


def test_fold_counts_a_card_given_by_uuid_and_by_card_id_once_across_chunks():
    plan = inventory.inventory_chunks([uid(1), uid(2), serial(3)], [uid(3)], ["{%s}" % serial(1)], size=2)
    # chunk 1: uid(1), uid(2) by uuid; chunk 2: serial(3) (any: missed by uuid, found by card id), uid(3);
    # chunk 3: serial(1) by card id: card 1 again
    chunks = [
        [info([card(1), card(2)]), SKIPPED],
        [info([card(3)], [serial(3)]), info([card(3, query=serial(3))])],
        [SKIPPED, info([card(1, query=serial(1))])],
    ]
    # the chunks say which ids are looked up as uuids (kinds uuid and any)
    summary, text = fold_all(chunks, plan["chunks"])
    assert summary["total"] == 3 and summary["missing"] == []
    assert len(text.splitlines()) == 4
    # the same with those ids as a list or one comma-separated string; without them a card given twice in two
    # chunks counts twice
    uuid_keys = [uid(1), uid(2), serial(3), uid(3)]
    assert fold_all(chunks, uuid_keys)[0] == fold_all(chunks, ",".join(uuid_keys))[0] == summary
    assert fold_all(chunks, [{"uuid": "", "card_id": serial(1), "any": ""}])[0]["total"] == 4
    assert fold_all(chunks)[0]["total"] == 4


def test_fold_keeps_a_card_found_only_by_card_id():
    # card 7 given by card id only: its uuid is not a uuid key, it counts
    summary, text = fold_all([[SKIPPED, info([card(7, query=serial(7))])]], uid(1))
    assert summary["total"] == 1 and uid(7) in text


def test_fold_without_csv_lines_and_of_nothing():
    summary, text = fold_all([[info([card(1), card(2)])]], csv_lines=False)
    assert summary["total"] == 2 and text == inventory.inventory_csv([])
    out = inventory.inventory_fold([SKIPPED, SKIPPED])
    assert out == {"summary": dict(inventory.inventory_summary([])), "csv": ""}
    assert out["summary"]["total"] == 0 and out["summary"]["kind"] == "inventory"


def test_fold_of_the_callers_own_cards():
    own = info([dict(card(i), query=None) for i in range(3)])
    summary, text = fold_all([[own, SKIPPED]], "")
    assert summary["total"] == 3 and len(text.splitlines()) == 4


def test_fold_keeps_the_summary_small_for_100k_cards():
    """20 chunks of 5,000 cards: the running summary holds counts, not cards."""
    summary = None
    for k in range(20):
        chunk = [card(k * 5000 + i, template="T%d" % (i % 4)) for i in range(5000)]
        summary = inventory.inventory_fold([info(chunk)], summary, "")["summary"]
    assert summary["total"] == 100000 and summary["status_counts"] == {"Active": 100000}
    assert len(json.dumps(summary)) < 2000


# ---------------------------------------------------------------- inventory_summary / inventory_csv

def test_inventory_summary_and_csv():
    cards = [uuid_card(U1, "Active"), uuid_card(U2, "Retired", ops=(), template="t2"),
             dict(uuid_card(U3, "Active"), comment="=cmd|' /C calc'!A0")]
    results = [{"smartcards": cards, "missing": [C1]}, {"skipped": True}]
    s = inventory.inventory_summary(results, {"host": "h"})
    assert s["total"] == 3 and s["status_counts"] == {"Active": 2, "Retired": 1}
    assert s["templates"][0]["cards"] == 2 and s["operation_counts"]["Retire"] == 2
    assert s["missing"] == [C1]
    text = inventory.inventory_csv(results + [{"smartcards": cards[:1]}])
    lines = text.splitlines()
    assert lines[0].startswith("uuid,card_id,status") and len(lines) == 4
    assert "'=cmd" in text
    page = reports.report_html(s)
    parser = _Checker()
    parser.feed(page)
    assert parser.stack == []
    assert "Retired" in page
    assert "Active" in reports.report_markdown(s)


def test_inventory_handles_100k_cards():
    cards = [uuid_card(str(uuidlib.UUID(int=i)), "Active") for i in range(100000)]
    s = inventory.inventory_summary({"smartcards": cards, "missing": []})
    inventory.inventory_csv({"smartcards": cards})
    reports.report_html(s)
    assert s["total"] == 100000


# ---------------------------------------------------------------- the adapter

def test_filter_names():
    assert sorted(inventory.FilterModule().filters()) == ["inventory_chunks", "inventory_csv", "inventory_fold",
                                                          "inventory_summary"]
