"""SCL text with its block comments (and, on request, REGION names, or also its line comments, strings and quoted names)
blanked out, line and column numbers kept: for the checks of generation that look for ``#operands`` in a network's
text (:mod:`simatic_xml.generate.from_source`, :mod:`simatic_xml.generate.source_check`,
:mod:`simatic_xml.generate.checks`). Where a block comment ends is the lexer's rule (``block_comment_end``). It reads
text that may not lex, so it is no SCL reader: it only knows where comments, strings and quoted names start and end.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .scl.lexer import DOC_COMMENT as _DOC_COMMENT
from .scl.lexer import block_comment_end

__all__ = ("LONGEST_KEPT", "blank_block_comments", "blank_comments_and_strings", "block_comment_end")

# Where something that is not code may start: a line comment, a string, a quoted name, a documentation comment,
# a block comment. The one scanner of comments outside the lexer; block comments end by the lexer's rule.
_SKIP = re.compile(r"//[^\n]*|'(?:[^'$\n]|\$.)*'|\"[^\"\n]*\"|\(/\*|\(\*|/\*")
_NOT_A_LINE_BREAK = re.compile(r"[^\n]")
_REGION_LINE = re.compile(r"(?im)^([^\S\n]*(?:END_)?REGION\b)([^\n]*)")
"""A REGION or END_REGION line: the word after the blanks that start the line, and the rest of the line (its name).
The blanks stop at the line's end: ``\\s*`` ran on over the next lines' blanks from every line start of a blanked
comment and back again, quadratic in a long one (the 30 % of the pipeline's import in its network checks that was
not parsing); the line after them starts a match of its own, so the same names are blanked."""


_SEEN = 32
"""Texts whose blanked form is kept. The blanking is a function of the text alone (and the flags), so a kept result
is only ever served for the same text: a source's network is blanked by the operand check of generation, the copy
the network checks read, the block size limit and the network checks themselves (issue 71: 483 scans for 139
networks of the pipeline's import)."""
LONGEST_KEPT = 100_000
"""The longest text whose blanked form is kept (a network's SCL rarely holds more than a few thousand characters):
a text up to the request limit (8 MB), refused for its size after it was blanked to count its statements, is not
kept after its request (32 of them held ~0.5 GB)."""


def blank_block_comments(text: str, *, regions: bool = False, doc_delimiters: bool = False) -> str:
    """``text`` with its block comments, documentation comments ``(/* */)`` whole (and, with ``regions``, the text after
    REGION and END_REGION) replaced by blanks, newlines kept, so line and column numbers stay; for checks that look for
    ``#operands`` in the text."""
    # A text without a documentation comment is blanked alike either way: one kept result serves both.
    return _blanked_comments(text, regions, doc_delimiters and "(/*" in text)


def _blanked_comments(text: str, regions: bool, doc_delimiters: bool) -> str:
    return (_blanked_comments_kept if len(text) <= LONGEST_KEPT else _blank_comments)(text, regions, doc_delimiters)


def _blank_comments(text: str, regions: bool, doc_delimiters: bool) -> str:
    if regions:  # the REGION lines of the text with its comments blanked (kept for the callers without regions)
        return _REGION_LINE.sub(lambda m: m.group(1) + " " * len(m.group(2)),
                                _blanked_comments(text, False, doc_delimiters))
    return _blank(text, strings=False, doc_delimiters=doc_delimiters)


_blanked_comments_kept = lru_cache(maxsize=_SEEN)(_blank_comments)


def blank_comments_and_strings(text: str) -> str:
    """``text`` with every comment (line, block, documentation), string and quoted name blanked, newlines kept; a
    quoted local (``#"name"``) stays, so what is left holds the ``#operands`` the text uses and nothing else's."""
    return _blank_all(text) if len(text) > LONGEST_KEPT else _blanked_all_kept(text)


def _blank_all(text: str) -> str:
    return _blank(text, strings=True, doc_delimiters=False)


_blanked_all_kept = lru_cache(maxsize=_SEEN)(_blank_all)


def _blank(text: str, *, strings: bool, doc_delimiters: bool) -> str:
    out: list[str] = []
    pos = 0
    i = 0
    while True:
        m = _SKIP.search(text, i)
        if m is None:
            break
        found = m.group()
        if found == "(/*":
            doc = _DOC_COMMENT.match(text, m.start())
            if doc is None:  # "(" opening an expression that starts with a /* */ comment
                i = m.start() + 1
                continue
            out.append(text[pos:m.start()])
            blanked = _NOT_A_LINE_BREAK.sub(" ", doc.group())
            # doc_delimiters: a documentation comment stays one, empty (what a parser of it must see)
            out.append("(/*" + blanked[3:-3] + "*/)" if doc_delimiters else blanked)
            pos = i = doc.end()
        elif found == "(*" or found == "/*":
            end = block_comment_end(text, m.start())
            end = len(text) if end < 0 else end
            out.append(text[pos:m.start()])
            out.append(_NOT_A_LINE_BREAK.sub(" ", text[m.start():end]))
            pos = i = end
        elif strings and not (found[0] == '"' and m.start() > 0 and text[m.start() - 1] == "#"):
            out.append(text[pos:m.start()])
            out.append(" " * len(found))  # a string, quoted name or line comment holds no line break
            pos = i = m.end()
        else:
            i = m.end()
    out.append(text[pos:])
    return "".join(out)
