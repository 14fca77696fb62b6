# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report files written on the controller in one step (the ``mim.cm.write_files`` action).

The roles write six report files per plan or apply. One ``ansible.builtin.copy`` per file costs a
module run each (seconds per apply, issue 15); here every file is written by the controller itself,
each atomically (a temporary file in the same directory, then a rename), so a reader never sees half
a report and an interrupted run leaves the previous file whole.
"""

from __future__ import annotations

import json
import os
import tempfile

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput


def file_mode(value, name="mode"):
    """An octal mode given as text (``'0640'``) or a number; InvalidInput naming ``name`` otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        try:
            number = int(str(value), 8)
        except (TypeError, ValueError):
            raise InvalidInput("%s must be an octal file mode such as '0640', got %r" % (name, value)) from None
    if not 0 <= number <= 0o7777:
        raise InvalidInput("%s must be an octal file mode such as '0640', got %r" % (name, value))
    return number


def checked_files(files):
    """``[{name, content}]`` checked: plain file names (no directory part), text content, no name twice.
    Returns ``[(name, text)]``."""
    if not isinstance(files, list) or not files:
        raise InvalidInput("files must be a non-empty list of {name, content}")
    seen = set()
    out = []
    for index, entry in enumerate(files):
        if not isinstance(entry, dict) or set(entry) - {"name", "content"}:
            raise InvalidInput("files[%d] must be a dictionary with name and content only" % index)
        name = entry.get("name")
        if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
            raise InvalidInput("files[%d].name must be a plain file name without a directory part, got %r"
                               % (index, name))
        content = entry.get("content")
        if isinstance(content, (dict, list)):  # a controller that turned a JSON text back into data (before 2.19)
            content = json.dumps(content, indent=1, ensure_ascii=False)
        if not isinstance(content, str):
            raise InvalidInput("files[%d].content (%s) must be text, got %s" % (index, name, type(content).__name__))
        if name in seen:
            raise InvalidInput("files lists %s twice" % name)
        seen.add(name)
        out.append((name, content))
    return out


def _same(path, data, mode):
    try:
        if (os.stat(path).st_mode & 0o7777) != mode:
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def write_files(directory, files, mode=0o640, dir_mode=0o750, check_mode=False):
    """Write ``files`` ([(name, text)]) into ``directory`` (created with ``dir_mode`` if missing).

    Returns ``(changed, unchanged)`` lists of paths; a file whose content and mode are already the
    same is not touched. In ``check_mode`` nothing is written and the lists say what would be."""
    directory = os.path.abspath(os.path.expanduser(str(directory)))
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise InvalidInput("path %s exists and is not a directory" % directory)
    if not check_mode:
        os.makedirs(directory, mode=dir_mode, exist_ok=True)
    changed, unchanged = [], []
    for name, text in files:
        path = os.path.join(directory, name)
        data = text.encode("utf-8")
        if _same(path, data, mode):
            unchanged.append(path)
            continue
        changed.append(path)
        if check_mode:
            continue
        handle, temporary = tempfile.mkstemp(dir=directory, prefix="." + name + ".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    return changed, unchanged
