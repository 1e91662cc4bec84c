"""Write an SCL source as TIA Portal writes it when it exports a block ("Generate source from blocks").

    from simatic_xml.scl_format import format_source
    result = format_source(text)      # FormatResult(text, changed, refused)

What TIA regenerates on export is written in its layout (learned from the TIA exports of the corpus,
``../shared/corpus/scl``): the block header (opener, ``TITLE``, ``AUTHOR``/``FAMILY``/``NAME``/``VERSION``,
``NON_RETAIN``), the VAR sections and their members (indentation, spacing around ``:`` and ``:=``, one
``;``, the member comment three blanks after it, type casing ``Int``/``Array[..] of``/``Struct``), the blank
lines after the sections and the start values of a data block. The code between ``BEGIN`` and the block's end
is the text TIA stores as the user typed it and exports unchanged: there the formatter writes keywords in upper
case (TIA's editor does; no TIA export of the corpus has a lower-case keyword) and changes nothing else, so
comments, pragmas, regions, strings and the author's own indentation stay as written (:mod:`.code`).

Two generations of TIA's layout occur in the exports: TIA V13 writes the sections at column 0 with members two
blanks deeper (onnoeberhard/plc-seven-segment-display, "TIA V13"); later versions write sections three blanks
deep and members three more. Given the project's TIA version (``scl fmt`` and the language server read the
repository's ``tia-version`` setting), the formatter writes that version's layout; without one, a block whose first
section starts at column 0 keeps the V13 layout and every other block gets the later one.

A source TIA cannot have written is left alone with the reason in ``refused``: classic STEP 7 SCL (numbered
blocks such as ``FUNCTION_BLOCK FB105``, ``CONST`` sections, ...) and text that does not parse. A line the
formatter does not recognise (a declaration over several lines, a comment between its parts) is kept as it is.
Line endings: the file's own (CRLF when it has any CRLF; a file mixing both is written with CRLF only); a UTF-8
BOM is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from simatic_xml.scl import ast as A
from simatic_xml.scl.errors import ClassicSclNotSupportedError, SclSyntaxError
from simatic_xml.scl.lexer import Token, tokenize
from simatic_xml.scl.parser import looks_classic, parse

from .layout import numbered_block, relayout

__all__ = ("FormatResult", "bare_local", "format_source")


@dataclass(frozen=True, slots=True)
class FormatResult:
    """The formatted ``text`` (the input itself when ``refused``), whether it differs from the input, and why
    the source was left alone (None when it was formatted)."""

    text: str
    changed: bool
    refused: str | None = None


def bare_local(source: A.SourceFile) -> A.Name | None:
    """A local that the code names without ``#`` (``NowTck := TIME_TCK();`` for ``#NowTck``), as classic
    STEP 7 SCL does: TIA's export writes ``#`` before every local (all corpus exports), so it wrote no such
    source. The data blocks' start values name their members bare, as TIA writes them."""
    for block in source.blocks:
        if block.kind in ("DATA_BLOCK", "TYPE"):
            continue
        declared = {decl.name.casefold() for section in block.sections for decl in section.decls}
        if block.kind == "FUNCTION":
            declared.add(block.name.casefold())
        for stmt in block.body:
            nodes = list(A.walk(stmt))
            callees = {id(node.callee) for node in nodes if isinstance(node, A.Call)}
            for node in nodes:
                if isinstance(node, A.Name) and node.scope == "bare" and node.name.casefold() in declared \
                        and id(node) not in callees:  # LEN(IN := #s) calls the instruction beside a local len
                    return node
    return None


def _refusal(text: str, with_comments: list[Token]) -> str | None:
    """Why ``text`` is not formatted, or None; ``with_comments`` its tokens, comments included."""
    try:
        source = parse(text)
    except ClassicSclNotSupportedError as err:
        return (f"classic STEP 7 SCL, which TIA Portal does not write: {err.message} (line {err.line}, "
                f"column {err.col})")
    except SclSyntaxError as err:
        return f"the source does not parse: {err.message} (line {err.line}, column {err.col})"
    toks = [t for t in with_comments if t.kind != "COMMENT"]
    numbered = numbered_block(toks)
    if numbered is not None:
        return (f"classic STEP 7 SCL, which TIA Portal does not write: the block name {numbered.text} is an "
                f"absolute number (line {numbered.line}); TIA names blocks in quotes")
    bare = bare_local(source)
    if bare is not None:
        return (f"not a source TIA Portal writes: the code names the local {bare.name} without '#' (line "
                f"{bare.line}), as classic STEP 7 SCL and hand-written sources do, where TIA's export writes "
                f"#{bare.name}")
    if looks_classic(text, toks):
        return ("classic STEP 7 SCL, which TIA Portal does not write: no '#' local, and KNOW_HOW_PROTECT or a "
                "quoted VERSION")
    return None


def format_source(text: str, tia_version: str | None = None) -> FormatResult:
    """``text`` (a whole ``.scl``, ``.db`` or ``.udt`` source) in TIA's export layout: the one of ``tia_version``
    (``V13``, or ``V14`` and later) when the project's version is known, else the one the block's indentation
    shows."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    newline = "\r\n" if "\r\n" in body else "\n"
    plain = body.replace("\r\n", "\n")
    try:
        toks = tokenize(plain, keep_comments=True)
    except SclSyntaxError:
        toks = []  # parse() says where
    reason = _refusal(plain, toks)
    if reason is not None:
        return FormatResult(text, False, reason)
    lines = relayout(plain, toks, tia_version)
    out = bom + newline.join(lines)
    return FormatResult(out, out != text)
