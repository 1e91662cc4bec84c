"""Regex-driven lexer for Siemens SCL (TIA Portal, S7-1200/1500).

One compiled master regex splits the text; a small loop tracks line/column,
folds keywords (case-insensitive) into their own token kinds, and attaches
comments to the following significant token (``Token.pre``) so the parser can
keep them on declarations and statements.

Token kinds:

* ``IDENT``   bare word that is not a reserved word (``text`` as written)
* keyword     the upper-case keyword itself, e.g. ``IF``, ``END_VAR``, ``TRUE``
* ``QIDENT``  ``"quoted name"`` (``text`` keeps the quotes)
* ``LOCAL``   ``#name`` or ``#"quoted name"``
* ``INT``, ``REAL``, ``BASED`` (``16#FF``), ``TYPED`` (``INT#5``, ``B#16#FF``,
  ``WSTRING#'x'``), ``TIME`` (``T#1s``), ``DATETIME`` (``DT#..``, ``TOD#..``),
  ``STRING`` (``'text'``)
* ``POINTER`` an ANY pointer constant ``P#DB1.DBX0.0 BYTE 10``, ``P#M10.0``
* ``ADDR``    ``%I0.0``, ``%MW10``, ``%DB1.DBX0.0`` and slice selectors ``%X0``
* ``TITLE``   a whole ``TITLE = ...`` header line (``text`` is the value)
* ``TEXT``    free text after ``REGION`` / ``END_REGION`` up to the end of line
  (``REGION``/``END_REGION`` used as a name, ``x.Region := 1``, lex as ``IDENT``)
* operators   the operator itself: ``:=`` ``?=`` ``=>`` ``<=`` ``>=`` ``<>`` ``**`` ``..``
  ``+= -= *= /=`` and the single characters ``+ - * / = < > & ( ) [ ] , ; : . { } ^``
* ``COMMENT`` only in :func:`tokenize` output with ``keep_comments=True``
* ``EOF``
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import cancel
from .errors import SclSyntaxError

__all__ = [
    "DOC_COMMENT", "Token", "block_comment_end", "layout_tabs_as_blanks", "lexes_alike", "source_lines", "tokenize",
    "tokenize_source",
    "KEYWORDS",
]

KEYWORDS = frozenset(
    """
    FUNCTION_BLOCK END_FUNCTION_BLOCK FUNCTION END_FUNCTION ORGANIZATION_BLOCK
    END_ORGANIZATION_BLOCK DATA_BLOCK END_DATA_BLOCK TYPE END_TYPE
    VAR_INPUT VAR_OUTPUT VAR_IN_OUT VAR VAR_TEMP VAR_STAT END_VAR BEGIN
    STRUCT END_STRUCT ARRAY OF
    IF THEN ELSIF ELSE END_IF CASE END_CASE FOR TO BY DO END_FOR WHILE END_WHILE
    REPEAT UNTIL END_REPEAT EXIT CONTINUE RETURN GOTO REGION END_REGION
    AND OR XOR NOT MOD TRUE FALSE
    """.split()
)


def source_lines(text: str) -> list[str]:
    """The lines of an SCL text as :func:`tokenize` numbers them: line ``n`` of a token is ``source_lines(text)[n-1]``.

    A line ends at ``\n`` (the ``\r`` of a CRLF, which 31 corpus sources use, belongs to its end and is not
    kept). Nothing else ends a line: ``str.splitlines()`` also splits at ``\v \f \x1c \x1d \x1e \x85 \u2028
    \u2029`` and a lone ``\r``, which the lexer reads as blanks or as text of a comment or string on the same line;
    numbering lines so shifted every line after one of them, and a block's body taken by those numbers was lost."""
    if "\r" not in text:  # most sources: nothing to take off
        return text.split("\n")
    # "\r\n" -> "\n" takes one "\r" off each line that ends with one ("x\r\r\n" keeps "x\r"), in C
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[-1].endswith("\r"):  # the last line, which no "\n" ends
        lines[-1] = lines[-1][:-1]
    return lines


