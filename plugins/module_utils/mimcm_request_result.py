# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mim.cm maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shape of requests in module results: the API's PascalCase request object -> snake_case keys, and the
per-request results, summary and diff of mimcm_request.

The request type and the status come as name and integer. A request type integer is named only once this
client learned it (the reference documents Enroll=1 and Unblock=5 only); a status is named by the server's
own filter (the listing it came from, or a learned integer), else left null beside its integer.
"""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import normalize_guid
from ansible_collections.mim.cm.plugins.module_utils.mimcm_open_requests import request_card
from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_statuses import status_code

# The API's "not set" date (the reference writes Completed as 0001-01-01T00:00:00 until a request finishes).
UNSET_DATE_PREFIX = '0001-01-01'

# The states of a per-request result of mimcm_request.
STATES = ('changed', 'unchanged', 'skipped', 'failed')


def api_date(value):
    """A date as the API wrote it, or None for the unset date (and for no value)."""
    if value in (None, '') or str(value).startswith(UNSET_DATE_PREFIX):
        return None
    return value


def _guid(value):
    return normalize_guid(value) or (value if value not in ('', None) else None)


def data_collection(items):
    """``[{"Name", "Value"}]`` -> ``[{"name", "value"}]``; other shapes are passed through as they are."""
    if not isinstance(items, list):
        return items
    out = []
    for item in items:
        if isinstance(item, dict) and ('Name' in item or 'Value' in item):
            out.append({'name': item.get('Name'), 'value': item.get('Value')})
        else:
            out.append(item)
    return out


def request_to_result(item, status=None, types=None):
    """One request object (API shape) as a result: ``status`` is its status name (None when unknown);
    ``types`` the learned request type integers ({integer: name})."""
    rtype = item.get('RequestType')
    return {
        'id': _guid(item.get('Uuid')),
        'request_type': (types or {}).get(rtype),
        'request_type_code': rtype,
        'status': status,
        'status_code': status_code(item.get('Status')),
        'card': request_card(item),
        'originator': _guid(item.get('OriginatorUserUuid')),
        'target': _guid(item.get('TargetUserUuid')),
        'submitted': api_date(item.get('Submitted')),
        'completed': api_date(item.get('Completed')),
        'comment': item.get('Comment') or '',
        'data_collection': data_collection(item.get('DataCollection')),
        'data_collection_complete': item.get('IsDataCollectionComplete'),
        'profile_template_uuid': _guid(item.get('ProfileTemplateUuid')),
        'priority': item.get('Priority'),
        'flags': item.get('Flags'),
    }


def change_result(request):
    """The blank per-request result of a change, from a result of request_to_result."""
    return {
        'id': request['id'],
        'card': request['card'],
        'comment': request['comment'],
        'request_type': request['request_type'],
        'request_type_code': request['request_type_code'],
        'before': request['status'],
        'before_code': request['status_code'],
        'after': request['status'],
        'after_code': request['status_code'],
        'changed': False,
        'state': 'failed',
        'msg': '',
    }


def change_summary(results):
    """How many requests ended in each state, and the total."""
    summary = dict((state, 0) for state in STATES)
    for result in results:
        summary[result['state']] = summary.get(result['state'], 0) + 1
    summary['total'] = len(results)
    return summary


def change_diff(results):
    """Status of every request that changed (or would), before and after, keyed by request id."""
    before, after = {}, {}
    for result in results:
        if result.get('changed') and result.get('id'):
            before[result['id']] = result.get('before')
            after[result['id']] = result.get('after')
    return {'before': before, 'after': after}
