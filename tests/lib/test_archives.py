"""Tests for engineering_api.lib.archives: deterministic zips and zip-slip/zip-bomb-proof extraction."""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from engineering_api.lib.archives import ArchiveLimits, ArchiveRejectedError, create_zip, extract_zip


def make_project(root: Path) -> Path:
    project = root / "Project1"
    (project / "System").mkdir(parents=True)
    (project / "Logs").mkdir()  # empty directory must survive the round trip
    (project / "Project1.ap19").write_bytes(b"\x00\x01 project header" * 100)
    (project / "System" / "PEData.plf").write_bytes(os.urandom(200_000))
    (project / "System" / "notes ü.txt").write_text("umlaut name", encoding="utf-8")
    return project


def tree(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))
    }


def make_zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def assert_nothing_left(target: Path) -> None:
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")] == []


def test_round_trip_is_identical_and_deterministic(tmp_path: Path) -> None:
    project = make_project(tmp_path / "src")
    first, second = tmp_path / "a.zap19", tmp_path / "b.zap19"
    count = create_zip(project, first)
    (project / "Project1.ap19").touch()  # a newer mtime must not change the bytes
    assert create_zip(project, second) == count == 5
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    with zipfile.ZipFile(first) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    out = tmp_path / "out"
    extracted = extract_zip(first, out)
    assert tree(out) == tree(project)
    assert "System/PEData.plf" in extracted and "Logs/" in extracted
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_create_replaces_existing_target_atomically(tmp_path: Path) -> None:
    project = make_project(tmp_path / "src")
    target = tmp_path / "p.zap19"
    target.write_bytes(b"old")
    create_zip(project, target)
    assert zipfile.is_zipfile(target)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_create_refuses_symlinks_in_source(tmp_path: Path) -> None:
    project = make_project(tmp_path / "src")
    (project / "escape").symlink_to("/etc/passwd")
    target = tmp_path / "p.zap19"
    with pytest.raises(ArchiveRejectedError, match="symbolic link"):
        create_zip(project, target)
    assert_nothing_left(target)


def test_create_refuses_bad_source_and_target_inside_source(tmp_path: Path) -> None:
    project = make_project(tmp_path / "src")
    with pytest.raises(NotADirectoryError):
        create_zip(project / "Project1.ap19", tmp_path / "p.zap19")
    with pytest.raises(ValueError, match="inside"):
        create_zip(project, project / "System" / "self.zap19")


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "ok/../../evil.txt", "..\\evil.txt", "ok\\..\\..\\evil.txt", "/etc/evil.txt",
     "\\evil.txt", "C:/evil.txt", "c:evil.txt", "CON.txt", "x.ap19:stream", "dir /x"],
)
def test_unsafe_member_names_are_refused_before_writing(tmp_path: Path, name: str) -> None:
    archive = make_zip(tmp_path / "bad.zip", [("good.txt", b"fine"), (name, b"evil")])
    target = tmp_path / "dest" / "out"
    target.parent.mkdir()
    with pytest.raises(ArchiveRejectedError, match="member"):
        extract_zip(archive, target)
    assert_nothing_left(target)
    assert list(tmp_path.rglob("evil.txt")) == []


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(tmp_path / "link.zip", [(link, b"/etc/passwd")])
    with pytest.raises(ArchiveRejectedError, match="symbolic link"):
        extract_zip(archive, tmp_path / "out")
    assert_nothing_left(tmp_path / "out")


def test_duplicate_and_conflicting_members_are_refused(tmp_path: Path) -> None:
    dup = make_zip(tmp_path / "dup.zip", [("a.txt", b"1"), ("A.TXT", b"2")])
    with pytest.raises(ArchiveRejectedError, match="more than once"):
        extract_zip(dup, tmp_path / "out")
    clash = make_zip(tmp_path / "clash.zip", [("a", b"file"), ("a/b", b"nested")])
    with pytest.raises(ArchiveRejectedError, match="both a file and a directory"):
        extract_zip(clash, tmp_path / "out")
    assert_nothing_left(tmp_path / "out")


def test_too_many_members(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "many.zip", [(f"f{i}.txt", b"x") for i in range(11)])
    with pytest.raises(ArchiveRejectedError, match="11 members"):
        extract_zip(archive, tmp_path / "out", ArchiveLimits(max_members=10))
    assert extract_zip(archive, tmp_path / "ok", ArchiveLimits(max_members=11))[0] == "f0.txt"


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "bomb.zip", [("zeros.bin", bytes(50 * 1024 * 1024))])
    assert archive.stat().st_size < 100_000
    with pytest.raises(ArchiveRejectedError, match="compression ratio"):
        extract_zip(archive, tmp_path / "out")
    assert_nothing_left(tmp_path / "out")


def test_small_compressible_members_are_exempt_from_ratio(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "small.zip", [("blank.xml", b" " * 100_000)])
    assert extract_zip(archive, tmp_path / "out") == ["blank.xml"]


