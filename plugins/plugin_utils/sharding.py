# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sharding: which host of a shard group works on which cards. A card belongs to the shard its
key's SHA-256 falls into, so every host computes the same split without talking to the others.
"""

from __future__ import annotations

import hashlib

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import id_key
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import clip, whole_number


def shard_of(key, count):
    """The shard (0 to count-1) of ``key``."""
    return int(hashlib.sha256(str(key).encode("utf-8")).hexdigest(), 16) % int(count)


def shard(items, index=0, count=1, attribute="key"):
    """Items (dicts with ``attribute`` or plain keys) whose key hashes to shard ``index``."""
    count = whole_number(count, "shard count")
    index = whole_number(index, "shard index")
    if count < 1 or not 0 <= index < count:
        raise InvalidInput("shard index %s is not within a shard count of %s" % (index, count))
    if count == 1:
        return list(items or [])
    out = []
    for item in items or []:
        key = item.get(attribute) if isinstance(item, dict) else id_key(item)
        if shard_of(key, count) == index:
            out.append(item)
    return out


def shard_position(host, group_hosts=None, index=None, count=None):
    """{index, count} for a host: explicit index/count (host vars) win, else the host's place in
    the sorted group, else a single shard."""
    if index not in (None, "") or count not in (None, ""):
        if index in (None, "") or count in (None, ""):
            raise InvalidInput("host %s: set both mimcm_shard_index and mimcm_shard_count" % host)
        index = whole_number(index, "host %s: mimcm_shard_index" % host)
        count = whole_number(count, "host %s: mimcm_shard_count" % host)
        if count < 1 or not 0 <= index < count:
            raise InvalidInput("host %s: mimcm_shard_index %d is not within mimcm_shard_count %d"
                               % (host, index, count))
        return {"index": index, "count": count}
    hosts = sorted(set(group_hosts or []))
    if not hosts:
        return {"index": 0, "count": 1}
    if host not in hosts:
        raise InvalidInput("host %s is not in the shard group (%s)" % (host, clip(hosts)))
    return {"index": hosts.index(host), "count": len(hosts)}
