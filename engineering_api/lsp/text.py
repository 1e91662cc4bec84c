"""Positions in an SCL text as the checker counts them, and as LSP counts them.

The lexer (:mod:`simatic_xml.scl.lexer`) counts lines by ``\\n`` alone and columns in characters from 1, after a
leading byte order mark is dropped (``utf-8-sig``, as the checker reads a file). LSP counts from 0, columns in
the code units the client and server agreed on (UTF-16 unless told otherwise). :class:`Text` converts both ways,
and finds the token a diagnostic points at, so its range covers that token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from lsprotocol import types

__all__ = ("TOKEN", "Text", "utf16_units")

TOKEN = re.compile(
    r'#?"[^"\n]*"'  # "Global", #"quoted local"
    r"|#?[^\W\d]\w*(?:#[\w.:+\-]*|'(?:[^'$\n]|\$.)*')?"  # #local, name, T#1s, WSTRING#'x'
    r"|%[\w.]+"  # %I0.0, %DB1.DBX0.0
    r"|\d[\w#.]*"  # 16#FF, 1.5, 10
    r"|'(?:[^'$\n]|\$.)*'?"  # 'text'
    r"|:=|\?=|=>|<=|>=|<>|\*\*|\.\.|[-+*/]=|\(\*|\*\)|/\*|\*/|//"
    r"|\S"
)
"""One token of SCL text as the lexer splits it (near enough to find where a diagnostic's token ends)."""

WORD = re.compile(r'#?"[^"\n]*"|#?[^\W\d]\w*')


def utf16_units(text: str) -> int:
    """LSP's default column unit: a character beyond the Basic Multilingual Plane counts twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class Text:
    """One document's text: ``lines`` split on ``\\n`` only (as the lexer counts); ``units`` measures a string in
    the client's column units."""

    source: str
    units: Callable[[str], int] = utf16_units

    def __post_init__(self) -> None:
        self.bom = self.source.startswith("\ufeff")

    @cached_property
    def lines(self) -> list[str]:
        """Split when first asked for: publishing a clean document's diagnostics reads no line (splitting costs
        milliseconds at 16,000 lines, on each keystroke)."""
        return self.source.split("\n")

    def line(self, index: int) -> str:
        """Line ``index`` (0-based), without its line end; "" past the end."""
        return self.lines[index].rstrip("\r") if 0 <= index < len(self.lines) else ""

    def position(self, line: int, char: int) -> types.Position:
        """The LSP position of character ``char`` (0-based) of line ``line`` (0-based)."""
        text = self.line(line)
        return types.Position(line=line, character=self.units(text[:max(0, min(char, len(text)))]))

    def char_at(self, position: types.Position) -> int:
        """The character index in its line of an LSP ``position``."""
        text, units = self.line(position.line), 0
        for index, ch in enumerate(text):
            if units >= position.character:
                return index
            units += self.units(ch)
        return len(text)

    def checker_range(self, line: int, column: int) -> types.Range:
        """The range of the token at the checker's ``line``/``column`` (1-based; column 0: the whole line;
        line 0: the first line, which stands for the whole file or block)."""
        index = max(line - 1, 0)
        text = self.line(index)
        if line <= 0 or column <= 0:
            start = len(text) - len(text.lstrip())
            return types.Range(start=self.position(index, start), end=self.position(index, len(text)))
        start = column - 1 + (1 if self.bom and index == 0 else 0)  # the checker read the text without its BOM
        match = TOKEN.match(text, start) if start < len(text) else None
        end = match.end() if match else start + 1
        return types.Range(start=self.position(index, start), end=self.position(index, end))

    def word_at(self, position: types.Position) -> tuple[str, int, int]:
        """The name under ``position`` (``#local``, ``"Global"``, ``name``) and its start and end characters;
        ("", c, c) when there is none."""
        text, char = self.line(position.line), self.char_at(position)
        for match in WORD.finditer(text):
            if match.start() <= char <= match.end() and (char < match.end() or match.end() > match.start()):
                if match.start() <= char < match.end() or char == match.end():
                    return match.group(), match.start(), match.end()
        return "", char, char
