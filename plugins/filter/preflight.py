# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: the lifecycle role's checks of its run settings before anything is read or written
(lifecycle_preflight). An adapter over plugin_utils/preflight.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.plugin_utils import preflight as _preflight
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors

_adapter = translate_errors(AnsibleFilterError)


@_adapter
def lifecycle_preflight(settings):
    if not isinstance(settings, Mapping):
        raise AnsibleFilterError("lifecycle_preflight: expected the run settings (a dict), got %s"
                                 % type(settings).__name__)
    texts = settings.get("texts")
    if texts is not None and not isinstance(texts, Mapping):
        raise AnsibleFilterError("lifecycle_preflight: texts must be a dict of variable name to value, got %s"
                                 % type(texts).__name__)
    return _preflight.lifecycle_preflight(dict(settings, texts=dict(texts or {})))


class FilterModule(object):
    def filters(self):
        return {"lifecycle_preflight": lifecycle_preflight}
