"""Unit tests of plugins/plugin_utils/sharding.py, called directly."""

import hashlib
import uuid as uuidlib

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.sharding import shard, shard_of, shard_position


def test_shard_of_is_sha256_modulo_count():
    key = "17cf063d-e337-4aa9-a822-346554ddd3c9"
    assert shard_of(key, 7) == int(hashlib.sha256(key.encode()).hexdigest(), 16) % 7


def test_dicts_and_plain_ids_shard_alike():
    keys = [str(uuidlib.UUID(int=i * 7919)) for i in range(300)]
    dicts = [{"key": k} for k in keys]
    braced = ["{%s}" % k.upper() for k in keys]
    for index in range(4):
        part = shard(keys, index, "4")
        assert [d["key"] for d in shard(dicts, index, 4)] == part
        assert [b.strip("{}").lower() for b in shard(braced, str(index), 4)] == part


@pytest.mark.parametrize("index,count,message", [
    (3, 3, "shard index 3 is not within a shard count of 3"),
    (0, 0, "shard index 0 is not within a shard count of 0"),
    ("x", 2, "shard index must be a whole number, got 'x'"),
    (0, None, "shard count must be a whole number, got None"),
])
def test_bad_shard_is_a_typed_error(index, count, message):
    with pytest.raises(InvalidInput) as err:
        shard(["a"], index, count)
    assert str(err.value) == message


def test_shard_position_from_host_vars_or_group():
    assert shard_position("b", ["c", "a", "b", "a"]) == {"index": 1, "count": 3}
    assert shard_position("any", None, "0", "2") == {"index": 0, "count": 2}
    assert shard_position("solo", []) == {"index": 0, "count": 1}


@pytest.mark.parametrize("args,message", [
    (("h", [], 1, ""), "host h: set both mimcm_shard_index and mimcm_shard_count"),
    (("h", [], 2, 2), "host h: mimcm_shard_index 2 is not within mimcm_shard_count 2"),
    (("h", [], "one", 2), "host h: mimcm_shard_index must be a whole number, got 'one'"),
    (("h", ["a", "b"]), "host h is not in the shard group (a, b)"),
])
def test_bad_shard_position_is_a_typed_error(args, message):
    with pytest.raises(InvalidInput) as err:
        shard_position(*args)
    assert str(err.value) == message
