"""Unit tests of plugins/plugin_utils/plain_data.py."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import (
    as_list,
    canonical_json,
    clip,
    info_cards,
    info_results,
    whole_number,
)


def test_as_list_clip_and_canonical_json():
    assert as_list(None) == [] and as_list((1,)) == [1] and as_list("a") == ["a"]
    assert clip(range(12)) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more" and clip([1, 2], 5) == "1, 2"
    assert canonical_json({"b": "é", "a": [1, 2]}) == '{"a":[1,2],"b":"é"}'


def test_looped_and_skipped_results_are_flattened_in_order():
    one = {"smartcards": [{"uuid": "1"}], "missing": []}
    looped = {"results": [{"smartcards": [{"uuid": "2"}]}, {"skipped": True}, {"results": [one]}]}
    assert [r.get("smartcards", "skipped") for r in info_results([one, looped])] == [
        [{"uuid": "1"}], [{"uuid": "2"}], "skipped", [{"uuid": "1"}]]
    assert [c["uuid"] for c in info_cards([looped, [{"uuid": "3"}], {"uuid": "4"}, None])] == ["2", "1", "3", "4"]


def test_whole_number():
    assert whole_number(" 7 ", "n") == 7 and whole_number(3, "n") == 3
    for bad in ("x", None, True, "1.5"):
        with pytest.raises(InvalidInput, match="^n must be a whole number, got "):
            whole_number(bad, "n")
