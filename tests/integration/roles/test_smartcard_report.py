"""mim.cm.smartcard_report through playbooks/smartcard_report.yml against the simulator."""

import csv
import io
import json
import uuid as uuidlib
from collections import Counter

from mimcm_roles_helpers import HtmlChecker, Runner


def test_report_in_check_mode_reads_only(simulator, runner):
    sim = simulator
    cards = sim.cards(limit=40)
    missing = str(uuidlib.UUID(int=11))
    keys = [c["Uuid"] for c in cards[:30]] + [c["SerialNumber"] for c in cards[30:]] + [missing]
    before = len(sim.journal())
    proc = runner.run("mim.cm.smartcard_report",
                      {"smartcard_report_cards": keys, "smartcard_report_dir": str(runner.report_dir)},
                      check=True)
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert len(sim.journal()) == before

    base = runner.report_dir / "smartcard-report-localhost"
    summary = json.loads(base.with_suffix(".json").read_text())
    names = {0: "None", 1: "New", 2: "Assigned", 3: "Active", 4: "Suspended", 5: "Disabled", 6: "Retired"}
    expected = Counter(names[c["Status"]] for c in cards)
    assert summary["total"] == 40 and summary["status_counts"] == dict(expected)
    assert summary["missing"] == [missing]
    assert sum(t["cards"] for t in summary["templates"]) == 40
    assert summary["operation_counts"].get("Retire", 0) > 0

    rows = list(csv.DictReader(io.StringIO(base.with_suffix(".csv").read_text())))
    assert len(rows) == 40 and {r["uuid"].lower() for r in rows} == {c["Uuid"].lower() for c in cards}

    page = base.with_suffix(".html").read_text()
    checker = HtmlChecker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [] and checker.external == [] and checker.tags["svg"] == 1
    for name, count in expected.items():
        assert "<td>%s</td><td class=\"n\">%d</td>" % (name, count) in page
    assert "| Active |" in base.with_suffix(".md").read_text()


def test_report_of_the_callers_own_cards(simulator, runner_factory):
    runner = runner_factory(simulator, user="jdoe")
    assert isinstance(runner, Runner)
    extra = {"smartcard_report_dir": str(runner.report_dir), "smartcard_report_formats": ["json", "html"]}
    proc = runner.run("mim.cm.smartcard_report", extra)
    assert proc.returncode == 0, proc.stdout[-6000:]
    summary = json.loads((runner.report_dir / "smartcard-report-localhost.json").read_text())
    owned = [c for c in simulator.cards() if c["AssignedUserUuid"].lower() == simulator.users["jdoe"]["uuid"].lower()]
    assert summary["total"] == len(owned) > 0
    assert summary["meta"]["scope"] == "the caller's own cards"
    assert not (runner.report_dir / "smartcard-report-localhost.csv").exists()


def test_report_in_chunks_equals_one_pass(simulator, runner_factory):
    """Small chunks (the role's include_tasks loop) give the same report as one pass: ids by uuid,
    by card id, bare GUIDs that are card ids, missing ids, and cards given twice (by uuid and by
    card id, in different chunks) counted once; the CSV header once; no part file left behind."""
    sim = simulator
    cards = sim.cards(limit=25)
    serial = {c["Uuid"].lower(): c["SerialNumber"].strip("{}").lower() for c in cards}
    missing = [str(uuidlib.UUID(int=21)), str(uuidlib.UUID(int=22))]
    extra = {
        # bare GUIDs: uuids, then serial numbers (looked up as uuid first, then as card id),
        # one missing, and the serial of a card also given by uuid below
        "smartcard_report_cards": ([c["Uuid"] for c in cards[:10]] + [serial[c["Uuid"].lower()] for c in cards[10:18]]
                                   + [missing[0], serial[cards[20]["Uuid"].lower()]]),
        "smartcard_report_card_uuids": [c["Uuid"] for c in cards[20:25]] + [missing[1]],
        # braced card ids, one of a card given by uuid above
        "smartcard_report_card_ids": [c["SerialNumber"] for c in cards[18:20]] + [cards[3]["SerialNumber"]],
    }
    reports = {}
    for name, chunk in (("small", 4), ("one", 1000)):
        runner = runner_factory(sim, name=name)
        proc = runner.run("mim.cm.smartcard_report",
                          dict(extra, smartcard_report_dir=str(runner.report_dir), smartcard_report_chunk_size=chunk))
        assert proc.returncode == 0, proc.stdout[-6000:]
        assert sorted(p.name for p in runner.report_dir.iterdir()) == [
            "smartcard-report-localhost.%s" % ext for ext in ("csv", "html", "json", "md")]
        base = runner.report_dir / "smartcard-report-localhost"
        summary = json.loads(base.with_suffix(".json").read_text())
        summary["meta"].pop("generated_at")
        reports[name] = (summary, base.with_suffix(".csv").read_text().splitlines())

    summary, lines = reports["small"]
    assert reports["one"][0] == summary
    assert lines[0].startswith("uuid,card_id,status") and lines.count(lines[0]) == 1
    assert sorted(lines) == sorted(reports["one"][1])
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    assert sorted(r["uuid"].lower() for r in rows) == sorted(c["Uuid"].lower() for c in cards)
    names = {0: "None", 1: "New", 2: "Assigned", 3: "Active", 4: "Suspended", 5: "Disabled", 6: "Retired"}
    assert summary["total"] == 25 and summary["meta"]["requested"] == 29
    assert summary["status_counts"] == dict(Counter(names[c["Status"]] for c in cards))
    assert sorted(summary["missing"]) == sorted(missing)
    assert sum(t["cards"] for t in summary["templates"]) == 25
