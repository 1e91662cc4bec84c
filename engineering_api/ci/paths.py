"""Expand the PATHS of a CI command: files as given, directories walked recursively, in a stable order."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable, Sequence

from simatic_xml.diagnostics import Diagnostic

from engineering_api.lib.file_walk import refusal, walk_files
from engineering_api.lib.printable import printable
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

class UsageError(Exception):
    """A path that does not exist or holds no file to check: the command exits 2."""


def collect(paths: Iterable[str], suffixes: Iterable[str]) -> list[str]:
    """Files to check: a named file is taken whatever its suffix; a directory gives, recursively, the regular
    files whose suffix (case-insensitive: ``MB_Poll.SCL``) is in ``suffixes``, sorted by path. A link that leaves
    the directory, a FIFO, a device or an oversized file is left out with a note on stderr
    (:mod:`engineering_api.lib.file_walk`).

    Raises:
        UsageError: a path does not exist, is not a regular file or directory, or nothing to check was found.
    """
    wanted = {s.lower() for s in suffixes}
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            walked = walk_files(path, lambda name: os.path.splitext(name)[1].lower() in wanted)
            for skipped in walked.skipped:
                print(printable(f"note: {skipped.path}: not read: {skipped.reason}"), file=sys.stderr)
            found = walked.files
            if not found:
                raise UsageError(f"{raw}: no {'/'.join(sorted(wanted))} file in this directory")
        elif os.path.lexists(raw):
            refused = refusal(raw)
            if refused is not None:
                raise UsageError(f"{raw}: {refused}")
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


def by_suffix(files: Sequence[str], suffixes: Iterable[str]) -> list[str]:
    wanted = {s.lower() for s in suffixes}
    return [f for f in files if os.path.splitext(f)[1].lower() in wanted]
