"""Every lifecycle path under each dialect profile (issue 11): the simulator plays our default reading of the
reference, the old sequential request status numbering, and every alternative at once (the last value of every
key of the Dialects table in mimcm-api.md). The collection must retire, revoke, reinstate, wait for approval,
complete what a run left executing, run in check mode and run the change-controlled role under each, with each
card changed once and one request per card (simulator journal)."""

import json
import subprocess
from collections import Counter

import pytest
import yaml

from tests.simulator.dialects import EVERY_ALTERNATIVE

from mimcm_roles_helpers import ANSIBLE_PLAYBOOK, LOCAL_INVENTORY, sim_env, writes

PROFILES = {
    "default": "",
    "sequential": "request-status=sequential",
    "every-alternative": ",".join("%s=%s" % kv for kv in sorted(EVERY_ALTERNATIVE.items())),
}
# What a user of each server sets once in module_defaults: the data collection items the policies ask for (harmless
# where none is needed) and, for a server with the shifted card numbering, its integers.
DATA = {"Retire Reason": "card lost", "Revoke Reason": "suspected compromise"}
NUMBERING = {"every-alternative": {"Disabled": 4, "Suspended": 5}}
STATUS = "mim.cm.mimcm_smartcard_status"


@pytest.fixture(params=sorted(PROFILES))
def profile(request, simulator_factory):
    name = request.param
    sim = simulator_factory(cards=120, dialect=PROFILES[name] or None)
    return name, sim


