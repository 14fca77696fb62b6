"""The collection's playbooks as AWX jobs: ansible-runner on private data directories laid out as
AWX lays them out (awx_emulation.py), with the project, inventories, job templates, surveys and
workflow of docs/awx.md, against the simulator. Plan job, approval, apply job, failing applies,
three concurrent sliced apply jobs, a denied workflow approval."""

import hashlib
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import yaml

from awx_emulation import UnsafeText, doc_examples

ACTIVE, SUSPENDED, RETIRED = 3, 4, 6
DIGEST = re.compile(r"Plan digest \(SHA-256\): ([0-9a-f]{64})")


def pick(sim, n):
    cards = sim.cards(status=ACTIVE, approval_required=False, restricted=False, limit=n)
    assert len(cards) == n, "the simulator data set has too few such cards"
    return [c["Uuid"].lower() for c in cards]


def cards_csv(uuids):
    return "uuid\n" + "".join("%s\n" % u for u in uuids)


def doc_answers():
    """The survey answers of docs/awx.md (ticket CHG0042, Retired, changes/CHG0042.csv)."""
    return yaml.safe_load(doc_examples()["workflow-answers.yml"])


def writes(journal, kind=None):
    return [e for e in journal if e["user"] != "admin" and (kind is None or e["kind"] == kind)]


def changed_cards(journal):
    return Counter(e["card"].lower() for e in writes(journal, "card_status"))


def shard_of(key, count):
    """The role's documented partition: int(sha256(key), 16) % count."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % count


def job_inventory(job):
    """What the job's inventory script prints (run as ansible-runner runs it)."""
    out = subprocess.run([str(job.private_data_dir / "inventory" / "hosts")], stdout=subprocess.PIPE,
                         text=True, timeout=60, check=True).stdout
    return json.loads(out)


def audit(report_dir, host, ticket="CHG0042"):
    path = report_dir / ("audit-%s-%s.jsonl" % (ticket, host))
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def assert_no_secret(awx, sim, jobs, report_dir):
    """The password is in none of what AWX keeps of a job (its output and events) nor in the reports.
    (It is in the private data directory's env/envvars and in ansible-runner's record of the process
    environment, artifacts/<id>/command: AWX's own files, deleted with the directory.)"""
    secret = sim.users["operator"]["password"]
    for job in jobs:
        assert secret not in job.stdout
        assert secret not in (job.artifact_dir / "stdout").read_text(errors="replace")
        for path in (job.artifact_dir / "job_events").glob("*.json"):
            assert secret not in path.read_text(errors="replace"), path
    if report_dir.exists():
        for path in report_dir.rglob("*"):
            if path.is_file():
                assert secret not in path.read_text(errors="replace"), path


def plan_job(awx, answers):
    (job,) = awx.run("MIM CM - plan", answers)
    assert job.status == "successful", job.stdout[-6000:]
    found = DIGEST.search(job.stdout)
    assert found, job.stdout[-3000:]
    return job, found.group(1)


def test_plan_job_approval_and_apply_job(simulator_factory, awx_factory, tmp_path):
    sim = simulator_factory(cards=200)
    cards = pick(sim, 12)
    awx = awx_factory(sim, project={"changes/CHG0042.csv": cards_csv(cards)})
    answers = doc_answers()
    assert answers["smartcard_lifecycle_cards_file"] == "changes/CHG0042.csv"

    # the plan job: the survey answers reach the role untemplated, the template's variables trusted
    plan, digest = plan_job(awx, answers)
    extravars = plan.extravars_file()
    for var in answers:
        assert isinstance(extravars[var], UnsafeText), var
    assert not isinstance(extravars["smartcard_lifecycle_mode"], UnsafeText)
    assert extravars["smartcard_lifecycle_report_dir"] == str(tmp_path / "reports")
    assert isinstance(extravars["awx_user_name"], UnsafeText) and extravars["awx_job_id"] == plan.id
    assert "!unsafe 'smartcard_lifecycle_cards_file': !unsafe 'changes/CHG0042.csv'" in \
        (plan.private_data_dir / "env" / "extravars").read_text()
    # the credential: env/envvars from the injectors, the CA in a private file of the job
    envvars = yaml.safe_load((plan.private_data_dir / "env" / "envvars").read_text())
    assert envvars["MIMCM_URL"] == sim.url and envvars["MIMCM_VALIDATE_CERTS"] == "True"
    assert (plan.private_data_dir / "env").resolve() in Path(envvars["MIMCM_CA_PATH"]).resolve().parents
    assert writes(sim.journal()) == []

    # the approval: the approver reads the digest in the job output and reviews the plan file
    report_dir = tmp_path / "reports"
    plan_md = report_dir / ("plan-%s.md" % digest)
    assert plan_md.exists() and "| change | 12 |" in plan_md.read_text()

    # the apply job, launched with the approved digest; slicing 1: one job over the three shards
    (apply,) = awx.run("MIM CM - apply", dict(answers, smartcard_lifecycle_approved_plan_digest=digest),
                       job_slice_count=1)
    assert apply.status == "successful" and apply.rc == 0, apply.stdout[-6000:]
    assert sorted(job_inventory(apply)["_meta"]["hostvars"]) == ["mimcm-0", "mimcm-1", "mimcm-2"]
    assert changed_cards(sim.journal()) == Counter({u: 1 for u in cards})
    assert all(sim.card(u)["Status"] == RETIRED for u in cards)
    records = [r for host in ("mimcm-0", "mimcm-1", "mimcm-2") for r in audit(report_dir, host)]
    assert sorted(r["uuid"].lower() for r in records) == sorted(cards)
    assert {r["operator"] for r in records} == {"jsmith"}
    assert_no_secret(awx, sim, [plan, apply], report_dir)


