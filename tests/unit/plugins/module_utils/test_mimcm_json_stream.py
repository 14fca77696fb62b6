"""A JSON array read item by item as its bytes arrive: any chunking, memory for one item at a time."""

import json

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_json_stream import StreamError, iter_items

ITEMS = [{'Uuid': 'r%d' % i, 'SecurityDescriptor': 'O:SYG:SYD:(A;;CC;;;S-1-5)' + '\u0000' * 4,
          'Comment': 'é, ] [ } {'} for i in range(300)]


def chunks(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize('size', [1, 2, 7, 4096, 10 ** 7])
def test_any_chunking_gives_the_same_items(size):
    raw = json.dumps(ITEMS).encode('utf-8')
    assert list(iter_items(chunks(raw, size))) == ITEMS


@pytest.mark.parametrize('raw,expected', [
    (b'', []), (b'  \n', []), (b'[]', []), (b'[ ]', []), (b'{"a": 1}', [{'a': 1}]),
    (b'"api/v1.0/requests/x"', ['api/v1.0/requests/x']), (b'12', [12]), (b'[1, "two", null]', [1, 'two', None]),
])
def test_a_single_value_or_an_empty_answer(raw, expected):
    assert list(iter_items(chunks(raw, 1))) == expected


@pytest.mark.parametrize('raw', [b'[{"a": 1}', b'[{"a": 1} {"b": 2}]', b'[1, 2] x', b'[1,', b'not json'])
def test_a_broken_answer_is_an_error_not_a_short_list(raw):
    with pytest.raises(StreamError):
        list(iter_items(chunks(raw, 2)))


def test_items_are_yielded_before_the_answer_ends():
    gen = iter_items(iter([b'[{"a": 1},', b'{"b"']))
    assert next(gen) == {'a': 1}