@dataclass(slots=True, eq=False)
class Token:
    """One significant token. ``pre`` holds the comment tokens just before it."""

    kind: str
    text: str
    line: int
    col: int
    pos: int
    pre: list[Token] | None = None

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.text!r}, {self.line}, {self.col})"


DOC_COMMENT = re.compile(r"\(/\*(?:[^*]|\*(?!/))*\*/\)")
"""A documentation comment (/* ... */), formatted text TIA shows in the editor: Siemens' LGF library
(LGF_Random_UDInt 3.0.1, "Insert documentation") and TIA V17 exports hold them. It ends at the first */, which
must be followed by ')': otherwise "(" opens an expression that starts with a /* */ comment."""

# Alternatives in order of frequency where they cannot overlap. Each match also swallows the blanks before the
# token (:data:`_MASTER`'s group 1). Each alternative starts with a character or a class of them, not a group, so
# that the regular expression engine rules it out by that first character without trying it: a letter that
# ``(?i:)`` would match in other cases too is written as its class (only "T" and "t" match ``(?i:T)``, "P" and "p"
# ``(?i:P)``).
_SPEC = [
    ("NL", r"\n"),
    ("TITLE", r"[Tt](?i:ITLE)\b[ \t]*=(?![>=])[^\n]*"),
    ("WORD", r"[^\W\d]\w*+(?!#)"),
    ("LOCAL", r'#(?:[^\W\d]\w*|"[^"\n]*")'),
    ("LCOMMENT", r"//[^\n\r]*"),
    ("BCOMMENT", r"\(\*[\s\S]*?\*\)"),
    ("CCOMMENT", r"/\*[\s\S]*?\*/"),
    ("DCOMMENT", DOC_COMMENT.pattern),
    ("UNCLOSED", r"\(\*|/\*"),
    ("OP", r":=|\?=|=>|<=|>=|<>|\*\*|\.\.|[-+*/]=|[-+*/=<>&()\[\],;:.{}^]"),
    ("QIDENT", r'"[^"\n]*"'),
    ("BASED", r"\d\d*#[0-9A-Fa-f_]+"),
    ("REAL", r"\d[\d_]*(?:\.\d[\d_]*(?:[eE][+-]?\d+)?|[eE][+-]?\d+)"),
    ("INT", r"\d[\d_]*"),
    ("STRING", r"'(?:[^'$\n]|\$.)*'"),
    # An ANY pointer constant, absolute: P#DB10.DBX10.0 INT 12 (S7-1200 system manual, "Variant" pointer data
    # type, absolute format "DB_number.Operand Type Length"); TIA V20 exports one written "P# I247.0 BYTE 20".
    ("POINTER", r"[Pp](?i:#[ \t]*(?:DB\d+\.DBX[ \t]*|DI\d+\.DIX[ \t]*|[IQEAMLVP][ \t]*)?\d+\.[0-7](?![\d.])"
                r"(?:[ \t]+[A-Z_]\w*[ \t]+\d+(?![\w.#]))?)"),
    ("TIME", r"(?i:(?:LTIME|TIME|LT|T|S5TIME|S5T)#[+-]?\d[\w.]*)"),
    (
        "DATETIME",
        r"(?i:(?:DATE_AND_TIME|DTL|LDT|DT|LTIME_OF_DAY|TIME_OF_DAY|LTOD|TOD|DATE|D)#\d[\d\-:.]*)",
    ),
    (
        "TYPED",
        r"(?i:[A-Z_][A-Z0-9_]*#(?:\d+#[0-9A-F_]+|[+-]?\d[\d_]*(?:\.\d[\d_]*)?(?:E[+-]?\d+)?"
        r"|TRUE\b|FALSE\b|'(?:[^'$\n]|\$.)*'))",
    ),
    # an absolute address or a slice selector; simatic_xml.absolute_addresses has the rules of an address
    ("ADDR", r"%(?:(?i:DB\d+\.DB[XBWDL]?)\d+(?:\.\d+)?|[A-Za-z]+\d+(?:\.\d+)?)"),
    ("BADCONST", r"[^\W\d]\w*#[^\s;,()\[\]]*"),
    ("BAD", r"[^ \t\r\f\v\ufeff\u00a0]"),
]
_KINDS = ["", ""] + [name for name, _ in _SPEC]  # by the number of the alternative's empty group (its lastindex)
_MASTER = re.compile(
    r"([ \t\r\f\v\ufeff\u00a0]*)(?:" + "|".join(f"(?:{rx})()" for _, rx in _SPEC) + r")|[ \t\r\f\v\ufeff\u00a0]+\Z"
)
"""The blanks before a token (group 1), then the first alternative of :data:`_SPEC` that matches, followed by an
empty group that names it: the match's ``lastindex`` (a group in front of each alternative would hide its first
character from the engine's check). A match that ends the text with blanks alone names none."""
_NL, _TITLE, _WORD, _LOCAL, _LC, _BC, _CC, _DC, _UNCLOSED, _OP = range(2, 12)
_BAD = len(_SPEC) + 1
_KW = {k: k for k in KEYWORDS}
_OPS: dict[str, str] = {}  # interned operator kinds


