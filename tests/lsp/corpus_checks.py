"""Checking corpus SCL with the language server: the corpus, severities and where a finding starts."""

from __future__ import annotations

import json
from pathlib import Path

from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.cli import main
from tests.lib.shared_corpus import SHARED

__all__ = ("CORPUS", "SEVERITY", "SOURCES", "editor_text", "expected_start", "scl_check", "utf16")

CORPUS = SHARED / "corpus" / "scl"

SEVERITY = {1: "Error", 2: "Warning", 3: "Info"}

SOURCES = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if CORPUS.is_dir() else []
"""Every SCL source of the corpus (none when it is not there)."""


def scl_check(path: Path, out: Path) -> list[dict[str, object]]:
    """``engineering-api scl check FILE --format json``, run as the command line runs it."""
    main(["scl", "check", str(path), "--format", "json", "--output", str(out)])
    found: list[dict[str, object]] = json.loads(out.read_text(encoding="utf-8"))["diagnostics"]
    return found


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def expected_start(lines: list[str], line: int, column: int, bom: bool) -> tuple[int, int]:
    """Where the LSP range must start: the checker's 1-based line and column, in UTF-16 units of the editor's
    text (which keeps a byte order mark the checker drops)."""
    if line == 0:
        return 0, len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    text = lines[line - 1].rstrip("\r")
    if column == 0:
        return line - 1, utf16(text[:len(text) - len(text.lstrip())])
    return line - 1, utf16(text[:column - 1 + (1 if bom and line == 1 else 0)])


def editor_text(path: Path) -> str:
    """The text an editor sends: UTF-8 with its byte order mark kept as a character, or Windows-1252 (TIA's
    exports of older versions) when the bytes are no UTF-8."""
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("cp1252", "replace")
    return ("\ufeff" if bom else "") + text
