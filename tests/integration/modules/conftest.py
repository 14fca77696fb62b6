"""Fixtures for the module integration tests: real ansible-playbook runs against the simulator.

``msim``: one HTTPS + NTLM simulator per test module. Tests take their own cards from it
(``take``) so scenarios batched into one playbook never touch each other's cards.
``play(...)``: run a playbook (tasks given as Python data) and return the registered results.
"""

import json
import os
import subprocess
import sys

import pytest
import yaml

from tests.simulator.control import Simulator

from mimcm_modules_helpers import BIN, COLLECTIONS



@pytest.fixture(scope='module')
def msim(tmp_path_factory):
    sim = Simulator(tmp_path_factory.mktemp('modules-sim'), cards=200, seed=42)
    sim.start()
    yield sim
    sim.stop()


class CardPool(object):
    """Cards of a simulator that no other test of the module has used yet."""

    def __init__(self, sim):
        self.sim = sim
        self.used = set()

    def __call__(self, status=3, approval_required=False, restricted=False, owner=None, n=None):
        cards = []
        for card in self.sim.cards(status=status, approval_required=approval_required, restricted=restricted,
                                   owner=owner):
            if card['Uuid'].lower() in self.used:
                continue
            self.used.add(card['Uuid'].lower())
            cards.append(card)
            if len(cards) == (n or 1):
                break
        if len(cards) < (n or 1):
            pytest.skip('not enough unused cards with status=%s approval_required=%s restricted=%s'
                        % (status, approval_required, restricted))
        return cards if n else cards[0]


@pytest.fixture(scope='module')
def take(msim):
    return CardPool(msim)


class PlaybookRun(object):
    def __init__(self, proc, results, path):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.results = results
        self.path = path

    def __getitem__(self, name):
        return self.results[name]

    def __repr__(self):
        return 'PlaybookRun(rc=%s)\n--- stdout\n%s\n--- stderr\n%s' % (
            self.rc, self.stdout[-6000:], self.stderr[-3000:])


@pytest.fixture
def play(tmp_path):
    """``play(tasks, sim=..., defaults=..., env=..., args=[...])`` -> PlaybookRun.

    Every task with ``register: x`` is collected into ``run['x']`` (a final task writes them to a
    JSON file); tasks get ``ignore_errors: true`` unless they say otherwise, so one expected failure
    does not hide the other scenarios of the same run. ``defaults`` become the play's
    ``module_defaults`` for ``group/mim.cm.mimcm``.
    """
    counter = [0]

    def run(tasks, defaults=None, env=None, args=(), plays_before=(), timeout=240):
        counter[0] += 1
        out = tmp_path / ('results-%d.json' % counter[0])
        registered = [t['register'] for t in tasks if 'register' in t]
        tasks = [dict({'ignore_errors': True}, **t) if 'register' in t else t for t in tasks]
        collect = {'name': 'collect results', 'ansible.builtin.copy': {
            'dest': str(out),
            'content': '{{ {%s} | to_json }}' % ', '.join("'%s': %s" % (r, r) for r in registered)}}
        play_ = {'name': 'mim.cm modules', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks + [collect]}
        if defaults:
            play_['module_defaults'] = {'group/mim.cm.mimcm': defaults}
        playbook = tmp_path / ('playbook-%d.yml' % counter[0])
        playbook.write_text(yaml.safe_dump(list(plays_before) + [play_], sort_keys=False))
        inventory = tmp_path / 'inventory'
        inventory.write_text('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
        environment = dict(os.environ)
        for key in list(environment):
            if key.startswith('MIMCM_'):
                del environment[key]
        environment.update({
            'ANSIBLE_COLLECTIONS_PATH': str(COLLECTIONS), 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
            'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0', 'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'ANSIBLE_HOST_KEY_CHECKING': 'false', 'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp'),
            'ANSIBLE_DEPRECATION_WARNINGS': 'false', 'ANSIBLE_PIPELINING': 'true',
        })
        environment.update(env or {})
        proc = subprocess.run(
            [str(BIN / 'ansible-playbook'), '-i', str(inventory), str(playbook)] + list(args),
            cwd=str(tmp_path), env=environment, capture_output=True, text=True, timeout=timeout, check=False)
        results = json.loads(out.read_text()) if out.exists() else {}
        return PlaybookRun(proc, results, playbook)

    return run
