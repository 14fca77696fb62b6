"""The request shape in module results, and the summary and diff of mimcm_request."""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_result import (
    STATES,
    api_date,
    change_diff,
    change_result,
    change_summary,
    request_to_result,
)

# The reference's get-request example 2 (an Unblock request with an incomplete data collection), field for field
# except the SecurityDescriptor, shortened.
REFERENCE = {
    'Uuid': '0C96D73F-967B-420E-854A-43AD2A1504BC', 'RequestType': 5, 'Status': 3, 'Flags': 2,
    'DataCollection': [{'Name': 'Sample Data Item', 'Value': None}], 'DataCollectionFlags': 32,
    'OriginatorUserUuid': '8f1590dc-d932-4b66-8e68-2e91c5880780',
    'TargetUserUuid': '{8F1590DC-D932-4B66-8E68-2E91C5880780}',
    'Submitted': '2015-07-07T23:36:21.93Z', 'Completed': '0001-01-01T00:00:00',
    'NewProfileUuid': 'b99ff38c-6653-471f-ae3c-325bb351a6bc', 'OldProfileUuid': 'b99ff38c-6653-471f-ae3c-325bb351a6bc',
    'NewSmartcardUuid': '17cf063d-e337-4aa9-a822-346554ddd3c9',
    'OldSmartcardUuid': '17cf063d-e337-4aa9-a822-346554ddd3c9', 'Priority': 0, 'Comment': '',
    'ProfileTemplateUuid': 'A039B4D0-5CE8-4EFF-8651-181C6576FDA3', 'SecurityDescriptor': 'O:...\u0000\u0000',
    'IsSmartcard': True, 'IsEnrollmentAgent': False, 'IsDataCollectionComplete': False,
}


def test_request_to_result_is_snake_case_with_names_and_integers():
    result = request_to_result(REFERENCE, 'Approved', {5: 'Unblock'})
    assert result == {
        'id': '0c96d73f-967b-420e-854a-43ad2a1504bc', 'request_type': 'Unblock', 'request_type_code': 5,
        'status': 'Approved', 'status_code': 3, 'card': '17cf063d-e337-4aa9-a822-346554ddd3c9',
        'originator': '8f1590dc-d932-4b66-8e68-2e91c5880780', 'target': '8f1590dc-d932-4b66-8e68-2e91c5880780',
        'submitted': '2015-07-07T23:36:21.93Z', 'completed': None, 'comment': '',
        'data_collection': [{'name': 'Sample Data Item', 'value': None}], 'data_collection_complete': False,
        'profile_template_uuid': 'a039b4d0-5ce8-4eff-8651-181c6576fda3', 'priority': 0, 'flags': 2,
    }
    assert 'SecurityDescriptor' not in str(result) and '\u0000' not in str(result)


def test_unlearned_type_and_unknown_status_are_shown_as_integers():
    result = request_to_result(dict(REFERENCE, Status='20', RequestType=10, Completed='2026-01-02T00:00:00Z'))
    assert result['request_type'] is None and result['request_type_code'] == 10
    assert result['status'] is None and result['status_code'] == 20
    assert result['completed'] == '2026-01-02T00:00:00Z'
    sparse = request_to_result({'Uuid': 'not-a-guid', 'DataCollection': '[]'})
    assert sparse['id'] == 'not-a-guid' and sparse['card'] is None and sparse['originator'] is None
    assert sparse['data_collection'] == '[]' and sparse['comment'] == ''
    assert api_date(None) is None and api_date('') is None and api_date('0001-01-01T00:00:00Z') is None


def test_change_result_summary_and_diff():
    request = request_to_result(REFERENCE, 'Approved')
    blank = change_result(request)
    assert blank['before'] == blank['after'] == 'Approved' and blank['before_code'] == 3
    assert blank['state'] == 'failed' and blank['changed'] is False
    done = dict(blank, state='changed', changed=True, after='Canceled', after_code=17)
    same = dict(blank, id='x', state='unchanged')
    assert change_summary([done, same, same]) == {'changed': 1, 'unchanged': 2, 'skipped': 0, 'failed': 0,
                                                  'total': 3}
    assert set(STATES) == {'changed', 'unchanged', 'skipped', 'failed'}
    assert change_diff([done, same]) == {'before': {request['id']: 'Approved'}, 'after': {request['id']: 'Canceled'}}
