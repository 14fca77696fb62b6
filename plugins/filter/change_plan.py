# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: the change plan, its digest, and the apply-time drift check (lifecycle_plan,
plan_digest, lifecycle_check). Adapters over plugin_utils/change_plan.py and drift.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import change_plan as _plan
from ansible_collections.mim.cm.plugins.plugin_utils import drift as _drift
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors

_adapter = translate_errors(AnsibleFilterError)


def _a_plan(value, name):
    if not isinstance(value, Mapping):
        raise AnsibleFilterError("%s: expected a plan (the dict mim.cm.lifecycle_plan returns, or a plan file's "
                                 "content), got %s" % (name, type(value).__name__))
    return value


@_adapter
def lifecycle_plan(inputs, info_results, target_status, change_ticket="", approval=None):
    if not isinstance(inputs, (list, tuple)) and inputs is not None:
        raise AnsibleFilterError("lifecycle_plan: expected the card inputs of mim.cm.card_inputs (a list), got %s"
                                 % type(inputs).__name__)
    if approval is not None and not isinstance(approval, (Mapping, list, tuple)):
        raise AnsibleFilterError("lifecycle_plan: approval must be a dict of profile template to true/false or a list "
                                 "of profile templates, got %s" % type(approval).__name__)
    return _plan.lifecycle_plan(inputs, info_results, target_status, change_ticket,
                                dict(approval) if isinstance(approval, Mapping) else approval)


@_adapter
def plan_digest(plan):
    return _plan.plan_digest(_a_plan(plan, "plan_digest"))


@_adapter
def lifecycle_check(approved, digest, current, shard_index=0, shard_count=1):
    return _drift.lifecycle_check(approved, digest, _a_plan(current, "lifecycle_check"), shard_index, shard_count)


class FilterModule(object):
    def filters(self):
        return {
            "lifecycle_plan": lifecycle_plan,
            "plan_digest": plan_digest,
            "lifecycle_check": lifecycle_check,
        }
