"""Completion: members after ``#inst.`` and ``"DB".``, system instructions with a snippet of their formal
parameters, declared variables, tags and blocks, and keywords."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from lsprotocol import types
from simatic_xml.scl.lexer import KEYWORDS
from simatic_xml.system_types import all_instructions, lookup

from engineering_api.rules.compiler.program import BlockDef
from engineering_api.rules.compiler.types import ArrayT, NamedT, SclType, StructT, Var, display

from .guard import guarded
from .symbols import Model
from .trees import model_at

if TYPE_CHECKING:
    from .session import SclLanguageServer

__all__ = ("complete", "register")

_CHAIN = re.compile(r'((?:#?"[^"\n]*"|#?[^\W\d]\w*)(?:\[[^\]\n]*\])?(?:\.(?:"[^"\n]*"|[^\W\d]\w*)(?:\[[^\]\n]*\])?)*)'
                    r'\.(?:"[^"\n]*|[^\W\d]\w*)?$')
_PART = re.compile(r'#?"([^"\n]*)"|#?([^\W\d]\w*)')
_HIDDEN = ("Temp", "Constant", "Return")


def _members_of(model: Model, t: SclType, outside: bool) -> dict[str, Var]:
    while isinstance(t, ArrayT):
        t = t.element
    if isinstance(t, StructT):
        return dict(t.members)
    if isinstance(t, NamedT):
        obj = model.object(t.name)
        if obj is not None:
            return _visible(obj, outside)
        system = lookup(t.name)
        if system is not None:
            return {m.name.lower(): Var(m.name, None, m.section or "Static") for m in system.members}
    return {}


def _visible(obj: BlockDef, outside: bool) -> dict[str, Var]:
    if obj.kind == "DB" and obj.instance_of:
        return {}
    return {k: v for k, v in obj.vars.items() if not outside or v.section not in _HIDDEN}


def members(model: Model, chain: str, line: int) -> dict[str, Var]:
    """The members after ``chain`` (``#motor``, ``"Motor_DB".cfg``): a local's, a DB's or an instance's."""
    block = model.block_at(line)
    parts = [m.group(1) if m.group(1) is not None else m.group(2)
             for m in _PART.finditer(re.sub(r"\[[^\]]*\]", "", chain))]
    if not parts or block is None:
        return {}
    own = model.own_def(block)
    first = parts[0]
    local = chain.startswith("#") or (not chain.startswith('"') and own is not None and first.lower() in own.vars)
    current: dict[str, Var]
    if local:
        var = own.vars.get(first.lower()) if own is not None else None
        current = _members_of(model, var.type, True) if var is not None else {}
    else:
        tag = model.program.tags.get(first.lower())
        obj = model.object(first)
        if tag is not None:
            current = _members_of(model, tag.type, True)
        elif obj is not None and obj.kind == "DB" and obj.instance_of:
            inst = model.object(obj.instance_of)
            current = _visible(inst,
                               True) if inst is not None else _members_of(model, NamedT(obj.instance_of, False), True)
        else:
            current = _visible(obj, True) if obj is not None else {}
    for part in parts[1:]:
        var = current.get(part.lower())
        if var is None:
            return {}
        current = _members_of(model, var.type, True)
    return current


def _snippet(name: str, params: list[tuple[str, str]]) -> str:
    inputs = [(p, s) for p, s in params if s in ("Input", "InOut")]
    outputs = [(p, s) for p, s in params if s == "Output"]
    parts = [f"{p} := ${{{i + 1}}}" for i, (p, _) in enumerate(inputs)]
    parts += [f"{p} => ${{{len(inputs) + i + 1}}}" for i, (p, _) in enumerate(outputs)]
    return f"{name}({', '.join(parts)})"


def complete(model: Optional[Model], before: str, line: int) -> list[types.CompletionItem]:
    """The completions at a cursor with ``before`` the text of its line up to it (1-based ``line``)."""
    if model is not None:
        chain = _CHAIN.search(before)
        if chain:
            return [types.CompletionItem(label=v.name, kind=types.CompletionItemKind.Field,
                                         detail=f"{display(v.type)} ({v.section})")
                    for v in members(model, chain.group(1), line).values()]
    items: list[types.CompletionItem] = []
    if model is not None:
        block = model.block_at(line)
        own = model.own_def(block) if block is not None else None
        for var in (own.vars.values() if own is not None else ()):
            if var.section != "Return":
                items.append(types.CompletionItem(label=f"#{var.name}", kind=types.CompletionItemKind.Variable,
                                                  detail=f"{display(var.type)} ({var.section})",
                                                  filter_text=var.name, insert_text=f"#{var.name}"))
        for var in list(model.program.tags.values()) + list(model.program.constants.values()):
            items.append(types.CompletionItem(label=f'"{var.name}"', kind=types.CompletionItemKind.Constant
                                              if var.section == "Constant" else types.CompletionItemKind.Variable,
                                              detail=display(var.type), filter_text=var.name))
        for obj in list(model.program.blocks.values()) + list(model.program.types.values()):
            items.append(types.CompletionItem(label=f'"{obj.name}"', kind=types.CompletionItemKind.Module,
                                              detail=obj.kind, filter_text=obj.name))
    for instruction in all_instructions():
        params = [(p.name, p.section or "Input") for p in instruction.parameters]
        items.append(types.CompletionItem(
            label=instruction.name, kind=types.CompletionItemKind.Function,
            detail=("system FB" if instruction.is_fb else "system instruction"),
            insert_text=instruction.name if instruction.is_fb else _snippet(instruction.name, params),
            insert_text_format=types.InsertTextFormat.PlainText if instruction.is_fb
            else types.InsertTextFormat.Snippet))
    items += [types.CompletionItem(label=k, kind=types.CompletionItemKind.Keyword) for k in sorted(KEYWORDS)]
    return items


def register(server: SclLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", "#", '"']))
    def on_completion(ls: SclLanguageServer, params: types.CompletionParams) -> Optional[types.CompletionList]:
        def answer() -> Optional[types.CompletionList]:
            model, text = model_at(ls, params.text_document.uri, params.position.line)
            before = text.line(params.position.line)[:text.char_at(params.position)]
            return types.CompletionList(is_incomplete=False, items=complete(model, before, params.position.line + 1))

        return guarded(answer, None)
