"""The request changer (mimcm_request): per-request decisions, check mode, confirmation of the answer, refusals and
the audit lines, against the in-process fake."""

import json

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_audit import AuditLog
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_changer import (
    REQUEST_RECORD_KEYS,
    RequestChanger,
    settable_state,
)
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_reader import RequestReader
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_selection import (
    RequestSelection,
    selection_argument_spec,
)

from mimcm_fakes import SECRET, Fault, make_client


def selected(client, **given):
    params = dict((name, None) for name in selection_argument_spec())
    params.update(mine=False, targeting_me=False)
    params.update(given)
    return RequestReader(client, RequestSelection.from_params(params)).read()[0]


def puts(cm):
    return [c for c in cm.calls if c[0] == 'PUT']


@pytest.mark.parametrize('value,name', [('canceled', 'Canceled'), (' ABANDONED ', 'Abandoned'),
                                        ('Completed', 'Completed')])
def test_settable_states(value, name):
    assert settable_state(value) == name


@pytest.mark.parametrize('value', ['approved', 'Pending', 'cancelled', '', None])
def test_states_the_api_cannot_set_are_refused(value):
    with pytest.raises(errors.InvalidInput) as exc:
        RequestChanger(None, value)
    assert 'cannot be set through the API: use canceled, abandoned or completed' in str(exc.value)


def test_cancel_each_open_request_once_skip_finished_keep_canceled(cm, client):
    card = cm.add_card()
    ids = {s: cm.add_request(card, status=s, comment='CHG1')
           for s in ('Pending', 'Approved', 'Executing', 'Canceled', 'Completed', 'Denied')}
    requests = selected(client, id=list(ids.values()))
    results = RequestChanger(client, 'canceled', concurrency=3).run(requests)
    by_id = dict((r['id'], r) for r in results)
    for status in ('Pending', 'Approved', 'Executing'):
        r = by_id[ids[status]]
        assert (r['state'], r['changed'], r['before'], r['after'], r['after_code']) == (
            'changed', True, status, 'Canceled', 17)
        assert r['msg'] == 'request %s marked Canceled (it was %s)' % (ids[status], status)
    assert by_id[ids['Canceled']]['state'] == 'unchanged' and not by_id[ids['Canceled']]['changed']
    for status in ('Completed', 'Denied'):
        r = by_id[ids[status]]
        assert r['state'] == 'skipped' and r['after'] == status
        assert r['msg'] == ('request %s left %s: a request cannot go from %s to Canceled (allowed from: Pending, '
                            'Approved, Executing)' % (ids[status], status, status))
    marked = sorted(c[1].rsplit('/', 1)[1] for c in puts(cm))
    assert marked == sorted(ids[s] for s in ('Pending', 'Approved', 'Executing'))
    assert [r['id'] for r in results] == [r['id'] for r in requests]  # input order


def test_completed_only_from_executing_and_check_mode_writes_nothing(cm, client):
    card = cm.add_card()
    executing = cm.add_request(card, status='Executing')
    approved = cm.add_request(card, status='Approved')
    requests = selected(client, id=[executing, approved])
    checked = RequestChanger(client, 'completed', check_mode=True).run(requests)
    assert puts(cm) == []
    assert [(r['state'], r['changed'], r['after']) for r in checked] == [('changed', True, 'Completed'),
                                                                         ('skipped', False, 'Approved')]
    assert checked[0]['msg'] == 'would mark request %s Completed (it is Executing; check mode)' % executing
    real = RequestChanger(client, 'completed').run(requests)
    assert [(r['state'], r['changed']) for r in real] == [('changed', True), ('skipped', False)]
    assert len(puts(cm)) == 1


def test_check_mode_gives_the_target_integer_only_where_learned(cm, client):
    card = cm.add_card()
    pending = cm.add_request(card, status='Pending', comment='C')
    cm.add_request(card, status='Canceled', comment='other')
    requests = selected(client, status=['Pending'], comment='C')
    (first,) = RequestChanger(client, 'canceled', check_mode=True).run(requests)
    assert first['after'] == 'Canceled' and first['after_code'] is None and first['id'] == pending
    client.list_requests('Canceled')  # learns 17
    (second,) = RequestChanger(client, 'canceled', check_mode=True).run(requests)
    assert second['after_code'] == 17