def tokenize(text: str, keep_comments: bool = False) -> list[Token]:
    """Split *text* into tokens; raise :class:`SclSyntaxError` on a bad character.

    With ``keep_comments`` the comment tokens are also placed inline in the
    returned list (kind ``COMMENT``); they are always attached to ``pre`` of the
    next significant token.

    One pass of :data:`_MASTER` over the text (``finditer``: the pattern matches at every position the scan reaches,
    blanks included, so each match starts where the last ended); the scan starts again only where a token is not
    what the pattern matched (a REGION's name, a nested comment).
    """
    return _lex(text, keep_comments)[0]


def tokenize_source(text: str) -> tuple[list[Token] | None, list[Token]]:
    """A whole source's tokens in one lexing: with its comments in place (``tokenize(text, keep_comments=True)``,
    whose slices serve the source's networks, :mod:`simatic_xml.scl.token_slices`; None when that lexing fails)
    and without them (``tokenize(text)``, what the parser reads; its error raised).

    The two differ only where a REGION or END_REGION follows a comment that follows a ``.``: the lexer asks whether
    the token before the word is a ``.`` (``x.Region``), and with comments kept that token is the comment. The
    source is then lexed again without them, so each list is exactly what its own lexing gives (or raises)."""
    try:
        tokens, comment_before_region = _lex(text, True)
    except SclSyntaxError:
        return None, tokenize(text)
    if comment_before_region:
        return tokens, tokenize(text)
    return tokens, [tok for tok in tokens if tok.kind != "COMMENT"]


