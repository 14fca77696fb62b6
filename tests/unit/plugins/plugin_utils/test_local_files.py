"""Report files written on the controller in one step (plugin_utils/local_files.py, action mim.cm.write_files)."""

import os
import stat

import pytest

from ansible_collections.mim.cm.plugins.module_utils.mimcm_errors import InvalidInput
from ansible_collections.mim.cm.plugins.plugin_utils.local_files import checked_files, file_mode, write_files


def test_writes_creates_the_directory_and_leaves_equal_files_alone(tmp_path):
    target = tmp_path / "reports" / "deeper"
    files = checked_files([{"name": "a.md", "content": "# A\n"}, {"name": "a.json", "content": '{"x": "é"}'}])
    changed, unchanged = write_files(str(target), files)
    assert changed == [str(target / "a.md"), str(target / "a.json")] and unchanged == []
    assert (target / "a.json").read_text(encoding="utf-8") == '{"x": "é"}'
    assert stat.S_IMODE(os.stat(str(target / "a.md")).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(str(target)).st_mode) & 0o777 in (0o750, 0o750 & ~os.umask(0o022))
    again, same = write_files(str(target), files)
    assert again == [] and same == [str(target / "a.md"), str(target / "a.json")]
    changed, unchanged = write_files(str(target), checked_files([{"name": "a.md", "content": "# B\n"}]), mode=0o600)
    assert changed == [str(target / "a.md")] and (target / "a.md").read_text() == "# B\n"
    assert stat.S_IMODE(os.stat(str(target / "a.md")).st_mode) == 0o600
    assert sorted(os.listdir(str(target))) == ["a.json", "a.md"]  # no temporary file left


def test_check_mode_writes_nothing_and_says_what_it_would(tmp_path):
    changed, unchanged = write_files(str(tmp_path / "new"), checked_files([{"name": "x.html", "content": "<p>"}]),
                                     check_mode=True)
    assert changed == [str(tmp_path / "new" / "x.html")] and not (tmp_path / "new").exists()


def test_a_failed_write_keeps_the_old_file_whole(tmp_path, monkeypatch):
    (tmp_path / "r.md").write_text("old")
    os.chmod(str(tmp_path / "r.md"), 0o640)

    def broken(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_files(str(tmp_path), checked_files([{"name": "r.md", "content": "new"}]))
    assert (tmp_path / "r.md").read_text() == "old" and os.listdir(str(tmp_path)) == ["r.md"]


@pytest.mark.parametrize("files, words", [
    ([], "files must be a non-empty list"),
    ("a.md", "files must be a non-empty list"),
    ([{"name": "../x.md", "content": ""}], "files[0].name must be a plain file name without a directory part"),
    ([{"name": "..", "content": ""}], "files[0].name must be a plain file name"),
    ([{"name": "a", "content": 3}], "files[0].content (a) must be text, got int"),
    ([{"name": "a", "content": ""}, {"name": "a", "content": ""}], "files lists a twice"),
    ([{"name": "a", "content": "", "mode": "0600"}], "files[0] must be a dictionary with name and content only"),
])
def test_bad_files_are_refused_with_the_entry_and_the_fix(files, words):
    with pytest.raises(InvalidInput) as caught:
        checked_files(files)
    assert words in str(caught.value)


def test_data_a_controller_turned_back_from_json_is_written_as_json():
    assert checked_files([{"name": "p.json", "content": {"a": [1]}}]) == [("p.json", '{\n "a": [\n  1\n ]\n}')]


def test_modes_and_a_path_that_is_a_file(tmp_path):
    assert file_mode("0640") == 0o640 and file_mode(0o600) == 0o600
    with pytest.raises(InvalidInput) as caught:
        file_mode("rw-r-----")
    assert "mode must be an octal file mode such as '0640'" in str(caught.value)
    (tmp_path / "f").write_text("")
    with pytest.raises(InvalidInput) as caught:
        write_files(str(tmp_path / "f"), [("a", "")])
    assert "exists and is not a directory" in str(caught.value)
