# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: the apply's batch loop state (batch_fold) and the summary of an apply run
(lifecycle_summary). Adapters over plugin_utils/apply_summary.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import apply_summary as _apply
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors

_adapter = translate_errors(AnsibleFilterError)


@_adapter
def batch_fold(batch_result, state=None, max_fail_percentage=100, keep_results=True):
    return _apply.batch_fold(batch_result, state, max_fail_percentage, bool(keep_results))


@_adapter
def lifecycle_summary(check, batch_results, meta=None):
    if not isinstance(check, Mapping):
        raise AnsibleFilterError("lifecycle_summary: expected the result of mim.cm.lifecycle_check, got %s"
                                 % type(check).__name__)
    return _apply.lifecycle_summary(check, batch_results, meta)


class FilterModule(object):
    def filters(self):
        return {
            "batch_fold": batch_fold,
            "lifecycle_summary": lifecycle_summary,
        }
