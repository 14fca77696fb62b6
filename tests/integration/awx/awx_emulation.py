"""AWX jobs without AWX: private data directories laid out as AWX lays them out, run by ansible-runner.

What is AWX's, re-implemented here from its behaviour (awx/main/tasks/jobs.py, models/credential.py,
models/mixins.py, models/inventory.py, models/workflow.py, utils/safe_yaml.py):

- ``env/extravars``: the job template's variables, the survey defaults, the launch answers (or, in a
  workflow, the ancestors' artifacts and then the workflow's survey answers) and the ``awx_*`` /
  ``tower_*`` job variables; every string tagged ``!unsafe`` unless the key holds the same value in
  the job template's own variables.
- the credential type's injectors (read from extensions/awx/mimcm_credential_type.yml): file
  templates rendered into private files under ``env/`` (``tower.filename`` / ``tower.filename.<name>``),
  then the env templates into ``env/envvars``, the extra_vars templates into a file passed with
  ``-e @file`` in ``env/cmdline``; rendered in Jinja's immutable sandbox with only the credential's
  set inputs (an empty string is not set; a boolean not set is False).
- ``inventory/hosts``: an executable script printing the inventory as JSON (groups with their
  variables, hosts with theirs), with only the job's slice of the hosts (hosts sorted by name,
  ``hosts[slice - 1::count]``); the inventory itself is what ``ansible-inventory --list --export``
  imports from the project's inventory file.
- ``env/settings`` (job timeout), ``AWX_PRIVATE_DATA_DIR``, ``JOB_ID`` and the other job environment.
- surveys: answers validated as AWX does (required, type, length, choices), defaults for the rest.
- workflows: nodes run from the start nodes along success / failure / always links, an approval
  node asks the test's approver, a sliced job template runs its slices in parallel, and the
  artifacts (``set_stats`` data of a job: the ``playbook_on_stats`` event's ``artifact_data``) of
  the ancestors become extra variables of the later jobs, below the workflow's survey answers.

The stand-ins: the collection comes from build/collections (not an execution environment image),
the jobs run without a container (paths are host paths, not /runner/...), colour is off.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import yaml
from jinja2 import TemplateError
from jinja2 import meta as jinja_meta
from jinja2.nativetypes import NativeEnvironment
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO = Path(__file__).resolve().parents[3]
AWX_DOC = REPO / "docs" / "awx.md"
CREDENTIAL_TYPE = REPO / "extensions" / "awx" / "mimcm_credential_type.yml"
COLLECTIONS = REPO / "build" / "collections"
BIN = Path(sys.executable).parent
JOB_TIMEOUT = 600  # seconds, env/settings job_timeout of every job (AWX cancels the job after it)
MARKER = re.compile(r"^# awx-example: (\S+)")


# ------------------------------------------------------------------------------------------------
# The examples of docs/awx.md


def doc_examples(path: Path = AWX_DOC) -> dict[str, str]:
    """The fenced blocks of docs/awx.md whose first line is ``# awx-example: NAME``, by NAME."""
    examples: dict[str, str] = {}
    for block in re.findall(r"^```[a-z]*\n(.*?)^```$", path.read_text(), re.S | re.M):
        found = MARKER.match(block)
        if found:
            assert found.group(1) not in examples, "two examples named %s in %s" % (found.group(1), path)
            examples[found.group(1)] = block
    return examples


class UnsafeText(str):
    """A string the extravars file tagged ``!unsafe``."""


class UnsafeLoader(yaml.SafeLoader):
    pass


UnsafeLoader.add_constructor("!unsafe", lambda loader, node: UnsafeText(loader.construct_scalar(node)))


def load_extravars(text: str) -> dict:
    return yaml.load(text, Loader=UnsafeLoader) or {}


class _UnsafeDumper(yaml.SafeDumper):
    def represent_data(self, data):
        if isinstance(data, str):
            return self.represent_scalar("!unsafe", str(data))
        return super().represent_data(data)


def dump_extravars(variables: dict, trusted: dict) -> str:
    """AWX's extravars file: one YAML mapping per variable, every string in it (keys included)
    tagged ``!unsafe`` unless ``trusted`` (the job template's variables) has the same value."""
    parts = []
    for key, value in variables.items():
        dumper = yaml.SafeDumper if key in trusted and trusted[key] == value else _UnsafeDumper
        parts.append(yaml.dump({key: value}, Dumper=dumper, default_flow_style=False, allow_unicode=True))
    return "".join(parts)


