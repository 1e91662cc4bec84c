"""Recursive-descent parser for Siemens SCL sources (blocks, headers, DB bodies).

Use :func:`parse` (text) or :func:`parse_file` (path). Errors are
:class:`SclSyntaxError` with line and column; sources that use classic STEP 7
SCL constructs raise :class:`ClassicSclNotSupportedError`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from . import ast as A
from .errors import ClassicSclNotSupportedError, SclSyntaxError
from .lexer import Token, tokenize, tokenize_source
from .parse_decl import SECTION_KINDS, DeclParser
from .parse_stmt import comment_texts
from .token_slices import network_tokens

__all__ = ["parse", "parse_file", "parse_network", "parse_source", "Parser", "read_source"]

_OPENERS = {
    "FUNCTION_BLOCK": "END_FUNCTION_BLOCK",
    "FUNCTION": "END_FUNCTION",
    "ORGANIZATION_BLOCK": "END_ORGANIZATION_BLOCK",
    "DATA_BLOCK": "END_DATA_BLOCK",
    "TYPE": "END_TYPE",
}
_HEADER_VALUED = frozenset(["AUTHOR", "FAMILY", "NAME", "VERSION"])
_HEADER_FLAGS = frozenset(["KNOW_HOW_PROTECT", "NON_RETAIN", "UNLINKED", "READ_ONLY", "RETAIN"])
_NUMBERED = re.compile(r"(?i)^(FB|FC|OB|DB|UDT|SFB|SFC)(\d+)$")
_CLASSIC_SECTIONS = frozenset(["CONST", "LABEL"])
_STRAY = {
    "END_IF": "IF", "ELSIF": "IF", "ELSE": "IF or CASE", "END_CASE": "CASE", "END_FOR": "FOR",
    "END_WHILE": "WHILE", "UNTIL": "REPEAT", "END_REPEAT": "REPEAT", "END_REGION": "REGION",
}


class Parser(DeclParser):
    def __init__(self, text: str, path: str | None = None, tokens: list[Token] | None = None) -> None:
        """``tokens``: the text's significant tokens when the caller has lexed it already (else it is lexed here)."""
        self.text = text
        self.path = path
        toks = tokenize(text) if tokens is None else list(tokens)
        toks += [toks[-1], toks[-1], toks[-1]]  # look-ahead never runs off the end
        self.toks = toks
        self.i = 0

    def parse_source(self) -> A.SourceFile:
        toks = self.toks
        blocks = []
        namespace: tuple[str, int] | None = None  # (name, line) while inside NAMESPACE ... END_NAMESPACE
        while True:
            tok = toks[self.i]
            if tok.kind == "EOF":
                break
            if tok.kind in _OPENERS:
                block = self.parse_block()
                block.namespace = namespace[0] if namespace else None
                blocks.append(block)
            elif tok.kind == ";":
                self.i += 1
            elif tok.kind == "IDENT" and tok.text.upper() == "NAMESPACE" and namespace is None:
                # A software unit's blocks, as TIA writes their sources (V18+): NAMESPACE nsX ... END_NAMESPACE.
                self.i += 1
                namespace = (self._namespace_name(), tok.line)
            elif tok.kind == "IDENT" and tok.text.upper() == "END_NAMESPACE" and namespace is not None:
                self.i += 1
                namespace = None
            else:
                raise self.error(
                    "expected FUNCTION_BLOCK, FUNCTION, ORGANIZATION_BLOCK, DATA_BLOCK or TYPE, "
                    f"found {self.describe(tok)}",
                    tok,
                )
        if namespace is not None:
            raise self.error(f"NAMESPACE {namespace[0]} of line {namespace[1]} is not closed by END_NAMESPACE",
                             toks[self.i])
        if not blocks:
            raise SclSyntaxError("the source contains no block", 1, 1)
        return A.SourceFile(1, 1, blocks, self.path, self.text.count("\n") + 1)

    def _namespace_name(self) -> str:
        """``Plant`` or ``Plant.Line1`` after NAMESPACE."""
        parts = []
        while True:
            tok = self.toks[self.i]
            if tok.kind not in ("IDENT", "QIDENT"):
                raise self.error(f"expected the namespace's name after NAMESPACE, found {self.describe(tok)}", tok)
            parts.append(tok.text[1:-1] if tok.kind == "QIDENT" else tok.text)
            self.i += 1
            if self.toks[self.i].kind != ".":
                return ".".join(parts)
            self.i += 1

    # ---------------------------------------------------------------- blocks
    def parse_block(self) -> A.Block:
        toks = self.toks
        tok = toks[self.i]
        kind = tok.kind
        closer = _OPENERS[kind]
        self.i += 1
        name_tok = toks[self.i]
        if name_tok.kind == "QIDENT":
            name, quoted = name_tok.text[1:-1], True
        elif name_tok.kind == "IDENT":
            name, quoted = name_tok.text, False
        else:
            raise self.error(f"expected the block name after {kind}, found {self.describe(name_tok)}", name_tok)
        self.i += 1
        block = A.Block(tok.line, tok.col, kind, name, quoted)
        if tok.pre:
            block.comments = comment_texts(tok)
        if not quoted:
            m = _NUMBERED.match(name)
            if m:
                block.number = int(m.group(2))
        if kind == "FUNCTION" and toks[self.i].kind == ":":
            self.i += 1
            block.return_type = self.parse_type()
        elif kind == "TYPE" and toks[self.i].kind == ":":
            self.i += 1  # IEC style TYPE "name" : STRUCT
        self.parse_header(block)
        if kind == "TYPE":
            self.parse_type_body(block, closer)
        elif kind == "DATA_BLOCK":
            self.parse_db_body(block, closer)
        else:
            self.parse_code_block(block, closer)
        end = toks[self.i]
        if end.kind != closer:
            raise self.error(
                f"expected {closer} to close {kind} \"{name}\" of line {tok.line}, found {self.describe(end)}",
                end,
            )
        block.end_line = end.line
        if end.pre:
            block.end_comments = comment_texts(end)
        self.i += 1
        self.accept(";")
        return block

    def parse_header(self, block: A.Block) -> None:
        toks = self.toks
        while True:
            tok = toks[self.i]
            kind = tok.kind
            if kind == "TITLE":
                block.title = _unquote(tok.text)
                self.i += 1
            elif kind == "{":
                block.attributes.extend(self.parse_attributes())
            elif kind == "IDENT":
                upper = tok.text.upper()
                nk = toks[self.i + 1].kind
                if upper in _HEADER_VALUED and nk == ":":
                    self.i += 2
                    value = self._header_value(tok)
                    if upper == "AUTHOR":
                        block.author = value
                    elif upper == "FAMILY":
                        block.family = value
                    elif upper == "NAME":
                        block.header_name = value
                    else:
                        block.version = value
                elif upper in _HEADER_FLAGS and nk != ":":
                    block.flags.append(upper)
                    self.i += 1
                else:
                    return
            else:
                return

    def _header_value(self, key: Token) -> str:
        """The value after ``AUTHOR :`` etc.: the rest of the line, unquoted."""
        toks = self.toks
        first = toks[self.i]
        if first.line != key.line or first.kind == "EOF":
            raise self.error(f"expected a value after {key.text.upper()} :", first)
        line = first.line
        j = self.i
        while toks[j].line == line and toks[j].kind != "EOF" and not toks[j].pre:
            j += 1
        last = toks[j - 1]
        self.i = j
        if first is last:
            return _unquote(first.text)
        return _unquote(self.text[first.pos : last.pos + len(last.text)])

    def _classic_section(self) -> None:
        tok = self.toks[self.i]
        if tok.kind == "IDENT" and tok.text.upper() in _CLASSIC_SECTIONS:
            word = tok.text.upper()
            hint = "declare constants in VAR CONSTANT" if word == "CONST" else "TIA declares no jump labels"
            raise ClassicSclNotSupportedError(
                f"{word} ... END_{word} section ({hint})", tok.line, tok.col
            )

    def parse_sections(self, block: A.Block) -> None:
        toks = self.toks
        while True:
            kind = toks[self.i].kind
            if kind in SECTION_KINDS:
                block.sections.append(self.parse_var_section())
            else:
                self._classic_section()
                return

    def parse_code_block(self, block: A.Block, closer: str) -> None:
        self.parse_sections(block)
        toks = self.toks
        tok = toks[self.i]
        if tok.kind == "BEGIN":
            self.i += 1
        elif tok.kind == "EOF":
            raise self.error(f"expected BEGIN or {closer}, found end of file", tok)
        # TIA also imports code that follows the declarations without BEGIN (ESS PLCFactory)
        block.body = self.parse_statements()
        tok = toks[self.i]
        opener = _STRAY.get(tok.kind)
        if opener:
            raise self.error(f"{tok.kind} without a matching {opener}", tok)

    def parse_type_body(self, block: A.Block, closer: str) -> None:
        toks = self.toks
        tok = toks[self.i]
        if tok.kind == closer:
            raise self.error("expected STRUCT or a data type in the TYPE", tok)
        block.type = self.parse_type()
        self.accept(";")

    def parse_db_body(self, block: A.Block, closer: str) -> None:
        toks = self.toks
        tok = toks[self.i]
        if tok.kind in ("QIDENT", "IDENT") and tok.kind != "BEGIN":
            block.type = self.parse_type()
            self.accept(";")
        elif tok.kind == "STRUCT":
            block.type = self.parse_type()
            self.accept(";")
        else:
            self.parse_sections(block)
        tok = toks[self.i]
        if tok.kind == "BEGIN":
            self.i += 1
            body = block.body
            while toks[self.i].kind != closer:
                t = toks[self.i]
                if t.kind == "EOF":
                    raise self.error(f"expected {closer}, found end of file", t)
                if t.kind == ";":
                    self.i += 1
                    continue
                stmt = self.parse_statement()
                if type(stmt) is not A.Assign and type(stmt) is not A.ExprStmt:
                    raise self.error("only start values (name := value;) are allowed after BEGIN in a DATA_BLOCK", t)
                body.append(stmt)
        elif tok.kind != closer:
            raise self.error(f"expected BEGIN or {closer}, found {self.describe(tok)}", tok)


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    return s


