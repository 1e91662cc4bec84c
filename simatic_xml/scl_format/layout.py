"""The line-by-line rewrite behind :func:`simatic_xml.scl_format.format_source`.

Each block is cut into its declaration part (opener to ``BEGIN``, or to ``END_TYPE``), its code (``BEGIN`` to
the closer) or, for a data block, its start values. Declaration and start value lines are rebuilt from their
tokens (:mod:`.lines`); code lines keep their text (:mod:`.code`). Text outside blocks is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simatic_xml.scl.lexer import Token

from .code import code_lines, keyword_case
from .lines import Profile, declaration_lines, start_value_lines

__all__ = ("numbered_block", "relayout")

_CLOSERS = {"FUNCTION_BLOCK": "END_FUNCTION_BLOCK", "FUNCTION": "END_FUNCTION",
            "ORGANIZATION_BLOCK": "END_ORGANIZATION_BLOCK", "DATA_BLOCK": "END_DATA_BLOCK", "TYPE": "END_TYPE"}
_NUMBERED = re.compile(r"(?i)^(FB|FC|OB|DB|UDT|SFB|SFC)\d+$")
_SECTION_WORDS = frozenset({"VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT", "VAR", "VAR_TEMP", "VAR_STAT", "STRUCT"})


def numbered_block(toks: list[Token]) -> Token | None:
    """The name token of a block named by its number (``FUNCTION_BLOCK FB105``), classic STEP 7 only."""
    for index, tok in enumerate(toks[:-1]):
        nxt = toks[index + 1]
        if tok.kind in _CLOSERS and nxt.kind == "IDENT" and _NUMBERED.match(nxt.text):
            return nxt
    return None


@dataclass(slots=True)
class _Block:
    opener: Token
    closer: Token | None
    begin: Token | None


def _blocks(sig: list[Token]) -> list[_Block]:
    blocks: list[_Block] = []
    index = 0
    while index < len(sig):
        tok = sig[index]
        closer_kind = _CLOSERS.get(tok.kind)
        if closer_kind is None or (index and sig[index - 1].kind in (".", ":")):
            index += 1
            continue
        begin = closer = None
        end = index + 1
        while end < len(sig) and sig[end].kind != closer_kind:
            if sig[end].kind == "BEGIN" and begin is None:
                begin = sig[end]
            end += 1
        if end < len(sig):
            closer = sig[end]
        blocks.append(_Block(tok, closer, begin))
        index = end + 1
    return blocks


def _profile(lines: list[str], first: int, last: int, version: str | None = None) -> Profile:
    """The layout of TIA ``version`` (``V13``: V13's, later ones the later); without one, TIA V13's when the first
    section of the block starts at column 0, else the later one."""
    if version is not None:
        return Profile.V13 if version.upper() == "V13" else Profile.CURRENT
    for number in range(first, last + 1):
        text = lines[number - 1]
        word = text.strip().split(" ", 1)[0].upper()
        if word in _SECTION_WORDS:
            return Profile.V13 if not text[:1].isspace() else Profile.CURRENT
    return Profile.CURRENT


def relayout(text: str, toks: list[Token], version: str | None = None) -> list[str]:
    """The lines of ``text`` (``\\n``-separated, no BOM) in TIA's layout (of TIA ``version``; None: as each
    block's own indentation says); ``toks`` from ``tokenize(text, keep_comments=True)``."""
    lines = text.split("\n")
    by_line: dict[int, list[Token]] = {}
    for tok in toks:
        if tok.kind != "EOF":
            by_line.setdefault(tok.line, []).append(tok)
    sig = [t for t in toks if t.kind not in ("COMMENT", "EOF")]
    out: list[str] = []
    done = 0  # lines of the input written so far
    for block in _blocks(sig):
        start = block.opener.line
        if start <= done or block.closer is None or any(t.kind != "COMMENT" and t is not block.opener
                                                       and t.pos < block.opener.pos for t in by_line[start]):
            continue  # a block sharing a line with the previous one, or not closed: kept as it is
        out.extend(lines[done:start - 1])
        close_line = block.closer.line
        decl_end = block.begin.line if block.begin is not None else close_line
        profile = _profile(lines, start, decl_end, version)
        if block.opener.kind == "TYPE" or block.begin is None:
            out.extend(declaration_lines(text, lines, by_line, (start, close_line), profile))
        else:
            out.extend(declaration_lines(text, lines, by_line, (start, decl_end), profile))
            if block.opener.kind == "DATA_BLOCK":
                out.extend(start_value_lines(text, lines, by_line, (decl_end + 1, close_line), profile))
            else:
                out.extend(code_lines(lines, by_line, decl_end + 1, close_line - 1))
                out.append(_closer_line(lines, by_line, close_line))
        done = close_line
    out.extend(lines[done:])
    return out


def _closer_line(lines: list[str], by_line: dict[int, list[Token]], number: int) -> str:
    """``END_FUNCTION_BLOCK`` and the like, alone at column 0; a line holding more keeps its text."""
    toks = by_line.get(number, [])
    if len(toks) == 1:
        return toks[0].text.upper()
    return keyword_case(lines[number - 1], toks)