# ------------------------------------------------------------------------------------------------
# Credential injection


def inject_credential(credential_type: dict, inputs: dict, private_data_dir: Path) -> tuple[dict, list]:
    """Apply the credential type's injectors to a credential's ``inputs``: (env, ansible-playbook args)."""
    namespace: dict = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or len(value):
            namespace[name] = value
    for spec in credential_type["inputs"].get("fields", []):
        if spec["type"] == "boolean" and spec["id"] not in inputs:
            namespace[spec["id"]] = False
    tower = SimpleNamespace()
    namespace["tower"] = tower
    sandbox = ImmutableSandboxedEnvironment()
    injectors = credential_type.get("injectors") or {}
    env_dir = private_data_dir / "env"
    env_dir.mkdir(parents=True, exist_ok=True)
    for label, template in (injectors.get("file") or {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as out:
            out.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if "." not in label:
            tower.filename = path
        else:
            if not isinstance(getattr(tower, "filename", None), SimpleNamespace):
                tower.filename = SimpleNamespace()
            setattr(tower.filename, label.split(".", 1)[1], path)
    env = {var: sandbox.from_string(template).render(**namespace)
           for var, template in (injectors.get("env") or {}).items()}
    args = []
    if injectors.get("extra_vars"):
        def render(node):
            if isinstance(node, dict):
                return {render(k): render(v) for k, v in node.items()}
            if isinstance(node, list):
                return [render(v) for v in node]
            return sandbox.from_string(node).render(**namespace)
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as out:
            out.write(dump_extravars(render(injectors["extra_vars"]), {}))
        os.chmod(path, stat.S_IRUSR)
        args += ["-e", "@%s" % path]
    return env, args


def credential_inputs(sim, user="operator"):
    """A credential of type MIM Certificate Management for the simulator, as the AWX form saves it
    (the string fields with defaults filled in, the boolean fields left unticked)."""
    return {
        "url": sim.url,
        "auth": "ntlm",
        "username": sim.users[user]["username"],
        "password": sim.users[user]["password"],
        "ca_pem": Path(sim.ca_path).read_text(),
        "api_path": "/CertificateManagement/api/v1.0",
        "timeout": "30",
        "retries": "3",
    }


# ------------------------------------------------------------------------------------------------
# Surveys


def _choices(question) -> list:
    choices = question.get("choices") or []
    if isinstance(choices, str):
        choices = [c for c in choices.splitlines() if c.strip()]
    return list(choices)


def survey_errors(spec: list, data: dict, validate_required: bool = True) -> list[str]:
    """AWX's survey answer checks (an answer that is not given is only checked for being required)."""
    errors = []
    for question in spec:
        var, kind = question["variable"], question["type"]
        if var not in data:
            if question.get("required") and validate_required:
                errors.append("'%s' value missing" % var)
            continue
        value = data[var]
        if kind in ("text", "textarea", "password"):
            if not isinstance(value, str):
                errors.append("'%s' must be a string" % var)
            elif question.get("min") not in ("", None) and len(value) < int(question["min"]):
                errors.append("'%s' is shorter than %s" % (var, question["min"]))
            elif question.get("max") not in ("", None) and len(value) > int(question["max"]):
                errors.append("'%s' is longer than %s" % (var, question["max"]))
        elif kind == "integer":
            if type(value) is not int:
                errors.append("'%s' must be an integer" % var)
            elif question.get("min") not in ("", None) and value < int(question["min"]):
                errors.append("'%s' is below %s" % (var, question["min"]))
            elif question.get("max") not in ("", None) and value > int(question["max"]):
                errors.append("'%s' is above %s" % (var, question["max"]))
        elif kind == "multiplechoice":
            if value not in _choices(question):
                errors.append("'%s' must be one of %s" % (var, _choices(question)))
        elif kind == "multiselect":
            if not isinstance(value, list) or any(v not in _choices(question) for v in value):
                errors.append("'%s' must be a list of %s" % (var, _choices(question)))
    return errors


def survey_defaults(spec: list) -> dict:
    """The defaults AWX adds for questions not answered (a default that fails the checks is dropped)."""
    defaults = {}
    for question in spec:
        if question.get("default") is not None:
            candidate = {question["variable"]: question["default"]}
            if not survey_errors([question], candidate):
                defaults.update(candidate)
    return defaults


# ------------------------------------------------------------------------------------------------
# The AWX objects of the awx.awx setup playbook in docs/awx.md


def _resolve(value, context: dict):
    """Render the setup playbook's Jinja where every name it uses is a play variable (or the loop
    item) that renders too; leave the rest (lookups, secrets given at run time) as written."""
    if isinstance(value, dict):
        return {k: _resolve(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, context) for v in value]
    if not (isinstance(value, str) and "{{" in value):
        return value
    env = NativeEnvironment()
    try:
        names = jinja_meta.find_undeclared_variables(env.parse(value))
    except TemplateError:  # an Ansible filter or lookup: not the harness's business
        return value
    if not names <= set(context):
        return value
    used = {name: _resolve(context[name], context) for name in names}
    if any(isinstance(v, str) and "{{" in v for v in used.values()):
        return value
    return env.from_string(value).render(**used)


@dataclass
class AwxSetup:
    """The job templates, workflow, nodes and inventories the setup playbook creates."""
    job_templates: dict = field(default_factory=dict)
    workflows: dict = field(default_factory=dict)
    nodes: dict = field(default_factory=dict)  # workflow name -> identifier -> node
    inventory_sources: dict = field(default_factory=dict)  # inventory name -> project path
    credential_types: list = field(default_factory=list)
    credentials: list = field(default_factory=list)

    @classmethod
    def from_playbook(cls, text: str) -> "AwxSetup":
        setup = cls()
        for play in yaml.safe_load(text):
            variables = play.get("vars") or {}
            for task in play.get("tasks") or []:
                module = next((k for k in task if k.startswith("awx.awx.")), None)
                if module is None:
                    continue
                for item in task.get("loop") or [None]:
                    context = dict(variables, item=item) if item is not None else variables
                    setup._add(module.split(".")[-1], _resolve(task[module], context))
        return setup

    def _add(self, kind: str, args: dict) -> None:
        if kind == "job_template":
            self.job_templates[args["name"]] = args
        elif kind == "workflow_job_template":
            self.workflows[args["name"]] = args
        elif kind == "workflow_job_template_node":
            self.nodes.setdefault(args["workflow_job_template"], {})[args["identifier"]] = args
        elif kind == "inventory_source":
            assert args["source"] == "scm"
            self.inventory_sources[args["inventory"]] = args["source_path"]
        elif kind == "credential_type":
            self.credential_types.append(args["name"])
        elif kind == "credential":
            self.credentials.append(args)


# ------------------------------------------------------------------------------------------------
# Inventories


def import_inventory(project_dir: Path, source_path: str) -> dict:
    """What AWX imports from a project inventory file (ansible-inventory --list --export)."""
    proc = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(project_dir / source_path), "--list", "--export"],
        cwd=str(project_dir), env=job_process_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, timeout=120, check=True)
    return json.loads(proc.stdout)


