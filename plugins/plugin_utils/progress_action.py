# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of the modules that work on many cards: runs the module as Ansible's normal
action does and, while it runs, prints its progress lines (progress.py).

Progress needs the module on the controller (local connection): it writes its snapshots to a
private temporary file there. An ``async`` task, or a module on a remote host, runs without lines.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.progress import ProgressWatch, progress_settings


class ProgressActionModule(ActionBase):
    """Subclasses name the module's work (``label(args)``) and the outcomes always shown (``shown``)."""

    _supports_check_mode = True
    _supports_async = True
    shown: tuple = ()

    def label(self, args):
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        wrap_async = self._task.async_val and not self._connection.has_native_async
        args = dict(self._task.args)
        try:
            settings = progress_settings(args.get("progress"))
        except InvalidInput as exc:
            raise AnsibleActionFail("%s. Nothing was done." % exc) from None
        watched = (settings["interval"] > 0 and not self._task.async_val
                   and getattr(self._connection, "transport", None) == "local")
        path = None
        watch = contextlib.nullcontext()
        try:
            if watched:
                handle, path = tempfile.mkstemp(prefix="mimcm-progress-", suffix=".json")
                os.close(handle)
                args["progress"] = dict(args.get("progress") or {}, file=path)
                watch = ProgressWatch(path, settings, self.label(args), self.shown, Display().display)
            with watch:
                result.update(self._execute_module(module_args=args, task_vars=task_vars, wrap_async=wrap_async))
        finally:
            if path:
                for name in [path] + glob.glob(glob.escape(path) + ".*.tmp"):
                    try:
                        os.unlink(name)
                    except OSError:
                        pass
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
