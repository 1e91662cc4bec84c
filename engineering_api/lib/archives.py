"""Safe creation and extraction of zip archives (the fake backend's ``.zap16``–``.zap21`` files).

``zipfile.extractall`` silently rewrites dangerous member names and has no size limits, so
extraction here validates every member up front, writes members itself while counting the bytes
actually produced, and works in a temporary directory that is renamed into place only on success.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engineering_api.lib.durable_files import replaced_durably
from engineering_api.lib.file_walk import MAX_FOLDER_DEPTH, walk_tree
from engineering_api.lib.paths import component_problem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ("ArchiveLimits", "ArchiveRejectedError", "check_members", "create_zip", "extract_zip", "read_member")

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1024 * 1024
_GIB = 1024**3


class ArchiveRejectedError(ValueError):
    """The archive is invalid or unsafe to extract; the API answers 422."""


@dataclass(frozen=True)
class ArchiveLimits:
    """Limits enforced by :func:`extract_zip` against zip bombs and resource exhaustion."""

    max_members: int = 10_000
    """Most entries (files and directories) an archive may hold."""

    max_total_bytes: int = 2 * _GIB
    """Most uncompressed bytes in total, both as declared and as actually written."""

    max_ratio: float = 200
    """Highest uncompressed/compressed size ratio for one member."""

    max_member_bytes: int = _GIB
    """Most uncompressed bytes for one member, declared and actual."""

    ratio_min_bytes: int = 1024 * 1024
    """Members smaller than this are exempt from the ratio check (small repetitive files compress
    very well and cannot be bombs)."""

    max_depth: int = MAX_FOLDER_DEPTH
    """Most folders a member's name nests (``a/b/c.xml``: 2), as the folder walks take them: a deeper name made the
    extraction's folder creation recurse once per level (a ``RecursionError`` past ~1,000) and the check of its
    parent folders cost the square of its depth. :func:`create_zip` refuses to write what this refuses to read."""


def _member_path(name: str) -> tuple[str, ...]:
    """Validate a member name and split it into components; raise ArchiveRejectedError."""
    text = name.replace("\\", "/")
    if not text.strip("/"):
        raise ArchiveRejectedError(f"member {name!r} has an empty name")
    if text.startswith("/"):
        raise ArchiveRejectedError(f"member {name!r} has an absolute path")
    if len(text) >= 2 and text[1] == ":" and text[0].isalpha():
        raise ArchiveRejectedError(f"member {name!r} has a drive letter")
    parts = tuple(part for part in text.split("/") if part not in ("", "."))
    for part in parts:
        if part == "..":
            raise ArchiveRejectedError(f"member {name!r} points outside the archive ('..')")
        problem = component_problem(part)
        if problem is not None:
            raise ArchiveRejectedError(f"member {name!r}: {problem}")
    return parts


def _too_deep(name: str, limit: int) -> str:
    shown = name if len(name) <= 120 else f"{name[:60]}…{name[-40:]}"
    return f"member {shown!r} is nested more than {limit} folders deep"


def check_members(members: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    """Validate every member's name, kind and declared size against ``limits`` before anything is read.

    Shared by :func:`extract_zip` and the XLSX check (engineering_api/lib/xlsx_guard.py).

    Raises:
        ArchiveRejectedError: A member is unsafe, or the count, a size, a ratio or the total is over the limits.
    """
    if len(members) > limits.max_members:
        raise ArchiveRejectedError(f"archive has {len(members)} members (limit {limits.max_members})")
    total = 0
    files: set[tuple[str, ...]] = set()
    dirs: set[tuple[str, ...]] = set()
    for info in members:
        parts = _member_path(info.filename)
        nesting = len(parts) - (0 if info.is_dir() else 1)
        if nesting > limits.max_depth:
            raise ArchiveRejectedError(_too_deep(info.filename, limits.max_depth))
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveRejectedError(f"member {info.filename!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise ArchiveRejectedError(f"member {info.filename!r} is encrypted")
        key = tuple(part.casefold() for part in parts)
        dirs.update(key[:i] for i in range(1, len(key)))
        if info.is_dir():
            dirs.add(key)
            continue
        if key in files:
            raise ArchiveRejectedError(f"member {info.filename!r} appears more than once")
        files.add(key)
        if info.file_size > limits.max_member_bytes:
            raise ArchiveRejectedError(
                f"member {info.filename!r} is {info.file_size} bytes (limit {limits.max_member_bytes})"
            )
        total += info.file_size
        if info.file_size >= limits.ratio_min_bytes:
            ratio = info.file_size / info.compress_size if info.compress_size else float("inf")
            if ratio > limits.max_ratio:
                raise ArchiveRejectedError(
                    f"member {info.filename!r} has compression ratio {ratio:.0f} (limit {limits.max_ratio:g})"
                )
    if total > limits.max_total_bytes:
        raise ArchiveRejectedError(f"archive expands to {total} bytes (limit {limits.max_total_bytes})")
    clash = files & dirs
    if clash:
        raise ArchiveRejectedError(f"member {'/'.join(min(clash))!r} is both a file and a directory")


def create_zip(source_dir: Path, target_file: Path, *, top: str | None = None,
               skip: Callable[[str], bool] | None = None) -> int:
    """Write a deterministic zip of a directory tree.

    Members are sorted, timestamps fixed to 1980-01-01, modes normalised and compression fixed, so
    the same tree always gives the same bytes. The archive is written to a temporary file next to
    ``target_file`` and renamed over it atomically (an existing target is replaced).

    Args:
        source_dir: Directory to archive; its contents become the archive's top level.
        target_file: Archive to write; must not lie inside ``source_dir``.
        top: When given, the contents go into this one top-level folder instead (the same bytes as archiving a
            copy of ``source_dir`` named ``top``, without the copy).
        skip: Files and folders (by name, at any depth) left out, as ``shutil.ignore_patterns`` would.

    Returns:
        Number of members written (files and directories).

    Raises:
        NotADirectoryError: ``source_dir`` is not a directory (or is a symlink).
        ValueError: ``target_file`` lies inside ``source_dir``.
        ArchiveRejectedError: The tree holds symlinks, special files or names that
            :func:`extract_zip` would refuse.
    """
    source = Path(source_dir)
    if source.is_symlink() or not source.is_dir():
        raise NotADirectoryError(f"not a directory: {source}")
    target = Path(target_file)
    if target.parent.resolve().is_relative_to(source.resolve()):
        raise ValueError("the archive must not be written inside the directory being archived")

    prefix = f"{top}/" if top else ""
    # (member, file or None for a folder, its size)
    entries: list[tuple[str, str | None, int]] = [(prefix, None, 0)] if top else []
    if top:
        _member_path(top)
    for dirpath, dirnames, filenames in walk_tree(source):
        here = Path(dirpath)
        if skip is not None:
            dirnames[:] = [name for name in dirnames if not skip(name)]  # not walked either
            filenames = [name for name in filenames if not skip(name)]
        inside = here.relative_to(source).as_posix()
        folder = prefix if inside == "." else f"{prefix}{inside}/"
        if dirnames and folder.count("/") >= ArchiveLimits.max_depth:  # a folder in it would nest one more
            raise ArchiveRejectedError(_too_deep(folder + dirnames[0] + "/", ArchiveLimits.max_depth))
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            member = folder + name
            # The folders above were judged as they were walked (and ``top`` before): only the new name is, and
            # a name refused is refused as extract_zip would refuse the whole member name.
            problem = component_problem(name)
            if problem is not None:
                raise ArchiveRejectedError(f"member {member!r}: {problem}")
            found = os.lstat(path)
            mode = found.st_mode
            if stat.S_ISDIR(mode):
                entries.append((member + "/", None, 0))
            elif stat.S_ISREG(mode):
                entries.append((member, path, found.st_size))
            else:
                kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
                raise ArchiveRejectedError(f"{member!r} in the source is {kind}")
    entries.sort(key=lambda entry: entry[0])

    with replaced_durably(target, prefix=f".{target.name}.", suffix=".tmp") as raw:
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, file_path, size in entries:
                info = zipfile.ZipInfo(member, date_time=_FIXED_DATE)
                info.create_system = 3  # Unix, so external_attr means the same on every host
                if file_path is None:
                    info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
                    zf.writestr(info, b"")
                    continue
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED  # at zlib's default level
                if size <= _CHUNK:  # most project files: read whole and written in one go (the same bytes)
                    with open(file_path, "rb") as src:
                        zf.writestr(info, src.read())
                    continue
                info.file_size = size  # lets zipfile pick ZIP64 when needed
                with open(file_path, "rb") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, _CHUNK)
    return len(entries)


def extract_zip(archive: Path, target_dir: Path, limits: ArchiveLimits = ArchiveLimits()) -> list[str]:
    """Extract a zip into a new directory, refusing anything unsafe.

    Every member is validated before anything is written: no absolute names, drive letters,
    ``..`` components (with ``/`` or ``\\``), unsafe Windows names, symlinks, encrypted or
    duplicate members, and the count, declared sizes and compression ratios must be within
    ``limits``. Members are written into a temporary directory next to ``target_dir`` while the
    bytes actually produced are counted, then the directory is renamed to ``target_dir``. On any
    failure the temporary directory is removed, so nothing is left behind.

    Args:
        archive: The zip file.
        target_dir: Directory to create; its parent must exist and it must not exist itself.
        limits: Size and count limits.

    Returns:
        Names of the extracted members (normalised, ``/`` separators, directories ending in ``/``),
        in archive order.

    Raises:
        FileExistsError: ``target_dir`` already exists.
        FileNotFoundError: ``archive`` or the parent of ``target_dir`` does not exist.
        ArchiveRejectedError: The archive is corrupt, not a zip, or unsafe.
    """
    target = Path(target_dir)
    if target.exists() or target.is_symlink():
        raise FileExistsError(f"target already exists: {target.name}")
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            check_members(members, limits)
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
            try:
                names = _write_members(zf, members, tmp, limits)
                if target.exists() or target.is_symlink():
                    raise FileExistsError(f"target already exists: {target.name}")
                os.rename(tmp, target)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise ArchiveRejectedError(f"not a valid archive: {exc}") from None
    return names


def _write_members(
    zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], root: Path, limits: ArchiveLimits
) -> list[str]:
    """Write already-validated members below ``root``, enforcing the limits on actual bytes."""
    real_root = root.resolve()
    total = 0
    names: list[str] = []
    for info in members:
        parts = _member_path(info.filename)
        dest = root.joinpath(*parts)
        if not dest.resolve().is_relative_to(real_root):  # defence in depth; cannot happen
            raise ArchiveRejectedError(f"member {info.filename!r} points outside the archive")
        if info.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            names.append("/".join(parts) + "/")
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        with dest.open("xb") as out:
            for chunk in read_member(zf, info, limits):
                total += len(chunk)
                if total > limits.max_total_bytes:
                    raise ArchiveRejectedError(f"archive expands beyond {limits.max_total_bytes} bytes")
                out.write(chunk)
        names.append("/".join(parts))
    return names


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits) -> Iterator[bytes]:
    """Yield a member's uncompressed bytes in chunks of at most 1 MiB, counting what is actually produced.

    A zip's declared sizes can lie, so the bytes are counted as they come; the caller counts the total.

    Raises:
        ArchiveRejectedError: The member yields more than it declared or than ``limits.max_member_bytes``.
    """
    written = 0
    with zf.open(info) as src:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if written > min(info.file_size, limits.max_member_bytes):
                raise ArchiveRejectedError(f"member {info.filename!r} is larger than declared or allowed")
            yield chunk