def script_data(imported: dict, slice_number: int = 1, slice_count: int = 1) -> dict:
    """The inventory script output of one (slice) job: every group, only the slice's hosts."""
    hostvars = imported.get("_meta", {}).get("hostvars", {})
    groups = {name: g for name, g in imported.items() if name not in ("_meta", "all", "ungrouped")}
    hosts = sorted(set(hostvars) | {h for g in groups.values() for h in g.get("hosts", [])}
                   | set(imported.get("ungrouped", {}).get("hosts", [])))
    if slice_count > 1:
        hosts = hosts[slice_number - 1::slice_count]
    data: dict = {"all": {}}
    if imported.get("all", {}).get("vars"):
        data["all"]["vars"] = imported["all"]["vars"]
    grouped = set()
    for name, group in groups.items():
        info = {}
        members = [h for h in group.get("hosts", []) if h in hosts]
        if members:
            info["hosts"] = members
            grouped.update(members)
        if group.get("children"):
            info["children"] = group["children"]
        if group.get("vars"):
            info["vars"] = group["vars"]
        if info:
            data[name] = info
    data["all"]["hosts"] = [h for h in hosts if h not in grouped]
    if groups:
        data["all"]["children"] = list(groups)
    data["_meta"] = {"hostvars": {}}
    for number, host in enumerate(hosts, 1):
        data["_meta"]["hostvars"][host] = dict(hostvars.get(host, {}))
        for prefix in ("host", "tower"):  # AWX's host variables (towervars)
            data["_meta"]["hostvars"][host].update({"remote_%s_enabled" % prefix: "true", "remote_%s_id" % prefix: number})
    return data


