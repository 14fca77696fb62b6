# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: what the lifecycle role's report directory holds (approved_digest_problem,
approval_templates) and the merged report of a sharded apply (merge_apply_reports). Adapters over
plugin_utils/report_dir.py and report_merge.py.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import report_dir as _dir
from ansible_collections.mim.cm.plugins.plugin_utils import report_merge as _merge
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import as_list, whole_number

_adapter = translate_errors(AnsibleFilterError)


def _a_dir(value, name):
    if not isinstance(value, str) or not value:
        raise AnsibleFilterError("%s: expected the report directory (a path), got %r" % (name, value))
    return value


@_adapter
def approved_digest_problem(digest, report_dir):
    return _dir.approved_digest_problem(digest, _a_dir(report_dir, "approved_digest_problem"))


@_adapter
def approval_templates(report_dir, given=None, limit=20):
    given = [given] if isinstance(given, str) else as_list(given)
    return _dir.approval_templates(_a_dir(report_dir, "approval_templates"), given,
                                   whole_number(limit, "approval_templates: limit"))


@_adapter
def merge_apply_reports(report_dir, digest, merged_at=""):
    return _merge.merge_apply_reports(_a_dir(report_dir, "merge_apply_reports"), digest, merged_at)


class FilterModule(object):
    def filters(self):
        return {
            "approved_digest_problem": approved_digest_problem,
            "approval_templates": approval_templates,
            "merge_apply_reports": merge_apply_reports,
        }
