"""Unit tests of plugins/plugin_utils/error_translation.py: what every filter adapter relies on."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.error_translation import translate_errors


@translate_errors(AnsibleFilterError)
def adapter(value, fail=None):
    """docstring kept"""
    if fail:
        raise fail
    return value


def test_typed_errors_become_the_plugin_error_with_the_same_message():
    with pytest.raises(AnsibleFilterError) as err:
        adapter(1, InvalidInput("card x: bad"))
    assert str(err.value.message) == "card x: bad" and isinstance(err.value.__cause__, InvalidInput)


def test_results_other_errors_and_metadata_pass_unchanged():
    assert adapter(5) == 5 and adapter.__name__ == "adapter" and adapter.__doc__ == "docstring kept"
    with pytest.raises(KeyError):
        adapter(1, KeyError("k"))
