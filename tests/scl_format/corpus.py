"""The shared SCL corpus by style (``SOURCES.tsv``), and badly laid-out copies of its sources.

A copy (:func:`mutate_layout`) changes only what a formatter may change: the declaration and start value lines
re-indented, blanks added around ``:``, ``:=`` and ``;`` and before a member's ``//`` comment, keywords in lower
case, elementary types in upper case, and the empty line between two VAR sections removed.
:func:`mutate_code` also re-indents the code and adds blanks around its ``:=``, which TIA keeps as typed, so
the formatter keeps them too: such a copy is compared with the original by its verdict and its SimaticML.
"""

from __future__ import annotations

import csv

from simatic_xml.scl.lexer import KEYWORDS, Token, tokenize
from tests.lib.shared_corpus import SHARED

__all__ = ("CORPUS", "by_style", "mutate_code", "mutate_layout")

CORPUS = SHARED / "corpus" / "scl"

_TYPES = {"BOOL", "BYTE", "WORD", "DWORD", "INT", "DINT", "UINT", "UDINT", "USINT", "SINT", "REAL", "LREAL",
          "TIME", "STRING", "WSTRING", "CHAR", "ARRAY", "OF", "STRUCT"}
_CODE_BLOCKS = {"FUNCTION_BLOCK": "END_FUNCTION_BLOCK", "FUNCTION": "END_FUNCTION",
                "ORGANIZATION_BLOCK": "END_ORGANIZATION_BLOCK", "DATA_BLOCK": "END_DATA_BLOCK"}
_SECTION_OPENERS = {"VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT", "VAR", "VAR_TEMP"}


def by_style(style: str) -> list[str]:
    """The corpus files (relative paths) whose ``style`` column is ``style``."""
    with (CORPUS / "SOURCES.tsv").open(newline="", encoding="utf-8") as handle:
        return [row["local_file"] for row in csv.DictReader(handle, delimiter="\t") if row["style"] == style]


def _code_lines(toks: list[Token]) -> set[int]:
    """Lines strictly between a code block's BEGIN and its closer (a data block's start values excluded)."""
    lines: set[int] = set()
    opener: str | None = None
    begin = 0
    for tok in toks:
        if opener is None and tok.kind in _CODE_BLOCKS:
            opener, begin = tok.kind, 0
        elif opener is not None and tok.kind == "BEGIN" and not begin:
            begin = tok.line
        elif opener is not None and tok.kind == _CODE_BLOCKS[opener]:
            if begin and opener != "DATA_BLOCK":
                lines.update(range(begin + 1, tok.line))
            opener = None
    return lines


def _name_use(sig: list[Token], index: int) -> bool:
    before = sig[index - 1].kind if index else ""
    after = sig[index + 1].kind if index + 1 < len(sig) else ""
    return before in (".", "#") or after in (":=", "=>", ":")


def _edits(text: str, code: set[int], *, layout: bool) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits of the text."""
    toks = tokenize(text, keep_comments=True)
    sig = [t for t in toks if t.kind not in ("COMMENT", "EOF")]
    edits: list[tuple[int, int, str]] = []
    in_attrs = False
    for index, tok in enumerate(sig):
        in_code = tok.line in code
        if tok.kind == "{":
            in_attrs = True
        elif tok.kind == "}":
            in_attrs = False
        if in_attrs:
            continue
        if tok.kind in KEYWORDS and tok.kind not in ("TRUE", "FALSE") and not _name_use(sig, index):
            if layout and tok.kind not in ("ARRAY", "OF", "STRUCT") or in_code:
                edits.append((tok.pos, tok.pos + len(tok.text), tok.text.lower()))
        elif layout and not in_code and tok.kind == "IDENT" and tok.text.upper() in _TYPES and index \
                and sig[index - 1].kind in (":", "OF"):
            edits.append((tok.pos, tok.pos + len(tok.text), tok.text.upper()))
        if (layout and not in_code and tok.kind in (":", ":=", ";")) or (not layout and in_code and tok.kind == ":="):
            edits.append((tok.pos, tok.pos, "  "))
    return edits


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _reindent(lines: list[str], wanted: set[int] | None, skip: set[int], prefix: str) -> list[str]:
    out = []
    for number, line in enumerate(lines, start=1):
        chosen = (number in wanted) if wanted is not None else (number not in skip)
        if chosen and line[:1] in (" ", "\t") and line.strip():
            line = prefix + line.lstrip(" \t")
        out.append(line)
    return out


def _single_line_items(text: str) -> set[int]:
    """Lines that hold a whole declaration, start value or section keyword (no comment over several lines,
    nothing continued from the line before)."""
    toks = tokenize(text, keep_comments=True)
    by_line: dict[int, list[Token]] = {}
    for tok in toks:
        by_line.setdefault(tok.line, []).append(tok)
    lines = set()
    previous_complete = True
    for number in sorted(by_line):
        line_toks = by_line[number]
        sig = [t for t in line_toks if t.kind not in ("COMMENT", "EOF")]
        spans = any(t.kind == "COMMENT" and "\n" in t.text for t in line_toks)
        complete = bool(sig) and sig[-1].kind in (";", "STRUCT", "END_VAR", *_SECTION_OPENERS, "CONSTANT", "RETAIN")
        if sig and previous_complete and complete and not spans:
            lines.add(number)
        if sig:
            previous_complete = sig[-1].kind in (";", "STRUCT", "END_VAR", "BEGIN", "}", *_SECTION_OPENERS) \
                or sig[-1].text.upper() in ("CONSTANT", "RETAIN", "DB_SPECIFIC", "NON_RETAIN")
    return lines


def mutate_layout(text: str) -> str:
    """A badly laid-out copy of ``text`` that differs only in what TIA's export layout fixes."""
    body = text.lstrip("\ufeff")
    bom = text[: len(text) - len(body)]
    newline = "\r\n" if "\r\n" in body else "\n"
    plain = body.replace("\r\n", "\n")
    code = _code_lines(tokenize(plain))
    items = _single_line_items(plain) - code
    plain = _apply(plain, _edits(plain, code, layout=True))
    lines = _reindent(plain.split("\n"), items, set(), "\t  ")
    out: list[str] = []
    for line in lines:  # no empty line between two sections
        if out and out[-1] == "" and len(out) > 1 and out[-2].strip().upper().startswith("END_VAR") \
                and line.strip().upper().split(" ")[0] in _SECTION_OPENERS:
            out.pop()
        out.append(line)
    return bom + newline.join(out)


def mutate_code(text: str) -> str:
    """``text`` with its code re-indented and blanks added around its ``:=`` (what TIA keeps as typed)."""
    body = text.lstrip("\ufeff")
    bom = text[: len(text) - len(body)]
    newline = "\r\n" if "\r\n" in body else "\n"
    plain = body.replace("\r\n", "\n")
    toks = tokenize(plain, keep_comments=True)
    inside_comments = {t.line + n for t in toks if t.kind == "COMMENT" for n in range(1, t.text.count("\n") + 1)}
    code = _code_lines(toks) - inside_comments
    plain = _apply(plain, _edits(plain, code, layout=False))
    return bom + newline.join(_reindent(plain.split("\n"), code, set(), "\t   "))
