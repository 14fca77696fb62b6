"""The cost of authenticating a new connection, per method, against the simulator (issue 14).

    .venv/bin/python -m tests.benchmarks.auth_handshake [--rounds 200]

Starts a throwaway MIT realm (tests/kerberos_realm.py) and one simulator that accepts NTLM and Kerberos
(keytab) and issues ADFS tokens, then times, on the client side, one authenticated GET of a card:

* on a new TLS connection with each method (NTLM: 3 legs; Kerberos: 2 legs, the service ticket
  already cached; ADFS: the token already cached, so a plain bearer request);
* on a new TLS connection without authentication (the admin API: TLS plus one request);
* on a kept-alive, already authenticated connection (what every later call of a worker pays).

"handshake" = new authenticated connection minus new unauthenticated connection. The auth objects are
the collection's own (mimcm_auth.build_auth), one new requests.Session per round. Prints a Markdown table
of medians (ms); the simulator's counters confirm one handshake per round. Nothing is asserted.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "build" / "collections")]

from tests.kerberos_realm import KerberosRealm, kerberos_unavailable  # noqa: E402
from tests.simulator.control import Simulator  # noqa: E402

CARD = "17cf063d-e337-4aa9-a822-346554ddd3c9"


def timed(fn, rounds):
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(samples), statistics.quantiles(samples, n=10)[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="new connections per method (default 200)")
    args = parser.parse_args(argv)
    reason = kerberos_unavailable()
    if reason:
        print("auth_handshake: %s" % reason, file=sys.stderr)
        return 2
    import requests

    work = Path(tempfile.mkdtemp(prefix="mimcm-auth-bench-"))
    password = secrets.token_urlsafe(12)
    realm = KerberosRealm(work / "realm", {"operator": password}).start()
    ccache = realm.kinit("operator", work / "cc")
    os.environ.update(realm.env(ccache))  # before the first GSSAPI call of this process
    from ansible_collections.mim.cm.plugins.module_utils.mimcm_auth import build_auth
    from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig

    sim = Simulator(work / "sim", cards=50, env=realm.env(), keytab=str(realm.keytab), adfs_client=["bench"]).start()
    try:
        op = sim.users["operator"]
        configs = {
            "NTLM": ConnectionConfig(url=sim.url, ca_path=sim.ca_path, username=op["username"], password=op["password"]),
            "Kerberos (ticket cache)": ConnectionConfig(url=sim.url, ca_path=sim.ca_path, auth="kerberos"),
            "Kerberos (username + password)": ConnectionConfig(url=sim.url, ca_path=sim.ca_path, auth="kerberos",
                                                               username="operator@%s" % realm.realm, password=password),
            "ADFS (cached token)": ConnectionConfig(url=sim.url, ca_path=sim.ca_path, auth="adfs",
                                                    adfs_url=sim.adfs["adfs_url"], client_id="bench",
                                                    client_secret=sim.adfs["clients"]["bench"]["secret"]),
        }
        url = configs["NTLM"].base_url + "/smartcards/" + CARD

        def new_session(config):
            session = requests.Session()
            session.trust_env = False
            session.auth = build_auth(config) if config is not None else None
            return session

        def fresh_get(config):
            def run():
                with new_session(config) as session:
                    response = session.get(url, verify=sim.ca_path)
                    assert response.status_code == 200, response.status_code
            return run

        def fresh_tls():
            with new_session(None) as session:
                assert session.get(sim.admin_url + "/health", verify=sim.ca_path).status_code == 200

        rows = []
        tls, tls_p90 = timed(fresh_tls, args.rounds)
        rows.append(("new TLS connection, no authentication (admin API)", tls, tls_p90, "", ""))
        for name, config in configs.items():
            build_auth(config)  # acquire credentials / the token once, as a module run does
            sim.reset_stats()
            median, p90 = timed(fresh_get(config), args.rounds)
            stats = sim.stats()
            handshakes = stats["ntlm_handshakes"] + stats["kerberos_handshakes"]
            rows.append(("new connection + GET, %s" % name, median, p90, "%.1f" % (median - tls),
                         "%d handshakes, %d 401s" % (handshakes, stats["unauthenticated"])))
        for name in ("NTLM", "Kerberos (ticket cache)"):
            with new_session(configs[name]) as session:
                session.get(url, verify=sim.ca_path)
                median, p90 = timed(lambda: session.get(url, verify=sim.ca_path), args.rounds)
            rows.append(("kept-alive authenticated connection, GET, %s" % name, median, p90, "", ""))
    finally:
        sim.stop()
        realm.stop()

    print("\nAuthentication cost per new connection, %d rounds each, client side (ms; handshake = row minus the "
          "unauthenticated new connection)\n" % args.rounds)
    print("| what | median | p90 | handshake | simulator counters |")
    print("|---|---:|---:|---:|---|")
    for what, median, p90, handshake, counters in rows:
        print("| %s | %.1f | %.1f | %s | %s |" % (what, median, p90, handshake, counters))
    return 0


if __name__ == "__main__":
    sys.exit(main())
