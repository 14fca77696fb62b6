# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: summarise and export the cards mim.cm.mimcm_smartcard_info returned, at once
(inventory_summary, inventory_csv) or chunk by chunk (inventory_chunks, inventory_fold).
Adapters over plugin_utils/inventory.py (inventory_chunks parses the card inputs itself, straight
into compact chunks).
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import inventory as _inventory
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors

_adapter = translate_errors(AnsibleFilterError)


@_adapter
def inventory_summary(results, meta=None):
    return _inventory.inventory_summary(results, meta)


@_adapter
def inventory_csv(results, columns=_inventory.CSV_COLUMNS):
    return _inventory.inventory_csv(results, columns)


@_adapter
def inventory_fold(results, summary=None, skip_uuids=None, csv_lines=True):
    return _inventory.inventory_fold(results, summary, skip_uuids, csv_lines)


@_adapter
def inventory_chunks(cards=None, uuids=None, card_ids=None, file_content=None, file_name="cards file",
                     file_format="auto", size=5000):
    return _inventory.inventory_plan(cards, uuids, card_ids, file_content, file_name, file_format, size)


class FilterModule(object):
    def filters(self):
        return {
            "inventory_summary": inventory_summary,
            "inventory_csv": inventory_csv,
            "inventory_fold": inventory_fold,
            "inventory_chunks": inventory_chunks,
        }
