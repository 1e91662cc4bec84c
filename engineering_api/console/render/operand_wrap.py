"""The lines an operand takes in a LAD/FBD cell, as TIA's editor writes them: broken only after a ``.``, before a
``[`` or at a blank, never leaving a quote alone, and shortened with an ellipsis when it is too long, so that no two
operands of one network read the same (every drawing of an operand goes through :func:`distinct_lines`).

A shortened operand keeps its whole text in the tooltip; that is the drawing's business, not this module's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ("CELL_CHARS", "ELLIPSIS", "MAX_LINES", "distinct_lines", "operand_lines")

CELL_CHARS = 18
"""Characters of operand text one LAD/FBD cell holds on a line: a contact or coil has one fixed width, as in
TIA's editor, whatever the length of its operand."""
MAX_LINES = 3
"""Lines a long operand may take above its element; the rest is cut (the whole name stays in the tooltip)."""
ELLIPSIS = "…"

_PIECE = re.compile(r"\[?[^.\[ ]*(?:\.| +)?")
"""Pieces of an operand ending where a line may break: after a dot or blanks, before an index."""
_WORD = re.compile(r"\w")


def _pieces(text: str) -> list[str]:
    """``text`` cut at its break points; a piece without a letter or digit (the closing quote of
    ``"Tank level ".x``, an index's ``]``) stays with the piece before it (or after it, at the start), so that no
    line is a lone quote."""
    pieces: list[str] = []
    carry = ""
    for piece in _PIECE.findall(text):
        if not piece:
            continue
        if _WORD.search(piece) is None:
            if pieces:
                pieces[-1] += piece
            else:
                carry += piece
            continue
        pieces.append(carry + piece)
        carry = ""
    if carry:
        pieces.append(carry)
    return pieces


def _wrapped(text: str, width: int) -> list[str]:
    """Whole pieces filled into lines of ``width`` characters; a piece longer than that is a line of its own."""
    lines: list[str] = []
    for piece in _pieces(text):
        if lines and len(lines[-1]) + len(piece.rstrip()) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines or [""]


def _ending(line: str, width: int) -> str:
    """``line`` cut off after it, marked: the ellipsis where the text goes on."""
    line = line.rstrip()
    return (line if len(line) < width else line[:width - 1]) + ELLIPSIS


def _starting(line: str, width: int) -> str:
    """``line`` as the first shown after cut text: its end, marked at the start."""
    line = line.rstrip()
    return ELLIPSIS + (line if len(line) < width else line[len(line) - width + 1:])


def _head(lines: list[str], width: int, most: int) -> list[str]:
    """The first lines up to ``most`` (or to one too long for the cell), cut off with an ellipsis when text was
    left over."""
    shown: list[str] = []
    for line in lines:
        if len(shown) == most:
            shown[-1] = _ending(shown[-1], width)
            break
        if len(line.rstrip()) > width:
            shown.append(_ending(line, width))
            break
        shown.append(line)
    return shown


def operand_lines(text: str, width: int = CELL_CHARS, most: int = MAX_LINES) -> list[str]:
    """``text`` over at most ``most`` lines of at most ``width`` characters, broken at its dots, indexes and blanks;
    when it does not fit (a name too long for the cell, or more lines than ``most``), its head, the last line ending
    with an ellipsis."""
    return _head(_wrapped(text, width), width, most)


def _middle(line: str, width: int) -> str:
    """A piece too long for the cell with its middle cut out: its start and its end (a number, a member) show."""
    if len(line.rstrip()) <= width:
        return line
    line = line.rstrip()
    start = (width - 1) // 2
    return line[:start] + ELLIPSIS + line[len(line) - (width - 1 - start):]


def _chunks(line: str, width: int) -> list[str]:
    """A piece too long for the cell over as many lines as it takes, each marked where it goes on."""
    out = []
    while len(line.rstrip()) > width:
        out.append(line[:width - 1] + ELLIPSIS)
        line = line[width - 1:]
    return [*out, line]


def _renderings(text: str, width: int, most: int) -> Iterator[list[str]]:
    """Ways to show ``text``, the preferred first: its head (:func:`operand_lines`); its first lines and its end
    (what tells members of one data block apart); every line, a name too long for the cell with its middle cut out;
    every line and every character, a name too long for the cell over several lines (so two texts always differ)."""
    lines = _wrapped(text, width)
    yield _head(lines, width, most)
    if len(lines) > most:
        for tail in range(1, most):
            end = lines[len(lines) - tail:]
            yield ([_middle(line, width) for line in lines[:most - tail]] + [_starting(end[0], width)]
                   + [_middle(line, width) for line in end[1:]])
    yield [_middle(line, width) for line in lines]
    yield [chunk for line in lines for chunk in _chunks(line, width)]


def distinct_lines(texts: Iterable[str], width: int = CELL_CHARS, most: int = MAX_LINES) -> dict[str, list[str]]:
    """The lines of each of the operands ``texts`` of one network: :func:`operand_lines`, except where that would
    read the same for two different operands; those are shown by their ends, or whole (so they differ)."""
    wanted = sorted(set(texts))
    shown = {text: operand_lines(text, width, most) for text in wanted}
    readers: dict[str, list[str]] = {}
    for text in wanted:
        readers.setdefault("".join(shown[text]), []).append(text)
    taken = {read for read, same in readers.items() if len(same) == 1}
    for same in (same for same in readers.values() if len(same) > 1):
        for text in same:
            options = list(_renderings(text, width, most))[1:]
            choice = next((lines for lines in options if "".join(lines) not in taken), options[-1])
            shown[text] = choice
            taken.add("".join(choice))
    return shown
