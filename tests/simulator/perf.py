"""Measure the simulator: authenticated card GETs per second and start-up time.

    .venv/bin/python -m tests.simulator.perf [--requests 3000] [--clients 16] [--big-cards 100000]

Prints a Markdown table. HTTPS + NTLM with keep-alive, as the collection's client uses it.
Client and server share this machine's cores, so the figures are a floor for the server.
"""

import argparse
import os
import platform
import tempfile
import threading
import time

import psutil
import requests
from requests_ntlm import HttpNtlmAuth

from .control import Simulator


def _session(sim, user="operator"):
    s = requests.Session()
    u = sim.users[user]
    s.auth = HttpNtlmAuth(u["username"], u["password"])
    return s


def single_client(sim, uuids, n):
    s = _session(sim)
    url = sim.api_url + "/smartcards/"
    s.get(url + uuids[0], verify=sim.ca_path)  # handshake outside the timing
    errors = 0
    t0 = time.perf_counter()
    for i in range(n):
        r = s.get(url + uuids[i % len(uuids)], verify=sim.ca_path)
        if r.status_code != 200:
            errors += 1
    dt = time.perf_counter() - t0
    s.close()
    return n / dt, errors


def concurrent_clients(sim, uuids, clients, per_client):
    sessions = [_session(sim) for _ in range(clients)]
    url = sim.api_url + "/smartcards/"
    for s in sessions:
        s.get(url + uuids[0], verify=sim.ca_path)
    errors = [0] * clients
    barrier = threading.Barrier(clients + 1)

    def work(k):
        s = sessions[k]
        barrier.wait()
        for i in range(per_client):
            try:
                r = s.get(url + uuids[(k * per_client + i) % len(uuids)], verify=sim.ca_path)
                if r.status_code != 200:
                    errors[k] += 1
            except requests.RequestException:
                errors[k] += 1

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    dt = time.perf_counter() - t0
    for s in sessions:
        s.close()
    return clients * per_client / dt, sum(errors)


def startup(cards, base):
    state = os.path.join(base, "big")
    t0 = time.perf_counter()
    sim = Simulator(state, cards=cards, seed=42, start_timeout=600).start()
    first = time.perf_counter() - t0
    n = len(sim.cards(limit=cards + 10))
    sim.stop()
    t0 = time.perf_counter()
    sim.start()
    again = time.perf_counter() - t0
    sim.stop()
    return first, again, n


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tests.simulator.perf", description=__doc__.split("\n")[0])
    p.add_argument("--requests", type=int, default=3000, help="GETs for the single client (default 3000)")
    p.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    p.add_argument("--per-client", type=int, default=200, help="GETs per concurrent client (default 200)")
    p.add_argument("--cards", type=int, default=1000, help="cards in the throughput simulator (default 1000)")
    p.add_argument("--big-cards", type=int, default=100000, help="cards for the start-up measurement (0: skip)")
    args = p.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory(prefix="mimcm-perf-") as base:
        t0 = time.perf_counter()
        with Simulator(os.path.join(base, "small"), cards=args.cards, seed=42) as sim:
            start_small = time.perf_counter() - t0
            uuids = [c["Uuid"] for c in sim.cards(limit=args.cards)]
            server = psutil.Process(sim.pid)
            cpu0 = server.cpu_times()
            rate, err = single_client(sim, uuids, args.requests)
            cpu1 = server.cpu_times()
            per_request = ((cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)) / (args.requests + 1)
            rows.append(("card GET, 1 keep-alive client (HTTPS+NTLM)", "%.0f req/s" % rate,
                         "%d requests, %d errors" % (args.requests, err)))
            rows.append(("server CPU per card GET (keep-alive)", "%.0f us" % (per_request * 1e6),
                         "the rest of the time is the client; load average %.1f" % os.getloadavg()[0]))
            rate, err = concurrent_clients(sim, uuids, args.clients, args.per_client)
            rows.append(("card GET, %d concurrent clients (aggregate)" % args.clients, "%.0f req/s" % rate,
                         "%d requests, %d errors" % (args.clients * args.per_client, err)))
            st = sim.stats()
            rows.append(("connections / NTLM handshakes during the runs", "%d / %d" % (
                st["connections"], st["ntlm_handshakes"]), "one handshake per connection"))
        rows.append(("start-up, %d cards (new state)" % args.cards, "%.2f s" % start_small, "includes process start"))
        if args.big_cards:
            first, again, n = startup(args.big_cards, base)
            rows.append(("start-up, %d cards (new state)" % args.big_cards, "%.2f s" % first,
                         "%d cards generated and indexed" % n))
            rows.append(("restart, %d cards (existing state)" % args.big_cards, "%.2f s" % again, "data kept"))

    print("Simulator performance on %s, %d CPUs, Python %s\n" % (
        platform.node(), os.cpu_count(), platform.python_version()))
    print("| measurement | result | notes |")
    print("|---|---|---|")
    for row in rows:
        print("| %s | %s | %s |" % row)


if __name__ == "__main__":
    main()