def _lex(text: str, keep_comments: bool) -> tuple[list[Token], bool]:
    """:func:`tokenize`, and whether (with ``keep_comments``) a REGION or END_REGION word followed a comment that
    followed a ``.``, where lexing without comments may read the word otherwise (:func:`tokenize_source`)."""
    comment_before_region = False
    toks: list[Token] = []
    append = toks.append
    line = 1
    line_start = 0
    pending: list[Token] | None = None
    # this text's words: their kind (a keyword's or IDENT), upper-cased once; read by subscript, a word missing
    # once per text (a method call per word was a tenth of the lexer's calls)
    word_kinds: dict[str, str] = {}
    kw_get = _KW.get
    ops = _OPS
    kinds = _KINDS
    n = len(text)
    checkpoint = cancel.checkpoint
    until_checkpoint = 0
    matches: Iterator[re.Match[str]] | None = _MASTER.finditer(text)
    while matches is not None:
        scan, matches = matches, None
        for m in scan:
            if not until_checkpoint:  # at the start and every 1024 matches: a timed-out call stops here
                checkpoint()
                until_checkpoint = 1024
            until_checkpoint -= 1
            idx = m.lastindex
            if idx == _NL:
                line += 1
                line_start = m.end()
                continue
            if idx is None:  # trailing blanks
                break
            start = m.end(1)  # after the blanks
            pos = m.end()  # the token ends where the match does
            tok_text = text[start:pos]
            if idx == _WORD:
                try:
                    kind = word_kinds[tok_text]
                except KeyError:
                    kind = word_kinds[tok_text] = kw_get(tok_text.upper(), "IDENT")
                if kind == "REGION" or kind == "END_REGION":
                    if keep_comments and toks and toks[-1].kind == "COMMENT":
                        significant = next((tok for tok in reversed(toks) if tok.kind != "COMMENT"), None)
                        comment_before_region = comment_before_region or (
                            significant is not None and significant.kind == ".")
                    if not _region_header(kind, text, pos, toks):
                        kind = "IDENT"
                    else:
                        append(Token(kind, tok_text, line, start - line_start + 1, start, pending))
                        pending = None
                        end = text.find("\n", pos)
                        if end < 0:
                            end = n
                        raw = text[pos:end]
                        cpos = raw.find("//")
                        body = raw if cpos < 0 else raw[:cpos]
                        name = body.strip()
                        if name[:1] != ";":  # END_REGION ;
                            if name:
                                off = pos + len(body) - len(body.lstrip())
                                append(Token("TEXT", name, line, off - line_start + 1, off))
                            # the // comment is lexed normally: the scan goes on from it, or from the line's end
                            matches = _MASTER.finditer(text, pos + cpos if cpos >= 0 else end)
                            break
                        continue
            elif idx == _OP:
                try:
                    kind = ops[tok_text]
                except KeyError:
                    kind = ops.setdefault(tok_text, tok_text)
            elif idx == _LOCAL:
                kind = "LOCAL"
            elif _LC <= idx <= _DC:
                nested = (idx == _BC or idx == _CC) and tok_text[:2] in tok_text[2:]
                if nested:
                    tok_text = _nested_comment(text, start, line, start - line_start + 1)
                tok = Token("COMMENT", tok_text, line, start - line_start + 1, start)
                if pending is None:
                    pending = [tok]
                else:
                    pending.append(tok)
                if keep_comments:
                    append(tok)
                if idx != _LC:
                    nl = tok_text.count("\n")
                    if nl:
                        line += nl
                        line_start = start + tok_text.rfind("\n") + 1
                if nested:  # the nested comment ends after the match: the scan goes on from its end
                    matches = _MASTER.finditer(text, start + len(tok_text))
                    break
                continue
            elif idx == _TITLE:
                kind = "TITLE"
                tok_text = tok_text[tok_text.index("=") + 1 :].strip()
            elif idx == _UNCLOSED:
                raise SclSyntaxError(
                    f"comment {tok_text!r} is not closed", line, start - line_start + 1
                )
            elif idx == _BAD - 1:
                raise SclSyntaxError(f"invalid constant {tok_text!r}", line, start - line_start + 1)
            elif idx == _BAD:
                col = start - line_start + 1
                if tok_text == "'":
                    raise SclSyntaxError("string constant is not closed on this line", line, col)
                if tok_text == '"':
                    raise SclSyntaxError("quoted name is not closed on this line", line, col)
                if tok_text == "#":
                    raise SclSyntaxError("'#' must be followed by a local name", line, col)
                raise SclSyntaxError(f"unexpected character {tok_text!r}", line, col)
            else:
                kind = kinds[idx]
            append(Token(kind, tok_text, line, start - line_start + 1, start, pending))
            pending = None
    append(Token("EOF", "", line, n - line_start + 1, n, pending))
    return toks, comment_before_region


