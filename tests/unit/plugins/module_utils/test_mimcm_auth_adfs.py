"""auth=adfs (mimcm_auth_adfs.py): token lifetime and renewal logic, refusals, no secret in any text.

The token endpoint itself is exercised against the simulator's ADFS stand-in in
tests/integration/auth/test_adfs.py; here the HTTP answers are made locally."""

import json

import pytest
import requests

from ansible_collections.mim.cm.plugins.module_utils.mimcm_auth_adfs import AdfsTokenSource
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig
from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import AuthFailed

SECRET = 'cl13nt-s3cret'


def config():
    return ConnectionConfig(url='https://cm.contoso.com', auth='adfs', adfs_url='https://adfs.contoso.com',
                            client_id='ansible', client_secret=SECRET)


def answer(status, obj):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(obj).encode('utf-8')
    response.headers['Content-Type'] = 'application/json'
    return response


class Endpoint(object):
    """Answers token requests from a list; records the forms it was sent."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.forms = []

    def __call__(self):
        return self

    def post(self, url, data=None, **kwargs):
        self.forms.append((url, dict(data)))
        return self.answers.pop(0)

    def close(self):
        pass


def test_token_cached_until_near_expiry_then_renewed():
    now = [1000.0]
    endpoint = Endpoint([answer(200, {'access_token': 'T1', 'expires_in': 100}),
                         answer(200, {'access_token': 'T2', 'expires_in': 100})])
    c = config()
    source = AdfsTokenSource(c, session_factory=endpoint, clock=lambda: now[0])
    assert source.token() == 'T1' and source.token() == 'T1'
    now[0] += 79  # 80 % of the lifetime is the renewal point
    assert source.token() == 'T1'
    now[0] += 2
    assert source.token() == 'T2' and source.fetched == 2
    url, form = endpoint.forms[0]
    assert url == 'https://adfs.contoso.com/adfs/oauth2/token'
    assert form == {'grant_type': 'client_credentials', 'client_id': 'ansible', 'client_secret': SECRET,
                    'resource': 'https://cm.contoso.com/certificatemanagement'}
    assert list(c.secrets) == [SECRET, 'T1', 'T2']
    assert 'T1' not in repr(source) and SECRET not in repr(source)


def test_renew_after_a_401_fetches_once_for_all_threads():
    endpoint = Endpoint([answer(200, {'access_token': 'T1', 'expires_in': 3600}),
                         answer(200, {'access_token': 'T2', 'expires_in': 3600})])
    source = AdfsTokenSource(config(), session_factory=endpoint)
    rejected = source.token()
    assert source.renew(rejected) == 'T2'
    assert source.renew(rejected) == 'T2'  # a second thread with the same rejected token: no new fetch
    assert source.fetched == 2


@pytest.mark.parametrize('status,body,words', [
    (400, {'error': 'invalid_client', 'error_description': 'MSIS9622: Client authentication failed.'},
     'refused client ansible (HTTP 400, invalid_client: MSIS9622'),
    (400, {'error': 'invalid_resource', 'error_description': 'MSIS9602: The received resource is invalid.'},
     'refused a token for resource https://cm.contoso.com/certificatemanagement'),
    (400, {'error': 'unsupported_grant_type'}, 'refused the token request of client ansible (HTTP 400'),
    (404, {}, 'answered HTTP 404 without an access token'),
    (302, {}, 'redirected (HTTP 302)'),
    (200, {'token_type': 'bearer'}, 'answered HTTP 200 without an access token'),
])
def test_refusals(status, body, words):
    body = dict(body, echo='the secret was %s' % SECRET) if body else body
    source = AdfsTokenSource(config(), session_factory=Endpoint([answer(status, body)]))
    with pytest.raises(AuthFailed) as exc:
        source.token()
    assert words in str(exc.value) and SECRET not in str(exc.value)
