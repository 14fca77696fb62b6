# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the lifecycle role's report directory already holds, and what a run learns from it: which
plan an approved digest that matches no plan file was probably meant to be (a typo is not drift),
which profile templates needed a CM approval in earlier applies, and the names of the report files.

File names (``<tag>`` is the first 12 digest digits and ``-<host>``, ``-check`` in check mode):
``plan-<digest>.json``; ``apply-<tag>.json|.md|.html`` is the latest run's report (the one a merge
reads), ``apply-<tag>-<YYYYMMDDTHHMMSSZ>.*`` each run's own copy; ``apply-<digest12>-merged.*``.
"""

from __future__ import annotations

import json
import os
import re

from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import clip

PLAN_FILE = re.compile(r"^plan-([0-9a-f]{64})\.json$")
TIMESTAMPED = re.compile(r"-\d{4}\d{4}T\d{6}Z$")  # -YYYYMMDDTHHMMSSZ
APPLY_REPORT = re.compile(r"^apply-[0-9a-f]{12}-.+\.json$")


def _listdir(path):
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def _edit_distance(a, b, limit=3):
    """Levenshtein distance of ``a`` and ``b``, or ``limit`` + 1 once it is certainly above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def resembles(given, digest):
    """Whether ``given`` looks like a mistyped ``digest``: a prefix of it (or it of ``given``), at least
    6 characters long, or at most 3 characters off (changed, missing or extra)."""
    given = given.strip().lower()
    if len(given) >= 6 and (digest.startswith(given) or given.startswith(digest)):
        return True
    return _edit_distance(given, digest) <= 3


def approved_digest_problem(digest, report_dir):
    """The message when ``digest`` matches no plan file in ``report_dir`` but resembles one there
    (a typo, a prefix), else ''. Then the role stops before any call to the server: planning again
    would report the typo as drift."""
    given = str(digest or "").strip().lower()
    if not given:
        return ""
    digests = [m.group(1) for m in (PLAN_FILE.match(n) for n in _listdir(report_dir)) if m]
    if given in digests:
        return ""
    close = [d for d in digests if resembles(given, d)]
    if not close:
        return ""
    msg = ("no plan with digest %s in %s; plan files here: %s; check the digest "
           "(smartcard_lifecycle_approved_plan_digest, or the workflow's mimcm_plan_digest). Nothing was "
           "planned again or written" % (given, report_dir, clip(["plan-%s.json" % d for d in close], 5)))
    return msg


def _apply_reports(report_dir, limit):
    """The newest ``limit`` apply JSON reports of the directory (by modification time)."""
    found = []
    for name in _listdir(report_dir):
        if APPLY_REPORT.match(name):
            path = os.path.join(report_dir, name)
            try:
                found.append((os.path.getmtime(path), path))
            except OSError:
                continue
    return [p for dummy, p in sorted(found, reverse=True)[:limit]]


def learned_approval(report_dir, limit=20):
    """{template uuid: bool} from the newest ``limit`` apply reports of ``report_dir``: true when a
    card of that template ended waiting for approval (``pending``), false when one was changed in
    the same run without waiting (and none of it waited). Unreadable reports are passed over."""
    pending, direct = set(), set()
    for path in _apply_reports(report_dir, int(limit)):
        try:
            with open(path, encoding="utf-8") as handle:
                report = json.load(handle)
        except (OSError, ValueError):
            continue
        if not isinstance(report, dict) or (report.get("meta") or {}).get("check_mode"):
            continue
        for card in report.get("cards") or []:
            tpl = card.get("profile_template_uuid") if isinstance(card, dict) else None
            if tpl:
                if card.get("outcome") == "pending":
                    pending.add(tpl)
                elif card.get("outcome") == "changed":
                    direct.add(tpl)
    learned = {t: False for t in direct}
    learned.update({t: True for t in pending})
    return learned


def approval_templates(report_dir, given=None, limit=20):
    """Which profile templates need a CM approval, for the plan: learned from the report directory,
    then the user's list (template names or uuids, which win)."""
    known = learned_approval(report_dir, limit) if report_dir else {}
    for item in given or []:
        if str(item).strip():
            known[str(item).strip().lower()] = True
    return known
