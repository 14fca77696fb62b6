"""Start, stop and steer a simulator process from Python (tests, benchmarks, the demo).

    from tests.simulator.control import Simulator
    with Simulator(state_dir, cards=200, seed=42) as sim:
        s = sim.session("operator")            # requests.Session with NTLM, verify=sim.ca_path
        s.get(sim.api_url + "/smartcards/...")
        sim.journal()
"""

import atexit
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]

# keyword -> CLI flag (value flags); booleans are handled separately
_VALUE_FLAGS = ("host", "port", "cards", "seed", "latency_ms", "jitter_ms", "error_500_rate",
                "error_503_rate", "retry_after", "drop_before_rate", "drop_after_rate",
                "fault_seed", "fault_methods", "unrelated_requests", "dialect")
_BOOL_FLAGS = ("reset", "plain_http", "access_log")
# Kerberos and ADFS (tests/simulator/auth_setup.py): value flags, and repeatable flags given as lists
_AUTH_FLAGS = ("keytab", "adfs_resource", "adfs_token_lifetime", "adfs_advertised_lifetime")
_LIST_FLAGS = ("kerberos_user", "adfs_client")


class SimulatorError(RuntimeError):
    pass


class Simulator:
    """A simulator subprocess (``python -m tests.simulator``) bound to one state dir."""

    def __init__(self, state_dir, cards=200, seed=42, plain_http=False, start_timeout=30.0,
                 extra_args=(), env=None, **kwargs):
        unknown = set(kwargs) - set(_VALUE_FLAGS) - set(_BOOL_FLAGS) - set(_AUTH_FLAGS) - set(_LIST_FLAGS)
        if unknown:
            raise TypeError("unknown simulator option(s): %s" % ", ".join(sorted(unknown)))
        self.state_dir = Path(state_dir).resolve()
        self.options = dict(kwargs, cards=cards, seed=seed, plain_http=plain_http)
        self.start_timeout = start_timeout
        self.extra_args = list(extra_args)
        self.env = env
        self.proc = None
        self.info = None
        self._http = None
        self._auto_port = False

    # ------------------------------------------------------------ process
    def _argv(self, options):
        argv = [sys.executable, "-m", "tests.simulator", "--state-dir", str(self.state_dir), "--exit-with-parent"]
        for key in _VALUE_FLAGS:
            value = options.get(key)
            if value is None:
                continue
            if key == "fault_methods" and not isinstance(value, str):
                value = ",".join(value)
            if key == "dialect":  # "k=v,k=v", a list of them, or a dict
                if isinstance(value, dict):
                    value = ",".join("%s=%s" % kv for kv in value.items())
                elif not isinstance(value, str):
                    value = ",".join(value)
                if not value:
                    continue
            argv += ["--" + key.replace("_", "-"), str(value)]
        for key in _BOOL_FLAGS:
            if options.get(key):
                argv.append("--" + key.replace("_", "-"))
        argv += [a for key in _AUTH_FLAGS if options.get(key) is not None
                 for a in ("--" + key.replace("_", "-"), str(options[key]))]
        argv += [a for key in _LIST_FLAGS for item in (options.get(key) or ()) for a in ("--" + key.replace("_", "-"), item)]
        return argv + self.extra_args

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            return self
        self.state_dir.mkdir(parents=True, exist_ok=True)
        info_path = self.state_dir / "simulator.json"
        log_path = self.state_dir / "simulator.log"
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self._argv(self.options), cwd=str(REPO_ROOT), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env)
        _RUNNING.add(self)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                _RUNNING.discard(self)
                returncode, self.proc = self.proc.returncode, None
                if self._auto_port and "Address already in use" in _tail(log_path, 5):
                    # the port this simulator had before a restart was taken meanwhile: take any
                    self._auto_port = False
                    self.options["port"] = 0
                    return self.start()
                raise SimulatorError("simulator exited with code %s during start; log %s:\n%s"
                                     % (returncode, log_path, _tail(log_path)))
            try:
                info = json.loads(info_path.read_text())
                if info.get("pid") == self.proc.pid:
                    break
            except (FileNotFoundError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise SimulatorError("simulator not ready after %.0fs; log %s:\n%s"
                                     % (self.start_timeout, log_path, _tail(log_path)))
            time.sleep(0.01)
        self.info = info
        # later starts (restart) keep the port (when the OS chose it) and the data
        if not self.options.get("port"):
            self._auto_port = True
        self.options["port"] = int(info["url"].rsplit(":", 1)[1])
        self.options.pop("reset", None)
        self._http = requests.Session()
        self._http.trust_env = False
        self._http.verify = self.verify
        return self

    def stop(self, timeout=5.0):
        """SIGTERM, then SIGKILL after ``timeout`` seconds."""
        if self._http is not None:
            self._http.close()
            self._http = None
        proc, self.proc = self.proc, None
        _RUNNING.discard(self)
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def kill(self):
        """SIGKILL without a clean shutdown (a crash)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stop()

    def restart(self):
        """Stop and start again on the same port with the same state dir (data kept)."""
        self.stop()
        return self.start()

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------ connection facts
    @property
    def url(self):
        return self.info["url"]

    @property
    def api_url(self):
        return self.info["api_url"]

    @property
    def admin_url(self):
        return self.info["admin_url"]

    @property
    def ca_path(self):
        return self.info["ca_path"]

    @property
    def users_file(self):
        return self.info["users_file"]

    @property
    def users(self):
        return self.info["users"]

    @property
    def pid(self):
        return self.info["pid"]

    @property
    def adfs(self):
        """The ADFS stand-in (``--adfs-client``): adfs_url, token_url, resource, clients {id: {secret, user}}."""
        return self.info.get("adfs")

    @property
    def verify(self):
        """What to pass as requests' ``verify=``: the CA file (True for plain HTTP)."""
        return self.info["ca_path"] or True

    def auth(self, user="operator"):
        """A requests auth object for a named user (NTLM, or bearer for token users)."""
        u = self.users[user]
        if "token" in u:
            return _Bearer(u["token"])
        from requests_ntlm import HttpNtlmAuth

        return HttpNtlmAuth(u["username"], u["password"])

    def session(self, user="operator"):
        """A requests.Session authenticated as ``user`` with verify set to the CA."""
        s = requests.Session()
        s.trust_env = False
        s.verify = self.verify
        s.auth = self.auth(user)
        return s

    # ------------------------------------------------------------ admin API
    def _admin(self, method, path, params=None, body=None, ok=(200,)):
        if self._http is None:
            raise SimulatorError("simulator is not running")
        r = self._http.request(method, self.admin_url + path, params=params, json=body, timeout=30)
        if r.status_code not in ok:
            raise SimulatorError("admin %s %s: %s %s" % (method, path, r.status_code, r.text))
        return r.json()

    def cards(self, status=None, approval_required=None, restricted=None, limit=None, owner=None):
        params = {k: v for k, v in (("status", status), ("approval_required", approval_required),
                                    ("restricted", restricted), ("limit", limit), ("owner", owner))
                  if v is not None}
        params = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items()}
        return self._admin("GET", "/cards", params)

    def card(self, uuid):
        """The card (API shape) or None."""
        r = self._http.get(self.admin_url + "/cards/" + uuid, timeout=30)
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise SimulatorError("admin GET card %s: %s %s" % (uuid, r.status_code, r.text))
        return r.json()

    def set_card_status(self, uuid, status):
        return self._admin("PUT", "/cards/" + uuid, body={"status": status})

    def journal(self, since=0):
        return self._admin("GET", "/journal", {"since": since})

    def requests(self, card=None, unrelated=False):
        """Requests (API shape); the seeded unrelated requests of other users only with ``unrelated=True``."""
        params = {"card": card} if card else {}
        if unrelated:
            params["unrelated"] = "true"
        return self._admin("GET", "/requests", params or None)

    def approve(self, request_id):
        return self._admin("POST", "/requests/%s/approve" % _rid(request_id))

    def deny(self, request_id):
        return self._admin("POST", "/requests/%s/deny" % _rid(request_id))

    def set_faults(self, **faults):
        """Change faults (partial); ``reset=True`` turns every fault off first."""
        return self._admin("PUT", "/faults", body=faults)

    def clear_faults(self):
        return self.set_faults(reset=True)

    def faults(self):
        return self._admin("GET", "/faults")

    def stats(self):
        return self._admin("GET", "/stats")

    def reset_stats(self):
        return self._admin("POST", "/stats/reset")

    def access_log(self):
        return self._admin("GET", "/access-log")

    def clear_access_log(self):
        return self._admin("POST", "/access-log/clear")

    def enable_access_log(self, enabled=True):
        return self._admin("POST", "/access-log/" + ("enable" if enabled else "disable"))

    def templates(self):
        return self._admin("GET", "/templates")

    def dialect(self):
        """The full resolved dialect map (every key)."""
        return self._admin("GET", "/dialect")

    def set_dialect(self, changes=None, **kwargs):
        """Change dialect keys at run time: ``sim.set_dialect({"card-put": "204"})``, a
        ``"k=v,k=v"`` string, or ``reset=True`` (back to the default first). Returns the full map."""
        body = dict(kwargs)
        if isinstance(changes, str):
            body = changes if not body else dict(body, **dict(
                item.split("=", 1) for item in changes.split(",") if item.strip()))
        elif changes:
            body.update(changes)
        return self._admin("PUT", "/dialect", body=body)

    def numbering(self):
        """The API's integers now: {"card_status": {name: int}, "request_status": ..., "request_type": ...}."""
        return self._admin("GET", "/numbering")


_RUNNING = set()


@atexit.register
def _stop_all():
    """No simulator outlives the Python process that started it."""
    for sim in list(_RUNNING):
        try:
            sim.stop(timeout=2.0)
        except Exception:  # pragma: no cover - best effort at exit
            pass


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = "Bearer " + self.token
        return r


def _rid(request_id):
    """Accept a request id or the URI POST /requests answered."""
    return str(request_id).strip('"').rstrip("/").rsplit("/", 1)[-1]


def _tail(path, n=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"
