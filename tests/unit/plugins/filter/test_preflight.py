"""The lifecycle_preflight filter (plugins/filter/preflight.py), through its adapter."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mim.cm.plugins.filter import preflight


def test_filter_is_registered_and_checks(tmp_path):
    flt = preflight.FilterModule().filters()["lifecycle_preflight"]
    assert flt({"texts": {"a": "fine"}, "report_dir": str(tmp_path), "awx_job_id": ""}) == []
    problems = flt({"texts": {"smartcard_lifecycle_change_ticket": "CHG\x00"}, "report_dir": str(tmp_path / "r"),
                    "awx_job_id": 4201, "private_data_dir": str(tmp_path), "allow_ephemeral_report_dir": False})
    assert len(problems) == 2 and "smartcard_lifecycle_change_ticket holds control characters" in problems[0]


@pytest.mark.parametrize("value,message", [
    ("text", "lifecycle_preflight: expected the run settings (a dict), got str"),
    ({"texts": ["x"]}, "lifecycle_preflight: texts must be a dict of variable name to value, got list"),
])
def test_bad_input_is_a_filter_error(value, message):
    with pytest.raises(AnsibleFilterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        preflight.lifecycle_preflight(value)
