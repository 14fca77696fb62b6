"""Concurrent clients: no errors, and each rule check and its write are one atomic step."""

import threading

from .helpers import make_request


def test_sixteen_concurrent_clients_without_errors(shared_sim):
    sim = shared_sim
    uuids = [c["Uuid"] for c in sim.cards(limit=200)]
    before = sim.stats()
    results = [[] for dummy in range(16)]

    def work(k):
        with sim.session("reader") as s:
            for i in range(25):
                r = s.get(sim.api_url + "/smartcards/" + uuids[(k * 25 + i) % len(uuids)])
                results[k].append((r.status_code, r.json()["Uuid"]))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [x for r in results for x in r]
    assert len(flat) == 400 and all(code == 200 for code, dummy in flat)
    assert all(uuid == uuids[(k * 25 + i) % len(uuids)]
               for k, r in enumerate(results) for i, (dummy, uuid) in enumerate(r))
    after = sim.stats()
    assert after["connections"] - before["connections"] == 16
    assert after["ntlm_handshakes"] - before["ntlm_handshakes"] == 16


def test_racing_status_changes_apply_once(shared_sim, take_card):
    sim = shared_sim
    card = take_card(status=3)
    with sim.session("operator") as s:
        rid = make_request(s, sim, card["Uuid"], "Retire")
    mark = sim.journal()[-1]["seq"]
    codes = []
    barrier = threading.Barrier(8)

    def work():
        with sim.session("operator") as s:
            s.get(sim.api_url + "/smartcards/" + card["Uuid"])  # authenticate first
            barrier.wait()
            r = s.put(sim.api_url + "/requests/%s/smartcards/%s" % (rid, card["Uuid"]), json={"status": "Retired"})
            codes.append(r.status_code)

    threads = [threading.Thread(target=work) for dummy in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [400] * 7
    changes = [e for e in sim.journal(since=mark) if e["kind"] == "card_status" and e["card"] == card["Uuid"]]
    assert len(changes) == 1 and (changes[0]["before"], changes[0]["after"]) == (3, 6)
