# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one step every plugin adapter shares: plugin_utils raises the collection's typed errors
(mimcm_errors), and a plugin must raise its own error type, with the same message.
"""

from __future__ import annotations

import functools

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import MimCmError


def translate_errors(error_class):
    """Decorator: a typed error raised by the function becomes ``error_class(message)``, chained
    to the typed error. Other exceptions pass unchanged."""
    def decorate(func):
        @functools.wraps(func)
        def adapter(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except MimCmError as exc:
                raise error_class(str(exc)) from exc
        return adapter
    return decorate
