# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the first-contact probe's result (mim.cm.mimcm_server_info) as Markdown (probe_markdown).
An adapter over plugin_utils/render_probe.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import render_probe as _render
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors

_adapter = translate_errors(AnsibleFilterError)


@_adapter
def probe_markdown(result, meta=None):
    if meta is not None and not isinstance(meta, Mapping):
        raise AnsibleFilterError("probe_markdown: meta must be a dict of extra lines, got %s" % type(meta).__name__)
    return _render.probe_markdown(result, meta)


class FilterModule(object):
    def filters(self):
        return {"probe_markdown": probe_markdown}
