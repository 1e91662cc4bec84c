"""An export's target file, found with one look per name (``os.stat``): the file ``Path.is_dir`` and ``Path.exists``
found, on every kind of path a request may name (a folder, a file, nothing, a link to each, a broken or looping link,
a trailing separator)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from engineering_api.backend.errors import AlreadyExistsError
from engineering_api.domain.blocks.support import export_target, target_file
from engineering_api.lib.paths import safe_file_stem


def _by_pathlib(path: str, name: str, ext: str, overwrite: bool) -> Path | str:
    """The target as pathlib's looks find it: the file, or ``FILE_EXISTS``."""
    target = Path(path)
    if target.is_dir():
        target = target / (safe_file_stem(name) + ext)
    if target.exists() and not overwrite:
        return "FILE_EXISTS"
    return target


def _paths(root: Path) -> list[str]:
    (root / "folder").mkdir()
    (root / "folder" / "Block_1.xml").write_text("old")
    (root / "file.xml").write_text("old")
    (root / "to-folder").symlink_to(root / "folder")
    (root / "to-file").symlink_to(root / "file.xml")
    (root / "broken").symlink_to(root / "gone")
    (root / "loop").symlink_to(root / "loop")
    names = ["folder", "folder/Block_1.xml", "file.xml", "to-folder", "to-file", "broken", "loop", "missing.xml",
             "missing/deeper.xml", "file.xml/below.xml"]
    return [str(root / name) + suffix for name in names for suffix in ("", os.sep)]


@pytest.mark.parametrize("overwrite", [False, True])
@pytest.mark.parametrize("name", ["Block_1", "Block 2"])
def test_the_target_is_the_one_pathlib_finds(tmp_path: Path, overwrite: bool, name: str) -> None:
    for path in _paths(tmp_path):
        expected = _by_pathlib(path, name, ".xml", overwrite)
        try:
            found: Path | str = export_target(path, name, ".xml", overwrite)
        except AlreadyExistsError as exc:
            assert exc.code == "FILE_EXISTS"
            found = exc.code
        assert found == expected, path


def test_a_missing_folder_is_made_and_an_existing_one_kept(tmp_path: Path) -> None:
    target = target_file(str(tmp_path / "new" / "deeper" / "FC_1.xml"), "FC_1", ".xml", False)
    assert target.parent.is_dir() and not target.exists()
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "other.txt").write_text("stays")
    assert target_file(str(tmp_path / "kept"), "FC 1", ".xml", False) == tmp_path / "kept" / "FC 1.xml"
    assert (tmp_path / "kept" / "other.txt").read_text() == "stays"


def _windows_error(code: int, winerror: int) -> OSError:
    """An OSError as Windows raises it: the C runtime's errno and the system's own code."""
    error = OSError(code, os.strerror(code))
    setattr(error, "winerror", winerror)  # set by the interpreter on Windows only (typeshed has it there only)
    return error


# CPython 3.11's pathlib._IGNORED_WINERRORS: not ready (21), invalid name (123), a link to itself (1921); errno EINVAL
# as the C runtime maps the last two (ENOENT would pass as "nothing there" whatever the code).
@pytest.mark.parametrize("winerror", [21, 123, 1921])
def test_a_windows_error_pathlib_takes_for_nothing_there_is_nothing_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, winerror: int,
) -> None:
    def refused(path: object, *args: object, **kwargs: object) -> os.stat_result:
        raise _windows_error(errno.EINVAL, winerror)

    monkeypatch.setattr(os, "stat", refused)  # pathlib's look (Path.stat) is os.stat too: both see the error
    path = str(tmp_path / "COM1:bad" / "FC_1.xml")
    assert export_target(path, "FC_1", ".xml", False) == Path(path) == _by_pathlib(path, "FC_1", ".xml", False)


def test_another_windows_error_is_raised_as_pathlib_raises_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: object, *args: object, **kwargs: object) -> os.stat_result:
        raise _windows_error(errno.EACCES, 5)  # ERROR_ACCESS_DENIED

    monkeypatch.setattr(os, "stat", denied)
    path = str(tmp_path / "FC_1.xml")
    with pytest.raises(PermissionError):
        _by_pathlib(path, "FC_1", ".xml", False)
    with pytest.raises(PermissionError):
        export_target(path, "FC_1", ".xml", False)
