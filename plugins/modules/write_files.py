#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin plugins/action/write_files.py, on the controller; this file documents it.

from __future__ import annotations

DOCUMENTATION = r'''
module: write_files
short_description: Write report files on the controller in one step
version_added: 0.2.0
author:
  - mim.cm maintainers (@mim-cm)
description:
  - Writes several text files into one directory of the Ansible controller, each atomically (a temporary file in the
    same directory, then a rename), creating the directory when it is missing. The roles of this collection write
    their plans and reports with it, six files per plan or apply, in one step instead of one module run per file.
  - A file whose content and mode are already the same is left untouched, and the task reports changed only when a
    file was written.
  - The files are always written on the controller, whatever host the task runs for, like a C(lookup) reads there.
options:
  path:
    description: The directory to write the files in, on the controller; created when missing.
    type: path
    required: true
  files:
    description: The files, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: A plain file name, without a directory part.
        type: str
        required: true
      content:
        description: The text to write (UTF-8).
        type: str
        required: true
  mode:
    description: The mode of the files written.
    type: raw
    default: '0640'
  directory_mode:
    description: The mode of the directory when it is created.
    type: raw
    default: '0750'
attributes:
  check_mode:
    support: full
    description: Nothing is written; RV(written) lists what a real run would write.
  diff_mode:
    support: none
    description: The files are reports; no diff is shown.
  platform:
    platforms: posix
    description: Runs on the controller.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
'''

EXAMPLES = r'''
- name: Write a report as Markdown and HTML
  mim.cm.write_files:
    path: /var/lib/mimcm/reports
    files:
      - name: report.md
        content: "{{ report_markdown }}"
      - name: report.html
        content: "{{ report_html }}"
'''

RETURN = r'''
written:
  description: The files written (absolute paths).
  type: list
  elements: str
  returned: success
  sample: [/var/lib/mimcm/reports/report.md]
unchanged:
  description: The files left as they were, their content and mode already the same.
  type: list
  elements: str
  returned: success
  sample: []
'''