def read_source(path: str | os.PathLike[str]) -> str:
    """Read an SCL file: UTF-8 (BOM stripped), falling back to cp1252."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text


def parse(text: str, path: str | None = None) -> A.SourceFile:
    """Parse SCL source text into a :class:`SourceFile`."""
    return _parse(text, path, with_comments=False)[0]


def parse_source(text: str, path: str | None = None) -> tuple[A.SourceFile, list[Token] | None]:
    """:func:`parse`, and the tokens of the text it parsed (without a BOM) with its comments in place
    (``tokenize(text, keep_comments=True)``, None if that lexing fails), from the same lexing: what the source's
    networks are cut from (:mod:`simatic_xml.scl.token_slices`)."""
    return _parse(text, path, with_comments=True)


def _parse(text: str, path: str | None, *, with_comments: bool) -> tuple[A.SourceFile, list[Token] | None]:
    if text.startswith("\ufeff"):
        text = text[1:]
    tpl = text.find("{{")
    if tpl >= 0 and "}}" in text[tpl:]:
        line = text.count("\n", 0, tpl) + 1
        col = tpl - (text.rfind("\n", 0, tpl) + 1) + 1
        raise ClassicSclNotSupportedError(
            "the file is a code-generator template ('{{ ... }}' markers), not SCL source", line, col
        )
    if with_comments:
        tokens, significant = tokenize_source(text)
        p = Parser(text, path, tokens=significant)
    else:
        tokens, p = None, Parser(text, path)
    try:
        return p.parse_source(), tokens
    except ClassicSclNotSupportedError:
        raise
    except RecursionError:
        tok = p.toks[min(p.i, len(p.toks) - 1)]
        raise SclSyntaxError("the source is nested too deeply", tok.line, tok.col) from None
    except SclSyntaxError as err:
        if looks_classic(text, p.toks):
            raise ClassicSclNotSupportedError(err.message, err.line, err.col) from err
        raise


def parse_statements(text: str) -> list[A.Stmt]:
    """Parse the statement part of a code block (what a SimaticML SCL network holds).

    Raises:
        SclSyntaxError: with line and column relative to ``text``.
    """
    return _statements(Parser(text))


def parse_network(text: str) -> tuple[list[A.Stmt], list[Token]]:
    """:func:`parse_statements`, and the text's tokens with its comments in place (kind ``COMMENT``): what the
    StructuredText writer (:mod:`simatic_xml.scl_parse`) lays out, so a network is lexed once and has one verdict.

    Raises:
        SclSyntaxError: with line and column relative to ``text``.
    """
    tokens = network_tokens(text)  # cut from its source's, when it was generated from one
    if tokens is None:
        tokens = tokenize(text, keep_comments=True)
    return _statements(Parser(text, tokens=[t for t in tokens if t.kind != "COMMENT"])), tokens


def _statements(p: Parser) -> list[A.Stmt]:
    try:
        body = p.parse_statements()
    except RecursionError:
        tok = p.toks[min(p.i, len(p.toks) - 1)]
        raise SclSyntaxError("the statements are nested too deeply", tok.line, tok.col) from None
    tok = p.toks[p.i]
    if tok.kind != "EOF":
        opener = _STRAY.get(tok.kind)
        reason = f"{tok.kind} without a matching {opener}" if opener else f"unexpected {p.describe(tok)}"
        raise p.error(reason, tok)
    return body


def parse_expression(text: str) -> A.Expr:
    """Parse one SCL expression (e.g. an interlock condition).

    Raises:
        SclSyntaxError: with line and column relative to ``text``.
    """
    p = Parser(text)
    expr = p.parse_expr()
    tok = p.toks[p.i]
    if tok.kind != "EOF":
        raise p.error(f"unexpected {p.describe(tok)} after the expression", tok)
    return expr


def parse_file(path: str | os.PathLike[str]) -> A.SourceFile:
    return parse(read_source(path), str(path))


def looks_classic(text: str, toks: list[Token]) -> bool:
    """Heuristic: the source reads like classic STEP 7 SCL (numbered blocks, no '#' locals...)."""
    if any(t.kind == "LOCAL" for t in toks):
        return False
    for idx, t in enumerate(toks):
        kind = t.kind
        if kind in _OPENERS:
            nxt = toks[idx + 1]
            if nxt.kind == "IDENT" and _NUMBERED.match(nxt.text):
                return True
        elif kind == "IDENT" and t.text.upper() in ("KNOW_HOW_PROTECT", "END_CONST", "END_LABEL"):
            return True
        elif kind == "IDENT" and t.text.upper() == "VERSION" and toks[idx + 2].kind in ("STRING", "QIDENT"):
            return True
    return False
