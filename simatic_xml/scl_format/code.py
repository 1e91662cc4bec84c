"""The code of a block (``BEGIN`` to its closer): TIA keeps the text as typed, so only keywords change.

TIA stores a block's text as the author typed it and its source export writes it back unchanged: the corpus
exports indent by 2 or 4 blanks or a tab, align continuation lines under a parenthesis, put comments at column 0
and keep ``true``/``True``/``FALSE`` as typed, so none of that is re-laid out here. Its editor writes keywords
in upper case (no export of the corpus has a lower-case one), and so does the formatter. TIA V14 and later put
one tab before each exported line (Amadeusz97/TIA_H4 ``Initialisation.scl``), TIA V13 none
(onnoeberhard/plc-seven-segment-display ``Main.scl``), and a block without VAR sections does not show which of
the two wrote it: the tab is neither added nor taken off (``scl build`` takes it off,
``from_scl.without_export_tab``).
"""

from __future__ import annotations

from simatic_xml.scl.lexer import KEYWORDS, Token

__all__ = ("code_lines", "keyword_case")

_KEEP_CASE = frozenset({"TRUE", "FALSE"})
"""TIA keeps Boolean literals as typed: the corpus exports hold ``true``, ``false``, ``True`` and ``False``."""
_NAME_AFTER = frozenset({".", "#"})
_NAME_BEFORE = frozenset({":=", "=>", ":"})


def _is_keyword(tok: Token, before: Token | None, after: Token | None) -> bool:
    """A keyword token that is used as a keyword, not as a member, parameter or label name (``#hdr.type``,
    ``"FB"(TO := 1)``)."""
    if tok.kind not in KEYWORDS or tok.kind in _KEEP_CASE:
        return False
    if before is not None and before.kind in _NAME_AFTER:
        return False
    return not (after is not None and after.kind in _NAME_BEFORE and tok.kind not in ("ELSE", "OF", "THEN", "DO"))


def keyword_case(line: str, toks: list[Token]) -> str:
    """``line`` with its keywords in upper case (same length, so nothing else moves)."""
    sig = [t for t in toks if t.kind != "COMMENT"]
    if not sig:
        return line
    start = sig[0].pos - sig[0].col + 1  # offset of the line in the text
    chars = list(line)
    for index, tok in enumerate(sig):
        before = sig[index - 1] if index else None
        after = sig[index + 1] if index + 1 < len(sig) else None
        if tok.text != tok.text.upper() and _is_keyword(tok, before, after):
            offset = tok.pos - start
            chars[offset:offset + len(tok.text)] = tok.text.upper()
    return "".join(chars)


def code_lines(lines: list[str], by_line: dict[int, list[Token]], first: int, last: int) -> list[str]:
    """Lines ``first``..``last`` (1-based, inclusive) of a block's code."""
    return [keyword_case(lines[n - 1], by_line.get(n, [])) for n in range(first, last + 1)]
