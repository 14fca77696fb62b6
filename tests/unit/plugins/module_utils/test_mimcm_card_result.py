"""The card result shape."""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_card_result import card_to_result


def test_card_to_result_shape():
    result = card_to_result({'Uuid': 'ABCDEF01-0000-0000-0000-000000000000', 'Status': 9,
                             'SerialNumber': '{BC88F13F-83BA-4037-8262-46EBA1291C6E}', 'NewField': 1,
                             'ProfileTemplateVersion': 46})
    assert result['uuid'] == 'abcdef01-0000-0000-0000-000000000000'
    assert result['status'] == 9 and result['status_name'] == 'Unknown(9)'
    assert result['card_id'] == 'bc88f13f-83ba-4037-8262-46eba1291c6e'
    assert result['serial_number'] == '{BC88F13F-83BA-4037-8262-46EBA1291C6E}'
    assert result['new_field'] == 1 and result['profile_template_version'] == 46
