"""A folder commit makes every staged file durable before its commit point, though it syncs them side by side."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import IO

import pytest

from fakes import project_commit
from fakes.project_commit import JOURNAL_NAME, FolderCommit


def test_every_staged_file_is_synced_before_the_journal_is_renamed(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    sync_file, sync_dir, replace = project_commit._fsync_file, project_commit._fsync_dir, os.replace

    def file_synced(path: Path) -> None:
        sync_file(path)
        with lock:
            events.append(("file", path.name))

    def dir_synced(path: Path) -> None:
        sync_dir(path)
        with lock:
            events.append(("dir", str(path)))

    def replaced(source: os.PathLike[str] | str, target: os.PathLike[str] | str) -> None:
        replace(source, target)
        with lock:
            events.append(("rename", Path(target).name))

    monkeypatch.setattr(project_commit, "_fsync_file", file_synced)
    monkeypatch.setattr(project_commit, "_fsync_dir", dir_synced)
    monkeypatch.setattr(project_commit.os, "replace", replaced)
    with FolderCommit(tmp_path) as commit:
        for index in range(40):
            commit.write(tmp_path / f"sub{index % 3}" / f"file{index}.xml", f"content {index}")
        staged = {s.name for s, _ in commit._renames}
        commit.commit()
    point = events.index(("rename", JOURNAL_NAME))
    before = events[:point]
    assert staged <= {name for kind, name in before if kind == "file"}, "a staged file was not synced in time"
    assert {str(tmp_path / f"sub{i}") for i in range(3)} <= {name for kind, name in before if kind == "dir"}
    assert sorted(p.name for p in tmp_path.rglob("*.xml")) == sorted(f"file{i}.xml" for i in range(40))
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(project_commit.STAGED_PREFIX)]


def test_a_failed_sync_commits_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "kept.xml").write_text("old")

    def fails(path: Path) -> None:
        if path.name.startswith(project_commit.STAGED_PREFIX):
            raise OSError(5, "I/O error")

    monkeypatch.setattr(project_commit, "_fsync_file", fails)
    with pytest.raises(OSError), FolderCommit(tmp_path) as commit:
        commit.write(tmp_path / "kept.xml", "new")
        commit.write(tmp_path / "added.xml", "new")
        commit.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.xml"]
    assert (tmp_path / "kept.xml").read_text() == "old"


def test_staged_files_are_made_as_mkstemp_makes_them_and_a_commit_leaves_no_journal(tmp_path: Path) -> None:
    """Private (0600) and exclusive, as ``tempfile.mkstemp`` made them before: the saved files keep that mode."""
    import tempfile

    fd, reference = tempfile.mkstemp(dir=tmp_path)
    os.close(fd)
    with FolderCommit(tmp_path / "project") as commit:
        for index in range(5):
            commit.write(tmp_path / "project" / "a" / "b" / f"file{index}.xml", f"content {index}")
        commit.commit()
    saved = sorted((tmp_path / "project").rglob("*.xml"))
    assert [p.read_text() for p in saved] == [f"content {i}" for i in range(5)]
    assert {p.stat().st_mode & 0o777 for p in saved} == {Path(reference).stat().st_mode & 0o777}
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["a"]  # no journal, no staged file
    with FolderCommit(tmp_path / "project") as commit:  # deletions only
        commit.delete(saved[0])
        commit.commit()
    assert sorted(p.name for p in (tmp_path / "project" / "a" / "b").iterdir()) == [p.name for p in saved[1:]]


@pytest.mark.parametrize("step", ["write", "delete"])
@pytest.mark.parametrize("escape", [("a", "..", "..", "outside"), ("..", "outside"), ("a", "..", "inside.xml")])
def test_a_path_that_is_not_plainly_below_the_root_is_refused_before_the_commit_point(
    tmp_path: Path, step: str, escape: tuple[str, ...],
) -> None:
    """The commit is applied from its own paths as a replay applies the journal: what the replay refuses (``..``,
    even one that stays inside) is refused before the journal is written, and nothing outside the root changes."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "kept.xml").write_text("old")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "other.xml").write_text("theirs")
    (root / "inside.xml").write_text("old")
    target = root.joinpath(*escape)
    with pytest.raises(ValueError, match="not a plain relative path"), FolderCommit(root) as commit:
        commit.write(root / "kept.xml", "new")
        if step == "write":
            commit.write(target / "file.xml" if escape[-1] == "outside" else target, "escaped")
        else:
            commit.delete(target)
        commit.commit()
    assert sorted(p.name for p in root.iterdir()) == ["inside.xml", "kept.xml"]  # no journal, no staged file
    assert (root / "kept.xml").read_text() == "old" and (root / "inside.xml").read_text() == "old"
    assert sorted(p.name for p in (tmp_path / "outside").iterdir()) == ["other.xml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside", "project"]


def _commit(root: Path, files: dict[str, bytes]) -> int:
    """Write ``files`` in one commit; how many were replaced (found not to hold their content): a staged file
    renamed over its target is another inode."""
    def inodes() -> dict[str, int | None]:
        return {name: (root / name).stat().st_ino if (root / name).exists() else None for name in files}

    before = inodes()
    with FolderCommit(root) as commit:
        for name, data in files.items():
            commit.write(root / name, data)
        commit.commit()
    after = inodes()
    return sum(before[name] != after[name] for name in files)


def test_an_unchanged_file_written_again_is_neither_read_nor_staged(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"obj{i}.xml": b"<Block %d/>" % i for i in range(50)}
    assert _commit(tmp_path, files) == 50
    reads: list[str] = []

    def counted(name: str, mode: str) -> IO[bytes]:
        reads.append(name)
        return open(name, mode)  # the caller closes it

    monkeypatch.setattr(project_commit, "open", counted, raising=False)  # the module's, before the builtin
    assert _commit(tmp_path, files) == 0
    assert reads == []  # the same objects, the files' stamps unmoved: known, not read
    assert _commit(tmp_path, {name: bytes(bytearray(data)) for name, data in files.items()}) == 0
    assert len(reads) == 50  # equal content as other objects: read and compared once, then known


def test_a_file_changed_behind_the_commit_is_read_and_written_again(tmp_path: Path) -> None:
    files = {"a.xml": b"<Block a/>", "b.xml": b"<Block b/>"}
    _commit(tmp_path, files)
    target = tmp_path / "a.xml"
    target.write_bytes(b"<Block x/>")  # another process: the same size, other bytes
    status = target.stat()
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns + 1))  # a clock too coarse would not move it
    assert _commit(tmp_path, files) == 1
    assert target.read_bytes() == b"<Block a/>"
    target.unlink()
    assert _commit(tmp_path, files) == 1 and target.read_bytes() == b"<Block a/>"
