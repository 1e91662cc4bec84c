"""A network's tokens taken from its source's: one lexing of a source serves every network cut from it.

A block's statements, generated into an SCL network, are lines of its source (``from_scl.body_location``), each
perhaps without the tab TIA writes before it (``without_export_tab``) and the last without its trailing blanks. The
network's own lexing (:func:`~simatic_xml.scl.parser.parse_network`) gave the same tokens as the source's, shifted:
:func:`slice_tokens` makes them from the source's, its line numbers, columns and offsets rebased to the network's
text, and refuses (``None``, then the network is lexed anew) wherever it cannot show they are the same:

- each line of the network is the text of the source at its start, ending where the source's line ends (at
  ``\\n`` or ``\\r\\n``; the last line where only blanks are left of it), and what a line leaves out before its start
  is blanks to the lexer (the export's tab);
- no token crosses a line's start or end, nor the network's (a comment over lines is rebased as a whole and its
  text taken from the network);
- the token before the network is no ``.`` when the network starts with a REGION or END_REGION word (which the
  lexer reads as a name after ``.``); no ``TITLE`` (which runs to its line's end) is in it, and no TITLE or REGION
  header (which takes or skips the rest of its line) is on its first line before it.

Every place the lexer looks past a token sees the same class of character then: a blank or a line's end, where the
network's text ends. :func:`network_tokens` hands a network the tokens :func:`offer_network` offered for its exact
text, within :func:`source_scope` (one source's generation); nothing is kept after it.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from operator import attrgetter

from .lexer import Token

_POS = attrgetter("pos")
"""A token's offset: the key its list is ordered by."""

__all__ = ["network_tokens", "offer_network", "slice_tokens", "source_scope"]

_BLANK_CHARS = " \t\r\f\v\ufeff\u00a0"
"""What the lexer skips between tokens on a line (its master pattern's blanks)."""
_REGION_WORDS = frozenset(["REGION", "END_REGION"])
_TO_LINE_END = frozenset(["TITLE", "TEXT", "REGION", "END_REGION"])
"""Tokens whose lexing takes or skips the rest of their line (a TITLE's value, a REGION's name)."""


def slice_tokens(source: str, tokens: list[Token], text: str, starts: list[int],
                 first_line: int | None = None) -> list[Token] | None:
    """The tokens of ``tokenize(text, keep_comments=True)``, made from ``tokens`` (``tokenize(source,
    keep_comments=True)``) when line ``i`` of ``text`` is the source's text at ``starts[i]`` (``starts[0]`` on
    1-based line ``first_line`` of the source, counted when not given); None when the rules of the module docstring
    do not show them the same."""
    lines = text.split("\n")
    if len(lines) != len(starts) or not starts:
        return None
    first = starts[0]
    ends = _line_ends(source, lines, starts)
    if ends is None:
        return None
    last_end = ends[-1]
    if first_line is None:
        first_line = source.count("\n", 0, first) + 1
    lo = bisect_left(tokens, first, key=_POS)
    hi = bisect_left(tokens, last_end, lo, key=_POS)
    if lo:
        before = tokens[lo - 1]
        if before.kind in _TO_LINE_END:
            if before.line >= first_line:
                return None
        elif before.pos + len(before.text) > first:
            return None
        if lo < hi and before.kind == "." and tokens[lo].text.upper() in _REGION_WORDS:
            return None
    if lo < hi and tokens[hi - 1].pos + len(tokens[hi - 1].text) > last_end:  # the last runs past the cut
        return None
    # A token starts at no blank, so none starts in what a line leaves out, and one on a line before the last ends
    # before its line does, but for a comment over lines: its text is the network's from where it starts to where
    # it ends (on a line of the network: the last token ends in it, and a comment ends at no blank).
    shifts = [0] * len(lines)  # a token's offset in the source less its offset in ``text``, by line
    offset = 0
    for i, line in enumerate(lines):
        shifts[i] = starts[i] - offset
        offset += len(line) + 1
    contiguous = last_end - first == len(text)  # the source's own text: a comment's is the same
    out: list[Token] = []
    append = out.append
    pending: list[Token] | None = None
    for tok in tokens[lo:hi]:
        kind, tok_text, pos = tok.kind, tok.text, tok.pos
        i = tok.line - first_line
        if kind == "COMMENT":
            at = pos - shifts[i]
            if not contiguous and "\n" in tok_text:
                j = i + tok_text.count("\n")
                tok_text = text[at:pos + len(tok_text) - shifts[j]]
            comment = Token(kind, tok_text, i + 1, pos - starts[i] + 1, at)
            if pending is None:
                pending = [comment]
            else:
                pending.append(comment)
            append(comment)
            continue
        if kind == "TITLE":
            return None
        append(Token(kind, tok_text, i + 1, pos - starts[i] + 1, pos - shifts[i], pending))
        pending = None
    append(Token("EOF", "", len(lines), len(lines[-1]) + 1, len(text), pending))
    return out


