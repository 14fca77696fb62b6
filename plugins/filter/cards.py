# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: which cards a run is about (cards_file_read, card_inputs, card_query) and this host's
share of them (shard, shard_position). Adapters over plugin_utils/card_inputs.py and sharding.py.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import card_inputs as _inputs
from ansible_collections.mim.cm.plugins.plugin_utils import sharding as _sharding
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors

_adapter = translate_errors(AnsibleFilterError)


@_adapter
def cards_file_read(path, variable="cards file"):
    return _inputs.read_cards_file(path, str(variable))


@_adapter
def card_inputs(cards=None, uuids=None, card_ids=None, file_content=None, file_name="cards file",
                file_format="auto"):
    return _inputs.card_inputs(cards, uuids, card_ids, file_content, file_name, file_format)


@_adapter
def card_query(inputs, kinds=("uuid", "any"), missing=None):
    if not isinstance(inputs, (list, tuple)) and inputs is not None:
        raise AnsibleFilterError("card_query: expected the card inputs of mim.cm.card_inputs (a list), got %s"
                                 % type(inputs).__name__)
    return _inputs.card_query(inputs, kinds, missing)


@_adapter
def shard(items, index=0, count=1, attribute="key"):
    return _sharding.shard(items, index, count, attribute)


@_adapter
def shard_position(host, group_hosts=None, index=None, count=None):
    return _sharding.shard_position(host, group_hosts, index, count)


class FilterModule(object):
    def filters(self):
        return {
            "cards_file_read": cards_file_read,
            "card_inputs": card_inputs,
            "card_query": card_query,
            "shard": shard,
            "shard_position": shard_position,
        }