# ------------------------------------------------------------------------------------------------
# Jobs


def job_process_env() -> dict:
    """The environment of the ansible-runner process: a clean one, as in an execution environment."""
    return {"PATH": "%s:/usr/bin:/bin" % BIN, "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}


@dataclass
class Job:
    id: int
    name: str
    private_data_dir: Path
    extra_vars: dict
    slice: tuple = (1, 1)
    process: subprocess.Popen | None = None
    log: object = None
    started: float = 0.0
    rc: int | None = None
    status: str = "pending"
    stdout: str = ""
    events: list = field(default_factory=list)
    artifacts: dict = field(default_factory=dict)

    @property
    def artifact_dir(self) -> Path:
        return self.private_data_dir / "artifacts" / str(self.id)

    @property
    def project_dir(self) -> Path:
        return self.private_data_dir / "project"

    def extravars_file(self) -> dict:
        return load_extravars((self.private_data_dir / "env" / "extravars").read_text())

    def wait(self, timeout: float = JOB_TIMEOUT + 60) -> "Job":
        if self.process is not None and self.rc is None:
            try:
                self.process.wait(timeout=max(1, timeout - (time.monotonic() - self.started)))
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
            self.log.close()
            self._collect()
        return self

    def _collect(self) -> None:
        log = self.private_data_dir / "runner.log"
        read = (lambda p: p.read_text(errors="replace").strip() if p.exists() else "")
        self.rc = int(read(self.artifact_dir / "rc") or self.process.returncode)
        self.status = read(self.artifact_dir / "status") or "error"
        self.stdout = read(self.artifact_dir / "stdout") or read(log)
        events_dir = self.artifact_dir / "job_events"
        self.events = sorted((json.loads(p.read_text()) for p in events_dir.glob("*.json")),
                             key=lambda e: e.get("counter", 0)) if events_dir.exists() else []
        for event in self.events:
            if event.get("event") == "playbook_on_stats":
                self.artifacts = (event.get("event_data") or {}).get("artifact_data") or {}

    def failure_messages(self) -> str:
        """The messages of the failed tasks (what the AWX job output shows in red)."""
        out = []
        for event in self.events:
            if event.get("event") == "runner_on_failed":
                res = (event.get("event_data") or {}).get("res") or {}
                out.append(str(res.get("msg", "")))
        return "\n".join(out)


class LaunchRefused(Exception):
    """AWX would not start the job (survey answers, variables not allowed on launch)."""


class Awx:
    """One AWX with the setup of docs/awx.md, running its jobs with ansible-runner in ``root``.

    ``project``: files of the project (relative path -> text), on top of the examples of
    docs/awx.md named ``project/...``. ``credential_inputs``: the inputs of the credential of type
    MIM Certificate Management. ``report_dir``: replaces the persistent report directory in every
    job template's variables. ``user``: the AWX user who launches.
    """

    _ids = itertools.count(4201)

    def __init__(self, root: Path, credential_inputs: dict, project: dict | None = None,
                 report_dir: Path | None = None, user: str = "jsmith", job_template_vars: dict | None = None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.examples = doc_examples()
        self.setup = AwxSetup.from_playbook(self.examples["awx-setup.yml"])
        self.credential_type = yaml.safe_load(CREDENTIAL_TYPE.read_text())
        assert self.credential_type["name"] in self.setup.credential_types
        self.credential_inputs = credential_inputs
        self.user = user
        self.project = {name[len("project/"):]: text for name, text in self.examples.items()
                        if name.startswith("project/")}
        self.project.update(project or {})
        for jt in self.setup.job_templates.values():
            if report_dir is not None and "smartcard_lifecycle_report_dir" in (jt.get("extra_vars") or {}):
                jt["extra_vars"]["smartcard_lifecycle_report_dir"] = str(report_dir)
            jt.setdefault("extra_vars", {}).update(job_template_vars or {})
        self._inventories: dict = {}
        self.jobs: list[Job] = []

    # the pieces of a job -----------------------------------------------------------------------

    def write_project(self, dest: Path) -> None:
        for rel, text in self.project.items():
            path = dest / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    def inventory(self, name: str) -> dict:
        if name not in self._inventories:
            scratch = self.root / "inventory-import"
            if scratch.exists():
                shutil.rmtree(scratch)
            self.write_project(scratch)
            self._inventories[name] = import_inventory(scratch, self.setup.inventory_sources[name])
        return self._inventories[name]

    def meta_vars(self, job_id: int, jt: dict, inventory: str, workflow: dict | None) -> dict:
        meta = {}
        for prefix in ("awx", "tower"):
            meta.update({
                prefix + "_job_id": job_id,
                prefix + "_job_launch_type": "workflow" if workflow else "manual",
                prefix + "_user_id": 7,
                prefix + "_user_name": self.user,
                prefix + "_user_email": "%s@contoso.com" % self.user,
                prefix + "_user_first_name": "Jane",
                prefix + "_user_last_name": "Smith",
                prefix + "_inventory_id": 3,
                prefix + "_inventory_name": inventory,
                prefix + "_project_revision": "0" * 40,
                prefix + "_project_scm_branch": "main",
                prefix + "_job_template_id": 11,
                prefix + "_job_template_name": jt["name"],
                prefix + "_execution_node": "awx-ee-1",
            })
            if workflow:
                meta.update({prefix + "_workflow_job_id": workflow["id"],
                             prefix + "_workflow_job_name": workflow["name"],
                             prefix + "_workflow_job_launch_type": "manual"})
        return meta

    def _start(self, jt: dict, extra_vars: dict, slice_: tuple, workflow: dict | None) -> Job:
        job_id = next(self._ids)
        pdd = Path(tempfile.mkdtemp(prefix="awx_%d_" % job_id, dir=self.root))
        project_dir = pdd / "project"
        self.write_project(project_dir)
        variables = dict(extra_vars)
        variables.update(self.meta_vars(job_id, jt, jt["inventory"], workflow))
        env_dir = pdd / "env"
        env_dir.mkdir()
        (pdd / "cp").mkdir(mode=0o700)
        (env_dir / "extravars").write_text(dump_extravars(variables, jt.get("extra_vars") or {}))
        (pdd / "inventory").mkdir()
        hosts = pdd / "inventory" / "hosts"
        hosts.write_text("#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n"
                         % json.dumps(script_data(self.inventory(jt["inventory"]), *slice_)))
        hosts.chmod(0o700)
        cred_env, args = inject_credential(self.credential_type, self.credential_inputs, pdd)
        env = {
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),  # the stand-in for the execution environment
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "ANSIBLE_HOST_KEY_CHECKING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_SSH_CONTROL_PATH_DIR": str(pdd / "cp"),
            "AWX_PRIVATE_DATA_DIR": str(pdd),
            "AWX_HOST": "https://awx.contoso.com",
            "JOB_ID": str(job_id),
            "INVENTORY_ID": "3",
            "PROJECT_REVISION": "0" * 40,
            "MAX_EVENT_RES": "700000",
        }
        env.update(cred_env)
        (env_dir / "envvars").write_text(yaml.safe_dump(env))
        (env_dir / "settings").write_text(json.dumps({"job_timeout": JOB_TIMEOUT, "suppress_ansible_output": True}))
        if jt.get("job_type") == "check":
            args.append("--check")
        if args:
            (env_dir / "cmdline").write_text(" ".join(args))
        job = Job(id=job_id, name=jt["name"], private_data_dir=pdd, extra_vars=variables, slice=slice_)
        argv = [str(BIN / "ansible-runner"), "run", str(pdd), "-p", jt["playbook"], "--ident", str(job_id),
                "--inventory", str(hosts), "--omit-env-files"]
        job.started = time.monotonic()
        job.log = open(pdd / "runner.log", "w")
        job.process = subprocess.Popen(argv, cwd=str(pdd), env=job_process_env(), stdin=subprocess.DEVNULL,
                                       stdout=job.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.jobs.append(job)
        return job

    # launching -----------------------------------------------------------------------------------

    def job_vars(self, jt: dict, answers: dict, workflow_vars: dict | None = None, artifacts: dict | None = None,
                 in_workflow: bool = False) -> dict:
        """The job's extra variables: template variables, survey defaults, then what the launch gives."""
        spec = (jt.get("survey_spec") or {}).get("spec") or [] if jt.get("survey_enabled") else []
        if not in_workflow:
            errors = survey_errors(spec, answers)
            allowed = {q["variable"] for q in spec}
            extra = [k for k in answers if k not in allowed and not jt.get("ask_variables_on_launch")]
            if errors or extra:
                raise LaunchRefused("%s: %s" % (jt["name"], "; ".join(errors + ["not allowed on launch: %s" % k for k in extra])))
        variables = dict(jt.get("extra_vars") or {})
        variables.update(survey_defaults(spec))
        variables.update(answers)
        variables.update(artifacts or {})
        variables.update(workflow_vars or {})
        return variables

    def launch(self, name: str, answers: dict | None = None, job_slice_count: int | None = None,
               workflow: dict | None = None, artifacts: dict | None = None, workflow_vars: dict | None = None) -> list[Job]:
        """Launch job template ``name``; returns its jobs (one per slice), started, not waited for."""
        jt = self.setup.job_templates[name]
        if job_slice_count is not None:
            assert jt.get("ask_job_slice_count_on_launch"), "%s does not prompt for the slice count" % name
        variables = self.job_vars(jt, answers or {}, workflow_vars, artifacts, in_workflow=workflow is not None)
        count = job_slice_count or jt.get("job_slice_count") or 1
        hosts = len(script_data(self.inventory(jt["inventory"]))["_meta"]["hostvars"])
        count = max(1, min(count, hosts))
        return [self._start(jt, variables, (n, count) if count > 1 else (1, 1), workflow) for n in range(1, count + 1)]

    def run(self, name: str, answers: dict | None = None, **kwargs) -> list[Job]:
        """Launch and wait for every slice."""
        return [job.wait() for job in self.launch(name, answers, **kwargs)]

    def run_workflow(self, name: str, answers: dict, approve) -> "WorkflowRun":
        """Run workflow ``name`` with its survey ``answers``; ``approve(node, run)`` decides approval nodes."""
        wfjt = self.setup.workflows[name]
        spec = (wfjt.get("survey_spec") or {}).get("spec") or [] if wfjt.get("survey_enabled") else []
        errors = survey_errors(spec, answers)
        if errors:
            raise LaunchRefused("%s: %s" % (name, "; ".join(errors)))
        workflow_vars = dict(wfjt.get("extra_vars") or {})
        workflow_vars.update(survey_defaults(spec))
        workflow_vars.update(answers)
        nodes = self.setup.nodes[name]
        children = {n for node in nodes.values() for key in ("success_nodes", "failure_nodes", "always_nodes")
                    for n in node.get(key) or []}
        run = WorkflowRun(id=next(self._ids), name=name)
        todo = [(ident, {}) for ident in nodes if ident not in children]
        while todo:
            ident, artifacts = todo.pop(0)
            node = nodes[ident]
            if node.get("approval_node"):
                ok = bool(approve(node, run))
                run.nodes[ident] = NodeRun(ident, "successful" if ok else "failed", [], artifacts)
            else:
                jobs = [job.wait() for job in self.launch(
                    node["unified_job_template"], workflow={"id": run.id, "name": name},
                    artifacts=artifacts, workflow_vars=workflow_vars)]
                ok = all(job.status == "successful" for job in jobs)
                merged = dict(artifacts)
                for job in jobs:
                    merged.update(job.artifacts)
                run.nodes[ident] = NodeRun(ident, "successful" if ok else "failed", jobs, merged)
                artifacts = merged
            nexts = (node.get("success_nodes") if ok else node.get("failure_nodes")) or []
            todo += [(n, dict(artifacts)) for n in nexts + (node.get("always_nodes") or [])]
        return run


@dataclass
class NodeRun:
    identifier: str
    status: str
    jobs: list
    artifacts: dict


@dataclass
class WorkflowRun:
    id: int
    name: str
    nodes: dict = field(default_factory=dict)
