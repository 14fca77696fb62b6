# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lifecycle role's checks before it reads a card or writes a file: text inputs without control
characters (they would be stored in CM and in every audit record), and, in an AWX job, a report
directory that outlives the job (the plan, the audit trail and the reports would otherwise vanish
with the job's private data directory, and the apply would silently plan again).
"""

from __future__ import annotations

import os
import re

# C0 controls but tab, DEL, C1 controls, and the line and paragraph separators
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
RUNNER_DIR = "/runner"  # where an execution environment mounts the job's private data directory


def control_characters(value):
    """The control characters (other than tab) in ``value`` as ``\\xNN`` words, or []."""
    return ["\\x%02x" % ord(c) if ord(c) < 0x100 else "\\u%04x" % ord(c)
            for c in sorted(set(_CONTROL.findall(str(value))))]


def text_problems(texts):
    """One message per text input (``{variable: value}``; a dict value is checked key by key) that
    holds control characters."""
    problems = []
    for name in sorted(texts or {}):
        value = texts[name]
        items = sorted(value.items(), key=lambda kv: str(kv[0])) if isinstance(value, dict) else [(None, value)]
        for key, text in items:
            found = control_characters(key) + control_characters(text) if key is not None else control_characters(text)
            if found:
                where = "%s[%r]" % (name, key) if key is not None else name
                msg = ("%s holds control characters (%s): remove them (a tab is allowed). Nothing was read or "
                       "written" % (where, ", ".join(sorted(set(found)))))
                problems.append(msg)
    return problems


def _inside(path, parent):
    if not parent:
        return False
    parent = os.path.realpath(os.path.expanduser(str(parent)))
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def ephemeral_problem(report_dir, awx_job_id=None, playbook_dir=None, private_data_dir=None, allow=False):
    """The message when the role runs in an AWX job (``awx_job_id``) and ``report_dir`` (resolved) is
    inside the job's project (``playbook_dir``), its private data directory, or /runner; else ''."""
    if allow or awx_job_id in (None, "") or not report_dir:
        return ""
    path = os.path.realpath(os.path.expanduser(str(report_dir)))
    for label, parent in (("the job's project directory", playbook_dir),
                          ("the job's private data directory", private_data_dir),
                          ("the execution environment's job directory", RUNNER_DIR)):
        if _inside(path, parent):
            msg = ("smartcard_lifecycle_report_dir resolves to %s, inside %s (%s), which AWX deletes when job %s "
                   "ends: the plan, the audit trail and the reports would be lost, and an apply would plan again. "
                   "Set smartcard_lifecycle_report_dir to a persistent directory (a path exposed to the jobs, for "
                   "example /var/lib/mimcm/reports), or set smartcard_lifecycle_allow_ephemeral_report_dir: true "
                   "to run anyway. Nothing was read or written"
                   % (path, label, os.path.realpath(os.path.expanduser(str(parent))), awx_job_id))
            return msg
    return ""


def lifecycle_preflight(settings):
    """Every problem of the run settings, as messages (empty: go on). ``settings``: ``texts`` (the
    free-text inputs by variable name), ``report_dir``, ``awx_job_id``, ``playbook_dir``,
    ``private_data_dir``, ``allow_ephemeral_report_dir``."""
    settings = settings or {}
    problems = text_problems(settings.get("texts"))
    problem = ephemeral_problem(settings.get("report_dir"), settings.get("awx_job_id"), settings.get("playbook_dir"),
                                settings.get("private_data_dir"), bool(settings.get("allow_ephemeral_report_dir")))
    return problems + ([problem] if problem else [])
