"""The lifecycle role's cleanup mode end to end through playbooks/retire_smartcards.yml, under the default dialect and
under every alternative at once: plan, approve the digest, apply (cards whose profile needs approval are left with
Pending requests), cleanup in check mode (nothing written), cleanup (each Pending request of the change canceled
once), and a rerun (nothing to do). A cleanup without the approved plan is refused."""

import json
import uuid

import pytest

from mimcm_roles_helpers import writes

from tests.simulator import dialects
from tests.simulator.control import Simulator

PLAYBOOK = "mim.cm.retire_smartcards"
PROFILES = {"default": None, "every-alternative": dialects.format_map(dialects.EVERY_ALTERNATIVE)}
ACTIVE = 3


@pytest.fixture(scope="module", params=sorted(PROFILES))
def csim(request, tmp_path_factory):
    sim = Simulator(tmp_path_factory.mktemp("cleanup-sim"), cards=200, seed=42, dialect=PROFILES[request.param])
    sim.start()
    yield request.param, sim
    sim.stop()


def uuids(cards):
    return [c["Uuid"].lower() for c in cards]


def test_cleanup_cancels_the_pending_requests_of_the_change_once(csim, runner_factory):
    profile, sim = csim
    runner = runner_factory(sim, "cleanup")
    waiting = uuids(sim.cards(status=ACTIVE, approval_required=True, restricted=False, limit=3))
    plain = uuids(sim.cards(status=ACTIVE, approval_required=False, restricted=False, limit=1))
    cards = waiting + plain
    ticket = "CHG-CLN-%s" % uuid.uuid4().hex[:8].upper()  # no seeded request has it
    common = {"ticket": ticket, "smartcard_lifecycle_data_collection": {"Retire Reason": "change " + ticket}}
    numbering = sim.numbering()["request_status"]

    proc, plan = runner.plan(cards, ticket=ticket)
    digest = plan["digest"]
    assert plan["totals"]["change"] == 4
    mark = len(sim.journal())
    proc = runner.apply(cards, digest, **common)
    apply_rc = proc.returncode  # 0; with data collection the role does not pass, the cards fail, the requests stay
    pending = dict((card, [r for r in sim.requests(card=card) if r["Comment"] == ticket]) for card in waiting)
    assert all(len(found) == 1 and found[0]["Status"] == numbering["Pending"] for found in pending.values()), (
        pending, proc.stdout[-4000:])
    pending_ids = sorted(found[0]["Uuid"].lower() for found in pending.values())
    (done,) = [r for r in sim.requests(card=plain[0]) if r["Comment"] == ticket]
    assert done["Status"] == numbering["Completed"]
    after_apply = len(sim.journal())

    def cleanup(check=False, approved=digest):
        return runner.run(PLAYBOOK, runner.lifecycle_vars(cards, mode="cleanup", digest=approved, ticket=ticket),
                          check=check)

    def report(check=False):
        name = "cleanup-%s-localhost%s.json" % (digest[:12], "-check" if check else "")
        return json.loads((runner.report_dir / name).read_text())

    if profile == "default":  # the refusal does not depend on the dialect: tested once
        refused = cleanup(approved="0" * 64)
        assert refused.returncode != 0
        assert "Refused, nothing written: cleanup needs the approved plan file" in refused.stdout

    # check mode: the three requests would be canceled, nothing is written
    proc = cleanup(check=True)
    assert proc.returncode == 0, proc.stdout[-6000:]
    checked = report(check=True)
    assert checked["check_mode"] and checked["ok"] and checked["outcomes"]["changed"] == 3
    assert checked["headline"] == ("CHECK MODE: nothing was written. 3 of 3 pending request(s) of change %s would be "
                                   "canceled." % ticket)
    assert sorted(r["id"] for r in checked["requests"]) == pending_ids
    assert {r["outcome"] for r in checked["requests"]} == {"would be canceled"}
    assert "CHECK MODE: nothing was written" in (runner.report_dir / ("cleanup-%s-localhost-check.md"
                                                                      % digest[:12])).read_text()
    assert len(sim.journal()) == after_apply

    # for real: each Pending request of the change canceled once; the completed one left alone
    proc = cleanup()
    assert proc.returncode == 0, proc.stdout[-6000:]
    real = report()
    assert real["ok"] and not real["check_mode"] and real["outcomes"] == {"changed": 3, "unchanged": 0, "skipped": 0,
                                                                          "failed": 0}
    assert {r["outcome"] for r in real["requests"]} == {"canceled"}
    assert "3 of 3 pending request(s) of change %s canceled." % ticket in proc.stdout
    canceled = writes(sim.journal()[after_apply:])
    assert sorted(e["request_id"].lower() for e in canceled) == pending_ids
    assert {(e["kind"], e["before_name"], e["after_name"]) for e in canceled} == {
        ("request_status", "Pending", "Canceled")}
    audit = runner.report_dir / ("audit-cleanup-%s-localhost.jsonl" % ticket)
    lines = [json.loads(x) for x in audit.read_text().splitlines()]
    assert sorted(x["id"] for x in lines) == pending_ids and {x["plan_digest"] for x in lines} == {digest}
    assert sim.users["operator"]["password"] not in audit.read_text()
    assert [r["Status"] for r in sim.requests(card=plain[0]) if r["Comment"] == ticket] == [numbering["Completed"]]

    # a rerun has nothing left to do
    mark_rerun = len(sim.journal())
    proc = cleanup()
    assert proc.returncode == 0, proc.stdout[-6000:]
    rerun = report()
    assert rerun["ok"] and rerun["total"] == 0
    assert rerun["headline"] == "No request of change %s is waiting for approval: nothing to cancel." % ticket
    assert len(sim.journal()) == mark_rerun
    print(json.dumps({"dialect": sim.dialect(), "apply_rc": apply_rc, "check": checked["headline"],
                      "real": real["headline"], "rerun": rerun["headline"],
                      "journal": {"apply": len(writes(sim.journal()[mark:after_apply])), "check_mode": 0,
                                  "cleanup": len(canceled), "rerun": 0}}, indent=1))
