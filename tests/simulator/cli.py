"""Command line of the simulator: ``python -m tests.simulator --state-dir DIR ...``."""

import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time

from . import data
from . import auth_setup
from . import dialects
from .faults import Faults
from .server import API_PREFIX, ADMIN_PREFIX, Server, Stats
from .store import open_store


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m tests.simulator",
        description="MIM CM REST API simulator (HTTPS + NTLM). See tests/simulator/README.md.")
    p.add_argument("--state-dir", required=True, help="directory for the SQLite state, certificates and simulator.json")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: the OS picks one)")
    p.add_argument("--cards", type=int, default=1000, help="number of cards to generate (new state only; default 1000)")
    p.add_argument("--seed", type=int, default=42, help="data seed (new state only; default 42)")
    p.add_argument("--reset", action="store_true", help="discard the state in --state-dir and start over")
    p.add_argument("--plain-http", action="store_true", help="serve plain HTTP instead of HTTPS")
    g = p.add_argument_group("fault injection (API requests only; changeable at run time via PUT /_admin/faults)")
    g.add_argument("--latency-ms", type=float, default=0.0, help="fixed latency added to each API request")
    g.add_argument("--jitter-ms", type=float, default=0.0, help="plus uniform random latency in [0, jitter)")
    g.add_argument("--error-500-rate", type=float, default=0.0, help="share of API requests answered 500")
    g.add_argument("--error-503-rate", type=float, default=0.0, help="share answered 503 with Retry-After")
    g.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds of the 503s (default 1)")
    g.add_argument("--drop-before-rate", type=float, default=0.0, help="share of connections dropped before the request is handled")
    g.add_argument("--drop-after-rate", type=float, default=0.0, help="share of connections dropped after the request was handled (writes committed)")
    g.add_argument("--fault-methods", default=None, help="comma-separated methods faults apply to (default: all)")
    g.add_argument("--fault-seed", type=int, default=0, help="seed of the fault RNG (default 0)")
    d = p.add_argument_group(
        "dialects (how the server differs from our reading of the reference; changeable at run time via PUT /_admin/dialect)")
    d.add_argument("--dialect", action="append", default=[], metavar="KEY=VALUE[,KEY=VALUE...]",
                   help="repeatable; keys and values (first = default): " + "; ".join(
                       "%s=%s" % (k, "|".join(v)) for k, v in dialects.KEYS))
    d.add_argument("--unrelated-requests", type=int, default=None, metavar="N",
                   help="requests of other users to seed (default 2000 with request-listing=all, else 0)")
    p.add_argument("--access-log", action="store_true", help="keep a per-request access log in memory (GET /_admin/access-log)")
    p.add_argument("--api-disabled", action="store_true",
                   help="play a CM whose web.config has Clm.WebApi.Enabled false: every API path answers 404 "
                        "(after authentication, as IIS authenticates before the API answers)")
    p.add_argument("--exit-with-parent", action="store_true", help="stop when the process that started this one ends")
    auth_setup.add_arguments(p)
    return p.parse_args(argv)


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


def _write_atomic(path, text, mode=0o600):
    tmp = "%s.tmp.%d.%d" % (path, os.getpid(), threading.get_ident())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _tls_context(state_dir, host):
    import trustme

    ca = trustme.CA(organization_name="mim.cm simulator CA")
    names = ["localhost", "127.0.0.1", "::1"]
    if host not in names and host not in ("0.0.0.0", "::"):
        names.append(host)
    cert = ca.issue_cert(*names)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(ctx)
    ca_path = os.path.join(state_dir, "ca.pem")
    _write_atomic(ca_path, ca.cert_pem.bytes().decode("ascii"), 0o644)
    return ctx, ca_path


