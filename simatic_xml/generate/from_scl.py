"""SCL source AST -> JSON block specs, so an external source can be generated into blocks.

    from simatic_xml.scl import parse
    from simatic_xml.generate.from_scl import source_to_specs
    specs = source_to_specs(parse(text), text, known_fbs={"FB_Motor"})   # [spec dict, ...] in source order

Covered: FUNCTION_BLOCK, FUNCTION (return type), ORGANIZATION_BLOCK, DATA_BLOCK (own VAR sections, or an
instance of an FB / a UDT named after the header) and TYPE (a STRUCT); block attributes
(``S7_Optimized_Access``), TITLE/AUTHOR/FAMILY/NAME/VERSION; every VAR section (RETAIN, CONSTANT),
member attributes (``ExternalAccessible/Visible/Writable``, ``S7_SetPoint``), types (elementary, STRING[n],
arrays with constant or ``*`` bounds, structs, UDTs, FB and IEC instances, REF_TO), initial values, trailing
comments; the statement part is taken verbatim from the text between BEGIN and END_... and becomes one
SCL network; DATA_BLOCK BEGIN assignments become start values of the members they name.

Refused with :class:`SpecError` (field = ``source.<block>`` and the line): AT overlays, start values
of array elements or of an instance DB's members in BEGIN, and anything the spec cannot hold. What the
spec can hold but the generator cannot express is refused later by ``parse_spec``/``generate_xml``.
"""

from __future__ import annotations

import re
from typing import Any

from simatic_xml.scl import ast as A

from .errors import SpecError

__all__ = ("expr_text", "source_to_specs", "type_text")

_KINDS = {"FUNCTION_BLOCK": "FB", "FUNCTION": "FC", "ORGANIZATION_BLOCK": "OB", "DATA_BLOCK": "GlobalDB", "TYPE": "UDT"}
_SECTIONS = {"VAR_INPUT": "Input", "VAR_OUTPUT": "Output", "VAR_IN_OUT": "InOut", "VAR": "Static",
             "VAR_STAT": "Static", "VAR_TEMP": "Temp"}
_FLAGS = {"EXTERNALACCESSIBLE": "accessibleFromHmi", "EXTERNALVISIBLE": "visibleInHmi",
          "EXTERNALWRITABLE": "writableFromHmi"}
_OB_SYSTEM_INPUTS = {"Initial_Call", "Remanence", "LostRetentive", "LostRTC", "Event_Count"}
_BEGIN = re.compile(r"^\s*BEGIN\b", re.IGNORECASE)
_END = re.compile(r"^\s*END_(FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK)\b", re.IGNORECASE)


def _q(name: str, quoted: bool) -> str:
    return f'"{name}"' if quoted else name


def expr_text(node: Any) -> str:
    """Source text of an expression (initial values, array bounds, BEGIN values)."""
    if node is None:
        return ""
    if isinstance(node, A.Literal):
        return node.text
    if isinstance(node, A.Name):
        return {"local": f"#{node.name}", "global": f'"{node.name}"'}.get(node.scope, node.name)
    if isinstance(node, A.Member):
        return f"{expr_text(node.base)}.{_q(node.name, node.quoted)}"
    if isinstance(node, A.Index):
        return f"{expr_text(node.base)}[{', '.join(expr_text(i) for i in node.indices)}]"
    if isinstance(node, A.UnaryOp):
        return f"{node.op}{' ' if node.op == 'NOT' else ''}{expr_text(node.operand)}"
    if isinstance(node, A.BinaryOp):
        return f"{expr_text(node.left)} {node.op} {expr_text(node.right)}"
    if isinstance(node, A.Paren):
        return f"({expr_text(node.expr)})"
    if isinstance(node, A.ArrayInit):
        inner = ", ".join(expr_text(i) for i in node.items)
        return f"[{inner}]" if node.bracketed else inner
    if isinstance(node, A.StructInit):
        return "(" + ", ".join("()" if i is None else expr_text(i) for i in node.items) + ")"
    if isinstance(node, A.Repeat):
        return f"{node.count}(" + ", ".join(expr_text(i) for i in node.items) + ")"
    if isinstance(node, A.Address):
        return f"%{node.text}"
    if isinstance(node, A.Call):
        return f"{expr_text(node.callee)}(" + ", ".join(expr_text(a.value) for a in node.args) + ")"
    raise SpecError("source", f"line {node.line}: cannot use a {type(node).__name__} here")


