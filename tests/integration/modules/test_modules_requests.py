"""mimcm_request_info and mimcm_request through ansible-playbook against the simulator, under the default dialect and
under every alternative at once (sequential request status integers, other request type integers, every user's
requests listed with 2,000 unrelated ones, rule violations as 500, ...).

A retirement of cards whose profile template needs approval leaves Pending requests; the info module finds exactly
those by their (unique) comment, by status and by id; mimcm_request in check mode cancels nothing and reports them;
for real it cancels each once (simulator journal); a rerun changes nothing. One playbook run per dialect: the journal
of the whole run holds exactly the three requests created and their three cancellations, so neither the check-mode run
nor the reruns wrote anything.
"""

import json
import uuid

import pytest

from mimcm_modules_helpers import connection

from tests.simulator import dialects
from tests.simulator.control import Simulator

INFO = 'mim.cm.mimcm_request_info'
REQUEST = 'mim.cm.mimcm_request'
STATUS = 'mim.cm.mimcm_smartcard_status'
PROFILES = {'default': None, 'every-alternative': dialects.format_map(dialects.EVERY_ALTERNATIVE)}


@pytest.fixture(scope='module', params=sorted(PROFILES))
def rsim(request, tmp_path_factory):
    sim = Simulator(tmp_path_factory.mktemp('requests-sim'), cards=200, seed=42, dialect=PROFILES[request.param])
    sim.start()
    yield sim
    sim.stop()


def api_writes(journal):
    return [e for e in journal if e['user'] != 'admin']


def test_pending_requests_of_a_retirement_found_canceled_once_then_nothing(rsim, play, tmp_path):
    sim = rsim
    cards = [c['Uuid'].lower() for c in sim.cards(status=3, approval_required=True, restricted=False, limit=3)]
    assert len(cards) == 3
    comment = 'CLEANUP-%s' % uuid.uuid4().hex[:10].upper()  # unlike every seeded comment (CHG1234, ...)
    numbering = sim.numbering()['request_status']
    audit = tmp_path / 'requests-audit.jsonl'
    ids = "{{ retire.results | map(attribute='request_id') | list }}"
    selection = {'status': 'Pending', 'comment': comment, 'uuids': cards, 'state': 'canceled'}
    mark = len(sim.journal())
    run = play([
        {'name': 'retire cards whose profile needs approval', STATUS: {
            'uuids': cards, 'status': 'Retired', 'comment': comment,
            'data_collection': {'Retire Reason': 'end of the request module test'}}, 'register': 'retire'},
        {'name': 'info by status and comment', INFO: {'status': 'pending', 'comment': comment}, 'register': 'found'},
        {'name': 'info by id', INFO: {'ids': ids}, 'register': 'by_id'},
        {'name': 'info by comment prefix and cards', INFO: {'statuses': ['Pending', 'Approved'],
                                                            'comment_prefix': comment[:-2], 'uuids': cards},
         'register': 'by_prefix'},
        {'name': 'cancel, check mode', REQUEST: selection, 'check_mode': True, 'diff': True, 'register': 'checked'},
        {'name': 'cancel', REQUEST: dict(selection, audit_log=str(audit), audit_context={'ticket': comment}),
         'diff': True, 'register': 'canceled'},
        {'name': 'the same again', REQUEST: selection, 'register': 'again'},
        {'name': 'again by id', REQUEST: {'ids': ids, 'state': 'Canceled'}, 'register': 'again_by_id'},
        {'name': 'info by id afterwards', INFO: {'ids': ids}, 'register': 'after'},
    ], defaults=connection(sim))
    assert run.rc == 0, run

    # the retirement left one Pending request per card
    retire = run['retire']
    assert not retire['failed'] and [r['state'] for r in retire['results']] == ['pending'] * 3, retire
    request_ids = sorted(r['request_id'] for r in retire['results'])
    journal = api_writes(sim.journal()[mark:])
    created = [e for e in journal if e['kind'] == 'request_created']
    assert sorted(e['request_id'].lower() for e in created) == request_ids
    assert {e['after_name'] for e in created} == {'Pending'}

    # the info module finds exactly those, by status and comment, by id, and by prefix and cards
    found = run['found']
    assert not found['failed'] and found['changed'] is False
    assert sorted(r['id'] for r in found['requests']) == request_ids
    for r in found['requests']:
        assert (r['status'], r['status_code'], r['comment']) == ('Pending', numbering['Pending'], comment)
        assert r['card'] in cards and r['completed'] is None and r['submitted']
        assert r['request_type_code'] == sim.numbering()['request_type']['Retire']
    by_id = run['by_id']
    assert [r['id'] for r in by_id['requests']] == [r['request_id'] for r in retire['results']]
    assert {r['status'] for r in by_id['requests']} == {'Pending'} and by_id['missing'] == []
    assert sorted(r['id'] for r in run['by_prefix']['requests']) == request_ids

    # check mode: the same verdict (and nothing written: see the journal below)
    checked = run['checked']
    assert not checked['failed'] and checked['changed'] is True
    assert sorted(r['id'] for r in checked['results']) == request_ids
    assert {(r['state'], r['before'], r['after']) for r in checked['results']} == {('changed', 'Pending', 'Canceled')}
    assert checked['diff']['after'] == dict((rid, 'Canceled') for rid in request_ids)

    # for real: each canceled once
    canceled = run['canceled']
    assert not canceled['failed'] and canceled['changed'] is True
    assert canceled['summary'] == {'total': 3, 'changed': 3, 'unchanged': 0, 'skipped': 0, 'failed': 0}
    assert {(r['state'], r['after'], r['after_code']) for r in canceled['results']} == {
        ('changed', 'Canceled', numbering['Canceled'])}
    writes = [e for e in journal if e['kind'] != 'request_created']
    # the whole run wrote the three requests and their three cancellations, nothing else: check mode and the
    # reruns wrote nothing, and each request was canceled once
    assert sorted(e['request_id'].lower() for e in writes) == request_ids
    assert {(e['kind'], e['before_name'], e['after_name']) for e in writes} == {('request_status', 'Pending', 'Canceled')}
    assert len(journal) == 6
    lines = [json.loads(x) for x in audit.read_text().splitlines()]
    assert sorted(x['id'] for x in lines) == request_ids and {x['ticket'] for x in lines} == {comment}
    assert sim.users['operator']['password'] not in audit.read_text()

    # a rerun changes nothing: the selection is empty, and by id every request is already Canceled
    again = run['again']
    assert not again['failed'] and again['changed'] is False and again['results'] == []
    assert again['msg'].startswith('no request matched the selection (status Pending, 3 card(s), comment ')
    again_by_id = run['again_by_id']
    assert not again_by_id['failed'] and again_by_id['changed'] is False
    assert {r['state'] for r in again_by_id['results']} == {'unchanged'}
    assert {r['status'] for r in run['after']['requests']} == {'Canceled'}
    for card in cards:
        (req,) = [r for r in sim.requests(card=card) if r['Comment'] == comment]
        assert req['Status'] == numbering['Canceled']
    print(json.dumps({'dialect': sim.dialect(), 'retire': retire['summary'], 'found': found['requests'],
                      'checked': checked['msg'], 'canceled': canceled['results'], 'again': again['msg'],
                      'again_by_id': again_by_id['msg'],
                      'journal': {'retirement': len(created), 'check_mode': 0, 'cancel': len(writes), 'rerun': 0}},
                     indent=1))
