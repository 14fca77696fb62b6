# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress lines of a long module run, on the controller (issue 15).

The module counts its cards' outcomes and writes a snapshot file every few seconds
(module_utils/mimcm_progress.py); the action plugin (progress_action.py) watches that file with a
``ProgressWatch`` and prints ``progress_line`` every ``interval`` seconds through Ansible's display,
which reaches a terminal and an AWX job's output alike.
"""

from __future__ import annotations

import json
import threading
import time

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput

PREFIX = "mim.cm progress: "
DEFAULT_INTERVAL = 20
_INTEGERS = ("interval", "done", "total")


def _whole(options, key):
    value = options.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("progress.%s must be a whole number, got %r" % (key, value)) from None
    if number < 0 or number != float(value):
        raise InvalidInput("progress.%s must be a whole number of 0 or more, got %r" % (key, value))
    return number


def progress_settings(options):
    """The ``progress`` option, checked: ``{interval, label, done, total, counts, started}``.

    ``interval`` 0 turns the lines off. Raises InvalidInput naming the sub-option and the fix."""
    if options in (None, ""):
        options = {}
    if not isinstance(options, dict):
        raise InvalidInput("progress must be a dictionary such as {interval: 20}, got %s" % type(options).__name__)
    unknown = sorted(set(options) - {"interval", "label", "done", "total", "counts", "started", "file"})
    if unknown:
        raise InvalidInput("progress has no option %s; it takes interval, label, done, total, counts and started (file is set by the action plugin)"
                           % ", ".join(unknown))
    settings = {key: _whole(options, key) for key in _INTEGERS}
    if settings["interval"] is None:
        settings["interval"] = DEFAULT_INTERVAL
    counts = options.get("counts") or {}
    if not isinstance(counts, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values()):
        raise InvalidInput("progress.counts must map outcome names to whole numbers, such as {changed: 3, failed: 1}")
    try:
        started = float(options["started"]) if options.get("started") not in (None, "") else None
    except (TypeError, ValueError):
        raise InvalidInput("progress.started must be seconds since the epoch, got %r" % (options.get("started"),)) from None
    settings.update(label=str(options.get("label") or ""), counts=dict(counts), started=started,
                    done=settings["done"] or 0)
    return settings


def _duration(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return "%d s" % seconds
    if seconds < 3600:
        return "%d min %02d s" % divmod(seconds, 60)
    hours, rest = divmod(seconds, 3600)
    return "%d h %02d min" % (hours, rest // 60)


def _counts_text(counts, shown, check_mode):
    names = list(shown) + sorted(name for name in counts if name not in shown)
    words = []
    for name in names:
        number = counts.get(name, 0)
        if number or name in shown:
            word = "would change" if (name == "changed" and check_mode) else name
            words.append("%s %s" % (format(number, ","), word))
    return ", ".join(words)


def progress_line(snapshot, settings, label, shown, now=None):
    """One progress line from the module's ``snapshot`` (None: nothing counted yet) and the caller's
    ``settings`` (progress_settings): done of total, rate, time left, outcomes so far."""
    now = time.time() if now is None else now
    label = settings.get("label") or label
    before = settings.get("done") or 0
    since = ""
    if settings.get("started"):
        since = "; %s since the start" % _duration(max(0.0, now - settings["started"]))
    if not snapshot:
        total = settings.get("total")
        if total:
            return "%s%s: %s of %s cards (%d%%), this step is starting%s" % (
                PREFIX, label, format(before, ","), format(total, ","), int(100.0 * before / total), since)
        return "%s%s: starting, no card finished yet%s" % (PREFIX, label, since)
    done = before + snapshot["done"]
    total = settings.get("total") or (before + snapshot["total"])
    total = max(total, done)
    percent = (100.0 * done / total) if total else 100.0
    elapsed = snapshot.get("elapsed") or 0.0
    rate = snapshot["done"] / elapsed if elapsed > 0 else 0.0
    if done >= total:
        left = "finishing"
    elif rate > 0:
        left = "about %s left" % _duration((total - done) / rate)
    else:
        left = "time left not known yet"
    counts = dict(settings.get("counts") or {})
    for name, number in (snapshot.get("counts") or {}).items():
        counts[name] = counts.get(name, 0) + number
    return "%s%s: %s of %s cards (%d%%), %s cards/s, %s; so far %s%s" % (
        PREFIX, label, format(done, ","), format(total, ","), int(percent), format(rate, ",.0f") if rate >= 10
        else format(rate, ".1f"), left, _counts_text(counts, shown, snapshot.get("check_mode")), since)


def read_snapshot(path):
    """The module's last snapshot, or None (not written yet, or unreadable)."""
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("done"), int) or not isinstance(data.get("total"), int):
        return None
    return data


class ProgressWatch:
    """A thread that prints ``progress_line`` of ``path`` every ``interval`` seconds with ``emit`` until stopped."""

    def __init__(self, path, settings, label, shown, emit):
        self.path = path
        self.settings = settings
        self.label = label
        self.shown = shown
        self.emit = emit
        self.lines = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mimcm-progress-watch", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        return False

    def _run(self):
        while not self._stop.wait(self.settings["interval"]):
            try:
                self.emit(progress_line(read_snapshot(self.path), self.settings, self.label, self.shown))
                self.lines += 1
            except Exception:  # noqa: BLE001 - a progress line must never fail the task
                pass
