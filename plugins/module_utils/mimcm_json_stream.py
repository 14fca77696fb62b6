# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a JSON array answer item by item, as its bytes arrive.

``GET /requests?status=S`` without ``targetuser`` answers every user's requests (reference), each
with a long SecurityDescriptor: thousands of objects on a large CM. The client keeps only the
items it needs, so memory holds one item and one chunk at a time, not the whole answer.
"""

import codecs
import json

_DECODER = json.JSONDecoder()
_WHITESPACE = ' \t\r\n'


class StreamError(ValueError):
    """The answer is not a JSON array (or object) of items."""


def iter_items(chunks):
    """Yield each item of a JSON array arriving as byte ``chunks``; a single JSON value is yielded alone.

    An empty answer yields nothing.
    """
    decoder = codecs.getincrementaldecoder('utf-8')('strict')
    buf = ''
    pos = 0
    state = 'start'  # start -> item -> sep -> ... -> done
    for chunk in chunks:
        buf = buf[pos:] + decoder.decode(chunk)
        pos = 0
        while True:
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            if pos >= len(buf):
                break
            if state == 'start':
                if buf[pos] == '[':
                    pos += 1
                    state = 'first'
                    continue
                state = 'single'
            if state == 'done':
                raise StreamError('unexpected data after the end of the JSON answer')
            if state == 'sep':
                if buf[pos] == ',':
                    pos += 1
                    state = 'item'
                    continue
                if buf[pos] == ']':
                    pos += 1
                    state = 'done'
                    continue
                raise StreamError('expected , or ] between the items of a JSON array')
            if state == 'first' and buf[pos] == ']':
                pos += 1
                state = 'done'
                continue
            try:
                item, end = _DECODER.raw_decode(buf, pos)
            except ValueError:
                break  # the item is not complete yet: wait for more bytes
            if end == len(buf) and state == 'single' and isinstance(item, (int, float)):
                break  # a number may go on in the next chunk
            yield item
            pos = end
            state = 'done' if state == 'single' else 'sep'
    rest = buf[pos:].strip() + decoder.decode(b'', final=True).strip()
    if state == 'single' and rest:
        try:
            item = json.loads(rest)
        except ValueError:
            raise StreamError('the answer is not JSON')
        yield item
        return
    if rest or state in ('first', 'item', 'sep'):
        raise StreamError('the JSON answer broke off')
