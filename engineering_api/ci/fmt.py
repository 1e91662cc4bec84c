"""``engineering-api scl fmt``: write SCL sources as TIA Portal writes them on export.

    engineering-api scl fmt [--check] [--diff] [--tia-version V] [--config FILE] PATHS...

PATHS are SCL sources (``.scl``, ``.db``, ``.udt``) or directories holding them (walked recursively). Each
file is rewritten in place with :func:`simatic_xml.scl_format.format_source` (atomically: a crash leaves the
old file or the new one, never half of one). ``--check`` writes nothing and exits 1 when a file would change,
naming it; ``--diff`` writes nothing and prints a unified diff of each change (with ``--check`` also exit 1).
The layout is the one of the project's TIA version (``--tia-version``, else the settings' ``tia-version``); without
either, each block's own indentation chooses TIA V13's or the later one.

A source the formatter leaves alone (classic STEP 7 SCL, text that does not parse) is named with the reason on
standard error and does not fail the run; nor does a binary file in a directory (a TIA project folder's SQLite
``.db``), which is skipped. A file that is not UTF-8 text, or cannot be read or written, is an error (exit 1) and
stays as it is: every TIA export of the corpus is UTF-8 with a BOM, and a file of another encoding (older TIA
versions wrote Windows-1252) is not rewritten.
Exit status: 0 done, 1 ``--check``/``--diff --check`` found a change or a file failed, 2 usage.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from simatic_xml.errors import VersionError
from simatic_xml.scl_format import format_source
from simatic_xml.versions import normalize_version

from . import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE
from engineering_api.lib.file_walk import read_regular
from engineering_api.lib.printable import printable
from engineering_api.rules.compiler.check import binary_source

from .config import ConfigError, load_config
from .paths import SCL_SUFFIXES, UsageError, collect

__all__ = ("add_arguments", "run")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``scl fmt``."""
    parser.add_argument("paths", nargs="+", metavar="PATHS",
                        help="SCL sources (.scl .db .udt) or directories (walked recursively)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming each file that would change")
    parser.add_argument("--diff", action="store_true",
                        help="write nothing; print a unified diff of each change")
    parser.add_argument("--tia-version", metavar="V", help="the layout of this TIA version (V13 … V21; default: the "
                        "settings' tia-version, else each block's own indentation decides)")
    parser.add_argument("--config", metavar="FILE", help="read the settings ([tool.engineering-api]) from FILE "
                        "(default: the nearest pyproject.toml or engineering-api.toml)")


@dataclass(slots=True)
class _Tally:
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    left_alone: int = 0
    failed: int = 0


def _note(message: str) -> None:
    print(printable(message), file=sys.stderr)  # it names a file: a name from outside


def _read(path: str, tally: _Tally) -> str | None:
    """The file's text, or None after saying why it is not formatted. A symbolic link is left alone: rewriting
    its target would write where the command was not pointed (a link in a repository may lead anywhere)."""
    if os.path.islink(path):
        _note(f"{path}: left alone: a symbolic link (format the file it points to where it is)")
        tally.left_alone += 1
        return None
    try:
        data = read_regular(path)
    except OSError as exc:
        _note(f"error: {path}: cannot be read: {exc.strerror or exc}")
        tally.failed += 1
        return None
    binary = binary_source(path, data)
    if binary is not None:
        _note(f"{path}: {binary.message}")
        tally.left_alone += 1
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _note(f"error: {path}: not UTF-8 (byte {exc.start}): not formatted, a source in another encoding is not "
              "rewritten")
        tally.failed += 1
        return None


def _write(path: str, text: str) -> None:
    """``text`` into ``path`` through a file beside it, so a crash never leaves half a source. ``path`` is no
    symbolic link (:func:`_read` leaves links alone); one put there since is replaced, never written through."""
    target = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".fmt", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
        os.chmod(temp, target.stat().st_mode & 0o7777)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _diff(path: str, old: str, new: str) -> str:
    shown = printable(path)  # a header line of the diff: a name's line feed would start a line of its own
    names = (shown, shown) if os.path.isabs(path) else (f"a/{shown}", f"b/{shown}")
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=names[0], tofile=names[1])
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _layout_version(wanted: str | None) -> str | None:
    """The TIA version whose layout is written: V13 (whose layout differs, though no import targets it any more) or
    a version the project may have.

    Raises:
        VersionError: an unknown version.
    """
    if not wanted:
        return None
    return "V13" if wanted.strip().upper().replace(" ", "") in ("V13", "V13SP1") else normalize_version(wanted)


def run(args: argparse.Namespace) -> int:
    """Format the sources; the exit status (0, 1 or 2)."""
    try:
        files = collect(args.paths, SCL_SUFFIXES)
        config = load_config(Path(args.config) if args.config else None)
        version = _layout_version(args.tia_version or config.tia_version)
    except (UsageError, ConfigError, VersionError) as exc:
        _note(f"error: {exc}")
        return EXIT_USAGE
    write = not (args.check or args.diff)
    tally = _Tally()
    for path in files:
        text = _read(path, tally)
        if text is None:
            continue
        result = format_source(text, version)
        if result.refused is not None:
            _note(f"{path}: left alone: {result.refused}")
            tally.left_alone += 1
            continue
        if not result.changed:
            tally.unchanged += 1
            continue
        tally.changed.append(path)
        if args.diff:
            sys.stdout.write(_diff(path, text, result.text))
        if args.check and not args.diff:
            print(printable(f"would reformat {path}"))
        if write:
            try:
                _write(path, result.text)
            except OSError as exc:
                _note(f"error: {path}: cannot be written: {exc.strerror or exc}")
                tally.failed += 1
                tally.changed.pop()
                continue
            print(printable(f"reformatted {path}"))
    verb = "reformatted" if write else "would be reformatted"
    _note(f"{len(tally.changed)} file(s) {verb}, {tally.unchanged} unchanged, {tally.left_alone} left alone"
          + (f", {tally.failed} failed" if tally.failed else ""))
    if tally.failed or (args.check and tally.changed):
        return EXIT_FINDINGS
    return EXIT_CLEAN
