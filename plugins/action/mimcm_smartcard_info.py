# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of mim.cm.mimcm_smartcard_info: the module, with progress lines (plugin_utils/progress_action.py)."""

from __future__ import annotations

from ansible_collections.mim.cm.plugins.plugin_utils.progress_action import ProgressActionModule


class ActionModule(ProgressActionModule):

    shown = ("found", "not found", "failed")

    def label(self, args):
        return "read cards"