def test_total_and_member_limits(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "big.zip", [("a.bin", os.urandom(6000)), ("b.bin", os.urandom(6000))])
    with pytest.raises(ArchiveRejectedError, match="expands to 12000 bytes"):
        extract_zip(archive, tmp_path / "out", ArchiveLimits(max_total_bytes=10_000))
    with pytest.raises(ArchiveRejectedError, match="'a.bin' is 6000 bytes"):
        extract_zip(archive, tmp_path / "out", ArchiveLimits(max_member_bytes=5000))
    assert_nothing_left(tmp_path / "out")


def test_lying_size_header_does_not_bypass_limits(tmp_path: Path) -> None:
    payload = os.urandom(50_000)
    archive = make_zip(tmp_path / "liar.zip", [("a.bin", payload)])
    raw = bytearray(archive.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, 10)  # declared uncompressed size: 10 bytes
    archive.write_bytes(bytes(raw))
    with pytest.raises(ArchiveRejectedError):
        extract_zip(archive, tmp_path / "out", ArchiveLimits(max_total_bytes=1000))
    assert_nothing_left(tmp_path / "out")


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 40])
def test_corrupt_or_foreign_file(tmp_path: Path, content: bytes) -> None:
    archive = tmp_path / "broken.zap19"
    archive.write_bytes(content)
    with pytest.raises(ArchiveRejectedError, match="not a valid archive"):
        extract_zip(archive, tmp_path / "out")
    assert_nothing_left(tmp_path / "out")


def test_corrupt_member_data_is_cleaned_up(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "crc.zip", [("a.txt", b"hello"), ("b.bin", os.urandom(5000))])
    raw = bytearray(archive.read_bytes())
    second_local = raw.find(b"PK\x03\x04", 4)
    raw[second_local + 60] ^= 0xFF  # flip a byte inside b.bin's data
    archive.write_bytes(bytes(raw))
    with pytest.raises(ArchiveRejectedError, match="not a valid archive"):
        extract_zip(archive, tmp_path / "out")
    assert_nothing_left(tmp_path / "out")


def test_target_must_not_exist(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "ok.zip", [("a.txt", b"a")])
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    with pytest.raises(FileExistsError):
        extract_zip(archive, target)
    assert tree(target) == {"keep.txt": b"keep"}


def test_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        extract_zip(tmp_path / "missing.zap19", tmp_path / "out")


def test_a_top_folder_and_skipped_names_give_the_bytes_of_archiving_a_filtered_copy(tmp_path: Path) -> None:
    import shutil

    project = make_project(tmp_path / "src")
    (project / "System" / ".tmp-staged").write_bytes(b"half written")
    (project / "lock").write_text("pid")
    copy_root = tmp_path / "copy"
    shutil.copytree(project, copy_root / "Named", ignore=shutil.ignore_patterns("lock", ".tmp-*"))
    from_copy, direct = tmp_path / "copy.zap19", tmp_path / "direct.zap19"
    count = create_zip(copy_root, from_copy)
    assert create_zip(project, direct, top="Named",
                      skip=lambda name: name == "lock" or name.startswith(".tmp-")) == count == 6
    assert direct.read_bytes() == from_copy.read_bytes()


@pytest.mark.parametrize("parts", [("CON.txt",), ("sub", "deeper", "aux.xml"), ("sub", "a:b"), ("sub", "name. "),
                                   ("sub", "deeper", "tab\there"), ("sub", "a\\b")])
def test_a_name_extract_zip_would_refuse_is_refused_with_its_whole_member_name(tmp_path: Path, parts: tuple[str, ...]
                                                                               ) -> None:
    """Each name is judged once, as it is walked; the refusal names the member as extract_zip's would."""
    project = make_project(tmp_path / "p")
    bad = project.joinpath(*parts)
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"x")
    member = "/".join(("Top", *parts))
    with pytest.raises(ArchiveRejectedError) as refused:
        create_zip(project, tmp_path / "p.zap19", top="Top")
    assert str(refused.value).startswith(f"member {member!r}: "), refused.value
    assert_nothing_left(tmp_path / "p.zap19")


def _streamed_zip(source: Path, target: Path, top: str) -> None:
    """The archive create_zip documents, written the plain way: every file streamed through ``ZipFile.open``."""
    members = sorted([(f"{top}/", None)] + [
        (f"{top}/{p.relative_to(source).as_posix()}" + ("/" if p.is_dir() else ""), p if p.is_file() else None)
        for p in source.rglob("*")])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, path in members:
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            if path is None:
                info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
                zf.writestr(info, b"")
                continue
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = path.stat().st_size
            with path.open("rb") as src, zf.open(info, "w") as dst:
                dst.write(src.read())


@pytest.mark.parametrize("chunk", [1024, 1024 * 1024])
def test_a_file_read_whole_or_streamed_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int,
) -> None:
    """Files up to a chunk are read whole and written in one go, larger ones streamed: the archive is the same."""
    monkeypatch.setattr("engineering_api.lib.archives._CHUNK", chunk)
    project = make_project(tmp_path / "src")  # 200 kB of noise: streamed at the smaller chunk, whole at the larger
    (project / "empty.txt").write_bytes(b"")
    (project / "exact").write_bytes(b"x" * chunk)
    ours, plain = tmp_path / "ours.zap19", tmp_path / "plain.zap19"
    create_zip(project, ours, top="Project1")
    _streamed_zip(project, plain, "Project1")
    assert ours.read_bytes() == plain.read_bytes()
