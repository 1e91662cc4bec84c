"""Quick fixes where TIA's message implies one: declare an undeclared variable, close an IF, write keywords as
TIA writes them.

* ``UNDECLARED`` (``Tag "#x" not defined.``): a declaration ``x : <type>;`` in the section a value of the block
  lives in between the statements that use it: an FB's static section (``VAR``), else ``VAR_TEMP``; the type is the
  checker's type of the value assigned to it (``#x := #a + 1`` -> the type of ``#a + 1``), ``Bool`` for a
  condition; no fix when neither tells.
* ``SYNTAX_ERROR`` "expected END_IF to close the IF of line N": ``END_IF;`` inserted before the line named.
* Keywords written in another case (``if``, ``End_If``): TIA's editor and its exports write them in upper case
  (every TIA-exported source of the corpus), so a fix rewrites those of the range.
"""

from __future__ import annotations

import re
from typing import Optional

from lsprotocol import types
from simatic_xml.scl import ast as A
from simatic_xml.scl.lexer import KEYWORDS, tokenize

from engineering_api.rules.compiler.checker import BlockChecker
from engineering_api.rules.compiler.types import BIT_LIT, INT_LIT, REAL_LIT, STR_LIT, display

from .symbols import Model
from .text import Text

__all__ = ("fixes",)

_UNDECLARED = re.compile(r'Tag "#([^"]+)" not defined\.')
_END_IF = re.compile(r"expected END_IF to close the IF of line (\d+)")
_LITERALS = {INT_LIT: "Int", REAL_LIT: "Real", STR_LIT: "String", BIT_LIT: "Bool"}
_SECTION_HEADS = {"FB": "VAR", "FC": "VAR_TEMP", "OB": "VAR_TEMP"}


def _edit(uri: str, title: str, edits: list[types.TextEdit], diagnostic: Optional[types.Diagnostic] = None
          ) -> types.CodeAction:
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, edit=types.WorkspaceEdit(
        changes={uri: edits}), diagnostics=[diagnostic] if diagnostic is not None else None,
        is_preferred=diagnostic is not None)


def _inferred(model: Model, block: A.Block, name: str) -> Optional[str]:
    own = model.own_def(block)
    if own is None:
        return None
    checker = BlockChecker(model.program, own, [])
    key = name.lower()
    for node in A.walk(block):
        if isinstance(node, A.Assign) and isinstance(node.target, A.Name) and node.target.name.lower() == key \
                and isinstance(node.value, A.Expr):
            found = checker.expr(node.value)
            shown = _LITERALS.get(found, None) if isinstance(found, str) else None
            if shown or (found is not None and display(found) != "?"):
                return shown or display(found)
        if isinstance(node, (A.IfBranch, A.While, A.RepeatLoop)) and isinstance(node.cond, A.Name) \
                and node.cond.name.lower() == key:
            return "Bool"
    return None


def _declare(model: Model, text: Text, uri: str, d: types.Diagnostic, name: str) -> Optional[types.CodeAction]:
    block = model.block_at(d.range.start.line + 1)
    own = model.own_def(block) if block is not None else None
    if block is None or own is None:
        return None
    type_name = _inferred(model, block, name)
    if type_name is None:
        return None
    head = _SECTION_HEADS.get(own.kind, "VAR_TEMP")
    section = next((s for s in block.sections if s.kind == head and not s.qualifiers), None)
    declaration = f"{name} : {type_name};"
    if section is not None:
        indent = "      "
        line = (max(d_.line for d_ in section.decls) if section.decls else section.line)
        at = text.position(line, 0)  # after the last declaration (1-based line = the next 0-based one)
        return _edit(uri, f"Declare #{name} : {type_name} in {head}", [
            types.TextEdit(range=types.Range(start=at, end=at), new_text=f"{indent}{declaration}\n")], d)
    begin = next((i for i in range(block.line, len(text.lines)) if text.line(i).strip().upper() == "BEGIN"), None)
    if begin is None:
        return None
    at = text.position(begin, 0)
    return _edit(uri, f"Declare #{name} : {type_name} in a new {head} section", [types.TextEdit(
        range=types.Range(start=at, end=at), new_text=f"   {head}\n      {declaration}\n   END_VAR\n\n")], d)


def _close_if(text: Text, uri: str, d: types.Diagnostic, if_line: int) -> types.CodeAction:
    opening = text.line(if_line - 1)
    indent = opening[:len(opening) - len(opening.lstrip())]
    at = types.Position(line=d.range.start.line, character=0)
    return _edit(uri, "Add the missing END_IF", [types.TextEdit(range=types.Range(start=at, end=at),
                                                                new_text=f"{indent}END_IF;\n")], d)


def _keyword_case(text: Text, uri: str, selected: types.Range) -> Optional[types.CodeAction]:
    first, last = selected.start.line, max(selected.end.line, selected.start.line)
    edits = []
    try:
        tokens = tokenize("\n".join(text.line(i) for i in range(first, last + 1)))
    except Exception:  # a half-typed line: no fix offered, nothing else depends on it
        return None
    for token in tokens:
        if token.kind in KEYWORDS and token.text != token.kind:
            line = first + token.line - 1
            start = token.col - 1
            edits.append(types.TextEdit(range=types.Range(start=text.position(line, start),
                                                          end=text.position(line, start + len(token.text))),
                                        new_text=token.kind))
    return _edit(uri, "Write the keywords in upper case, as TIA does", edits) if edits else None


def fixes(model: Optional[Model], text: Text, uri: str, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The quick fixes for the diagnostics the client sends and the range it names."""
    out: list[types.CodeAction] = []
    for d in params.context.diagnostics:
        message = d.message or ""
        undeclared = _UNDECLARED.search(message) if d.code == "UNDECLARED" else None
        if undeclared and model is not None:
            action = _declare(model, text, uri, d, undeclared.group(1))
            if action is not None:
                out.append(action)
        end_if = _END_IF.search(message) if d.code == "SYNTAX_ERROR" else None
        if end_if:
            out.append(_close_if(text, uri, d, int(end_if.group(1))))
    case = _keyword_case(text, uri, params.range)
    if case is not None:
        out.append(case)
    return out
