"""AWX behaviour of mim.cm.smartcard_lifecycle (issue 16, points 2 and 3), through the workflow and
job templates of docs/awx.md run as AWX jobs (awx_emulation.py) against the simulator:

- the plan job publishes ``mimcm_plan_digest`` and ``mimcm_plan_summary`` with set_stats; the workflow
  hands them to the apply job as extra variables, and the apply job applies the plan of
  ``mimcm_plan_digest`` when ``smartcard_lifecycle_approved_plan_digest`` is empty;
- every audit record of a job carries ``awx_job_id`` and ``awx_user_name``;
- ``smartcard_lifecycle_mode: merge`` combines the slices' ``apply-<digest12>-<host>.json`` into
  ``apply-<digest12>-merged.json`` (and .md, .html), and fails when a shard's report is missing;
- under AWX (``awx_job_id`` set) a report directory inside the job's project or private data directory
  is refused before anything is written, unless ``smartcard_lifecycle_allow_ephemeral_report_dir``;
- a survey's cards file path is used as given (relative to the project directory), and a path that
  cannot be read fails with the role's own message naming ``smartcard_lifecycle_cards_file``.
"""

import json
import re
from collections import Counter

import yaml

from awx_emulation import UnsafeText, doc_examples

ACTIVE, RETIRED = 3, 6
WORKFLOW = "MIM CM - change smart card status"
HOSTS = ("mimcm-0", "mimcm-1", "mimcm-2")


def pick(sim, n):
    cards = sim.cards(status=ACTIVE, approval_required=False, restricted=False, limit=n)
    assert len(cards) == n, "the simulator data set has too few such cards"
    return [c["Uuid"].lower() for c in cards]


def cards_csv(uuids):
    return "uuid\n" + "".join("%s\n" % u for u in uuids)


def doc_answers():
    return yaml.safe_load(doc_examples()["workflow-answers.yml"])


def writes(journal, kind=None):
    return [e for e in journal if e["user"] != "admin" and (kind is None or e["kind"] == kind)]


def changed_cards(journal):
    return Counter(e["card"].lower() for e in writes(journal, "card_status"))


def audit(report_dir, host, ticket="CHG0042"):
    path = report_dir / ("audit-%s-%s.jsonl" % (ticket, host))
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def test_workflow_hands_the_approved_digest_to_the_apply_and_merges_the_slices(simulator_factory, awx_factory, tmp_path):
    sim = simulator_factory(cards=200)
    cards = pick(sim, 30)
    awx = awx_factory(sim, project={"changes/CHG0042.csv": cards_csv(cards)},
                      job_template_vars={"smartcard_lifecycle_batch_size": 5})
    report_dir = tmp_path / "reports"
    approvals = []

    def approve(node, run):
        # the approver reviews the plan the plan job published, as an artifact and as a file
        artifacts = run.nodes["plan"].artifacts
        digest = artifacts["mimcm_plan_digest"]
        plan = json.loads((report_dir / ("plan-%s.json" % digest)).read_text())
        assert plan["digest"] == digest
        approvals.append(digest)
        return True

    run = awx.run_workflow(WORKFLOW, doc_answers(), approve)
    plan_job = run.nodes["plan"].jobs[0]
    assert plan_job.status == "successful", plan_job.stdout[-6000:]

    # the plan job's artifacts
    artifacts = plan_job.artifacts
    digest = artifacts.get("mimcm_plan_digest")
    assert isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest), artifacts
    plan = json.loads((report_dir / ("plan-%s.json" % digest)).read_text())
    assert artifacts["mimcm_plan_summary"] == {
        "target_status": "Retired",
        "change_ticket": "CHG0042",
        "totals": plan["totals"],
        "plan_file": str(report_dir / ("plan-%s.json" % digest)),
    }
    assert plan["totals"] == {"change": 30, "already_done": 0, "cannot": 0, "missing": 0, "total": 30}
    print("plan job %d artifacts: mimcm_plan_digest=%s" % (plan_job.id, digest))
    assert approvals == [digest]

    # the hand-off: the apply jobs got the artifact as an extra variable, nobody typed the digest
    apply_jobs = run.nodes["apply"].jobs
    assert len(apply_jobs) == 3
    for job in apply_jobs:
        extravars = job.extravars_file()
        assert extravars["mimcm_plan_digest"] == digest and isinstance(extravars["mimcm_plan_digest"], UnsafeText)
        assert "smartcard_lifecycle_approved_plan_digest" not in extravars
        print("apply job %d (slice %d/3) extra var mimcm_plan_digest=%s" % (job.id, job.slice[0], extravars["mimcm_plan_digest"]))
    for job in apply_jobs:
        assert job.status == "successful", job.stdout[-6000:]
    assert changed_cards(sim.journal()) == Counter({u: 1 for u in cards})
    assert all(sim.card(u)["Status"] == RETIRED for u in cards)

    # audit records name the AWX job and user
    for job, host in zip(apply_jobs, HOSTS):
        records = audit(report_dir, host)
        assert records, host
        for record in records:
            assert str(record["awx_job_id"]) == str(job.id), record
            assert record["awx_user_name"] == "jsmith" and record["operator"] == "jsmith"

    # the merged report of the change
    (merge_job,) = run.nodes["merge"].jobs
    assert merge_job.status == "successful", merge_job.stdout[-6000:]
    merged = json.loads((report_dir / ("apply-%s-merged.json" % digest[:12])).read_text())
    assert merged["ok"] is True and merged["total"] == 30
    assert merged["outcomes"] == {"changed": 30}
    assert merged["counts_before"] == {"Active": 30} and merged["counts_after"] == {"Retired": 30}
    assert sorted(c["uuid"] for c in merged["cards"]) == sorted(cards)
    assert merged["meta"]["plan_digest"] == digest and merged["meta"]["hosts"] == list(HOSTS)
    for ext in ("md", "html"):
        assert (report_dir / ("apply-%s-merged.%s" % (digest[:12], ext))).exists()

    # a merge with a shard's report missing fails and names the shard
    (report_dir / ("apply-%s-mimcm-1.json" % digest[:12])).unlink()
    (job,) = awx.run("MIM CM - merge reports", {"smartcard_lifecycle_approved_plan_digest": digest})
    assert job.status == "failed"
    assert "2/3" in job.failure_messages() or "mimcm-1" in job.failure_messages(), job.stdout[-6000:]


