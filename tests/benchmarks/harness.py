"""Shared machinery of the benchmarks: simulators with fresh state, playbook runs with a process
tree memory monitor, access-log analysis per module invocation, the results file and the table.

Nothing here asserts a time: the benchmarks measure and print, the smoke test only checks that
every scenario runs and produces a complete row.
"""

import bisect
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from tests.simulator.control import Simulator

REPO = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
COLLECTIONS = REPO / "build" / "collections"
BIN = Path(sys.executable).parent
ANSIBLE_PLAYBOOK = str(BIN / "ansible-playbook")
LOCAL_INVENTORY = 'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'
SEED = 42
# Share of generated cards that the operator can retire without approval: Active (70%) on a
# template that needs no approval and is not restricted (75%); the data set is sized with margin.
RETIRABLE_SHARE = 0.70 * 0.75


# --------------------------------------------------------------------------- machine
def machine():
    model = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        from ansible.release import __version__ as ansible_version
    except ImportError:  # pragma: no cover
        ansible_version = "?"
    return {
        "host": platform.node(),
        "cores": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "ansible_core": ansible_version,
        "memory_gb": round(psutil.virtual_memory().total / 2 ** 30, 1),
    }


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        return None


# --------------------------------------------------------------------------- simulators
def dataset_size(n):
    """Cards to generate so that at least ``n`` are retirable without approval."""
    return max(1000, int(n / RETIRABLE_SHARE * 1.1) + 100)


class SimPool:
    """Simulators with fresh state for a (cards, seed) data set.

    The data set is generated once into ``cache_dir`` and copied for each run: a copy of a
    pristine state dir is the same fresh state (same seed, same cards, no requests) and saves
    the generation time of a large data set on every repeat.
    """

    def __init__(self, cache_dir, work_dir):
        self.cache_dir = Path(cache_dir).resolve()
        self.work_dir = Path(work_dir).resolve()
        self.started = []

    def _template(self, cards, seed):
        path = self.cache_dir / ("sim-%d-seed%d" % (cards, seed))
        if (path / "simulator.db").exists():
            return path
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=path.name + ".tmp", dir=str(self.cache_dir)))
        sim = Simulator(tmp, cards=cards, seed=seed, start_timeout=900)
        sim.start()
        sim.stop()
        for name in ("simulator.json", "simulator.log"):
            try:
                (tmp / name).unlink()
            except FileNotFoundError:
                pass
        try:
            tmp.rename(path)
        except OSError:  # made concurrently by another run: use that one
            shutil.rmtree(tmp, ignore_errors=True)
        return path

    def fresh(self, cards, seed=SEED, name="sim", **options):
        """A started simulator on a fresh copy of the data set (access log on)."""
        template = self._template(cards, seed)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        state = Path(tempfile.mkdtemp(prefix=name + "-", dir=str(self.work_dir)))
        for item in template.iterdir():
            if item.is_file():
                shutil.copy2(item, state / item.name)
        options.setdefault("access_log", True)
        sim = Simulator(state, cards=cards, seed=seed, start_timeout=900, **options)
        sim.start()
        self.started.append(sim)
        return sim

    def release(self, sim, keep=False):
        sim.stop()
        if sim in self.started:
            self.started.remove(sim)
        if not keep:
            shutil.rmtree(sim.state_dir, ignore_errors=True)

    def close(self):
        for sim in list(self.started):
            self.release(sim)


def retirable_cards(sim, n):
    """``n`` cards the operator may retire without approval, picked with the admin API."""
    cards = sim.cards(status=3, approval_required=False, restricted=False, limit=n)
    if len(cards) < n:
        raise RuntimeError("the simulator data set has only %d retirable cards, %d wanted" % (len(cards), n))
    return [c["Uuid"] for c in cards]


