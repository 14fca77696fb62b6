"""mim.cm.smartcard_lifecycle, issue 12 (role side) against the simulator: a planned card refused by
the server fails the apply with its reason; check-mode and real reports that cannot be mistaken,
each run with its own files; messages that blame the right cause (a mistyped digest, a header-only
CSV, control characters); plans an approver can read (template names, owners, CM approvals known,
cards listed twice)."""

import json
import re
from collections import Counter

from mimcm_roles_helpers import writes

ACTIVE, RETIRED = 3, 6
STAMP = r"\d{8}T\d{6}Z"


def pick(sim, n, **kwargs):
    kwargs.setdefault("approval_required", False)
    kwargs.setdefault("restricted", False)
    cards = sim.cards(status=ACTIVE, limit=n, **kwargs)
    assert len(cards) == n, "the simulator data set has too few such cards"
    return [c["Uuid"].lower() for c in cards]


def api_requests(sim):
    """Requests the API answered so far (not the test's admin calls)."""
    return sim.stats()["requests"]


def test_a_planned_card_the_server_refuses_fails_the_apply_with_its_reason(simulator, runner_factory):
    """A read-only account: the plan (made by the operator) says change, the status module skips every card
    (the caller may not request Retire); the apply fails naming each card and the reason, writes nothing."""
    sim = simulator
    operator = runner_factory(sim)
    cards = pick(sim, 3)
    digest = operator.plan(cards)[1]["digest"]
    reader = runner_factory(sim, name="run", user="reader")  # same report directory, read-only account
    proc = reader.apply(cards, digest)
    assert proc.returncode != 0
    assert "3 card(s) of the plan could not be changed: they failed, were refused or were not attempted" in proc.stdout
    # the apply trusts the permission the plan read (issue 15: no operations call per card), so the server's
    # refusal of the request is each card's reason
    for uuid in cards:
        assert re.search(r"%s: failed: [^;]*Retire[^;]*forbidden \(HTTP 403\)" % uuid, proc.stdout), proc.stdout[-4000:]
    report = reader.apply_report(digest)
    assert report["ok"] is False and report["outcomes"] == {"failed": 3}
    assert sorted(c["key"] for c in report["failed"]) == sorted(cards)
    page = (reader.report_dir / ("apply-%s-localhost.html" % digest[:12])).read_text()
    assert '<span class="badge">FAILED</span>3 could not be changed' in page
    assert writes(sim.journal()) == [] and all(sim.card(u)["Status"] == ACTIVE for u in cards)


def test_check_mode_and_real_reports_each_run_with_its_own_files(simulator, runner):
    sim = simulator
    cards = pick(sim, 3) + pick(sim, 1, approval_required=True)
    digest = runner.plan(cards)[1]["digest"]
    tag = "apply-%s-localhost" % digest[:12]

    proc = runner.apply(cards, digest, check=True)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert writes(sim.journal()) == []
    check = json.loads((runner.report_dir / (tag + "-check.json")).read_text())
    assert check["meta"]["check_mode"] is True
    md = (runner.report_dir / (tag + "-check.md")).read_text()
    assert md.startswith("# CHECK MODE: nothing was written - Smart card apply CHG0042 (Retired)")
    assert "**CHECK MODE:** 4 would be changed" in md and "| status | before | would be |" in md

    proc = runner.apply(cards, digest)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "NOT FINISHED: 3 changed, 1 waiting for approval" in proc.stdout
    md = (runner.report_dir / (tag + ".md")).read_text()
    assert md.startswith("# Smart card apply CHG0042 (Retired): 3 changed, 1 waiting for approval\n")
    assert "## Every card (4)" in md and "CHECK MODE" not in md
    report = runner.apply_report(digest)
    assert sorted(c["key"] for c in report["cards"]) == sorted(cards)
    assert all(c.get("profile_template") for c in report["cards"])

    # a second run keeps the first run's files: each run has its own, the plain name is the latest copy
    proc = runner.apply(cards, digest)
    assert proc.returncode == 0, proc.stdout[-4000:]
    names = sorted(p.name for p in runner.report_dir.glob(tag + "*.json"))
    runs = [n for n in names if re.fullmatch(re.escape(tag) + "-" + STAMP + r"\.json", n)]
    checks = [n for n in names if re.fullmatch(re.escape(tag) + "-check-" + STAMP + r"\.json", n)]
    assert len(runs) == 2 and len(checks) == 1 and tag + ".json" in names and tag + "-check.json" in names
    for ext in ("md", "html"):
        assert len(list(runner.report_dir.glob("%s-*Z.%s" % (tag, ext)))) == 3
    assert (runner.report_dir / (runs[-1])).read_text() == (runner.report_dir / (tag + ".json")).read_text()


