"""The probe's own calls and tallies (mimcm_probe_calls.py): parsing WWW-Authenticate, the CA setting in words,
NUL characters, the median, the listing tally, the latency measurement."""

import pytest
from urllib3 import HTTPHeaderDict

from ansible_collections.mim.cm.plugins.module_utils import mimcm_probe_calls as calls
from ansible_collections.mim.cm.plugins.module_utils.mimcm_connection import ConnectionConfig

from mimcm_fakes import FakeCM, make_client


@pytest.mark.parametrize('values,schemes', [
    (['NTLM', 'Negotiate'], ['NTLM', 'Negotiate']),
    (['NTLM, Negotiate'], ['NTLM', 'Negotiate']),
    (['Negotiate oYIBBjCCAQKgAwoBAaEMBgorBgEEAYI3AgIK=='], ['Negotiate']),
    (['Bearer realm="cm", error="invalid_token", error_description="expired"'], ['Bearer']),
    (['NTLM', 'NTLM'], ['NTLM']),
    ([None, ''], []),
])
def test_auth_schemes(values, schemes):
    assert calls.auth_schemes(values) == schemes


def test_header_values_keeps_repeated_headers_apart():
    class Raw(object):
        headers = HTTPHeaderDict()
    Raw.headers.add('WWW-Authenticate', 'NTLM')
    Raw.headers.add('WWW-Authenticate', 'Negotiate')

    class Response(object):
        raw = Raw()
        headers = {'WWW-Authenticate': 'NTLM, Negotiate'}
    assert calls.header_values(Response(), 'WWW-Authenticate') == ['NTLM', 'Negotiate']
    Response.raw = None
    assert calls.header_values(Response(), 'WWW-Authenticate') == ['NTLM, Negotiate']


def test_median_and_nul_field():
    assert calls.median([]) is None and calls.median([3, 1, 2]) == 2 and calls.median([4, 1, 2, 3]) == 2.5
    assert calls.nul_field({'A': 'x', 'SecurityDescriptor': 'O:S-1\x00\x00'}) == 'SecurityDescriptor'
    assert calls.nul_field({'DataCollection': [{'Value': 'a\x00'}]}) == 'Value'
    assert calls.nul_field({'A': 1, 'B': ['x']}) is None


def test_ca_setting_in_words(tmp_path, monkeypatch):
    ca = tmp_path / 'ca.pem'
    ca.write_text('x')
    cm = FakeCM()
    assert calls.ca_setting(make_client(cm, ca_path=str(ca))) == 'ca_path %s' % ca
    assert calls.ca_setting(make_client(cm, validate_certs=False)) == 'no verification (validate_certs=false)'
    assert calls.ca_setting(make_client(cm, url='http://cm.example.test', allow_insecure_http=True)) == \
        'plain http (no TLS)'
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(ca))
    assert calls.ca_setting(make_client(cm)) == 'the CA bundle of REQUESTS_CA_BUNDLE (%s)' % ca
    monkeypatch.delenv('REQUESTS_CA_BUNDLE')
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    assert calls.ca_setting(make_client(cm)).startswith('the CA bundle of the requests package')


def test_listing_tally_counts_all_keeps_few_and_knows_who_is_involved():
    me, other = '11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'
    tally = calls.ListingTally('Pending', caller=me, samples=2)
    items = [{'Uuid': 'AAAAAAAA-1111-4111-8111-111111111111', 'Status': 16, 'RequestType': 10,
              'OriginatorUserUuid': me.upper(), 'TargetUserUuid': other, 'SecurityDescriptor': 'x\x00'},
             {'Uuid': 'b', 'Status': 16, 'OriginatorUserUuid': other, 'TargetUserUuid': me},
             {'Uuid': 'c', 'Status': '16', 'OriginatorUserUuid': other, 'TargetUserUuid': other}]
    kept = [item for item in items if tally(item)]
    assert len(kept) == 2 and tally.count == 3 and tally.foreign == 1 and tally.types == {10}
    assert tally.common == {other}  # the one user all three involve
    assert tally.nul == 'SecurityDescriptor of request aaaaaaaa-1111-4111-8111-111111111111'
    result = tally.result(kept, 1)
    assert result['integers'] == [16] and result['count_targeting_caller'] == 1
    assert result['samples'][0] == {'uuid': 'aaaaaaaa-1111-4111-8111-111111111111', 'status': 16,
                                    'request_type': 10, 'originator_user_uuid': me, 'target_user_uuid': other}


def test_latency_measures_kept_alive_and_new_connections():
    closed = []

    class Client(object):
        config = ConnectionConfig(url='https://cm.example.test', username='u', password='p')

        def close(self):
            closed.append(1)
    out = calls.latency(Client(), lambda: None, kept_alive=4, fresh=2)
    assert len(out['kept_alive_samples_ms']) == 4 and len(out['new_connection_samples_ms']) == 2
    assert len(closed) == 2 and out['handshake_ms'] >= 0
