# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of mim.cm.write_files: report files written on the controller (plugin_utils/local_files.py)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.local_files import checked_files, file_mode, write_files

_OPTIONS = {"path", "files", "mode", "directory_mode"}


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        unknown = sorted(set(args) - _OPTIONS)
        try:
            if unknown:
                raise InvalidInput("unsupported option(s) %s; write_files takes %s"
                                   % (", ".join(unknown), ", ".join(sorted(_OPTIONS))))
            if not args.get("path"):
                raise InvalidInput("path (the directory to write the files in) is required")
            files = checked_files(args.get("files"))
            changed, unchanged = write_files(args["path"], files, file_mode(args.get("mode", "0640")),
                                             file_mode(args.get("directory_mode", "0750"), "directory_mode"),
                                             check_mode=self._task.check_mode)
        except InvalidInput as exc:
            raise AnsibleActionFail("%s. Nothing was written." % exc) from None
        except OSError as exc:
            raise AnsibleActionFail("Could not write the files in %s: %s" % (args.get("path"), exc)) from None
        result.update(changed=bool(changed), written=changed, unchanged=unchanged)
        return result