def play(sim, tmp_path, name, tasks, defaults):
    """Run one playbook of ``tasks`` (results registered and written to JSON); returns the results."""
    out = tmp_path / ("%s.json" % name)
    registered = [t["register"] for t in tasks if "register" in t]
    collect = {"name": "collect", "check_mode": False, "ansible.builtin.copy": {
        "dest": str(out), "content": "{{ {%s} | to_json }}" % ", ".join("'%s': %s" % (r, r) for r in registered)}}
    book = [{"name": name, "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/mim.cm.mimcm": defaults},
             "tasks": [dict(t, ignore_errors=True) for t in tasks] + [collect]}]
    (tmp_path / (name + ".yml")).write_text(yaml.safe_dump(book, sort_keys=False))
    (tmp_path / "inventory").write_text(LOCAL_INVENTORY)
    argv = [ANSIBLE_PLAYBOOK, "-i", str(tmp_path / "inventory"), str(tmp_path / (name + ".yml"))]
    proc = subprocess.run(argv, env=sim_env(sim), cwd=str(tmp_path), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    return json.loads(out.read_text())


def pick(sim, status, n, approval=False, taken=None):
    cards = [c["Uuid"] for c in sim.cards(status=status, approval_required=approval, restricted=False)
             if c["Uuid"] not in (taken or set())][:n]
    assert len(cards) == n, "the simulator has too few %s cards" % status
    if taken is not None:
        taken.update(cards)
    return cards


def per_card(journal, kind):
    return Counter(e["card"].lower() for e in writes(journal, kind))


def test_every_lifecycle_path_under_each_dialect_profile(profile, tmp_path):
    name, sim = profile
    taken = set()
    retire = pick(sim, "Active", 3, taken=taken)
    waits = pick(sim, "Active", 1, approval=True, taken=taken)
    revoke = pick(sim, "Active", 1, taken=taken)
    reinstate = pick(sim, "Suspended", 1, taken=taken)
    leftover = pick(sim, "Active", 1, taken=taken)
    checked = pick(sim, "Active", 1, taken=taken)
    ticket = "DIALECT-%s" % name.upper()
    defaults = {}  # what a user sets once for every module of the action group
    if name in NUMBERING:
        defaults["smartcard_status_map"] = NUMBERING[name]
    common = {"comment": ticket, "data_collection": DATA}
    first = [
        {"name": "retire", STATUS: dict(common, uuids=retire, status="Retired"), "register": "retire"},
        {"name": "approval needed", STATUS: dict(common, uuid=waits, status="Retired"), "register": "waits"},
        {"name": "revoke", STATUS: dict(common, uuid=revoke, status="Disabled"), "register": "revoke"},
        {"name": "reinstate", STATUS: dict(common, uuid=reinstate, status="Active"), "register": "reinstate"},
        {"name": "leave executing", STATUS: dict(common, uuid=leftover, status="Retired", complete_request=False),
         "register": "leftover"},
    ]
    run = play(sim, tmp_path, "first", first, defaults)
    for key in ("retire", "revoke", "reinstate", "leftover"):
        assert not run[key].get("failed"), (key, run[key].get("msg"), run[key].get("results"))
        assert {r["state"] for r in run[key]["results"]} == {"changed"}, (key, run[key]["results"])
    assert run["revoke"]["results"][0]["after"] == "Disabled"
    assert run["reinstate"]["results"][0]["after"] == "Active"
    assert run["waits"]["results"][0]["state"] == "pending" and run["waits"]["changed"] is True
    pending_request = run["waits"]["results"][0]["request_id"]

    # check mode (task level): the verdict of a real run, and nothing written; the pending request is picked up
    # again, not created again
    before = len(writes(sim.journal()))
    again = play(sim, tmp_path, "again", [
        {"name": "would retire", STATUS: dict(common, uuid=checked, status="Retired"), "register": "would",
         "check_mode": True},
        {"name": "already retired", STATUS: dict(common, uuids=retire, status="Retired"), "register": "done",
         "check_mode": True},
        {"name": "still waiting", STATUS: dict(common, uuid=waits, status="Retired"), "register": "waiting"}], defaults)
    assert again["would"]["results"][0]["state"] == "changed" and again["would"]["changed"] is True
    assert {r["state"] for r in again["done"]["results"]} == {"unchanged"}
    assert again["waiting"]["results"][0]["state"] == "pending"
    assert again["waiting"]["results"][0]["request_id"] == pending_request and again["waiting"]["changed"] is False
    assert len(writes(sim.journal())) == before, "check mode or the pending rerun wrote to the server"
    sim.approve(pending_request)
    second = play(sim, tmp_path, "second", [
        {"name": "approved now", STATUS: dict(common, uuid=waits, status="Retired"), "register": "approved"},
        {"name": "complete the leftover", STATUS: dict(common, uuid=leftover, status="Retired"), "register": "left"},
    ], defaults)
    assert second["approved"]["results"][0]["state"] == "changed"
    assert second["approved"]["results"][0]["request_id"] == pending_request
    assert second["left"]["results"][0]["state"] in ("changed", "unchanged"), second["left"]["results"]
    third = play(sim, tmp_path, "third", [
        {"name": "idempotent", STATUS: dict(common, uuids=retire + waits + leftover, status="Retired"),
         "register": "idem"}], defaults)
    assert {r["state"] for r in third["idem"]["results"]} == {"unchanged"} and third["idem"]["changed"] is False

    journal = sim.journal()
    changed = per_card(journal, "card_status")
    created = per_card(journal, "request_created")
    for uuid in retire + waits + revoke + reinstate + leftover:
        assert changed[uuid.lower()] == 1, (uuid, changed[uuid.lower()])
        assert created[uuid.lower()] == 1, (uuid, created[uuid.lower()])
    assert changed[checked[0].lower()] == 0 and created[checked[0].lower()] == 0
    for uuid in retire + waits + leftover:
        requests = sim.requests(card=uuid)
        assert len(requests) == 1


def test_the_change_controlled_role_under_each_dialect_profile(profile, runner_factory):
    name, sim = profile
    cards = pick(sim, "Active", 6)
    runner = runner_factory(sim, name="role")
    ticket = "ROLE-%s" % name.upper()
    extra = {"smartcard_lifecycle_data_collection": DATA, "smartcard_lifecycle_concurrency": 4}
    if name in NUMBERING:
        extra["smartcard_lifecycle_connection"] = {"smartcard_status_map": NUMBERING[name]}
    plan = runner.run("mim.cm.retire_smartcards", runner.lifecycle_vars(cards, ticket=ticket, **extra))
    assert plan.returncode == 0, plan.stdout[-5000:]
    digest = json.loads((runner.report_dir / "plan-latest.json").read_text())["digest"]
    for attempt in ("apply", "rerun"):
        proc = runner.run("mim.cm.retire_smartcards",
                          runner.lifecycle_vars(cards, mode="apply", digest=digest, ticket=ticket, **extra))
        assert proc.returncode == 0, (attempt, proc.stdout[-5000:])
    journal = sim.journal()
    changed = per_card(journal, "card_status")
    created = per_card(journal, "request_created")
    assert all(changed[c.lower()] == 1 and created[c.lower()] == 1 for c in cards), (changed, created)
    assert all(sim.card(c)["Status"] == 6 for c in cards)
