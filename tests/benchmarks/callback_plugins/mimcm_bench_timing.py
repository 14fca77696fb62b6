# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper (tests/benchmarks only): one JSON line per task start, loop item and task end,
with wall-clock times, in the file named by MIMCM_BENCH_TIMING_FILE. The harness uses the
windows to attribute the simulator's access log to module invocations."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: mimcm_bench_timing
type: aggregate
short_description: task timing lines for the mim.cm benchmarks
description: Writes task start, loop item and task end times to MIMCM_BENCH_TIMING_FILE.
requirements:
  - enabled in callbacks_enabled
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'mimcm_bench_timing'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        path = os.environ.get('MIMCM_BENCH_TIMING_FILE')
        self._fh = open(path, 'a') if path else None

    def _emit(self, **event):
        if self._fh is None:
            return
        event['t'] = time.time()
        self._fh.write(json.dumps(event) + '\n')
        self._fh.flush()

    def v2_playbook_on_task_start(self, task, is_conditional):
        action = getattr(task, 'resolved_action', None) or task.action
        self._emit(event='task_start', task=task.get_name(), action=str(action))

    def _done(self, result, skipped=False):
        self._emit(event='task_done', skipped=skipped)

    def v2_runner_on_ok(self, result):
        self._done(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result)

    def v2_runner_on_skipped(self, result):
        self._done(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._done(result)

    def _item(self, result, skipped=False):
        self._emit(event='item_done', skipped=skipped)

    def v2_runner_item_on_ok(self, result):
        self._item(result)

    def v2_runner_item_on_failed(self, result):
        self._item(result)

    def v2_runner_item_on_skipped(self, result):
        self._item(result, skipped=True)

    def v2_playbook_on_stats(self, stats):
        self._emit(event='end')
        if self._fh is not None:
            self._fh.close()
            self._fh = None
