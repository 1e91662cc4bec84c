"""Confine file paths taken from requests to configured root directories.

The service runs on Linux (in-process TIA model) and on Windows (real TIA Portal), so every check
here is lexical for *both* Windows and POSIX syntax, whatever the host OS: backslashes are
separators, drive letters, UNC shares, device namespaces, alternate data streams and reserved
device names are refused everywhere, and so are empty paths, ``..`` and names beginning with a dot (the
service's temporary and staging files). Only after those checks is the path joined to a root, resolved
(symlinks and junctions followed) and tested for containment name by name (:func:`is_within`); paths inside a
private folder (the data directory: database, keys, staging) are refused even where a root contains it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISLNK

__all__ = (
    "PathNotFoundError", "PathPolicy", "PathRejectedError", "component_problem", "is_device_name", "is_within",
    "real_path", "safe_file_stem",
)

_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{kind}{digit}" for kind in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"}
)
"""Windows reserved device names; ``COM¹``-style superscript digits are reserved too."""

_FORBIDDEN_CHARS = frozenset('<>"|?*')
"""Characters Windows refuses in file names (``:`` and separators are handled separately)."""

_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_FILE_CHAR = re.compile(r"[^\w\-. ()]")
"""Anything but letters and digits (of any script), ``_``, ``-``, ``.``, space and parentheses."""
_MAX_COMPONENT = 255
_CONTROL_CHAR = re.compile("[\x00-\x1f\x7f]")
"""The C0 control characters and DEL: what a name or path may not hold."""
_SUSPECT_CHAR = re.compile('[\x00-\x1f\x7f/\\\\:<>"|?*]')
"""Any character :func:`component_problem` refuses in a name: control characters, separators, ``:`` and
:data:`_FORBIDDEN_CHARS` (tests/lib/test_paths_exact.py holds the two to the same characters)."""


class PathRejectedError(ValueError):
    """A path from a request is not acceptable; the API answers 422.

    Attributes:
        path: The path as the client sent it.
        reason: Plain-language explanation, suitable for the response body.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{reason}: {path!r}")
        self.path = path
        self.reason = reason


class PathNotFoundError(PathRejectedError):
    """The path is acceptable but nothing exists there (the caller may answer 404 instead of 422)."""


def component_problem(name: str) -> str | None:
    """Check one path component (no separators) for names that are unsafe on Windows or POSIX.

    ``.`` and ``..`` are not judged here; containment is checked after resolution.

    Args:
        name: A single file or directory name.

    Returns:
        A plain-language reason if the name must be refused, otherwise ``None``.
    """
    if not name:
        return "empty path components are not allowed"
    if _SUSPECT_CHAR.search(name) is not None:  # one scan in C; which rule it breaks is told apart only then
        if _CONTROL_CHAR.search(name) is not None:
            return "control characters are not allowed"
        if "/" in name or "\\" in name:
            return "path separators are not allowed inside a name"
        if ":" in name:
            return "alternate data streams are not allowed (':' in a name)"
        bad = sorted(_FORBIDDEN_CHARS.intersection(name))
        return f"characters {''.join(bad)!r} are not allowed in file names"
    if name in (".", ".."):
        return None
    if name[-1] in ". ":
        return f"names ending in a dot or space are not allowed ({name!r})"
    if len(name) > _MAX_COMPONENT:
        return f"a name is longer than {_MAX_COMPONENT} characters"
    if is_device_name(name):
        return f"{name.partition('.')[0].rstrip(' ').upper()!r} is a reserved device name"
    return None


def is_device_name(name: str) -> bool:
    """Whether Windows maps the file name to a device: ``CON``, ``con.txt``, ``CON .log``, ``COM1.xml`` ...

    Windows does so whatever the directory and extension, so a stem like ``NUL`` is unsafe with any suffix.
    """
    return name.partition(".")[0].rstrip(" ").upper() in _DEVICE_NAMES