# --------------------------------------------------------------------------- processes
class TreeMonitor:
    """Poll a process and its descendants with psutil: peak RSS of the largest single process
    (and which one it was), and peak RSS of the whole tree."""

    def __init__(self, pid, interval=0.05):
        self.pid = pid
        self.interval = interval
        self.peak_rss = 0
        self.peak_name = None
        self.peak_tree = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                break
            total = 0
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                if rss > self.peak_rss:
                    self.peak_rss = rss
                    try:
                        cmd = proc.cmdline()
                    except psutil.Error:
                        cmd = []
                    self.peak_name = _describe(cmd)
            self.peak_tree = max(self.peak_tree, total)
            self._stop.wait(self.interval)


def _describe(cmdline):
    """A short name for a process: ansible-playbook, the module (AnsiballZ_x.py), or the script."""
    for part in cmdline:
        base = os.path.basename(part)
        if base.startswith("AnsiballZ_"):
            return "module " + base[len("AnsiballZ_"):].rsplit(".", 1)[0]
        if base in ("ansible-playbook",):
            return base
    for part in cmdline[1:]:
        if part.endswith(".py") or part.startswith("tests."):
            return os.path.basename(part)
    return os.path.basename(cmdline[0]) if cmdline else "?"


def children_cpu():
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def process_cpu(pid):
    """CPU seconds (user + system) a running process has used so far (the simulator's)."""
    try:
        t = psutil.Process(pid).cpu_times()
        return t.user + t.system
    except psutil.Error:
        return None


PROGRESS_PREFIX = "mim.cm progress:"


class OutputTimes:
    """When a person watching an output saw its lines: how many were progress lines (PROGRESS_PREFIX,
    printed by the collection's action plugins), the longest gap between those, and the longest silence
    (start to first line, between lines, last line to the end) with the line after which it fell.
    ``add`` the lines in order, with their times in seconds from the start."""

    def __init__(self):
        self.lines = 0
        self.progress = 0
        self.last = 0.0
        self.last_line = "(start)"
        self.silence = (0.0, None)
        self.last_progress = None
        self.progress_gap = None

    def _note(self, t, text):
        if t - self.last > self.silence[0]:
            self.silence = (t - self.last, self.last_line)
        self.last = t
        self.last_line = text

    def add(self, t, text):
        text = text.strip()
        if not text:
            return
        self.lines += 1
        self._note(t, text.rstrip("* ")[:100])  # a task banner without its row of stars
        if PROGRESS_PREFIX in text:
            self.progress += 1
            if self.last_progress is not None:
                self.progress_gap = max(self.progress_gap or 0.0, t - self.last_progress)
            self.last_progress = t

    def summary(self, end):
        """The figures of the output up to ``end`` (seconds from the start)."""
        self._note(end, "(end)")
        return {"lines": self.lines, "progress_lines": self.progress,
                "longest_progress_gap_s": round(self.progress_gap, 1) if self.progress_gap is not None else None,
                "longest_silence_s": round(self.silence[0], 1), "silence_after": self.silence[1]}


class OutputClock(OutputTimes):
    """OutputTimes of a running process: copies its output to its log line by line as it comes."""

    def __init__(self, pipe, log, t0):
        super().__init__()
        self.pipe = pipe
        self.log = log
        self.t0 = t0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        for raw in iter(self.pipe.readline, b""):
            self.log.write(raw)
            self.add(time.perf_counter() - self.t0, raw.decode("utf-8", "replace"))

    def summary(self, end):
        self._thread.join(10)  # a descendant still holding the pipe must not hang the benchmark
        return super().summary(end)


