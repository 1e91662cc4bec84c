"""Hover, go to definition, find references and the outline (document symbols), registered on the server.

Each answer comes from :class:`.symbols.Model`: the document's syntax tree in the program view the checker uses.
A document whose text does not parse (half typed) answers from its last text that did.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from lsprotocol import types
from simatic_xml.scl import ast as A

from . import hover
from .fixes import fixes
from .guard import guarded
from .symbols import Model, Place, Target
from .trees import model_at, tree
from .session import uri_path
from .text import Text

if TYPE_CHECKING:
    from .session import SclLanguageServer

__all__ = ("location", "outline", "register", "resolve", "resolve_in")

_SECTIONS = {"VAR_INPUT": "Input", "VAR_OUTPUT": "Output", "VAR_IN_OUT": "InOut", "VAR": "Static",
             "VAR_STAT": "Static", "VAR_TEMP": "Temp"}
_KINDS = {"FUNCTION_BLOCK": types.SymbolKind.Class, "FUNCTION": types.SymbolKind.Function,
          "ORGANIZATION_BLOCK": types.SymbolKind.Module, "DATA_BLOCK": types.SymbolKind.Object,
          "TYPE": types.SymbolKind.Struct}


def _cursor(text: Text, position: types.Position) -> tuple[int, int, str]:
    """1-based line and column (the checker's) of an LSP position, and the line's text."""
    line = text.line(position.line)
    col = text.char_at(position) + 1 - (1 if text.bom and position.line == 0 else 0)
    return position.line + 1, col, line.lstrip("\ufeff") if position.line == 0 else line


def resolve(ls: SclLanguageServer, uri: str, position: types.Position
            ) -> tuple[Optional[Model], Optional[A.Node], Optional[A.Block], Optional[Target]]:
    model, text = model_at(ls, uri)
    if model is None:
        return None, None, None, None
    return (model, *resolve_in(model, text, position))


def resolve_in(model: Model, text: Text, position: types.Position
               ) -> tuple[Optional[A.Node], Optional[A.Block], Optional[Target]]:
    """The name under ``position`` of the document ``model`` was made from (``text``), its block and what it
    names."""
    line, col, line_text = _cursor(text, position)
    node, block = model.node_at(line, col, line_text)
    target = model.target_of(node, block) if node is not None and block is not None else None
    return node, block, target


def location(ls: SclLanguageServer, place: Place) -> types.Location:
    """The LSP location of ``place`` (an open document by the URI the client opened it by)."""
    uri = ls.opened.get(place.file) or Path(place.file).resolve().as_uri()
    opened = ls.opened.get(place.file)
    if opened is not None and place.line:
        text = ls.text(opened)
        index = place.line - 1
        start = place.col - 1 + (1 if text.bom and index == 0 else 0)
        return types.Location(uri=uri, range=types.Range(start=text.position(index, start),
                                                         end=text.position(index, start + place.length)))
    line = max(place.line - 1, 0)
    start = max(place.col - 1, 0)
    return types.Location(uri=uri, range=types.Range(start=types.Position(line=line, character=start),
                                                     end=types.Position(line=line, character=start + place.length)))


def register(server: SclLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: SclLanguageServer, params: types.HoverParams) -> Optional[types.Hover]:
        def answer() -> Optional[types.Hover]:
            model, node, block, target = resolve(ls, params.text_document.uri, params.position)
            if model is None or node is None or block is None:
                return None
            found = hover.describe(model, node, block, target)
            return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                            value=found)) if found else None

        return guarded(answer, None)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: SclLanguageServer, params: types.DefinitionParams) -> Optional[list[types.Location]]:
        def answer() -> Optional[list[types.Location]]:
            model, _, _, target = resolve(ls, params.text_document.uri, params.position)
            place = model.declaration(target) if model is not None and target is not None else None
            return [location(ls, place)] if place is not None else None

        return guarded(answer, None)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def on_references(ls: SclLanguageServer, params: types.ReferenceParams) -> Optional[list[types.Location]]:
        def answer() -> Optional[list[types.Location]]:
            model, _, _, target = resolve(ls, params.text_document.uri, params.position)
            if model is None or target is None:
                return None
            places = list(model.references(target))
            declared = model.declaration(target)
            if params.context.include_declaration and declared is not None:
                places.insert(0, declared)
            return [location(ls, p) for p in dict.fromkeys(places)]

        return guarded(answer, None)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_symbols(ls: SclLanguageServer, params: types.DocumentSymbolParams) -> Optional[list[types.DocumentSymbol]]:
        def answer() -> Optional[list[types.DocumentSymbol]]:
            doc = ls.workspace.get_text_document(params.text_document.uri)
            parsed = tree(uri_path(params.text_document.uri), doc.source)
            return outline(parsed, ls.text(params.text_document.uri)) if parsed is not None else None

        return guarded(answer, None)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))
    def on_code_action(ls: SclLanguageServer, params: types.CodeActionParams) -> Optional[list[types.CodeAction]]:
        def answer() -> Optional[list[types.CodeAction]]:
            model, text = model_at(ls, params.text_document.uri)
            return fixes(model, text, params.text_document.uri, params) or None

        return guarded(answer, None)



# ---------------------------------------------------------------------------------------------- the outline
def _span(text: Text, line: int, col: int, end_line: int) -> types.Range:
    index = max(line - 1, 0)
    last = max(end_line - 1, index)
    return types.Range(start=text.position(index, max(col - 1, 0)), end=text.position(last, len(text.line(last))))


def _symbol(text: Text, name: str, kind: types.SymbolKind, line: int, col: int, end_line: int,
            detail: str = "", children: Optional[list[types.DocumentSymbol]] = None) -> types.DocumentSymbol:
    whole = _span(text, line, col, end_line)
    head = _span(text, line, col, line)
    return types.DocumentSymbol(name=name or "?", kind=kind, range=whole, selection_range=types.Range(
        start=head.start, end=head.start), detail=detail or None, children=children)


def outline(source: A.SourceFile, text: Text) -> list[types.DocumentSymbol]:
    """Blocks, their sections with their declarations, and their regions (nested as written)."""
    out = []
    for block in source.blocks:
        children = []
        for section in block.sections:
            last = max([d.line for d in section.decls] + [section.line])
            decls = [_symbol(text, d.name, types.SymbolKind.Variable, d.line, d.col, d.line,
                             _type_text(d.type)) for d in section.decls]
            children.append(_symbol(text, section.kind, types.SymbolKind.Namespace, section.line, section.col, last,
                                    children=decls))
        children += _regions(block.body, text)
        out.append(_symbol(text, block.name, _KINDS.get(block.kind, types.SymbolKind.Module), block.line,
                           block.col, block.end_line or block.line, block.kind, children))
    return out


def _regions(body: list[A.Stmt], text: Text) -> list[types.DocumentSymbol]:
    found = []
    for stmt in body:
        if isinstance(stmt, A.Region):
            end = max([s.line for s in A.walk(stmt)] + [stmt.line])
            found.append(_symbol(text, f"REGION {stmt.name}".strip(), types.SymbolKind.Namespace, stmt.line,
                                 stmt.col, end + 1, children=_regions(stmt.body, text)))
        else:
            for child in A.children(stmt):
                if isinstance(child, A.Stmt):
                    found += _regions([child], text)
    return found


def _type_text(node: A.TypeNode) -> str:
    """The outline's one-line type: as declared (``Array[1..2] of Real``), a struct as ``Struct``."""
    if isinstance(node, A.StructType):
        return "Struct"
    if isinstance(node, A.ArrayType) and isinstance(node.element, A.StructType):
        return hover.declared_type(node).split("\n", 1)[0]
    return hover.declared_type(node)