def main(argv=None):
    args = parse_args(argv)
    try:
        dialect = dialects.Dialect(dialects.parse(args.dialect))
    except dialects.DialectError as exc:
        _log("simulator: bad --dialect: %s" % exc)
        return 2
    unrelated = args.unrelated_requests
    if unrelated is None:
        unrelated = 2000 if dialect.list_all else 0
    if unrelated < 0:
        _log("simulator: bad --unrelated-requests %d: give 0 or more" % unrelated)
        return 2
    state_dir = os.path.abspath(args.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    info_path = os.path.join(state_dir, "simulator.json")
    try:
        os.remove(info_path)
    except FileNotFoundError:
        pass
    t0 = time.monotonic()
    store = open_store(state_dir, args.seed, args.cards, args.reset, _log, dialect=dialect, unrelated=unrelated)
    users = store.named_users()

    # users.txt: what clients read (DOMAIN:user:password). The acceptor's own file also
    # holds domain-less lines so "operator" works as well as "CONTOSO\operator".
    lines = ["%s:%s:%s" % (data.DOMAIN, u["name"], u["password"]) for u in users.values() if "password" in u]
    users_file = os.path.join(state_dir, "users.txt")
    _write_atomic(users_file, "\n".join(lines) + "\n")
    # and user principal names (user@contoso.com): NTLM sends a UPN as the user name with no domain
    acceptor_lines = lines + [":%s:%s" % (u["name"], u["password"]) for u in users.values() if "password" in u]
    acceptor_lines += [":%s@%s:%s" % (u["name"], data.UPN_SUFFIX, u["password"])
                       for u in users.values() if "password" in u]
    acceptor_file = os.path.join(state_dir, ".ntlm_acceptor.txt")
    _write_atomic(acceptor_file, "\n".join(acceptor_lines) + "\n")
    os.environ["NTLM_USER_FILE"] = acceptor_file

    ssl_context, ca_path = (None, None) if args.plain_http else _tls_context(state_dir, args.host)
    methods = args.fault_methods.split(",") if args.fault_methods else None
    try:
        faults = Faults(seed=args.fault_seed, methods=methods, latency_ms=args.latency_ms,
                        jitter_ms=args.jitter_ms, error_500_rate=args.error_500_rate,
                        error_503_rate=args.error_503_rate, retry_after=args.retry_after,
                        drop_before_rate=args.drop_before_rate, drop_after_rate=args.drop_after_rate)
    except ValueError as exc:
        _log("simulator: bad fault option: %s" % exc)
        return 2
    stats = Stats(access_log=args.access_log)
    server = Server((args.host, args.port), store, faults, stats, ssl_context)
    server.api_disabled = args.api_disabled
    port = server.server_address[1]
    host = args.host
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = "[%s]" % host
    url = "%s://%s:%d" % ("http" if args.plain_http else "https", host, port)
    info = {
        "url": url,
        "api_url": url + "/CertificateManagement/api/v1.0",
        "admin_url": url + ADMIN_PREFIX,
        "ca_path": ca_path,
        "users_file": users_file,
        "pid": os.getpid(),
        "state_dir": state_dir,
        "plain_http": bool(args.plain_http),
        "dialect": dict(dialect.map),
        "numbering": dialect.numbering(),
        "unrelated_requests": unrelated,
        "users": {},
    }
    for key, u in users.items():
        entry = {"role": u["role"], "uuid": u["uuid"]}
        if "password" in u:
            entry = {"username": "%s\\%s" % (data.DOMAIN, u["name"]), "password": u["password"], **entry}
        if "token" in u:
            entry = {"token": u["token"], **entry}
        info["users"][key] = entry
    try:
        info.update(auth_setup.setup(server, args, url, users))
    except ValueError as exc:
        _log("simulator: bad Kerberos/ADFS option: %s" % exc)
        return 2

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def on_dialect(new):
        info["dialect"] = dict(new.map)
        info["numbering"] = new.numbering()
        _write_atomic(info_path, json.dumps(info, indent=1))
        _log("simulator: dialect now %s" % (dialects.format_map(new.map) or "default"))

    server.dialect_listeners.append(on_dialect)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _write_atomic(info_path, json.dumps(info, indent=1))
    if unrelated:
        def warm():
            t1 = time.monotonic()
            store.warm(stop)
            if not stop.is_set():
                _log("simulator: pre-serialised %d unrelated requests in %.2fs" % (unrelated, time.monotonic() - t1))

        threading.Thread(target=warm, daemon=True).start()
    print(json.dumps({k: info[k] for k in ("url", "api_url", "admin_url", "ca_path", "users_file")}), flush=True)
    _log("simulator: ready in %.2fs at %s (state %s, dialect %s)" % (
        time.monotonic() - t0, info["api_url"], state_dir, dialects.format_map(dialect.map) or "default"))
    assert API_PREFIX  # the API lives under /CertificateManagement/api/v1.0 (case-insensitive)
    parent = os.getppid()
    while not stop.wait(0.5):
        if args.exit_with_parent and os.getppid() != parent:
            _log("simulator: parent process %d ended" % parent)
            break
    stop.set()  # ends the pre-serialising thread before the store closes
    _log("simulator: stopping")
    server.shutdown()
    server.server_close()
    store.close()
    try:
        os.remove(info_path)
    except FileNotFoundError:
        pass
    return 0