def test_abandoned_integer_is_learned_from_the_answer_then_unknown_status_is_skipped(cm, client):
    card = cm.add_card()
    rid = cm.add_request(card, status='Approved')
    (done,) = RequestChanger(client, 'abandoned').run(selected(client, id=[rid]))
    assert (done['state'], done['after'], done['after_code']) == ('changed', 'Abandoned', 20)
    assert client.statuses.certain(20) == 'Abandoned'
    # a new run has not learned it: the request's status is unknown, so it is skipped, with what to configure
    fresh = make_client(cm)
    (again,) = RequestChanger(fresh, 'abandoned').run(selected(fresh, id=[rid]))
    assert again['state'] == 'skipped' and 'request_status_map {"Abandoned": 20}' in again['msg']
    configured = make_client(cm)
    configured.statuses.configured['Abandoned'] = 20
    configured.statuses.learn_one('Abandoned', 20)
    (known,) = RequestChanger(configured, 'abandoned').run(selected(configured, id=[rid]))
    assert known['state'] == 'unchanged'


def test_a_204_answer_is_confirmed_by_reading_the_request(cm, client):
    rid = cm.add_request(cm.add_card(), status='Pending')
    requests = selected(client, id=[rid])
    original = cm.api

    def api(request, path, query, body):
        status, obj, headers = original(request, path, query, body)
        return (204, None, headers) if request.method == 'PUT' else (status, obj, headers)
    cm.api = api
    client.list_requests('Canceled')
    (result,) = RequestChanger(client, 'canceled').run(requests)
    assert result['state'] == 'changed' and result['after_code'] == 17
    assert [c[0] for c in cm.calls[-2:]] == ['PUT', 'GET']


def test_an_answer_that_still_reads_the_old_status_fails(cm, client):
    rid = cm.add_request(cm.add_card(), status='Pending')
    requests = selected(client, status=['Pending'], id=[rid])
    cm.faults.append(Fault('PUT', '/requests/', 200, body=dict(cm.requests[rid])))
    (result,) = RequestChanger(client, 'canceled').run(requests)
    assert result['state'] == 'failed' and result['changed']
    assert result['msg'] == ('request %s: the server accepted marking it Canceled, but it reads Pending afterwards; '
                             'check the request in the CM portal' % rid)


def test_refusals_concurrent_changes_and_errors(cm):
    client = make_client(cm, retries=0)
    card = cm.add_card()
    raced = cm.add_request(card, status='Pending')
    moved = cm.add_request(card, status='Pending')
    refused = cm.add_request(card, status='Pending')
    requests = selected(client, id=[raced, moved, refused])
    cm.requests[raced]['Status'] = 17  # another job canceled it after this run read it
    cm.requests[moved]['Status'] = 3   # an approver approved it meanwhile
    client.list_requests('Canceled')
    client.list_requests('Approved')
    cm.faults.append(Fault('PUT', '/requests/' + refused, 403, body={'Message': 'not yours, Authorization: NTLM %s'
                                                                     % SECRET}))
    results = dict((r['id'], r) for r in RequestChanger(client, 'canceled').run(requests))
    assert results[raced]['state'] == 'unchanged' and 'another job marked it at the same time' in results[raced]['msg']
    assert results[moved]['state'] == 'changed'  # Approved may be canceled too: the write went through
    assert results[refused]['state'] == 'failed', results[refused]
    assert results[refused]['msg'].startswith('Marking request %s Canceled' % refused), results[refused]['msg']
    assert SECRET not in json.dumps(results)


def test_audit_lines_are_request_records(cm, client, tmp_path):
    rid = cm.add_request(cm.add_card(), status='Pending', comment='CHG1')
    path = tmp_path / 'audit.jsonl'
    with AuditLog(str(path), {'ticket': 'CHG1', 'id': 'overridden'}, check_mode=True, keys=REQUEST_RECORD_KEYS) as audit:
        RequestChanger(client, 'Canceled', check_mode=True, audit=audit).run(selected(client, id=[rid]))
    (line,) = [json.loads(x) for x in path.read_text().splitlines()]
    assert list(line)[:1] == ['ticket'] and set(REQUEST_RECORD_KEYS) <= set(line)
    assert (line['id'], line['status'], line['before'], line['after'], line['state'], line['check_mode']) == (
        rid, 'Canceled', 'Pending', 'Canceled', 'changed', True)
    assert line['comment'] == 'CHG1' and 'uuid' not in line


def test_nothing_selected_is_no_call(cm, client):
    assert RequestChanger(client, 'canceled').run([]) == []
    assert cm.calls == []