def safe_file_stem(name: str, *, escape: bool = False) -> str:
    """Turn an object name (block, tag table, source...) into a file name stem safe on Windows and POSIX.

    Every character but letters and digits (of any script), ``_``, ``-``, ``.``, space and parentheses is
    replaced, so separators, ``:`` and the characters Windows refuses never reach the file system. A stem
    Windows would take for a device (``CON``, ``nul.a``, ``COM1``; an extension does not help, ``CON.xml`` is
    the console) gets ``_`` in front (``_CON``), or its first character escaped (``%43ON``). No extension is
    added and the length is not limited.

    Args:
        name: The object name; it may hold any character.
        escape: Replace a character with ``%`` and its code point in upper-case hex (at least two
            digits: ``/`` -> ``%2F``) instead of ``_``. Escaping can be undone, so distinct names stay
            distinct files; ``_`` reads better where a person picks the file.

    Returns:
        The stem.
    """
    def substitute(ch: str) -> str:
        return f"%{ord(ch):02X}" if escape else "_"

    stem = _UNSAFE_FILE_CHAR.sub(lambda m: substitute(m.group()), name)
    if is_device_name(stem):  # escaping the first character stays reversible; "_" in front reads better
        return substitute(stem[0]) + stem[1:] if escape else "_" + stem
    return stem


def real_path(path: Path) -> Path:
    """``path.resolve()``: the absolute path with every symbolic link (and junction) on it followed.

    The service resolves each request path, its root and the data directory on every call, and most of them
    hold no link at all. For an absolute POSIX path without ``..`` (one :meth:`Path.resolve` made, a configured
    root, a request path joined to a root) that exists, the kernel says where it leads: opened with ``O_PATH``
    (every link on it followed, nothing read), the name ``/proc/self/fd`` gives the opened object is its
    resolution, so a path that names itself there holds no link and is its own resolution (a path holding a link
    names something else: a link back to itself could not be opened). That is five system calls whatever the depth,
    where a -sync export resolved six paths one name at a time: ~28 ``lstat`` calls and as many ``stat_result``
    objects, ~7.5% of its served instructions (callgrind, 2026-11-27). A path that does not exist yet (an export's
    target) has its folder resolved that way and its last name looked at (``os.access``, which follows no link
    there: a dangling link is there, and nothing there raises no exception). Without ``/proc``, where the folder
    does not exist either, or where the last name is a link that leads nowhere, each name on the path is looked at
    once (:func:`_walk`). A path that holds a link, and every path on Windows, is ``path.resolve()``'s.

    Raises:
        OSError, RuntimeError: as ``path.resolve()`` (only where a link is followed: a loop).
    """
    parts = path.parts
    if os.name != "posix" or not parts or parts[0] != "/" or ".." in parts:
        return path.resolve()
    if _O_PATH is None:
        return _walk(path, parts)
    text = str(path)
    # os.access answers whether anything is there without an exception when nothing is (an OSError with its file
    # name costs ~4,000 instructions; an export's target is not there yet)
    if os.access(text, os.F_OK, effective_ids=True):  # every link on it followed
        seen = _opened_as(text)
        if seen is not None:
            return path if seen == text else path.resolve()
    folder = text.rpartition("/")[0] or "/"  # the path is absolute and normal: its folder, without a call more
    seen = _opened_as(folder) if folder != text else None
    if seen is None:  # nothing there either (or not to be looked at): name by name, as realpath does
        return _walk(path, parts)
    if seen != folder:
        return path.resolve()
    if os.access(text, os.F_OK, effective_ids=True, follow_symlinks=False):  # there, but not where it leads: a
        # dangling link (or one made since): name by name
        return _walk(path, parts)
    return path


_O_PATH: int | None = getattr(os, "O_PATH", None) if (
    os.path.isdir("/proc/self/fd") and os.access in os.supports_follow_symlinks
    and os.access in os.supports_effective_ids) else None
"""``O_PATH | O_CLOEXEC`` where the kernel has it, ``/proc`` names open files and ``os.access`` can look at a link
itself with the process's effective ids, as ``lstat`` looks (Linux), else None."""
if _O_PATH is not None:
    _O_PATH |= os.O_CLOEXEC


