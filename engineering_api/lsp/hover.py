"""What hover shows: a variable's declaration, type, section and comment; a system instruction's signature, CPU
families and citation (the catalog of :mod:`simatic_xml.system_types`, which the checker reads), or for the
typed functions (``SQRT``, ``LIMIT``, ``MIN``...) their parameters and result as the checker's table
(:data:`~engineering_api.rules.compiler.builtins.FUNCTIONS`) types them; a block's interface.

A local's type is shown as its declaration writes it (``Array[1..2] of Real``, a ``Struct`` with its members),
not as the checker's type summary (``Array of Real``).
"""

from __future__ import annotations

import os
from typing import Optional

from simatic_xml.generate.errors import SpecError
from simatic_xml.generate.from_scl import type_text
from simatic_xml.scl import ast as A
from simatic_xml.system_types import Instruction, lookup, lookup_instruction

from engineering_api.rules.compiler.builtins import FUNCTIONS, conversion
from engineering_api.rules.compiler.program import BlockDef
from engineering_api.rules.compiler.signatures import FAMILIES
from engineering_api.rules.compiler.types import NamedT, Var, display

from .symbols import Model, Target

__all__ = ("declared_type", "describe", "function_parameters", "function_result", "function_text", "instruction_text",
           "interface_text")

_SECTION_ORDER = ("Input", "Output", "InOut", "Static", "Temp", "Constant", "Return", "None")


def _code(text: str) -> str:
    return f"```scl\n{text}\n```"


def instruction_text(instruction: Instruction) -> str:
    """The signature of a system instruction or system FB: parameters with direction and type, the function value,
    the CPU families its citation names, and the citation."""
    rows = [f"{p.name} : {p.data_type};  // {p.section or 'Input'}"
            + (" (optional)" if p.name in instruction.optional else "") for p in instruction.parameters]
    kind = "system FB" if instruction.is_fb else "system instruction"
    head = instruction.name + (f" : {instruction.return_type}" if instruction.return_type else "")
    if instruction.is_fb and instruction.instance_type:
        head += f"  // instance: {instruction.instance_type}"
    families = [f for f in FAMILIES if f in instruction.source] or ["not named in the source"]
    lines = [_code("\n".join([head, *("    " + r for r in rows)])), f"**{instruction.name}**, {kind}"
             + (f" {instruction.version}" if instruction.version else ""),
             f"CPU families: {', '.join(families)}"]
    for family, params in instruction.families:
        lines.append(f"On an {family}: " + ", ".join(f"{p.name} : {p.data_type}" for p in params))
    lines.append(f"Source: {instruction.source}")
    return "\n\n".join(lines)


_KINDS = {"num": "ANY_NUM", "bool": "Bool", "int": "ANY_INT", "real": "ANY_REAL", "any": "ANY", "same": "T",
          "out": "ANY (output)"}
_RESULTS = {"real": "Real (LReal when an argument is LReal)", "same": "T (the common type of the T arguments)",
            "first": "the type of the first argument", None: "the type of the assignment's target"}


def function_parameters(name: str) -> Optional[list[tuple[str, str, str]]]:
    """The parameters of a typed function of the checker's table (``LIMIT``, ``MOVE_BLK``...) as (name, type,
    direction), the type as the checker's kind reads (``ANY_NUM``, ``T``); None when the table has no ``name``."""
    spec = FUNCTIONS.get(name.upper())
    if spec is None:
        return None
    return [(param, "ANY" if kind == "out" else _KINDS.get(kind, kind), "Output" if kind == "out" else "Input")
            for param, kind in spec[0]]


def function_result(name: str) -> str:
    """The function value of a typed function of the checker's table as :func:`function_text` shows it."""
    result = FUNCTIONS[name.upper()][1]
    return _RESULTS.get(result, result.title() if result else "")


def function_text(name: str) -> Optional[str]:
    """The signature of a typed function of the checker's table (``SQRT``, ``LIMIT``...), or None."""
    spec = FUNCTIONS.get(name.upper())
    if spec is None:
        return None
    params = spec[0]
    rows = [f"{param} : {_KINDS.get(kind, kind)};" for param, kind in params]
    if len(spec) > 2:
        rows.append(f"{spec[2]}n : T;  // more inputs, numbered on")
    shown = function_result(name)
    text = _code("\n".join([f"{name.upper()} : {shown}", *("    " + r for r in rows)]))
    return text + (f"\n\n**{name.upper()}**, instruction (the checker types its arguments and result as above; "
                   "T: one type for all the T arguments)")


def declared_type(node: A.TypeNode, indent: str = "") -> str:
    """A declared type as the source writes it: bounds of arrays, the members of a ``Struct``."""
    if isinstance(node, A.StructType):
        rows = [f"{indent}    {m.name} : {declared_type(m.type, indent + '    ')};" for m in node.members]
        return "\n".join(["Struct", *rows, f"{indent}END_STRUCT"])
    if isinstance(node, A.ArrayType) and isinstance(node.element, A.StructType):
        head = type_text(A.ArrayType(line=node.line, col=node.col, dims=node.dims,
                                     element=A.ElementaryType(line=0, col=0, name="", spelling="")))
        return head.removesuffix(" of ") + " of " + declared_type(node.element, indent)
    try:
        return type_text(node)
    except SpecError:
        return display(None)


