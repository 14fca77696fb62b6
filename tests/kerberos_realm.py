"""A throwaway MIT Kerberos realm on loopback for the tests (issue 14).

    from tests.kerberos_realm import KerberosRealm, kerberos_unavailable
    with KerberosRealm(tmp_dir, users={"operator": "pw"}) as realm:
        realm.keytab                      # HTTP/localhost and HTTP/127.0.0.1 keys, for the simulator
        realm.kinit("operator", ccache)   # a ticket in the file ccache
        realm.env(ccache)                 # KRB5_CONFIG, KRB5CCNAME, KRB5_KTNAME, KRB5RCACHEDIR

Everything lives in one temporary directory: krb5.conf (this machine's /etc/krb5.conf names
another realm, so every process gets KRB5_CONFIG explicitly), kdc.conf, the database, the keytab,
ccaches and the replay cache. ``krb5kdc -n`` runs in the foreground on a free loopback port
(TCP and UDP; clients use TCP: ``udp_preference_limit = 1``) under a hard time limit
(``timeout``), dies with the process that started it, and is stopped by its PID.
"""

import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

REALM = "MIMCM.TEST"
SERVICE_HOSTS = ("localhost", "127.0.0.1")
SYSTEM_PACKAGES = "krb5-kdc krb5-admin-server krb5-user libkrb5-dev"
# binary -> the Debian package that ships it
BINARIES = {"krb5kdc": "krb5-kdc", "kdb5_util": "krb5-kdc", "kadmin.local": "krb5-admin-server",
            "kinit": "krb5-user", "klist": "krb5-user", "kdestroy": "krb5-user"}
PYTHON_MODULES = {"gssapi": "gssapi", "krb5": "krb5", "requests_gssapi": "requests-gssapi"}
SBIN = ("/usr/sbin", "/usr/local/sbin", "/sbin")


class KerberosUnavailable(RuntimeError):
    """What this machine lacks to run the Kerberos tests."""


def find_binary(name):
    path = shutil.which(name)
    if path:
        return path
    for directory in SBIN:
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def kerberos_unavailable():
    """None when the realm and the Kerberos client libraries can be used here, else the reason:
    the missing Debian packages and Python packages, and how to get them (one line)."""
    missing_debs = sorted({pkg for name, pkg in BINARIES.items() if find_binary(name) is None})
    missing_py = []
    for module, package in PYTHON_MODULES.items():
        try:
            __import__(module)
        except ImportError:
            missing_py.append(package)
    if not missing_debs and not missing_py:
        return None
    parts = []
    if missing_debs:
        parts.append("system packages %s missing (apt-get install %s, as root)" % (
            " ".join(missing_debs), SYSTEM_PACKAGES))
    if missing_py:
        parts.append("Python packages %s missing in %s (make kerberos-bootstrap: pip install -r "
                     "requirements-kerberos.txt)" % (" ".join(missing_py), sys.prefix))
    return "Kerberos tests need a real KDC: " + "; ".join(parts)


def free_port(host="127.0.0.1"):
    """A port free for both TCP and UDP on host (the KDC listens on both)."""
    for attempt in range(50):  # noqa: B007 - the count only bounds the tries
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            tcp.bind((host, 0))
            port = tcp.getsockname()[1]
            udp.bind((host, port))
            return port
        except OSError:
            continue
        finally:
            tcp.close()
            udp.close()
    raise RuntimeError("no free loopback port for the KDC")