def run_monitored(argv, env, cwd, log_path, timeout=None, server_pid=None):
    """Run a command, its output to ``log_path``; return wall seconds, rc, the memory peaks and the
    CPU seconds of the command's process tree (every descendant, reaped by its parent) and, with
    ``server_pid``, of the simulator during the run: CPU per card is steadier than wall time on a
    machine shared with other work. ``output``: the progress lines and the longest silence
    (OutputClock)."""
    cpu0 = children_cpu()
    server0 = process_cpu(server_pid) if server_pid else None
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=str(cwd), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        clock = OutputClock(proc.stdout, log, t0)
        with TreeMonitor(proc.pid) as mon:
            try:
                rc = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                rc = "timeout"
        wall = time.perf_counter() - t0
        output = clock.summary(wall)
    server1 = process_cpu(server_pid) if server_pid else None
    return {"wall": wall, "rc": rc, "peak_rss_mb": round(mon.peak_rss / 2 ** 20, 1),
            "peak_process": mon.peak_name, "peak_tree_mb": round(mon.peak_tree / 2 ** 20, 1),
            "client_cpu_s": round(children_cpu() - cpu0, 2),
            "server_cpu_s": round(server1 - server0, 2) if server0 is not None and server1 is not None else None,
            "output": output}


def tail(path, n=60):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no output)"


class PlaybookRunner:
    """ansible-playbook runs against one simulator, with the timing callback enabled."""

    def __init__(self, sim, workdir, user="operator"):
        self.sim = sim
        self.workdir = Path(workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.inventory = self.workdir / "inventory.ini"
        self.inventory.write_text(LOCAL_INVENTORY)
        self.user = user
        self.n = 0

    def env(self, timing_file):
        u = self.sim.users[self.user]
        env = dict(os.environ)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_CALLBACK_PLUGINS": str(BENCH_DIR / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "mimcm_bench_timing",
            "MIMCM_BENCH_TIMING_FILE": str(timing_file),
            "MIMCM_URL": self.sim.url,
            "MIMCM_USERNAME": u["username"],
            "MIMCM_PASSWORD": u["password"],
            "MIMCM_CA_PATH": str(self.sim.ca_path),
            "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", ""),
        })
        return env

    def run(self, playbook, extra_vars, name, timeout=None):
        self.n += 1
        tag = "%02d-%s" % (self.n, name)
        vars_file = self.workdir / ("%s-vars.json" % tag)
        vars_file.write_text(json.dumps(extra_vars))
        timing = self.workdir / ("%s-timing.jsonl" % tag)
        log = self.workdir / ("%s.log" % tag)
        argv = [ANSIBLE_PLAYBOOK, "-i", str(self.inventory), playbook, "-e", "@%s" % vars_file]
        if os.environ.get("BENCH_PYSPY"):  # profiling a miss (README "Profiling a miss"): py-spy per run
            argv = [str(BIN / "py-spy"), "record", "--subprocesses", "--nonblocking", "--rate", "100", "--format", "raw",
                    "-o", str(self.workdir / ("%s-pyspy.txt" % tag)), "--"] + argv
        out = run_monitored(argv, self.env(timing), self.workdir, log, timeout, server_pid=self.sim.proc.pid)
        out["log"] = str(log)
        out["invocations"] = read_invocations(timing)
        out["task_times"] = task_times(timing)
        if out["rc"] != 0:
            raise RuntimeError("%s failed (rc %s); log %s:\n%s" % (name, out["rc"], log, tail(log)))
        return out


