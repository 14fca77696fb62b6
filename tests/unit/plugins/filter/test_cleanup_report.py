"""The cleanup_report filter adapter: checks its input, calls plugin_utils, translates the typed errors."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import cleanup_report


def test_filter_is_registered_and_renders():
    flt = cleanup_report.FilterModule().filters()["cleanup_report"]
    report = flt({"results": [{"id": "r1", "card": "c1", "before": "Pending", "after": "Canceled", "state": "changed",
                               "msg": "done"}]}, {"change_ticket": "CHG1"}, "3")
    assert set(report) == {"json", "md", "brief"} and report["brief"]["outcomes"]["changed"] == 1


@pytest.mark.parametrize("args,message", [
    (("not a dict",), "expected the registered result of mim.cm.mimcm_request"),
    (({}, ["meta"]), "cleanup_report: meta must be a dict"),
    (({}, {}, "x"), "cleanup_report: first must be a whole number"),
])
def test_bad_input_is_a_filter_error(args, message):
    with pytest.raises(AnsibleFilterError) as exc:
        cleanup_report.cleanup_report(*args)
    assert message in str(exc.value)
