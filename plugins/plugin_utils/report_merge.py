# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One report for a change applied in shards (AWX job slicing): the lifecycle role's merge mode
reads the latest apply report of every shard, ``apply-<digest12>-<host>.json`` (not the check-mode
ones, not a run's timestamped copy, not an earlier merge), checks that every shard of the approved
plan is there, and sums them into one apply summary, rendered like any other.
"""

from __future__ import annotations

import json
import os
import re

from ansible_collections.mim.cm.plugins.plugin_utils.plain_data import clip
from ansible_collections.mim.cm.plugins.plugin_utils.report_dir import TIMESTAMPED

_SHARD = re.compile(r"^(\d+)/(\d+)$")
_LISTS = ("cards", "failed", "pending", "cannot")
_COUNTS = ("outcomes", "counts_before", "counts_after")


def shard_report_paths(report_dir, digest):
    """The candidate shard reports of ``digest`` in ``report_dir``: ``apply-<digest12>-<host>.json``
    without a run's timestamp and not the merged report."""
    prefix = "apply-%s-" % str(digest)[:12]
    try:
        names = sorted(os.listdir(report_dir))
    except OSError:
        return []
    out = []
    for name in names:
        if name.startswith(prefix) and name.endswith(".json"):
            host = name[len(prefix):-len(".json")]
            if host and host != "merged" and not TIMESTAMPED.search(host):
                out.append(os.path.join(report_dir, name))
    return out


def _read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            report = json.load(handle)
    except (OSError, ValueError) as exc:
        return None, "%s cannot be read (%s)" % (path, exc)
    if not isinstance(report, dict) or report.get("kind") != "apply":
        return None, "%s is not an apply report" % path
    return report, ""


def _add(into, counts):
    for name, n in (counts or {}).items():
        into[name] = into.get(name, 0) + int(n)


def merge_apply_reports(report_dir, digest, merged_at=""):
    """``{"summary": the merged apply summary, "problem": ''}``, or ``{"summary": None, "problem":
    message}`` when no shard report of ``digest`` is there, a shard's report is missing (named by its
    shard ``i/n``), or the reports do not belong together."""
    digest = str(digest or "").strip().lower()
    reports, problems = [], []
    for path in shard_report_paths(report_dir, digest):
        report, problem = _read(path)
        meta = (report or {}).get("meta") or {}
        if problem:
            problems.append(problem)
        elif meta.get("plan_digest") == digest and not meta.get("check_mode"):
            reports.append((path, report))
    if problems:
        msg = "Merge refused: %s" % "; ".join(problems)
        return {"summary": None, "problem": msg}
    if not reports:
        msg = ("Merge refused: no apply report of plan %s in %s (apply-%s-<host>.json); run the apply first, "
               "with the same smartcard_lifecycle_report_dir" % (digest, report_dir, digest[:12]))
        return {"summary": None, "problem": msg}
    shards = {}
    counts = set()
    for path, report in reports:
        found = _SHARD.match(str(report["meta"].get("shard") or "1/1"))
        index, count = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        counts.add(count)
        if index in shards:
            msg = ("Merge refused: two reports for shard %d/%d: %s and %s (one host per shard; remove the stale one)"
                   % (index, count, os.path.basename(shards[index][0]), os.path.basename(path)))
            return {"summary": None, "problem": msg}
        shards[index] = (path, report)
    if len(counts) > 1:
        msg = ("Merge refused: the apply reports of plan %s come from runs with different shard counts (%s); "
               "rerun the apply with one inventory" % (digest, ", ".join(str(c) for c in sorted(counts))))
        return {"summary": None, "problem": msg}
    count = counts.pop()
    missing = ["%d/%d" % (i, count) for i in range(1, count + 1) if i not in shards]
    if missing:
        have = ["%s (%s)" % (os.path.basename(p), r["meta"].get("shard")) for p, r in sorted(shards.values())]
        msg = ("Merge refused: the apply report of shard(s) %s of plan %s is missing in %s; found %s. Run the "
               "apply of that shard (its AWX slice or --limit host) again, then merge"
               % (", ".join(missing), digest, report_dir, clip(have, 5)))
        return {"summary": None, "problem": msg}
    return {"summary": _merge([shards[i][1] for i in sorted(shards)], digest, merged_at), "problem": ""}


def _merge(reports, digest, merged_at):
    metas = [r.get("meta") or {} for r in reports]
    merged = {"kind": "apply", "total": 0, "ok": all(r.get("ok") for r in reports)}
    for key in _COUNTS:
        merged[key] = {}
        for report in reports:
            _add(merged[key], report.get(key))
    for key in _LISTS:
        merged[key] = [c for r in reports for c in r.get(key) or []]
    merged["cards"].sort(key=lambda c: str(c.get("key")))
    merged["total"] = sum(int(r.get("total") or 0) for r in reports)
    meta = {"target_status": metas[0].get("target_status"), "change_ticket": metas[0].get("change_ticket"),
            "plan_digest": digest, "hosts": sorted(str(m.get("host")) for m in metas),
            "shards": len(reports), "merged_at": merged_at, "check_mode": False,
            "started": min(str(m.get("started") or "") for m in metas),
            "finished": max(str(m.get("finished") or "") for m in metas),
            "operator": ", ".join(sorted({str(m.get("operator")) for m in metas if m.get("operator")}))}
    merged["meta"] = meta
    return merged
