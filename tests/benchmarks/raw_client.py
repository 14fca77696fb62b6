"""Scenario 3, the raw client limit: the least a Python client can do for the same work.

    python -m tests.benchmarks.raw_client --sim-info DIR/simulator.json --cards cards.json \
        --profile profile.json [--threads 16] [--comment BENCH]

requests + requests-ntlm, ``--threads`` threads with one kept-alive Session each (one NTLM
handshake per thread), no retries, no result shaping. It issues exactly the calls of the profile
(the access-log kinds and counts of a bulk apply): per card the kinds that occurred a whole number
of times per card, in the order the retirement needs them (reads, create the Retire request, read
it, set the card status, complete the request), and the remainder (per-invocation calls such as
the open request listings) spread over the threads. Prints one JSON object.
"""

import argparse
import itertools
import json
import sys
import threading
import time

import requests
from requests_ntlm import HttpNtlmAuth

# the order of one card's calls; reads first, interleaved like the role's re-check + module read
PER_CARD_ORDER = ("card_get", "card_operations", "card_by_cardid", "request_create", "request_get",
                  "request_card_get", "request_card_put", "request_update")
GET_ONLY = ("card_get", "card_operations", "card_by_cardid", "card_list", "request_list", "request_get",
            "request_card_get")
OPEN_STATUSES = ("Pending", "Approved", "Executing")


def plan(profile, n):
    """(per_card_sequence, extras): the calls for one card, and the left-over calls by kind."""
    by_kind = profile["by_kind"]
    # a retirement's kinds, a whole number of times per card; any other kind (the open request listings of
    # each module invocation: at small N they may reach one per card) is left over, replayed as it came
    per_card = {k: v // n if k in PER_CARD_ORDER else 0 for k, v in by_kind.items()}
    extras = {k: v - per_card[k] * n for k, v in by_kind.items() if v - per_card[k] * n}
    bad = [k for k in extras if k not in GET_ONLY]
    if bad:
        raise SystemExit("raw_client: left-over writes %s cannot be replayed" % ", ".join(bad))
    seq = []
    reads = max(per_card.get("card_get", 0), per_card.get("card_operations", 0))
    for i in range(reads):  # GET card, GET operations, GET card, GET operations
        if i < per_card.get("card_get", 0):
            seq.append("card_get")
        if i < per_card.get("card_operations", 0):
            seq.append("card_operations")
    for kind in PER_CARD_ORDER[2:]:
        seq.extend([kind] * per_card.get(kind, 0))
    if seq.count("request_create") != 1 and any(k.startswith("request_") for k in seq):
        raise SystemExit("raw_client: a retirement needs exactly one request_create per card, profile has %d"
                         % seq.count("request_create"))
    extra_list = []
    for kind, count in sorted(extras.items()):
        extra_list.extend([kind] * count)
    return seq, extra_list


class Worker:
    def __init__(self, info, user, comment):
        self.api = info["api_url"]
        self.verify = info["ca_path"] or True
        u = info["users"][user]
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.auth = HttpNtlmAuth(u["username"], u["password"])
        self.session.headers["Accept"] = "application/json"
        self.comment = comment
        self.calls = {}
        self.errors = []
        self.sample_card = None

    def call(self, kind, method, path, body=None, params=None, ok=(200, 201, 204)):
        self.calls[kind] = self.calls.get(kind, 0) + 1
        r = self.session.request(method, self.api + path, json=body, params=params, verify=self.verify,
                                 timeout=60)
        if r.status_code not in ok:
            self.errors.append("%s %s: %s %s" % (method, path, r.status_code, r.text[:200]))
            return None
        return r.json() if r.content else None

    def extra(self, kind, index):
        card = self.sample_card
        if kind == "request_list":
            self.call(kind, "GET", "/requests", params={"status": OPEN_STATUSES[index % 3]})
        elif kind == "card_get":
            self.call(kind, "GET", "/smartcards/" + card)
        elif kind == "card_operations":
            self.call(kind, "GET", "/smartcards/%s/operations" % card)
        elif kind == "card_list":
            self.call(kind, "GET", "/smartcards")
        else:
            raise SystemExit("raw_client: no way to replay a left-over %s" % kind)

    def card(self, uuid, seq):
        rid = None
        for kind in seq:
            if kind == "card_get":
                self.call(kind, "GET", "/smartcards/" + uuid)
            elif kind == "card_operations":
                self.call(kind, "GET", "/smartcards/%s/operations" % uuid)
            elif kind == "request_create":
                loc = self.call(kind, "POST", "/requests", body={
                    "type": "Retire", "smartcard": uuid, "datacollection": [], "comment": self.comment})
                rid = str(loc or "").rstrip("/").rsplit("/", 1)[-1]
            elif kind == "request_get":
                self.call(kind, "GET", "/requests/" + rid)
            elif kind == "request_card_get":
                self.call(kind, "GET", "/requests/%s/smartcards/%s" % (rid, uuid))
            elif kind == "request_card_put":
                self.call(kind, "PUT", "/requests/%s/smartcards/%s" % (rid, uuid), body={"status": "Retired"})
            elif kind == "request_update":
                self.call(kind, "PUT", "/requests/" + rid, body={"status": "Completed"})
            else:
                raise SystemExit("raw_client: unknown kind %s" % kind)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks.raw_client", description=__doc__.split("\n")[0])
    p.add_argument("--sim-info", required=True, help="the simulator's simulator.json")
    p.add_argument("--cards", required=True, help="JSON file: list of card uuids")
    p.add_argument("--profile", required=True, help='JSON file: {"by_kind": {kind: count}} for these cards')
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--user", default="operator")
    p.add_argument("--comment", default="BENCH-RAW")
    args = p.parse_args(argv)
    with open(args.sim_info) as fh:
        info = json.load(fh)
    with open(args.cards) as fh:
        cards = json.load(fh)
    with open(args.profile) as fh:
        profile = json.load(fh)
    seq, extras = plan(profile, len(cards))

    workers = [Worker(info, args.user, args.comment) for _ in range(args.threads)]
    for w in workers:
        w.sample_card = cards[0]
    next_card = itertools.count()
    lock = threading.Lock()

    def work(k):
        w = workers[k]
        for i, kind in enumerate(extras[k::args.threads]):
            w.extra(kind, k + i * args.threads)
        while True:
            with lock:
                i = next(next_card)
            if i >= len(cards):
                return
            w.card(cards[i], seq)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=work, args=(k,)) for k in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    calls = {}
    errors = []
    for w in workers:
        w.session.close()
        errors.extend(w.errors)
        for k, v in w.calls.items():
            calls[k] = calls.get(k, 0) + v
    json.dump({"wall": wall, "cards": len(cards), "threads": args.threads, "per_card_sequence": seq,
               "extras": len(extras), "calls": dict(sorted(calls.items())), "errors": len(errors),
               "first_errors": errors[:5]}, sys.stdout)
    sys.stdout.write("\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
