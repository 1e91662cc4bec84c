"""Spelling a corpus source another way TIA reads alike keeps the checker's verdict on every one of them.

Line endings, a byte order mark, tabs for indentation, blank lines and trailing blanks, lower-case keywords (SCL's
keywords are case-insensitive) and end-of-line comments change no meaning; a checker whose findings moved with
them would judge unseen sources by their layout.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from engineering_api.rules.compiler.check import check_source
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "scl"

_KEYWORDS = ("IF", "THEN", "ELSIF", "ELSE", "END_IF", "FOR", "TO", "BY", "DO", "END_FOR", "WHILE", "END_WHILE",
             "REPEAT", "UNTIL", "END_REPEAT", "CASE", "OF", "END_CASE", "AND", "OR", "XOR", "NOT", "MOD", "RETURN",
             "EXIT", "CONTINUE", "BEGIN", "VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT", "VAR_TEMP", "VAR", "END_VAR",
             "CONSTANT", "END_REGION", "FUNCTION_BLOCK", "END_FUNCTION_BLOCK", "FUNCTION", "END_FUNCTION", "TRUE",
             "FALSE", "ARRAY", "STRUCT", "END_STRUCT")
_KEYWORD = re.compile(r"\b(" + "|".join(_KEYWORDS) + r")\b")


def _plain(line: str) -> bool:
    """A line without strings, quoted names, comments or attributes, where a word is a word."""
    return not any(c in line for c in "'\"/(*{")


def _lower_keywords(text: str) -> str:
    return "\n".join(_KEYWORD.sub(lambda m: m.group(1).lower(), line) if _plain(line) else line
                     for line in text.split("\n"))


def _end_of_line_comments(text: str) -> str:
    return "\n".join(line.rstrip("\r") + " // note" + ("\r" if line.endswith("\r") else "")
                     if line.rstrip("\r").endswith(";") and _plain(line) else line for line in text.split("\n"))


SPELLINGS: dict[str, Callable[[str], str]] = {
    "crlf": lambda t: t.replace("\r\n", "\n").replace("\n", "\r\n"),
    "lf": lambda t: t.replace("\r\n", "\n"),
    "no_bom": lambda t: t.lstrip("\ufeff"),
    "tabs": lambda t: re.sub(r"(?m)^(?: {4})+", lambda m: "\t" * (len(m.group(0)) // 4), t),
    "blank_lines": lambda t: re.sub(r";[ \t]*\r?\n", ";\n\n", t),
    "trailing_blanks": lambda t: re.sub(r"(\S)[ \t]*(\r?\n)", r"\1   \2", t),
    "lower_keywords": _lower_keywords,
    "end_of_line_comments": _end_of_line_comments,
}


def _sources() -> list[tuple[Path, str]]:
    table = CORPUS / "SOURCES.tsv"
    if not table.is_file():
        return []
    with table.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for row in rows:
        path = CORPUS / row["local_file"]
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig", errors="replace")
        out.append((path, ("\ufeff" if raw.startswith(b"\xef\xbb\xbf") else "") + text))
    return out


def _verdict(text: str, path: Path) -> set[tuple[str, str]]:
    return {(d.code or "SYNTAX", d.severity) for d in check_source(text, str(path)) if d.severity == "Error"}


@pytest.fixture(scope="module")
def sources() -> list[tuple[Path, str, set]]:
    found = _sources()
    if not found:
        pytest.skip(f"no SCL corpus at {CORPUS}")
    return [(path, text, _verdict(text, path)) for path, text in found]


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_an_equivalent_spelling_keeps_every_verdict(sources, spelling: str) -> None:
    changed = []
    for path, text, before in sources:
        spelled = SPELLINGS[spelling](text)
        after = before if spelled == text else _verdict(spelled, path)  # a source already spelled so: checked once
        if after != before:
            changed.append(f"{path.name}: {sorted(before)} -> {sorted(after)}")
    assert changed == []
    assert len(sources) > 150
