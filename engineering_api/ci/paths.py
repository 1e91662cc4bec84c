"""Expand the PATHS of a CI command: files as given, directories walked recursively, in a stable order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Sequence

from simatic_xml.diagnostics import Diagnostic

from engineering_api.rules.compiler.check import SCL_SUFFIXES

__all__ = (
    "SCL_SUFFIXES", "UNREAD_SUFFIXES", "XML_SUFFIXES", "UsageError", "collect",
    "unread_files",
)

# SCL_SUFFIXES, the sources read as SCL, is defined with the source rules (rules.compiler.check).
XML_SUFFIXES = frozenset({".xml"})
UNREAD_SUFFIXES = frozenset({".s7dcl", ".s7res"})
"""TIA Portal V20's text documents of blocks (declarations and their texts), as V20 repositories hold them
(westcowboy2019/V20@7a67532): program files the check commands do not read, so they say so instead of passing
a mostly unchecked program as clean."""

# Folders no TIA export lives in; walking them costs time and finds copies (a venv, git objects).
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__"})


class UsageError(Exception):
    """A path that does not exist or holds no file to check: the command exits 2."""


def collect(paths: Iterable[str], suffixes: Iterable[str]) -> list[str]:
    """Files to check: a named file is taken whatever its suffix; a directory gives, recursively, the files
    whose suffix (case-insensitive: ``MB_Poll.SCL``) is in ``suffixes``, sorted by path.

    Raises:
        UsageError: a path does not exist, or nothing to check was found.
    """
    wanted = {s.lower() for s in suffixes}
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(_walk(path, wanted))
            if not found:
                raise UsageError(f"{raw}: no {'/'.join(sorted(wanted))} file in this directory")
        elif path.is_file():
            found = [str(path)]
        else:
            raise UsageError(f"{raw}: no such file or directory")
        for f in found:
            if f not in seen:
                seen.add(f)
                out.append(f)
    if not out:
        raise UsageError("no file to check")
    return out


def unread_files(files: Sequence[str]) -> tuple[list[str], list[Diagnostic]]:
    """``files`` without the TIA program files the commands do not read (:data:`UNREAD_SUFFIXES`), and a Warning
    ``NOT_CHECKED`` for each one left out."""
    kept: list[str] = []
    unread: list[Diagnostic] = []
    for path in files:
        if os.path.splitext(path)[1].lower() not in UNREAD_SUFFIXES:
            kept.append(path)
            continue
        unread.append(Diagnostic("A TIA V20 text document (.s7dcl/.s7res): not read, so not checked. Export these "
                                 "blocks as SimaticML (.xml) or SCL sources to check them.", file=path,
                                 severity="Warning", code="NOT_CHECKED"))
    return kept, unread


def _walk(root: Path, wanted: set[str]) -> Iterable[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
        for name in filenames:
            if os.path.splitext(name)[1].lower() in wanted:
                yield os.path.join(dirpath, name)


def by_suffix(files: Sequence[str], suffixes: Iterable[str]) -> list[str]:
    wanted = {s.lower() for s in suffixes}
    return [f for f in files if os.path.splitext(f)[1].lower() in wanted]