def type_text(node: A.TypeNode) -> str:
    """A declared type as a spec ``dataType`` (``Array[0..9] of Int``, ``String[20]``, ``"UDT_X"``)."""
    if isinstance(node, A.ElementaryType):
        return node.spelling + (f"[{expr_text(node.length)}]" if node.length is not None else "")
    if isinstance(node, A.ArrayType):
        dims = ", ".join("*" if d.low is None else f"{expr_text(d.low)}..{expr_text(d.high)}" for d in node.dims)
        return f"Array[{dims}] of {type_text(node.element)}"
    if isinstance(node, A.StructType):
        return "Struct"
    if isinstance(node, A.NamedType):
        return _q(node.name, node.quoted)
    if isinstance(node, A.RefType):
        return f"Ref_To {type_text(node.target)}"
    raise SpecError("source", f"line {node.line}: unsupported type {type(node).__name__}")


def _member(decl: A.VarDecl, block: str, retain: bool) -> dict[str, Any]:
    if decl.at:
        raise SpecError(f"source.{block}", f"line {decl.line}: AT overlays ('{decl.name} AT {decl.at}') cannot be generated")
    spec: dict[str, Any] = {"name": decl.name, "dataType": type_text(decl.type)}
    if isinstance(decl.type, A.StructType):
        spec["members"] = [_member(d, block, False) for d in decl.type.members]
    if decl.initial is not None:
        spec["startValue"] = expr_text(decl.initial)
    if decl.comment:
        spec["comment"] = decl.comment.strip()
    if retain:
        spec["retain"] = True
    for attr in decl.attributes:
        key = _FLAGS.get(attr.name.upper())
        value = str(attr.value).strip("'").lower()
        if key is not None:
            spec[key] = value == "true"
        elif attr.name.upper() == "S7_SETPOINT":
            spec["setpoint"] = value == "true"
    return spec


def _sections(block: A.Block, block_type: str) -> dict[str, list[dict[str, Any]]]:
    interface: dict[str, list[dict[str, Any]]] = {}
    for section in block.sections:
        name = "Constant" if section.constant else _SECTIONS.get(section.kind)
        if name is None:
            raise SpecError(f"source.{block.name}", f"line {section.line}: unknown section {section.kind}")
        if block_type in ("FC", "OB") and name == "Static":
            name = "Temp"  # VAR in a FUNCTION/OB declares temporary locals
        retain = "RETAIN" in section.qualifiers and name in ("Input", "Output", "InOut", "Static")
        interface.setdefault(name, []).extend(_member(d, block.name, retain) for d in section.decls)
    return interface


def _body_text(block: A.Block, lines: list[str]) -> str:
    """The statement text between BEGIN and END_..., verbatim."""
    start = max([block.line] + [s.line for s in block.sections] + [d.line for s in block.sections for d in s.decls])
    begin = None
    for index in range(start - 1, min(block.end_line, len(lines))):
        if _BEGIN.match(lines[index]):
            begin = index
            break
    if begin is None:
        return ""
    end = block.end_line - 1
    while end > begin and not _END.match(lines[end]):
        end -= 1
    after = re.sub(r"^\s*BEGIN\b", "", lines[begin], flags=re.IGNORECASE)
    body = ([after] if after.strip() else []) + lines[begin + 1:end]
    return "\n".join(body).rstrip()


