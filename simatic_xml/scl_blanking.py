"""SCL text with its block comments (and, on request, REGION names) blanked out, line and column numbers kept: for
the checks of generation that look for ``#operands`` in a network's text (:mod:`simatic_xml.generate.from_source`,
:mod:`simatic_xml.generate.source_check`). It reads text that may not lex, so it is no SCL reader: it only knows
where comments, strings and quoted names start and end.
"""

from __future__ import annotations

import re

from .scl.lexer import DOC_COMMENT as _DOC_COMMENT

__all__ = ("blank_block_comments", "block_comment_end")


def block_comment_end(text: str, pos: int) -> int:
    """End offset of the block comment opening at ``pos`` (``(*`` or ``/*``), or -1 if it is not closed.

    ``(* … *)`` comments nest in TIA's SCL: the shared corpus's ``nested-comment.scl`` (BjAlvestad) and
    fseenig's ``FC33_Auxiliary_Memories.scl`` hold ``(* (* … *) … *)`` and are marked ``accept``.
    ``/* … */`` ends at the first ``*/``.
    """
    if text.startswith("/*", pos):
        end = text.find("*/", pos + 2)
        return -1 if end < 0 else end + 2
    depth = 0
    i = pos
    n = len(text)
    while i < n:
        if text.startswith("(*", i):
            depth += 1
            i += 2
        elif text.startswith("*)", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return -1


_SKIP = re.compile(r"//[^\n]*|'(?:[^'$\n]|\$.)*'|\"[^\"\n]*\"|\(/\*|\(\*|/\*")


def blank_block_comments(text: str, *, regions: bool = False, doc_delimiters: bool = False) -> str:
    """``text`` with its block comments, documentation comments ``(/* */)`` whole (and, with ``regions``, the text after
    REGION and END_REGION) replaced by blanks, newlines kept, so line and column numbers stay; for checks that look for
    ``#operands`` in the text."""
    out: list[str] = []
    pos = 0
    i = 0
    while True:
        m = _SKIP.search(text, i)
        if m is None:
            break
        if m.group() == "(/*":
            doc = _DOC_COMMENT.match(text, m.start())
            if doc is None:  # "(" opening an expression that starts with a /* */ comment
                i = m.start() + 1
                continue
            out.append(text[pos:m.start()])
            blanked = re.sub(r"[^\n]", " ", doc.group())
            # doc_delimiters: a documentation comment stays one, empty (what a parser of it must see)
            out.append("(/*" + blanked[3:-3] + "*/)" if doc_delimiters else blanked)
            pos = i = doc.end()
        elif m.group() in ("(*", "/*"):
            end = block_comment_end(text, m.start())
            end = len(text) if end < 0 else end
            out.append(text[pos:m.start()])
            out.append(re.sub(r"[^\n]", " ", text[m.start():end]))
            pos = i = end
        else:
            i = m.end()
    out.append(text[pos:])
    result = "".join(out)
    if regions:
        result = re.sub(r"(?im)^(\s*(?:END_)?REGION\b)([^\n]*)", lambda m: m.group(1) + " " * len(m.group(2)),
                        result)
    return result
