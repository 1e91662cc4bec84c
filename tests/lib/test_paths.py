"""Tests for engineering_api.lib.paths: request paths stay inside the configured roots."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from engineering_api.lib.paths import PathNotFoundError, PathPolicy, PathRejectedError, component_problem


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"
    (workspace / "sub").mkdir(parents=True)
    (workspace / "sub" / "proj.ap19").write_text("x")
    return workspace


@pytest.fixture()
def policy(root: Path) -> PathPolicy:
    return PathPolicy(roots=(root,))


def rejected(policy: PathPolicy, user_path: str, *, extensions: Collection[str] | None = None,
             allow_directory: bool = True) -> PathRejectedError:
    with pytest.raises(PathRejectedError) as info:
        policy.resolve(user_path, extensions=extensions, allow_directory=allow_directory)
    assert info.value.path == user_path
    assert info.value.reason in str(info.value)
    return info.value


def test_relative_path_resolves_under_first_root(policy: PathPolicy, root: Path) -> None:
    assert policy.resolve("sub/proj.ap19") == (root / "sub" / "proj.ap19").resolve()
    assert policy.resolve("sub\\proj.ap19") == (root / "sub" / "proj.ap19").resolve()
    assert policy.resolve("./sub//new.ap19") == (root / "sub" / "new.ap19").resolve()
    assert policy.resolve(".") == root.resolve()


@pytest.mark.parametrize(
    "user_path",
    ["../x", "../../etc/passwd", "..\\..\\etc\\passwd", "sub/../../x", "sub\\..\\..\\x", "a/b/../../../x"],
)
def test_traversal_is_refused(policy: PathPolicy, user_path: str) -> None:
    assert "'..' is not allowed" in rejected(policy, user_path).reason


def test_dot_dot_is_refused_even_when_it_stays_inside(policy: PathPolicy) -> None:
    assert "'..' is not allowed" in rejected(policy, "sub/../sub/proj.ap19").reason


def test_absolute_posix_path_outside_is_refused(policy: PathPolicy, tmp_path: Path) -> None:
    assert "escapes" in rejected(policy, "/etc/passwd").reason
    assert "escapes" in rejected(policy, str(tmp_path / "elsewhere.ap19")).reason


def test_sibling_with_common_prefix_is_refused(policy: PathPolicy, root: Path) -> None:
    sibling = root.parent / (root.name + "-evil")
    sibling.mkdir()
    assert "escapes" in rejected(policy, str(sibling / "x")).reason


def test_absolute_path_inside_root_is_accepted(policy: PathPolicy, root: Path) -> None:
    target = (root / "sub" / "proj.ap19").resolve()
    assert policy.resolve(target.as_posix()) == target


@pytest.mark.parametrize(
    ("user_path", "reason"),
    [
        ("C:\\Windows\\win.ini", "absolute Windows drive"),
        ("c:/Windows/win.ini", "absolute Windows drive"),
        ("D:..\\x", "drive-relative"),
        ("D:x", "drive-relative"),
        ("\\\\attacker\\share\\x.ap17", "UNC paths are not allowed"),
        ("//attacker/share/x.ap17", "UNC paths are not allowed"),
        ("\\\\?\\C:\\x", "device and extended-length"),
        ("\\\\.\\PhysicalDrive0", "device and extended-length"),
        ("proj.ap17:evil", "alternate data streams are not allowed"),
        ("sub/proj.ap17::$DATA", "alternate data streams are not allowed"),
        ("CON", "'CON' is a reserved device name"),
        ("con.txt", "'CON' is a reserved device name"),
        ("dir/NUL", "'NUL' is a reserved device name"),
        ("LPT1.xml", "'LPT1' is a reserved device name"),
        ("sub\\com9.ap19", "'COM9' is a reserved device name"),
        ("CONOUT$", "'CONOUT$' is a reserved device name"),
        ("aux .log", "'AUX' is a reserved device name"),
        ("proj.", "ending in a dot or space"),
        ("proj ", "ending in a dot or space"),
        ("sub. /x", "ending in a dot or space"),
        (".../x", "ending in a dot or space"),
        ("proj\x00.ap19", "NUL characters are not allowed"),
        ("proj\n.ap19", "control characters are not allowed"),
        ("what?.ap19", "not allowed in file names"),
        ("", "path is empty"),
        ("   ", "path is empty"),
    ],
)
def test_unsafe_syntax_is_refused(policy: PathPolicy, user_path: str, reason: str) -> None:
    assert reason in rejected(policy, user_path).reason


def test_names_that_look_like_devices_are_fine(policy: PathPolicy, root: Path) -> None:
    assert policy.resolve("CONFIG.xml") == root.resolve() / "CONFIG.xml"
    assert policy.resolve("COM10") == root.resolve() / "COM10"
    assert policy.resolve("my con.txt") == root.resolve() / "my con.txt"


def test_overlong_path_is_refused(root: Path) -> None:
    policy = PathPolicy(roots=(root,), max_length=20)
    assert "longer than 20" in rejected(policy, "a" * 21).reason


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_pointing_outside_is_refused(policy: PathPolicy, root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.ap19").write_text("s")
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "filelink.ap19").symlink_to(outside / "secret.ap19")
    assert "escapes" in rejected(policy, "link/secret.ap19").reason
    assert "escapes" in rejected(policy, "filelink.ap19").reason


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_inside_root_is_followed(policy: PathPolicy, root: Path) -> None:
    (root / "alias").symlink_to(root / "sub", target_is_directory=True)
    assert policy.resolve("alias/proj.ap19") == (root / "sub" / "proj.ap19").resolve()


def test_extension_allow_list(policy: PathPolicy, root: Path) -> None:
    allowed = {".ap19", "ZAP19"}
    assert policy.resolve("sub/PROJ.AP19", extensions=allowed) == root.resolve() / "sub" / "PROJ.AP19"
    assert policy.resolve("x.zap19", extensions=allowed).name == "x.zap19"
    error = rejected(policy, "tool.exe", extensions=allowed)
    assert error.reason == "extension '.exe' is not allowed here (allowed: .ap19, .zap19)"
    assert "without an extension" in rejected(policy, "sub", extensions=allowed).reason


def test_must_exist(policy: PathPolicy, root: Path) -> None:
    assert policy.resolve("sub/proj.ap19", must_exist=True).is_file()
    with pytest.raises(PathNotFoundError) as info:
        policy.resolve("sub/missing.ap19", must_exist=True)
    assert info.value.reason == "path does not exist"
    assert isinstance(info.value, PathRejectedError)
    assert policy.resolve("sub/missing.ap19") == root.resolve() / "sub" / "missing.ap19"


def test_allow_directory(policy: PathPolicy) -> None:
    assert policy.resolve("sub").is_dir()
    assert "is a directory" in rejected(policy, "sub", allow_directory=False).reason


def test_two_roots(tmp_path: Path) -> None:
    first, second = tmp_path / "projects", tmp_path / "exports"
    first.mkdir()
    second.mkdir()
    policy = PathPolicy(roots=(first, second))
    assert policy.resolve("a.ap19") == first.resolve() / "a.ap19"
    inside_second = (second / "out" / "b.xml").as_posix()
    assert policy.resolve(inside_second) == second.resolve() / "out" / "b.xml"
    # Another root is reached by its absolute path; ".." is refused before resolution (issue 12).
    assert "'..' is not allowed" in rejected(policy, "../exports/b.xml").reason
    assert "escapes" in rejected(policy, (tmp_path / "other" / "c.xml").as_posix()).reason
    assert policy.relative(second.resolve() / "out" / "b.xml") == "out/b.xml"


def test_relative_display_form(policy: PathPolicy, root: Path, tmp_path: Path) -> None:
    assert policy.relative(policy.resolve("sub\\proj.ap19")) == "sub/proj.ap19"
    assert policy.relative(root) == "."
    with pytest.raises(PathRejectedError):
        policy.relative(tmp_path / "elsewhere")


def test_policy_construction(tmp_path: Path) -> None:
    policy = PathPolicy.for_data_dir(tmp_path)
    assert policy.roots == (tmp_path / "workspace",)
    as_a_list: Any = [tmp_path]  # a list on purpose, as an untyped caller may give: the policy must keep a tuple
    assert isinstance(PathPolicy(roots=as_a_list).roots, tuple)
    with pytest.raises(ValueError):
        PathPolicy(roots=())


def test_component_problem() -> None:
    assert component_problem("proj.ap19") is None
    assert component_problem("..") is None
    assert component_problem("a/b") is not None
    assert component_problem("nul.") is not None
    assert component_problem("x" * 256) is not None
