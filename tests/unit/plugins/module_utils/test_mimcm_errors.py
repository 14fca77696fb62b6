"""Typed errors and redaction."""

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors

from mimcm_fakes import SECRET


def test_correlation_id_found_in_message_text():
    assert errors.find_correlation_id('failed. Correlation ID: 1234abcd-0000-0000-0000-000000000000.') == \
        '1234abcd-0000-0000-0000-000000000000'


def test_redact_helper():
    text = errors.redact('pw=%s Authorization: Bearer abc.def Cookie: x=1' % SECRET, (SECRET,))
    assert SECRET not in text and 'abc.def' not in text and 'x=1' not in text
