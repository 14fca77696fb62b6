# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the report of the lifecycle role's cleanup mode (cleanup_report). Adapter over
plugin_utils/cleanup_report.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import cleanup_report as _cleanup
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors
from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import whole_number

_adapter = translate_errors(AnsibleFilterError)


@_adapter
def cleanup_report(result, meta=None, first=5):
    if meta is not None and not isinstance(meta, Mapping):
        raise AnsibleFilterError("cleanup_report: meta must be a dict (ticket, digest, host, ...), got %s"
                                 % type(meta).__name__)
    return _cleanup.cleanup_report(dict(result) if isinstance(result, Mapping) else result, meta,
                                   whole_number(first, "cleanup_report: first"))


class FilterModule(object):
    def filters(self):
        return {"cleanup_report": cleanup_report}