def read_invocations(timing_file):
    """Module invocations (mim.cm modules) as [{"task", "module", "start", "end"}] from the callback."""
    events = []
    try:
        with open(timing_file) as fh:
            events = [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        return []
    invocations = []
    current = None
    for ev in events:
        if ev["event"] == "task_start":
            current = ev
            current["last"] = ev["t"]
        elif current is not None and ev["event"] in ("item_done", "task_done"):
            if ev["event"] == "task_done" and current.get("had_items"):
                continue
            if ev.get("skipped"):
                current["last"] = ev["t"]
                continue
            if ev["event"] == "item_done":
                current["had_items"] = True
            if str(current.get("action", "")).startswith("mim.cm.mimcm_"):
                invocations.append({"task": current["task"], "module": current["action"].split(".")[-1],
                                    "start": current["last"], "end": ev["t"]})
            current["last"] = ev["t"]
    return invocations


def task_times(timing_file, top=12):
    """The slowest tasks (summed over includes and loop items) as [[seconds, name], ...]: where the
    controller's time goes besides the modules' HTTP work."""
    try:
        with open(timing_file) as fh:
            events = [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        return []
    return rank_tasks(events, top)


def rank_tasks(events, top=12):
    """[[seconds, task], ...] of the slowest tasks: ``events`` in order, dicts with ``t`` (seconds) and
    ``event`` (``task_start`` with ``task``, ``end``, or anything else); a task lasts until the next
    one starts or the play ends."""
    totals = {}
    current = None
    last = None
    for ev in events:
        if current is not None:
            totals[current] = totals.get(current, 0.0) + ev["t"] - last
        if ev["event"] == "task_start":
            current = ev["task"]
        elif ev["event"] == "end":
            current = None
        last = ev["t"]
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return [[round(t, 2), name[:90]] for name, t in ranked]


# --------------------------------------------------------------------------- access log
def analyze(log, invocations=(), n_cards=None):
    """Calls by kind, connections, and per module invocation calls and new connections.

    A connection belongs to the invocation in whose time window it made its first request (each
    module invocation is a process of its own, so it never reuses another's connection).
    """
    by_kind = {}
    first_seen = {}
    statuses = {}
    for entry in log:
        kind = entry.get("kind") or "?"
        if kind == "auth":
            continue  # the 401 steps of an NTLM handshake are not API calls
        by_kind[kind] = by_kind.get(kind, 0) + 1
        statuses[str(entry.get("status"))] = statuses.get(str(entry.get("status")), 0) + 1
        conn = entry.get("conn")
        if conn not in first_seen or entry["time"] < first_seen[conn]:
            first_seen[conn] = entry["time"]
    calls = sum(by_kind.values())
    per_inv = []
    if invocations:
        spans = sorted(invocations, key=lambda i: i["start"])
        counts = [{"task": i["task"], "module": i["module"], "connections": 0, "calls": 0} for i in spans]

        starts = [i["start"] for i in spans]

        def locate(t):
            k = bisect.bisect_right(starts, t) - 1
            if k >= 0 and t <= spans[k]["end"] + 0.05:
                return k
            return None

        for t in first_seen.values():
            k = locate(t)
            if k is not None:
                counts[k]["connections"] += 1
        for entry in log:
            if entry.get("kind") == "auth":
                continue
            k = locate(entry["time"])
            if k is not None:
                counts[k]["calls"] += 1
        per_inv = counts
    out = {
        "calls": calls,
        "by_kind": dict(sorted(by_kind.items())),
        "statuses": statuses,
        "connections": len(first_seen),
        "invocations": len(per_inv),
        "max_connections_per_invocation": max((c["connections"] for c in per_inv), default=None),
        "per_invocation": per_inv,
    }
    if n_cards:
        out["calls_per_card"] = round(calls / n_cards, 3)
        out["by_kind_per_card"] = {k: round(v / n_cards, 3) for k, v in out["by_kind"].items()}
    return out


# --------------------------------------------------------------------------- results
def median_row(rows):
    """The run whose wall time is the median (an actual run, so its other figures belong to it)."""
    ordered = sorted(rows, key=lambda r: r["wall_s"])
    return ordered[(len(ordered) - 1) // 2]


def append_results(path, rows):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = []
    if path.exists():
        try:
            data = json.loads(path.read_text())
        except ValueError:
            data = []
    data.extend(rows)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def fmt(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, float):
        return ("%%.%df" % digits) % value
    return str(value)


def spread(values):
    if len(values) < 2:
        return ""
    return " (%s)" % "/".join(fmt(v, 1) for v in values)


def median(values):
    return statistics.median(values) if values else None