class KerberosRealm:
    """A realm with ``users`` (name -> password), the HTTP service principals and a running KDC."""

    def __init__(self, base_dir, users, realm=REALM, service_hosts=SERVICE_HOSTS, time_limit=3600,
                 start_timeout=15.0):
        self.dir = Path(base_dir).resolve()
        self.realm = realm
        self.users = dict(users)
        self.service_hosts = tuple(service_hosts)
        self.time_limit = int(time_limit)
        self.start_timeout = start_timeout
        self.krb5_conf = self.dir / "krb5.conf"
        self.kdc_conf = self.dir / "kdc.conf"
        self.keytab = self.dir / "http.keytab"
        self.rcache_dir = self.dir / "rcache"
        self.log = self.dir / "kdc.log"
        self.port = None
        self.proc = None
        self.setup_seconds = None

    # ------------------------------------------------------------ environment
    def principal(self, user):
        return user if "@" in user else "%s@%s" % (user, self.realm)

    def env(self, ccache=None, base=None, **extra):
        """The environment for any process that uses this realm: never the machine's krb5.conf,
        default ccache, keytab or replay cache."""
        env = dict(os.environ if base is None else base)
        env.update({
            "KRB5_CONFIG": str(self.krb5_conf),
            "KRB5CCNAME": "FILE:%s" % (ccache or (self.dir / "ccache-none")),
            "KRB5_KTNAME": "FILE:%s" % self.keytab,
            "KRB5RCACHEDIR": str(self.rcache_dir),
            "KRB5_CLIENT_KTNAME": "FILE:%s" % (self.dir / "no-client.keytab"),
        })
        env.pop("KRB5_TRACE", None)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def _kdc_env(self):
        env = self.env()
        env["KRB5_KDC_PROFILE"] = str(self.kdc_conf)
        return env

    def write_krb5_conf(self, path, kdc_port):
        """A krb5.conf for this realm with the KDC at 127.0.0.1:kdc_port (tests write one with a dead port)."""
        hosts = "\n".join("  %s = %s" % (h, self.realm) for h in self.service_hosts)
        Path(path).write_text(
            "[libdefaults]\n"
            "  default_realm = %(realm)s\n"
            "  dns_lookup_kdc = false\n"
            "  dns_lookup_realm = false\n"
            "  dns_canonicalize_hostname = false\n"
            "  rdns = false\n"
            "  udp_preference_limit = 1\n"
            "  forwardable = false\n"
            "  kdc_timeout = 2000\n"
            "  max_retries = 1\n"
            "[realms]\n"
            "  %(realm)s = {\n"
            "    kdc = 127.0.0.1:%(port)d\n"
            "  }\n"
            "[domain_realm]\n"
            "%(hosts)s\n" % {"realm": self.realm, "port": kdc_port, "hosts": hosts})
        return Path(path)

    # ------------------------------------------------------------ lifecycle
    def _run(self, argv, stdin=None):
        proc = subprocess.run(argv, env=self._kdc_env(), input=stdin, capture_output=True, text=True,
                              timeout=60, check=False)
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip()[-800:]
            raise RuntimeError("%s failed (%d): %s" % (" ".join(argv[:2]), proc.returncode, detail))
        return proc

    def start(self):
        reason = kerberos_unavailable()
        if reason:
            raise KerberosUnavailable(reason)
        t0 = time.monotonic()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.rcache_dir.mkdir(exist_ok=True)
        self.port = free_port()
        self.write_krb5_conf(self.krb5_conf, self.port)
        self.kdc_conf.write_text(
            "[kdcdefaults]\n"
            "  kdc_listen = 127.0.0.1:%(port)d\n"
            "  kdc_tcp_listen = 127.0.0.1:%(port)d\n"
            "[realms]\n"
            "  %(realm)s = {\n"
            "    database_name = %(dir)s/principal\n"
            "    key_stash_file = %(dir)s/stash\n"
            "    acl_file = %(dir)s/kadm5.acl\n"
            "    kadmind_port = 0\n"
            "    max_life = 10h\n"
            "    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n"
            "  }\n"
            "[logging]\n"
            "  kdc = FILE:%(dir)s/kdc.log\n" % {"port": self.port, "realm": self.realm, "dir": self.dir})
        (self.dir / "kadm5.acl").write_text("")
        self._run([find_binary("kdb5_util"), "create", "-s", "-r", self.realm, "-P", secrets.token_hex(16)])
        queries = ["addprinc +requires_preauth -pw %s %s" % (password, self.principal(user)) for user, password in self.users.items()]
        services = ["HTTP/%s@%s" % (host, self.realm) for host in self.service_hosts]
        queries += ["addprinc -randkey %s" % s for s in services]
        queries.append("ktadd -k %s %s" % (self.keytab, " ".join(services)))
        # one kadmin.local process reads all the queries from stdin
        self._run([find_binary("kadmin.local"), "-r", self.realm], stdin="\n".join(queries) + "\nquit\n")
        if not self.keytab.exists():
            raise RuntimeError("kadmin.local wrote no keytab %s" % self.keytab)
        self._start_kdc()
        self.setup_seconds = time.monotonic() - t0
        return self

    def _start_kdc(self):
        argv = ["timeout", "--signal=TERM", "--kill-after=5", str(self.time_limit),
                find_binary("krb5kdc"), "-n", "-r", self.realm]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(argv, env=self._kdc_env(), stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("krb5kdc exited with %s during start: %s" % (self.proc.returncode, self._tail()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("krb5kdc not listening on 127.0.0.1:%d after %.0fs: %s"
                                   % (self.port, self.start_timeout, self._tail()))
            time.sleep(0.02)

    def _tail(self, n=20):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no KDC log)"

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------ clients
    def kinit(self, user, ccache, password=None):
        """A ticket for ``user`` in the file ccache ``ccache`` (password on stdin, never on argv)."""
        password = self.users[user] if password is None else password
        proc = subprocess.run([find_binary("kinit"), self.principal(user)], input=password + "\n",
                              env=self.env(ccache), capture_output=True, text=True, timeout=30, check=False)
        if proc.returncode != 0:
            raise RuntimeError("kinit %s failed: %s" % (self.principal(user), proc.stderr.strip()))
        return Path(ccache)

    def user_keytab(self, user, path):
        """Export the keys of ``user`` (its password stays valid: -norandkey) to the keytab ``path``."""
        self._run([find_binary("kadmin.local"), "-r", self.realm, "-q",
                   "ktadd -norandkey -k %s %s" % (path, self.principal(user))])
        return Path(path)

    def skewed_ccache(self, ccache, path, seconds=3600):
        """A copy of the file ccache ``ccache`` whose clients believe their clock is ``seconds`` off: MIT's FILE
        ccache (format 0x0504) keeps the KDC time offset in its header (tag 1), which every authenticator
        adds to the local time. The KDC then answers "Clock skew too great", as with a badly set clock."""
        data = Path(ccache).read_bytes()
        if data[:2] != b"\x05\x04":
            raise RuntimeError("%s is not a version 4 FILE ccache" % ccache)
        length = struct.unpack(">H", data[2:4])[0]
        offset = struct.pack(">HHii", 1, 8, int(seconds), 0)
        tags, rest = data[4:4 + length], data[4 + length:]
        kept = b""
        while len(tags) >= 4:  # drop an existing offset tag, keep any other
            tag, size = struct.unpack(">HH", tags[:4])
            if tag != 1:
                kept += tags[:4 + size]
            tags = tags[4 + size:]
        header = offset + kept
        Path(path).write_bytes(data[:2] + struct.pack(">H", len(header)) + header + rest)
        return Path(path)

    def klist(self, ccache):
        """The principals of the tickets in ``ccache`` (klist output)."""
        proc = subprocess.run([find_binary("klist"), "-c", "FILE:%s" % ccache], env=self.env(ccache),
                              capture_output=True, text=True, timeout=30, check=False)
        return proc.stdout


def _die_with_parent():
    """Linux: SIGTERM this child when the process that started it ends (no KDC outlives a test run)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    os.setsid()