def _opened_as(text: str) -> str | None:
    """The path the kernel resolves ``text`` to (every link on it followed), or None when it cannot be opened (it
    does not exist, a link on it dangles or loops, a folder on it may not be searched) or named."""
    assert _O_PATH is not None  # only called where it is set
    try:
        handle = os.open(text, _O_PATH)
    except OSError:
        return None
    try:
        return os.readlink(f"/proc/self/fd/{handle}")
    except OSError:  # a name longer than the kernel names
        return None
    finally:
        os.close(handle)


def _walk(path: Path, parts: tuple[str, ...]) -> Path:
    """:func:`real_path` one name at a time: each name on ``path`` is looked at once (``lstat``) and, if none is a
    link, the path is its own resolution: :func:`os.path.realpath` would join the same names back together (a
    name that does not exist is kept as it is there too)."""
    prefix = ""
    for name in parts[1:]:
        prefix += "/" + name
        try:
            if S_ISLNK(os.lstat(prefix).st_mode):
                return path.resolve()
        except OSError:  # as realpath: a name that cannot be looked at is taken for no link
            continue
    return path


def is_within(path: Path, folder: Path) -> bool:
    """``path.is_relative_to(folder)``, for resolved paths: POSIX names compare as they are, so comparing the
    leading names is the whole test (Windows names compare case-insensitively: ``is_relative_to`` does that)."""
    if os.name != "posix":
        return path.is_relative_to(folder)
    names = folder.parts
    return path.parts[:len(names)] == names


def _reserved_problem(name: str) -> str | None:
    # Judged for request paths only: archive members may hold both (component_problem is shared with them).
    if name == "..":
        return "'..' is not allowed: a request path names its target from a root down"
    if name.startswith("."):
        return f"names beginning with a dot are reserved for the service's temporary and staging files ({name!r})"
    return None


def _normalise_extensions(extensions: Collection[str]) -> tuple[str, ...]:
    cleaned = {("." + ext.lstrip(".")).lower() for ext in extensions if ext.strip(".")}
    return tuple(sorted(cleaned))