def test_a_mistyped_digest_is_named_not_taken_for_drift(simulator, runner):
    sim = simulator
    cards = pick(sim, 3)
    digest = runner.plan(cards)[1]["digest"]
    plans = sorted(p.name for p in runner.report_dir.glob("plan-*"))
    before = api_requests(sim)
    typo = digest[:20] + ("0" if digest[20] != "0" else "1") + digest[21:]
    for given in (typo, digest[:12]):
        proc = runner.apply(cards, given)
        assert proc.returncode != 0
        assert "no plan with digest %s in %s; plan files here: plan-%s.json; check the digest" % (
            given, runner.report_dir, digest) in proc.stdout, proc.stdout[-4000:]
        assert "Refused" not in proc.stdout and "drifted" not in proc.stdout
    assert api_requests(sim) == before  # no re-plan, no call to the server
    assert sorted(p.name for p in runner.report_dir.glob("plan-*")) == plans


def test_header_only_csv_and_control_characters_are_refused_before_any_call(simulator, runner):
    sim = simulator
    before = api_requests(sim)
    (runner.workdir / "empty.csv").write_text("uuid\n\n")
    proc = runner.run("mim.cm.retire_smartcards", runner.lifecycle_vars(smartcard_lifecycle_cards_file="empty.csv"))
    assert proc.returncode != 0
    assert "empty.csv has a header line ('uuid') but no data rows" in proc.stdout
    assert "No cards given" not in proc.stdout

    cards = pick(sim, 1)
    proc = runner.run("mim.cm.retire_smartcards", runner.lifecycle_vars(cards, ticket="CHG\x010042"))
    assert proc.returncode != 0
    assert "smartcard_lifecycle_change_ticket holds control characters (\\x01)" in proc.stdout
    proc = runner.run("mim.cm.retire_smartcards", runner.lifecycle_vars(
        cards, smartcard_lifecycle_data_collection={"Reason": "lost\x00"}))
    assert proc.returncode != 0
    assert "smartcard_lifecycle_data_collection['Reason'] holds control characters (\\x00)" in proc.stdout
    assert api_requests(sim) == before and not runner.report_dir.exists()


def test_plan_for_an_approver_names_templates_owners_approvals_and_duplicates(simulator, runner):
    sim = simulator
    templates = {t["uuid"].lower(): t for t in sim.templates()}
    normal = pick(sim, 3)
    approval = pick(sim, 2, approval_required=True)
    owners = {c["Uuid"].lower(): c["AssignedUserUuid"].lower() for c in sim.cards()}
    tpl_of = {c["Uuid"].lower(): c["ProfileTemplateUuid"].lower() for c in sim.cards()}
    (runner.workdir / "cards.csv").write_text("uuid\n" + "\n".join(normal + approval + normal[:1]) + "\n")

    first = runner.plan([normal[0], approval[0]], smartcard_lifecycle_cards_file="cards.csv")[1]
    assert first["totals"]["total"] == 5 and first["totals"]["change"] == 5
    assert first["duplicates"] == {"count": 3, "cards": sorted([{"key": normal[0], "times": 3},
                                                               {"key": approval[0], "times": 2}], key=lambda d: d["key"])}
    rows = {r["key"]: r for r in first["rows"]}
    for uuid in normal + approval:
        assert rows[uuid]["profile_template"] == templates[tpl_of[uuid]]["name"]
        assert rows[uuid]["owner_uuid"] == owners[uuid] and rows[uuid]["needs_approval"] is None
    md = (runner.report_dir / ("plan-%s.md" % first["digest"])).read_text()
    assert "**Listed twice:** 2 card(s) were listed more than once (3 extra line(s))" in md
    assert md.index("## By profile template") < md.index("## Every card (5)")

    # the user names an approval template; then an apply shows which templates wait for approval
    named = templates[tpl_of[approval[0]]]["name"]
    second = runner.plan([normal[0], approval[0]], smartcard_lifecycle_cards_file="cards.csv",
                         smartcard_lifecycle_approval_templates=[named.upper()])[1]
    assert second["digest"] == first["digest"]
    assert {r["key"]: r["needs_approval"] for r in second["rows"]}[approval[0]] is True
    assert runner.apply(normal + approval, first["digest"]).returncode == 0
    third = runner.plan(normal + approval)[1]
    learned = {r["key"]: r["needs_approval"] for r in third["rows"]}
    assert all(learned[u] is True for u in approval) and all(learned[u] is False for u in normal)
    by_template = {t["profile_template"]: t for t in third["by_template"]}
    assert by_template[named]["needs_approval"] is True
    assert Counter(r["action"] for r in third["rows"]) == Counter({"already_done": 3, "change": 2})
