"""Signature help (``textDocument/signatureHelp``): inside the parentheses of a call, the callee's formal
parameters with their types and directions, and the one the cursor is at.

The callee is a block of the workspace (an FC, an FB through its instance ``#inst(..)`` or instance DB
``"Inst"(..)``), a system instruction or an instance of a system FB (``#timer(..)`` of ``TON``; the signature
catalog :mod:`simatic_xml.system_types`, which the checker reads, with the parameters of the workspace's CPU
family where they differ), or a typed function of the checker's table (``LIMIT``, ``MOVE_BLK``:
:data:`~engineering_api.rules.compiler.builtins.FUNCTIONS`).

The call is found in the text before the cursor, not in the syntax tree: while a call is typed its text does not
parse. The active parameter is the one named before ``:=`` or ``=>`` in the argument the cursor is in, else the
argument's position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from lsprotocol import types
from simatic_xml.scl.lexer import KEYWORDS
from simatic_xml.system_types import Member, call_interface, lookup, lookup_instruction

from engineering_api.rules.compiler.check_calls import calls_instruction
from engineering_api.rules.compiler.program import BlockDef
from engineering_api.rules.compiler.types import ArrayT, NamedT, SclType, display

from .completion import members
from .guard import guarded
from .hover import function_parameters, function_result
from .symbols import Model
from .trees import model_at

if TYPE_CHECKING:
    from .session import SclLanguageServer

__all__ = ("CallAt", "Parameter", "call_at", "help_at", "register", "signature_of")

LOOK_BACK_LINES = 60
"""How far before the cursor the opening parenthesis of its call is looked for (TIA's exports write one argument
a line: a call of 60 arguments is rare; a statement's ``;`` ends the search earlier)."""

_CALLEE = re.compile(r'((?:#?"[^"\n]*"|#?[^\W\d]\w*)(?:\s*\[[^\]\n]*\])?'
                     r'(?:\.(?:#?"[^"\n]*"|#?[^\W\d]\w*)(?:\s*\[[^\]\n]*\])?)*)\s*$')
_CALLEE_CHARS = 300
"""How far before a parenthesis its callee is looked for (a name is at most 128 characters; a chain of them
``#a[1].b.c`` rarely longer)."""
_PART = re.compile(r'#?"([^"\n]*)"|#?([^\W\d]\w*)')
_NAMED = re.compile(r'\s*#?"?([^\W\d]\w*)"?\s*(?::=|=>)')
_TYPING = re.compile(r'\s*([^\W\d]\w*)\s*\Z')
"""An argument that is a bare name so far: the formal parameter being typed (an operand would be ``#n``)."""
_SKIP = {"//": "\n", "(*": "*)", "/*": "*/"}
_DIRECTIONS = ("Input", "InOut", "Output")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    direction: str
    optional: bool = False


@dataclass
class _Open:
    """An open parenthesis (or bracket) before the cursor: the callee written before it, the commas after it and
    where its current argument starts."""

    callee: Optional[str]
    commas: int
    argument: int


@dataclass(frozen=True)
class CallAt:
    """Where a cursor is in a call: the callee as written, the argument's index by position, and the formal
    parameter the argument names (``PT :=``) or, while it is typed (``P``), begins."""

    callee: str
    position: int
    named: Optional[str] = None
    typing: Optional[str] = None

    def active(self, parameters: list[Parameter]) -> Optional[int]:
        names = [p.name.lower() for p in parameters]
        if self.named is not None:
            return names.index(self.named.lower()) if self.named.lower() in names else None
        if self.typing is not None:
            begun = [i for i, name in enumerate(names) if name.startswith(self.typing.lower())]
            if begun:
                return begun[0]
        return self.position if self.position < len(parameters) else None


def call_at(before: str) -> Optional[CallAt]:
    """The innermost call the end of ``before`` is inside (None: outside any call)."""
    stack: list[_Open] = []
    index = 0
    while index < len(before):
        pair = before[index:index + 2]
        char = before[index]
        if pair in _SKIP:
            end = before.find(_SKIP[pair], index + 2)
            index = len(before) if end < 0 else end + len(_SKIP[pair])
            continue
        if char in "'\"":
            end = before.find(char, index + 1)
            index = len(before) if end < 0 else end + 1
            continue
        if char == "(":
            found = _CALLEE.search(before[max(index - _CALLEE_CHARS, 0):index])
            callee = found.group(1) if found else None
            stack.append(_Open(None if callee is None or callee.upper() in KEYWORDS else callee, 0, index + 1))
        elif char == "[":
            stack.append(_Open(None, 0, index + 1))
        elif char in ")]" and stack:
            stack.pop()
        elif char == "," and stack:
            stack[-1].commas += 1
            stack[-1].argument = index + 1
        elif char == ";":
            stack.clear()
        index += 1
    for opened in reversed(stack):
        if opened.callee is not None:
            named = _NAMED.match(before, opened.argument)
            typing = _TYPING.match(before, opened.argument)
            return CallAt(opened.callee, opened.commas, named.group(1) if named else None,
                          typing.group(1) if typing else None)
    return None


def _instance_type(t: SclType) -> Optional[str]:
    while isinstance(t, ArrayT):
        t = t.element
    return t.name if isinstance(t, NamedT) else None


def _block_parameters(obj: BlockDef) -> list[Parameter]:
    return [Parameter(v.name, display(v.type), v.section) for v in obj.vars.values() if v.section in _DIRECTIONS]


def _catalog(rows: tuple[Member, ...], optional: tuple[str, ...] = ()) -> list[Parameter]:
    return [Parameter(m.name, m.data_type, m.section or "Input", m.name in optional) for m in rows]


def _of_type(model: Model, type_name: str, cpu_family: Optional[str]) -> Optional[tuple[str, list[Parameter], str]]:
    """The signature of a call of an instance of ``type_name`` (a workspace FB, or a system FB's instance type)."""
    obj = model.object(type_name)
    if obj is not None and obj.kind == "DB" and obj.instance_of:
        obj = model.object(obj.instance_of)
    if obj is not None and obj.kind in ("FB", "FC"):
        return obj.name, _block_parameters(obj), "" if obj.kind == "FB" else display(obj.return_type)
    system = lookup(type_name)
    if system is not None and system.instruction:
        return _instruction(system.instruction, cpu_family) or (system.instruction, _catalog(
            call_interface(system)), "")
    return _instruction(type_name, cpu_family)


def _instruction(name: str, cpu_family: Optional[str]) -> Optional[tuple[str, list[Parameter], str]]:
    instruction = lookup_instruction(name)
    if instruction is not None:
        rows = (instruction.family_parameters(cpu_family) if cpu_family else None) or instruction.parameters
        return instruction.name, _catalog(rows, instruction.optional), instruction.return_type or ""
    typed = function_parameters(name)
    if typed is not None:
        return name.upper(), [Parameter(*row) for row in typed], function_result(name)
    return None


def signature_of(model: Optional[Model], callee: str, line: int, cpu_family: Optional[str] = None
                 ) -> Optional[tuple[str, list[Parameter], str]]:
    """The called name, its parameters and its function value ("" for none) of ``callee`` as written before the
    parenthesis (``#timer``, ``"Motor_DB"``, ``MOVE_BLK``, ``#axes[1].home``) in the block at ``line``."""
    parts = [m.group(1) if m.group(1) is not None else m.group(2)
             for m in _PART.finditer(re.sub(r"\[[^\]]*\]", "", callee))]
    if not parts:
        return None
    block = model.block_at(line) if model is not None else None
    own = model.own_def(block) if model is not None and block is not None else None
    if len(parts) > 1:
        known = _instruction(parts[-1], cpu_family)
        if known is not None or model is None:  # "IEC_Timer_0_DB".TON(..): a system FB with its instance DB
            return known
        head = callee[:callee.rstrip().rfind(".")]
        var = members(model, head, line).get(parts[-1].lower())
        type_name = _instance_type(var.type) if var is not None else None
        return _of_type(model, type_name, cpu_family) if type_name else None
    name = parts[0]
    local = own.vars.get(name.lower()) if own is not None and not callee.startswith('"') else None
    if local is not None and not callee.startswith("#") and calls_instruction(local, name.upper()):
        local = None  # LEN(..) beside len : Int calls the instruction, as the checker reads it
    if local is not None and model is not None:
        type_name = _instance_type(local.type)
        return _of_type(model, type_name, cpu_family) if type_name else None
    if model is not None:
        found = _of_type(model, name, cpu_family)
        if found is not None:
            return found
    return _instruction(name, cpu_family)


def help_at(model: Optional[Model], before: str, line: int, cpu_family: Optional[str] = None
            ) -> Optional[types.SignatureHelp]:
    """The signature help for a cursor with ``before`` the text before it (1-based ``line``: the cursor's)."""
    call = call_at(before)
    if call is None:
        return None
    found = signature_of(model, call.callee, line, cpu_family)
    if found is None:
        return None
    name, parameters, returns = found
    labels: list[types.ParameterInformation] = []
    label = f"{name}("
    for parameter in parameters:
        text = f"{parameter.name} : {parameter.type}"
        if labels:
            label += ", "
        labels.append(types.ParameterInformation(
            label=(len(label), len(label) + len(text)),
            documentation=parameter.direction + (", optional" if parameter.optional else "")))
        label += text
    label += ")" + (f" : {returns}" if returns and returns.upper() != "VOID" else "")
    active = call.active(parameters)
    return types.SignatureHelp(signatures=[types.SignatureInformation(
        label=label, parameters=labels, active_parameter=active)], active_signature=0, active_parameter=active)


def register(server: SclLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP, types.SignatureHelpOptions(
        trigger_characters=["(", ","], retrigger_characters=["=", ">"]))
    def on_signature_help(ls: SclLanguageServer, params: types.SignatureHelpParams) -> Optional[types.SignatureHelp]:
        def answer() -> Optional[types.SignatureHelp]:
            cursor = params.position.line
            model, text = model_at(ls, params.text_document.uri, cursor)
            first = max(cursor - LOOK_BACK_LINES, 0)
            lines = [text.line(i) for i in range(first, cursor)]
            before = "\n".join([*lines, text.line(cursor)[:text.char_at(params.position)]])
            return help_at(model, before, cursor + 1, ls.project.cpu_family)

        return guarded(answer, None)