def interface_text(obj: BlockDef, where: str = "") -> str:
    """A block's or type's interface, section by section, as a source declares it."""
    kinds = {"FB": "FUNCTION_BLOCK", "FC": "FUNCTION", "OB": "ORGANIZATION_BLOCK", "DB": "DATA_BLOCK", "UDT": "TYPE"}
    head = f'{kinds.get(obj.kind, obj.kind)} "{obj.name}"'
    if obj.kind == "FC":
        head += f" : {display(obj.return_type)}"
    if obj.instance_of:
        head += f'  // of "{obj.instance_of}"'
    rows = [head]
    for section in _SECTION_ORDER:
        members = [v for v in obj.vars.values() if v.section == section and section != "Return"]
        if members:
            rows.append(f"  {section}:")
            rows += [f"    {v.name} : {display(v.type)};" for v in members]
    text = _code("\n".join(rows))
    return text + (f"\n\nDeclared in {os.path.basename(where)}" if where else "")


def _comment(model: Model, block: A.Block, name: str) -> Optional[str]:
    decl = _declaration(block, name)
    if decl is None:
        return None
    return decl.comment or (" ".join(decl.comments) if decl.comments else None)


def _call_of(block: A.Block, node: A.Node) -> Optional[A.Call]:
    for found in A.walk(block):
        if isinstance(found, A.Call) and found.callee is node:
            return found
    return None


def _declaration(block: A.Block, name: str) -> Optional[A.VarDecl]:
    for section in block.sections:
        for decl in section.decls:
            if decl.name.lower() == name.lower():
                return decl
    return None


def _var_text(model: Model, var: Var, target: Target, block: A.Block) -> str:
    prefix = "#" if target.kind == "local" else ""
    shown = f'"{var.name}"' if target.kind == "global" else f"{prefix}{var.name}"
    decl = _declaration(block, target.name) if target.kind == "local" else None
    lines = [_code(f"{shown} : {declared_type(decl.type) if decl is not None else display(var.type)}")]
    where = {"local": f'a local of "{block.name}"', "global": "a PLC tag" if var.section == "Tag" else
             "a user constant", "member": f'a member of "{target.owner}"'}[target.kind]
    lines.append(f"Section: {var.section} ({where})")
    if target.kind == "local":
        comment = _comment(model, block, target.name)
        if comment:
            lines.append(comment.strip().lstrip("/").strip())
    type_name = var.type.name if isinstance(var.type, NamedT) else None
    if type_name:
        obj = model.object(type_name)
        instruction = lookup_instruction(type_name) or _instruction_of_type(type_name)
        if obj is not None:
            lines.append(interface_text(obj, model.view.file_of.get(id(obj), "")))
        elif instruction is not None:
            lines.append(instruction_text(instruction))
    return "\n\n".join(lines)


def _instruction_of_type(type_name: str) -> Optional[Instruction]:
    system_type = lookup(type_name)
    if system_type is None or not system_type.instruction:
        return None
    return lookup_instruction(system_type.instruction)


def describe(model: Model, node: A.Node, block: A.Block, target: Optional[Target]) -> Optional[str]:
    """The hover text of ``node`` (None: nothing known about it)."""
    if isinstance(node, A.Name) and node.scope != "local" and _call_of(block, node) is not None:
        obj = model.object(node.name)
        if obj is not None:
            return interface_text(obj, model.view.file_of.get(id(obj), ""))
        instruction = lookup_instruction(node.name)
        if instruction is not None:
            return instruction_text(instruction)
        function = function_text(node.name)
        if function is not None:
            return function
        converts = conversion(node.name.upper())
        if converts is not None:
            return (_code(f"{node.name}(IN := ...) : {converts[1].title()}") + f"\n\n**{node.name}**: converts "
                    f"{converts[0].title()} to {converts[1].title()} (conversion; the checker applies TIA's "
                    "conversion rules to it)")
    if isinstance(node, A.NamedType):
        obj = model.object(node.name)
        if obj is not None:
            return interface_text(obj, model.view.file_of.get(id(obj), ""))
        instruction = lookup_instruction(node.name) or _instruction_of_type(node.name)
        return instruction_text(instruction) if instruction is not None else None
    if target is None:
        return None
    if isinstance(node, A.VarDecl):
        own = model.own_def(block)
        var = own.vars.get(node.name.lower()) if own is not None else None
    elif isinstance(node, A.Block):
        obj = model.own_def(node)
        return interface_text(obj) if obj is not None else None
    elif isinstance(node, A.Expr):
        var = model.var_of(node, block)
    else:
        var = None
    if var is not None:
        return _var_text(model, var, target, block)
    if target.kind == "block":
        obj = model.object(target.name)
        if obj is not None:
            return interface_text(obj, model.view.file_of.get(id(obj), ""))
    return None
