"""``walk_tree``: ``os.walk`` without recursion, and the walks of the service that use it at any depth."""

from __future__ import annotations

import json
import os
import random
import socket
import zipfile
from pathlib import Path

import pytest

from engineering_api.lib.archives import ArchiveRejectedError, create_zip, extract_zip
from engineering_api.lib.file_walk import MAX_FOLDER_DEPTH, remove_tree, walk_tree
from engineering_api.lib.staging import OWNER_SUFFIX, remove_stale_staging
from tests.deep_trees import DEEP_LEVELS, deep_chain

__all__ = ()


def _random_tree(root: Path, rng: random.Random) -> None:
    folders = [root]
    for i in range(rng.randrange(1, 40)):
        parent = rng.choice(folders)
        kind = rng.random()
        if kind < 0.4:
            folder = parent / f"d{i}"
            folder.mkdir()
            folders.append(folder)
        elif kind < 0.8:
            (parent / f"f{i}.xml").write_text(str(i))
        elif kind < 0.9:  # a linked folder: listed, never entered
            (parent / f"l{i}").symlink_to(rng.choice(folders), target_is_directory=True)
        else:
            (parent / f"x{i}").symlink_to(parent / "gone")  # dangling: a file name, as os.walk lists it


def _walked(walk, root: Path, prune: str | None = None) -> list[tuple[str, list[str], list[str]]]:
    found = []
    for top, folders, files in walk(root):
        if prune is not None:
            folders[:] = [name for name in folders if not name.endswith(prune)]
        found.append((top, sorted(folders), sorted(files)))
    return sorted(found)


def test_it_walks_as_os_walk_does_on_random_trees_with_links_and_pruning(tmp_path: Path) -> None:
    rng = random.Random(11)
    for n in range(60):
        root = tmp_path / f"t{n}"
        root.mkdir()
        _random_tree(root, rng)
        assert _walked(walk_tree, root) == _walked(os.walk, root)
        assert _walked(walk_tree, root, prune="1") == _walked(os.walk, root, prune="1")


def test_a_chain_deeper_than_the_recursion_limit_is_walked_to_its_bottom(tmp_path: Path) -> None:
    with deep_chain(tmp_path, DEEP_LEVELS, ("Deep.xml", b"<x/>")):
        found = [(top, files) for top, _, files in walk_tree(tmp_path) if files]
    assert found == [(os.path.join(tmp_path, *["d"] * DEEP_LEVELS), ["Deep.xml"])]


def test_a_project_folder_deeper_than_an_archive_may_nest_is_refused_in_one_line(tmp_path: Path) -> None:
    """Before: ``os.walk`` ended the archive in a RecursionError; an archive is never written that its own extraction
    would refuse."""
    source = tmp_path / "project"
    source.mkdir()
    with deep_chain(source, DEEP_LEVELS, ("Deep.xml", b"<x/>")), \
            pytest.raises(ArchiveRejectedError, match=f"nested more than {MAX_FOLDER_DEPTH} folders deep"):
        create_zip(source, tmp_path / "project.zip")
    assert not (tmp_path / "project.zip").exists()


def test_a_folder_as_deep_as_an_archive_may_nest_goes_there_and_back(tmp_path: Path) -> None:
    source = tmp_path / "project"
    source.mkdir()
    with deep_chain(source, MAX_FOLDER_DEPTH, ("Deep.xml", b"<x/>")):
        create_zip(source, tmp_path / "project.zip")
    names = extract_zip(tmp_path / "project.zip", tmp_path / "back")
    assert "/".join([*["d"] * MAX_FOLDER_DEPTH, "Deep.xml"]) in names


@pytest.mark.parametrize("member", ["/".join([*["d"] * DEEP_LEVELS, "Deep.xml"]), "d/" * DEEP_LEVELS])
def test_an_archive_member_nested_too_deep_is_refused_before_anything_is_written(tmp_path: Path, member: str) -> None:
    """Before: the extraction's ``mkdir(parents=True)`` recursed once per level (RecursionError), after a check of
    its parent folders that cost the square of its depth."""
    with zipfile.ZipFile(tmp_path / "deep.zip", "w") as archive:
        archive.writestr(member, b"<x/>" if not member.endswith("/") else b"")
    with pytest.raises(ArchiveRejectedError, match=f"nested more than {MAX_FOLDER_DEPTH} folders deep"):
        extract_zip(tmp_path / "deep.zip", tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_staging_sweep_walks_past_a_deep_tree(tmp_path: Path) -> None:
    """Before: ``os.walk`` ended every sweep of the roots in a RecursionError, so nothing stale was removed."""
    root = tmp_path / "staging"
    root.mkdir()
    (root / "kept").mkdir()
    with deep_chain(root / "kept", DEEP_LEVELS):
        assert remove_stale_staging([root]) == []


def test_the_staging_sweep_removes_a_stale_folder_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    """Before: ``shutil.rmtree`` (Python 3.11 recurses once per level) raised RecursionError out of the sweep, which
    runs at every start: a stale staging folder with a deep tree stopped the server from starting."""
    root = tmp_path / "staging"
    root.mkdir()
    name = ".retrieve-" + "0" * 32
    stale, mark = root / name, root / (name + OWNER_SUFFIX)
    stale.mkdir()
    mark.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "run": "an earlier run"}))
    fds = [os.open(stale, os.O_RDONLY | os.O_DIRECTORY)]
    for _ in range(DEEP_LEVELS):  # left for the sweep to remove: no cleanup of its own
        os.mkdir("d", dir_fd=fds[-1])
        fds.append(os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
        os.close(fds.pop(-2))
    os.symlink(str(tmp_path / "outside"), "link", dir_fd=fds[-1])  # removed, never followed
    os.close(fds.pop())
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "kept.xml").write_text("<kept/>")
    try:
        assert set(remove_stale_staging([root])) == {stale, mark}
    finally:
        if stale.exists():  # a failed run leaves no tree pytest's own removal cannot take (it recurses per level)
            remove_tree(stale)
    assert not stale.exists() and not mark.exists() and (tmp_path / "outside" / "kept.xml").is_file()


def test_remove_tree_removes_every_kind_of_entry_and_follows_no_link(tmp_path: Path) -> None:
    rng = random.Random(11)
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "f.xml").write_text("<kept/>")
    for n in range(20):
        top = tmp_path / f"t{n}"
        top.mkdir()
        _random_tree(top, rng)  # folders, files, links to folders of the tree, dangling links
        (top / "out").symlink_to(keep, target_is_directory=True)
        remove_tree(top)
        assert not os.path.lexists(top)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep"] and (keep / "f.xml").is_file()
