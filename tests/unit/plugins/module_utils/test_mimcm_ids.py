"""GUIDs: the one pattern, the normaliser, id keys, request URIs and the list validation."""

import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_ids import (
    card_id_of,
    id_key,
    is_braced,
    last_guid_in,
    normalize_guid,
    validate_guid_list,
)

G = '17cf063d-e337-4aa9-a822-346554ddd3c9'


@pytest.mark.parametrize('value,expected', [
    (G, G), (G.upper(), G), ('{%s}' % G.upper(), G), ('  {%s} ' % G, G), ('{ %s }' % G, G),
    ('nope', None), (None, None), (True, None), ('%sa' % G, None), ('x%s' % G, None), ('{%s' % G, None),
])
def test_normalize_guid(value, expected):
    assert normalize_guid(value) == expected


def test_keys_braces_and_serials():
    assert id_key(' {ABC} ') == 'abc' and id_key(None) == ''
    assert is_braced('{%s}' % G) and not is_braced(G)
    assert card_id_of('{%s}' % G.upper()) == G
    assert card_id_of('PKCS11-SERIAL-0042') == 'pkcs11-serial-0042'  # middleware serials need not be GUIDs
    assert card_id_of(None) is None


@pytest.mark.parametrize('text', [
    '"api/v1.0/requests/%s"' % G,
    '/CertificateManagement/api/v1.0/requests/%s' % G.upper(),
    'https://cm.contoso.com/certificatemanagement/api/v1.0/requests/{%s}' % G,
])
def test_the_created_request_id_is_the_last_guid_of_its_uri(text):
    assert last_guid_in(text) == G
    assert last_guid_in('no id here') is None and last_guid_in(None) is None


@pytest.mark.parametrize('values,message', [
    (['nope'], "uuids[0] 'nope' is not a GUID"),
    (['17cf063d-e337-4aa9-a822-346554ddd3c9', '{17CF063D-E337-4AA9-A822-346554DDD3C9}'], 'twice'),
    ([42], 'is not a GUID'),
])
def test_guid_validation(values, message):
    with pytest.raises(errors.InvalidInput) as exc:
        validate_guid_list(values, 'uuids')
    assert message in str(exc.value)
