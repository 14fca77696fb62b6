# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: plans, apply summaries and inventories as Markdown and HTML reports
(report_markdown, report_html, report_files). Adapters over plugin_utils/render_*.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import render_files as _files
from ansible_collections.mim.cm.plugins.plugin_utils import render_html as _html
from ansible_collections.mim.cm.plugins.plugin_utils import render_markdown as _markdown
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors

_adapter = translate_errors(AnsibleFilterError)


def _a_summary(value, name):
    if not isinstance(value, Mapping):
        raise AnsibleFilterError("%s: expected a plan, an apply summary or an inventory summary (a dict), got %s"
                                 % (name, type(value).__name__))
    return value


@_adapter
def report_markdown(summary, meta=None):
    return _markdown.report_markdown(_a_summary(summary, "report_markdown"), meta)


@_adapter
def report_html(summary):
    return _html.report_html(_a_summary(summary, "report_html"))


@_adapter
def report_files(summary, first=5, meta=None):
    if meta is not None and not isinstance(meta, Mapping):
        raise AnsibleFilterError("report_files: meta must be a dict, got %s" % type(meta).__name__)
    return _files.report_files(_a_summary(summary, "report_files"), first, meta)


class FilterModule(object):
    def filters(self):
        return {
            "report_markdown": report_markdown,
            "report_html": report_html,
            "report_files": report_files,
        }