def lexes_alike(text: str, other: str) -> bool:
    """Whether ``other`` is ``text`` or ``text`` with tabs written as blanks where no token holds them: then the two
    have the same tokens at the same lines, columns and offsets, so the same statements (:func:`parse_statements
    <simatic_xml.scl.parser.parse_statements>`, what a network holds). Not the same parse of a whole source:
    a block's header values (``AUTHOR : Some<tab>One``) are sliced from the text, tabs and all.

    A tab and a blank are one character each and alike to the lexer between tokens (both blanks, also where it looks
    past a REGION or a TITLE's ``=``, and a REGION name or TITLE value is stripped of both); only inside a token's
    text (a comment, a string, a quoted name, a REGION name, a ``P#`` pointer) do they differ, so ``text`` is lexed
    to see that none holds a tab. TIA writes a tab of a network's text as a blank (``Blank``), so the text read back
    from a body generated from a source with tabs is ``other`` (:mod:`engineering_api.rules.compiler.project`)."""
    if text == other:
        return True
    if len(text) != len(other) or text.replace("\t", " ") != other:
        return False
    try:
        tokens = tokenize(text, keep_comments=True)
    except SclSyntaxError:
        return False
    return layout_tabs_as_blanks(text, tokens) == other


def layout_tabs_as_blanks(text: str, tokens: list[Token]) -> str:
    """``text`` with its tabs written as blanks if none of them is inside a token (TIA writes a network's layout
    tab as a ``Blank``), else ``text``; ``tokens`` are ``text``'s lexing with its comments kept
    (``tokenize(text, keep_comments=True)``, as a network's writer holds them). The rule :func:`lexes_alike` asks
    of a lexing: the answer lexes alike ``text``, so has its statements."""
    if "\t" not in text or any("\t" in tok.text for tok in tokens):
        return text
    return text.replace("\t", " ")


def _region_header(kind: str, text: str, pos: int, toks: list[Token]) -> bool:
    """REGION/END_REGION takes the rest of its line as free text unless the word is
    used as a name (``x.Region``, ``Region := 1``, ``Region : Int``)."""
    if toks and toks[-1].kind == ".":
        return False
    nxt = text[pos : pos + 40].lstrip(" \t")[:2]
    if kind == "END_REGION" and nxt[:1] == ";":
        return True
    return not nxt or nxt[0] not in ":.;,)=" or nxt == ".."


_NEST = {"(*": re.compile(r"\(\*|\*\)"), "/*": re.compile(r"/\*|\*/")}


def block_comment_end(text: str, pos: int) -> int:
    """End offset of the block comment opening at ``pos`` (``(*`` or ``/*``), or -1 if it is not closed.

    The one rule for where a block comment ends, for this lexer and every scanner that blanks comments
    (:mod:`simatic_xml.scl_blanking`). Comments nest: the shared corpus's ``nested-comment.scl`` (BjAlvestad) and
    fseenig's ``FC33_Auxiliary_Memories.scl`` hold ``(* (* … *) … *)`` and are marked ``accept``; a ``/*``
    inside ``/* … */`` opens a nested one the same way.
    """
    opener = text[pos : pos + 2]
    depth = 0
    for m in _NEST[opener].finditer(text, pos):
        if m.group() == opener:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


def _nested_comment(text: str, start: int, line: int, col: int) -> str:
    """The text of a nested ``(* (* *) *)`` comment starting at *start*."""
    end = block_comment_end(text, start)
    if end < 0:
        raise SclSyntaxError(f"comment {text[start : start + 2]!r} is not closed", line, col)
    return text[start:end]


def iter_with_comments(toks: list[Token]) -> Iterator[Token]:
    """Yield every token including the comments attached to ``pre``."""
    for t in toks:
        if t.pre:
            yield from t.pre
        if t.kind != "EOF":
            yield t