@dataclass(frozen=True)
class PathPolicy:
    """Where request file paths may point, and how they are resolved."""

    roots: tuple[Path, ...]
    """Allowed root directories; relative request paths are taken relative to the first one."""

    max_length: int = 1024
    """Longest request path accepted, in characters."""

    private: tuple[Path, ...] = ()
    """Folders request paths never point into, even where a root contains them (the data directory with the
    database, the key file and staging folders); only a root that lies inside one of them stays usable."""

    def __post_init__(self) -> None:
        roots = tuple(Path(root) for root in self.roots)
        if not roots:
            raise ValueError("PathPolicy needs at least one root")
        object.__setattr__(self, "roots", roots)
        object.__setattr__(self, "private", tuple(Path(folder) for folder in self.private))

    @classmethod
    def for_data_dir(cls, data_dir: Path, roots: tuple[Path, ...] = ()) -> PathPolicy:
        """Return the service's policy: the file roots (default ``<data_dir>/workspace``), the data directory
        private.

        Args:
            data_dir: The service's data directory.
            roots: The configured file roots; empty for the default.

        Returns:
            The policy.
        """
        return cls(roots=roots or (Path(data_dir) / "workspace",), private=(Path(data_dir),))

    def resolve(
        self,
        user_path: str,
        *,
        extensions: Collection[str] | None = None,
        must_exist: bool = False,
        allow_directory: bool = True,
    ) -> Path:
        """Validate a path from a request and resolve it inside the allowed roots.

        Args:
            user_path: The path as sent by the client, in Windows or POSIX syntax.
            extensions: If given, the allowed file extensions (case-insensitive, with or without
                the leading dot), e.g. ``{".ap19", ".zap19"}``.
            must_exist: Refuse paths where nothing exists yet.
            allow_directory: If false, refuse paths naming an existing directory.

        Returns:
            The resolved absolute path, guaranteed to lie inside one of the roots.

        Raises:
            PathNotFoundError: ``must_exist`` is set and nothing exists at the path.
            PathRejectedError: The path is malformed, unsafe or outside the roots.
        """

        def reject(reason: str) -> PathRejectedError:
            return PathRejectedError(user_path, reason)

        if not isinstance(user_path, str):
            raise PathRejectedError(repr(user_path), "path must be a string")
        if not user_path.strip():
            raise reject("path is empty (send a path relative to a file root, or omit the field where it is optional)")
        if len(user_path) > self.max_length:
            raise reject(f"path is longer than {self.max_length} characters")
        if "\x00" in user_path:
            raise reject("NUL characters are not allowed")
        if _CONTROL_CHAR.search(user_path) is not None:
            raise reject("control characters are not allowed")

        text = user_path.replace("\\", "/")
        if text.startswith("//"):
            if text[2:4] in ("?/", "./"):
                raise reject("device and extended-length paths (\\\\?\\, \\\\.\\) are not allowed")
            raise reject("UNC paths are not allowed")
        if _DRIVE.match(text):
            if text[2:3] == "/":
                raise reject("absolute Windows drive paths are not allowed")
            raise reject("drive-relative Windows paths are not allowed")

        parts = [part for part in text.split("/") if part not in ("", ".")]
        for part in parts:
            problem = component_problem(part) or _reserved_problem(part)
            if problem is not None:
                raise reject(problem)

        base = Path("/") if text.startswith("/") else self.roots[0]
        try:
            resolved = real_path(base.joinpath(*parts))
        except (OSError, RuntimeError, ValueError) as exc:  # symlink loops, odd file systems
            raise reject(f"path cannot be resolved ({exc.__class__.__name__})") from None
        real_roots = [real_path(root) for root in self.roots]  # each resolved once for both checks
        if self._root_of(resolved, real_roots) is None:
            raise reject("path escapes the allowed roots")
        if self._is_private(resolved, real_roots):
            raise reject("path points into the service's data directory (database, keys, staging)")

        if extensions is not None:
            allowed = _normalise_extensions(extensions)
            suffix = resolved.suffix.lower()
            if suffix not in allowed:
                shown = f"extension {suffix!r}" if suffix else "a name without an extension"
                raise reject(f"{shown} is not allowed here (allowed: {', '.join(allowed)})")
        if must_exist and not resolved.exists():
            raise PathNotFoundError(user_path, "path does not exist")
        if not allow_directory and resolved.is_dir():
            raise reject("path is a directory, a file is expected here")
        return resolved

    def relative(self, path: Path) -> str:
        """Return the display form of a path: relative to its root, with ``/`` separators.

        Only paths under the first root round-trip through :meth:`resolve`; the form is meant for
        responses, so absolute server paths are not leaked.

        Args:
            path: A path inside one of the roots (normally a result of :meth:`resolve`).

        Returns:
            The root-relative path, ``"."`` for a root itself.

        Raises:
            PathRejectedError: The path is not inside any root.
        """
        resolved = real_path(Path(path))
        root = self._root_of(resolved)
        if root is None:
            raise PathRejectedError(str(path), "path escapes the allowed roots")
        return resolved.relative_to(root).as_posix() or "."

    def _is_private(self, resolved: Path, real_roots: list[Path]) -> bool:
        """Whether ``resolved`` lies in a private folder and in no root carved out of it (``real_roots``: the roots,
        resolved)."""
        for folder in self.private:
            private = real_path(folder)
            if not is_within(resolved, private):
                continue
            # A root below the private folder (the default <data-dir>/workspace) is the exception it carves out.
            carved_out = (root for root in real_roots if root != private and is_within(root, private))
            if not any(is_within(resolved, root) for root in carved_out):
                return True
        return False

    def _root_of(self, resolved: Path, real_roots: list[Path] | None = None) -> Path | None:
        """The root (resolved) ``resolved`` lies in, or None (``real_roots``: the roots resolved already)."""
        for real_root in real_roots if real_roots is not None else (real_path(root) for root in self.roots):
            if is_within(resolved, real_root):
                return real_root
        return None