def test_failing_apply_jobs_write_nothing(simulator_factory, awx_factory, tmp_path):
    sim = simulator_factory(cards=200)
    cards = pick(sim, 12)
    awx = awx_factory(sim, project={"changes/CHG0042.csv": cards_csv(cards)})
    answers = doc_answers()
    plan, digest = plan_job(awx, answers)
    report_dir = tmp_path / "reports"

    # a digest that was never approved (the SHA-256 of nothing; an all-digit answer would not do:
    # ansible-core 2.19 loads an !unsafe-tagged '000...' from the extravars file as the integer 0)
    never_approved = hashlib.sha256(b"").hexdigest()
    (job,) = awx.run("MIM CM - apply", dict(answers, smartcard_lifecycle_approved_plan_digest=never_approved),
                     job_slice_count=1)
    assert job.status == "failed" and job.rc != 0
    assert "Refused, nothing written" in job.failure_messages(), job.stdout[-6000:]
    assert writes(sim.journal()) == []

    # drift: after the approval someone suspends one card of each shard
    drifted = {}
    for uuid in cards:
        drifted.setdefault(shard_of(uuid, 3), uuid)
    assert len(drifted) == 3
    for uuid in drifted.values():
        sim.set_card_status(uuid, SUSPENDED)
    (job,) = awx.run("MIM CM - apply", dict(answers, smartcard_lifecycle_approved_plan_digest=digest),
                     job_slice_count=1)
    assert job.status == "failed" and job.rc != 0
    messages = job.failure_messages()
    assert "Refused, nothing written to MIM CM" in messages, job.stdout[-6000:]
    for uuid in drifted.values():
        assert uuid in messages and "status changed from Active to Suspended" in messages
    assert writes(sim.journal()) == []
    assert list(report_dir.glob("audit-*")) == []
    assert sorted(p.name for p in report_dir.glob("drift-*")) == \
        sorted("drift-%s-mimcm-%d.json" % (digest[:12], i) for i in range(3))


def test_three_concurrent_sliced_apply_jobs_change_each_card_once(simulator_factory, awx_factory, tmp_path):
    sim = simulator_factory(cards=300)
    cards = pick(sim, 90)
    awx = awx_factory(sim, project={"changes/CHG0042.csv": cards_csv(cards)},
                      job_template_vars={"smartcard_lifecycle_batch_size": 10})
    answers = doc_answers()
    plan, digest = plan_job(awx, answers)
    report_dir = tmp_path / "reports"
    start = len(sim.journal())

    # job slicing 3 (the template's default): three jobs, started together, then waited for
    jobs = awx.launch("MIM CM - apply", dict(answers, smartcard_lifecycle_approved_plan_digest=digest))
    assert len(jobs) == 3 and all(job.process.poll() is None for job in jobs[:1])
    for job in jobs:
        job.wait()
    for job in jobs:
        assert job.status == "successful", job.stdout[-6000:]

    # each slice job's inventory: the group and its variables, only the slice's host
    for number, job in enumerate(jobs):
        inventory = job_inventory(job)
        host = "mimcm-%d" % number
        assert list(inventory["_meta"]["hostvars"]) == [host]
        assert inventory["mimcm_workers"]["hosts"] == [host]
        assert inventory["mimcm_workers"]["vars"]["mimcm_shard_count"] == 3
        assert inventory["mimcm_workers"]["vars"]["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
        assert inventory["_meta"]["hostvars"][host]["mimcm_shard_index"] == number
        assert job.slice == (number + 1, 3)

    counts = changed_cards(sim.journal()[start:])
    print("per-card change counts: %s over %d cards" % (dict(Counter(counts.values())), len(counts)))
    assert counts == Counter({u: 1 for u in cards})
    assert Counter(e["card"].lower() for e in writes(sim.journal()[start:], "request_created")) == \
        Counter({u: 1 for u in cards})
    shares = {}
    for number in range(3):
        records = audit(report_dir, "mimcm-%d" % number)
        shares[number] = {r["uuid"].lower() for r in records}
        assert shares[number] == {u for u in cards if shard_of(u, 3) == number}
        assert {r["host"] for r in records} == {"mimcm-%d" % number}
        report = json.loads((report_dir / ("apply-%s-mimcm-%d.json" % (digest[:12], number))).read_text())
        assert report["ok"] and report["meta"]["shard"] == "%d/3" % (number + 1)
    print("cards per slice: %s" % {"mimcm-%d" % n: len(s) for n, s in shares.items()})
    assert sum(len(s) for s in shares.values()) == 90 and set().union(*shares.values()) == set(cards)
    assert all(sim.card(u)["Status"] == RETIRED for u in cards)
    assert_no_secret(awx, sim, [plan] + jobs, report_dir)


def test_workflow_denied_approval_applies_nothing(simulator_factory, awx_factory):
    sim = simulator_factory(cards=200)
    cards = pick(sim, 5)
    awx = awx_factory(sim, project={"changes/CHG0042.csv": cards_csv(cards)})
    seen = []

    def deny(node, run):
        seen.append(node["identifier"])
        plan = run.nodes["plan"].jobs[0]
        assert DIGEST.search(plan.stdout)
        return False

    run = awx.run_workflow("MIM CM - change smart card status", doc_answers(), deny)
    assert seen == ["approve"]
    assert run.nodes["plan"].status == "successful"
    assert set(run.nodes) == {"plan", "approve"}  # apply and merge never ran
    plan = run.nodes["plan"].jobs[0]
    extravars = plan.extravars_file()
    assert extravars["awx_workflow_job_id"] == run.id and extravars["awx_job_launch_type"] == "workflow"
    assert isinstance(extravars["smartcard_lifecycle_change_ticket"], UnsafeText)
    assert writes(sim.journal()) == []