def _assign_start(interface: dict[str, list[dict[str, Any]]], stmt: A.Stmt, block: str) -> None:
    if not isinstance(stmt, A.Assign):
        raise SpecError(f"source.{block}", f"line {stmt.line}: only assignments of start values belong after BEGIN")
    path: list[str] = []
    target = stmt.target
    while isinstance(target, A.Member):
        path.insert(0, target.name)
        target = target.base
    if not isinstance(target, A.Name):
        raise SpecError(
            f"source.{block}", f"line {stmt.line}: start values of array elements cannot be generated "
            f"('{expr_text(stmt.target)}')",
        )
    path.insert(0, target.name)
    members = interface.get("Static", [])
    member = None
    for part in path:
        member = next((m for m in members if m["name"].lower() == part.lower()), None)
        if member is None:
            raise SpecError(f"source.{block}", f"line {stmt.line}: '{'.'.join(path)}' is not declared")
        members = member.get("members", [])
    assert member is not None
    member["startValue"] = expr_text(stmt.value)


def _header(block: A.Block, spec: dict[str, Any]) -> None:
    for attr in block.attributes:
        if attr.name.upper() == "S7_OPTIMIZED_ACCESS" and str(attr.value).strip("'").upper() == "FALSE":
            spec["memoryLayout"] = "Standard"
    for key, value in (("title", block.title), ("author", block.author), ("family", block.family),
                       ("headerName", block.header_name), ("version", block.version)):
        if value and not (key == "version" and str(value).strip() == "0.1"):  # 0.1: TIA's default, not written
            spec[key] = str(value).strip()
    if block.number is not None:
        spec["number"] = block.number


def source_to_specs(source: A.SourceFile, text: str, *, known_fbs: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """One spec per block of the source, in source order.

    ``known_fbs`` names FBs outside the source, so ``DATA_BLOCK "x" "FB"`` is an instance DB (a named
    type that is neither an FB of the source nor of ``known_fbs`` is taken as a UDT).

    Raises:
        SpecError: a construct the block spec cannot hold (the reason names the line).
    """
    lines = text.splitlines()
    fbs = {b.name for b in source.blocks if b.kind == "FUNCTION_BLOCK"} | set(known_fbs)
    specs = []
    for block in source.blocks:
        block_type = _KINDS.get(block.kind)
        if block_type is None:
            raise SpecError(f"source.{block.name}", f"line {block.line}: {block.kind} blocks cannot be generated")
        spec: dict[str, Any] = {"blockType": block_type, "name": block.name}
        _header(block, spec)
        if block_type == "UDT":
            if not isinstance(block.type, A.StructType):
                raise SpecError(f"source.{block.name}", f"line {block.line}: a TYPE must be a STRUCT")
            spec["interface"] = {"None": [_member(d, block.name, False) for d in block.type.members]}
            specs.append(spec)
            continue
        if block_type == "GlobalDB":
            if isinstance(block.type, A.NamedType):
                spec["blockType"] = "InstanceDB"
                spec["instanceOf"] = block.type.name
                if block.type.name not in fbs:
                    spec["instanceOfType"] = "UDT"
                if block.body:
                    raise SpecError(
                        f"source.{block.name}", f"line {block.body[0].line}: start values of an instance data block "
                        "cannot be generated; set them in the FB",
                    )
                specs.append(spec)
                continue
            interface = _sections(block, block_type)
            if isinstance(block.type, A.StructType):
                interface.setdefault("Static", []).extend(_member(d, block.name, False) for d in block.type.members)
            for stmt in block.body:
                _assign_start(interface, stmt, block.name)
            spec["interface"] = interface
            specs.append(spec)
            continue
        spec["language"] = "SCL"
        if block_type == "FC":
            spec["returnType"] = type_text(block.return_type) if block.return_type is not None else "Void"
        interface = _sections(block, block_type)
        if block_type == "OB" and "Input" in interface:
            # TIA writes the OB's system inputs into the source; the generator adds them itself
            interface["Input"] = [m for m in interface["Input"] if m["name"] not in _OB_SYSTEM_INPUTS]
            if not interface["Input"]:
                del interface["Input"]
        if interface:
            spec["interface"] = interface
        body = _body_text(block, lines)
        if body.strip():
            spec["networks"] = [{"scl": body}]
        specs.append(spec)
    return specs