def test_report_dir_inside_the_job_is_refused_before_any_write(simulator_factory, awx_factory):
    sim = simulator_factory(cards=200)
    cards = pick(sim, 3)
    awx = awx_factory(sim, project={"changes/CHG0042.csv": cards_csv(cards)})
    plan_vars = awx.setup.job_templates["MIM CM - plan"]["extra_vars"]

    # the default report directory (relative: the job's project directory)
    del plan_vars["smartcard_lifecycle_report_dir"]
    (job,) = awx.run("MIM CM - plan", doc_answers())
    assert job.status == "failed"
    messages = job.failure_messages()
    for needle in ("smartcard_lifecycle_report_dir", "persistent", "smartcard_lifecycle_allow_ephemeral_report_dir"):
        assert needle in messages, (needle, job.stdout[-6000:])
    assert not (job.project_dir / "mimcm-reports").exists()
    assert "Plan digest" not in job.stdout

    # inside the private data directory but outside the project
    plan_vars["smartcard_lifecycle_report_dir"] = "../reports"
    (job,) = awx.run("MIM CM - plan", doc_answers())
    assert job.status == "failed" and "smartcard_lifecycle_report_dir" in job.failure_messages()
    assert not (job.private_data_dir / "reports").exists()

    # the explicit opt-in runs, and writes where it was told
    del plan_vars["smartcard_lifecycle_report_dir"]
    plan_vars["smartcard_lifecycle_allow_ephemeral_report_dir"] = True
    (job,) = awx.run("MIM CM - plan", doc_answers())
    assert job.status == "successful", job.stdout[-6000:]
    assert (job.project_dir / "mimcm-reports" / "plan-latest.json").exists()
    assert writes(sim.journal()) == []


def test_survey_cards_file_is_relative_to_the_project_and_a_wrong_one_gets_the_roles_message(simulator_factory, awx_factory):
    sim = simulator_factory(cards=200)
    cards = pick(sim, 3)
    awx = awx_factory(sim, project={"changes/CHG0042.csv": cards_csv(cards)})

    # the old example's answer: never templated, so no file has that name
    answer = "{{ playbook_dir }}/changes/CHG0042.csv"
    (job,) = awx.run("MIM CM - plan", dict(doc_answers(), smartcard_lifecycle_cards_file=answer))
    assert job.status == "failed"
    messages = job.failure_messages()
    assert "smartcard_lifecycle_cards_file" in messages and answer in messages, job.stdout[-6000:]
    assert "lookup plugin" not in messages

    # a relative path that does not exist: the message names the file it looked for
    (job,) = awx.run("MIM CM - plan", dict(doc_answers(), smartcard_lifecycle_cards_file="changes/CHG0404.csv"))
    assert job.status == "failed"
    messages = job.failure_messages()
    assert "smartcard_lifecycle_cards_file" in messages, job.stdout[-6000:]
    assert str(job.project_dir / "changes" / "CHG0404.csv") in messages
    assert writes(sim.journal()) == []
