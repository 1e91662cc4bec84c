"""The path checks' cheaper forms answer exactly as the plain ones they replace (engineering_api.lib.paths).

``component_problem`` scans a name once with a regular expression before it tells the broken rule apart, and
``real_path`` looks at each name on an absolute path once instead of ``Path.resolve``'s ``realpath``: both are held
here to a plain reference over every character and over generated names and file trees (links, loops, dangling
links, missing names, files in the middle of a path).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest

from engineering_api.lib import paths
from engineering_api.lib.paths import component_problem, is_device_name, is_within, real_path

_FORBIDDEN = '<>"|?*'


def _reference_problem(name: str) -> str | None:
    """The character-at-a-time form ``component_problem`` had before (its order of rules and its messages)."""
    if not name:
        return "empty path components are not allowed"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "control characters are not allowed"
    if "/" in name or "\\" in name:
        return "path separators are not allowed inside a name"
    if ":" in name:
        return "alternate data streams are not allowed (':' in a name)"
    bad = sorted(set(_FORBIDDEN).intersection(name))
    if bad:
        return f"characters {''.join(bad)!r} are not allowed in file names"
    if name in (".", ".."):
        return None
    if name[-1] in ". ":
        return f"names ending in a dot or space are not allowed ({name!r})"
    if len(name) > 255:
        return "a name is longer than 255 characters"
    if is_device_name(name):
        return f"{name.partition('.')[0].rstrip(' ').upper()!r} is a reserved device name"
    return None


def test_the_scans_find_exactly_the_characters_the_rules_refuse() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    control = {ch for ch in every if ord(ch) < 32 or ord(ch) == 127}
    suspect = control | set("/\\:") | set(_FORBIDDEN)
    assert set(paths._CONTROL_CHAR.findall(every)) == control
    assert set(paths._SUSPECT_CHAR.findall(every)) == suspect
    assert paths._FORBIDDEN_CHARS == frozenset(_FORBIDDEN)


def test_every_single_character_name_is_judged_as_before() -> None:
    for code in range(0x3000):  # every control, separator, forbidden and Latin/CJK-start character, cheaply
        name = chr(code)
        assert component_problem(name) == _reference_problem(name), repr(name)
        assert component_problem(f"a{name}b") == _reference_problem(f"a{name}b"), repr(name)


def test_generated_names_are_judged_as_before() -> None:
    generator = random.Random(71)
    alphabet = list('aZ09_-. ()\\/:<>"|?*\x00\x01\x1f\x7f\x80\u00e9\u00b9\u4e2d') + ["CON", "com1", "NUL", "LPT\u00b2"]
    for _ in range(20_000):
        name = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 8)))
        assert component_problem(name) == _reference_problem(name), repr(name)
    assert component_problem("x" * 256) == _reference_problem("x" * 256)


def _resolved(path: Path) -> tuple[str, object]:
    try:
        return "ok", path.resolve()
    except (OSError, RuntimeError) as exc:
        return "raised", type(exc)


def _real(path: Path) -> tuple[str, object]:
    try:
        return "ok", real_path(path)
    except (OSError, RuntimeError) as exc:
        return "raised", type(exc)


def _tree(top: Path) -> list[str]:
    """A file tree with links of every kind under ``top``; the names to build paths from."""
    (top / "dir" / "deep").mkdir(parents=True)
    (top / "other").mkdir()
    (top / "dir" / "file.xml").write_text("x")
    (top / "to_dir").symlink_to(top / "dir")
    (top / "to_dir_relative").symlink_to("dir")
    (top / "dir" / "to_file").symlink_to(top / "dir" / "file.xml")
    (top / "dir" / "up").symlink_to("..")
    (top / "dangling").symlink_to(top / "nowhere")
    (top / "loop_a").symlink_to(top / "loop_b")
    (top / "loop_b").symlink_to(top / "loop_a")
    (top / "other" / "to_other_dir").symlink_to(top / "dir" / "deep")
    (top / "self").symlink_to(top / "self")
    return ["dir", "deep", "file.xml", "to_dir", "to_dir_relative", "to_file", "up", "dangling", "loop_a", "self",
            "other", "to_other_dir", "missing", "..", ".", "new.xml"]


@pytest.mark.skipif(os.name != "posix", reason="the kernel's answer and the lstat walk serve POSIX paths; elsewhere "
                                               "it is Path.resolve")
@pytest.mark.parametrize("kernel", [True, False], ids=["kernel", "walk"])
def test_real_path_is_path_resolve_over_generated_trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        kernel: bool) -> None:
    """Both ways: the kernel's resolution of an opened path (Linux), and the walk where ``/proc`` is not there."""
    if kernel and paths._O_PATH is None:
        pytest.skip("no O_PATH and /proc/self/fd here")
    if not kernel:
        monkeypatch.setattr(paths, "_O_PATH", None)
    monkeypatch.chdir(tmp_path)  # the relative paths below start here
    top = tmp_path / "top"
    names = _tree(top)
    generator = random.Random(71)
    checked = 0
    for _ in range(1_500):
        tail = [generator.choice(names) for _ in range(generator.randint(0, 4))]
        for path in (top.joinpath(*tail), Path("top").joinpath(*tail)):
            checked += 1
            assert _real(path) == _resolved(path), path
    assert checked == 3_000
    assert real_path(top / "dir" / "deep") == top / "dir" / "deep"  # a path without links is its own resolution


@pytest.mark.skipif(os.name != "posix", reason="the lstat walk serves POSIX paths")
def test_real_path_asks_the_kernel_once_or_looks_at_each_name_once(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    target = tmp_path / "a" / "b" / "c.xml"
    seen: list[str] = []
    lstat = os.lstat

    def counted(path: str, *, dir_fd: int | None = None) -> os.stat_result:  # os.lstat's own arguments
        seen.append(path)
        return lstat(path, dir_fd=dir_fd)

    def real_paths(*paths_: Path) -> list[Path]:
        with monkeypatch.context() as patched:  # undone before pytest looks at files again
            patched.setattr(paths.os, "lstat", counted)
            patched.setattr(paths.os.path, "realpath", lambda *_a, **_k: pytest.fail("realpath called"))
            return [real_path(path) for path in paths_]

    if paths._O_PATH is not None:
        assert real_paths(target.parent, target) == [target.parent, target]
        assert seen == []  # the kernel says where an existing folder leads, and os.access that the file is not there
        seen.clear()
    monkeypatch.setattr(paths, "_O_PATH", None)  # no /proc: each name once
    assert real_paths(target) == [target]
    assert len(seen) == len(target.parts) - 1


def test_is_within_is_is_relative_to_for_resolved_paths() -> None:
    generator = random.Random(71)
    names = ["a", "ab", "A", "b", "a b", "a.", "\u00e9"]
    for _ in range(5_000):
        path, folder = (Path("/").joinpath(*(generator.choice(names) for _ in range(generator.randint(0, 4))))
                        for _ in range(2))
        assert is_within(path, folder) == path.is_relative_to(folder), (path, folder)