def _line_ends(source: str, lines: list[str], starts: list[int]) -> list[int] | None:
    """Where each line of a network ends in the source, when each is the source's text at its start, ends where the
    source's line does (the last where only blanks are left of it), and leaves out only blanks before its start;
    else None."""
    ends: list[int] = []
    line_start = starts[0]
    last = len(lines) - 1
    for i, start in enumerate(starts):
        line = lines[i]
        if start < line_start or not source.startswith(line, start):
            return None
        if start != line_start and source[line_start:start].strip(_BLANK_CHARS):  # a line's left-out start
            return None
        end = start + len(line)
        ends.append(end)
        if i < last:
            if source.startswith("\n", end):
                line_start = end + 1
            elif source.startswith("\r\n", end):
                line_start = end + 2
            else:
                return None
        else:
            rest_end = source.find("\n", end)
            if rest_end < 0:
                rest_end = len(source)
            if rest_end > end and not source[end:rest_end].isspace():
                return None
    return ends


@dataclass(slots=True)
class _Source:
    """One source in generation: its text, its tokens with comments, and the networks offered from it."""

    text: str
    tokens: list[Token]
    line_starts: list[int] | None = None
    offered: dict[str, tuple[list[int], int]] = field(default_factory=dict)

    def starts_of_lines(self) -> list[int]:
        """The offset where each line starts (lines end at ``\\n``, as the lexer counts them), made once."""
        starts = self.line_starts
        if starts is None:
            starts = [0]
            text, at = self.text, self.text.find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = text.find("\n", at + 1)
            self.line_starts = starts
        return starts


_SCOPE: ContextVar[_Source | None] = ContextVar("scl_source_scope", default=None)


@contextmanager
def source_scope(text: str, tokens: list[Token]) -> Iterator[None]:
    """Within it, networks cut from ``text`` (whose ``tokenize(text, keep_comments=True)`` is ``tokens``) may be
    offered and taken; everything offered is dropped at its end."""
    reset = _SCOPE.set(_Source(text, tokens))
    try:
        yield
    finally:
        _SCOPE.reset(reset)


def offer_network(text: str, line: int, col: int, *, tab_taken: bool) -> None:
    """Offer the network ``text`` cut from the source in scope: its first line starts at 1-based ``line`` and
    ``col`` of the source, each further line at its line's start; with ``tab_taken``, a line the source starts with
    a tab starts after it. Outside a scope, nothing happens."""
    source = _SCOPE.get()
    if source is None or not text:
        return
    line_starts = source.starts_of_lines()
    count = text.count("\n") + 1
    if line + count - 1 > len(line_starts):
        return
    starts = line_starts[line - 1:line - 1 + count]
    starts[0] += col - 1
    if tab_taken:
        source_text = source.text
        starts = [start + 1 if source_text.startswith("\t", start) else start for start in starts]
    source.offered[text] = starts, line


def network_tokens(text: str) -> list[Token] | None:
    """The tokens of ``tokenize(text, keep_comments=True)`` from the source in scope, when ``text`` was offered and
    :func:`slice_tokens` shows them the same (handed over once); else None."""
    source = _SCOPE.get()
    if source is None:
        return None
    offered = source.offered.pop(text, None)
    if offered is None:
        return None
    starts, first_line = offered
    return slice_tokens(source.text, source.tokens, text, starts, first_line)
