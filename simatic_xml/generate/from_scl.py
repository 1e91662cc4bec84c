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
SCL network; DATA_BLOCK BEGIN assignments become start values of the members they name. A DB of an
unquoted system type (``IEC_TIMER``, ``CONT_C``) is a system instance DB (``instanceOfType`` System); an
OB's type comes from its declared event inputs, its number or TIA's default OB name.

Follows TIA's "generate blocks from source": AT overlays are written as members (a ``AT_OVERLAY``
note is returned: the SimaticML form of an overlay is not known), start values of array elements, of
members inside UDT-typed members and of an instance DB's members (all after BEGIN) become the spec's
``startValues``; an unquoted type name that is neither elementary nor a known system type is a user type
(written quoted; the caller reports ``MISSING_TYPE`` when it is nowhere). Statements after a DB's BEGIN
that are not assignments are ignored with a note (TIA accepts such sources).

``locations`` (optional dict) receives, per block name, ``{field prefix: (line, column)}`` in the source
file (``interface.Input[0]``, ``networks[0]`` -> the first body line, ``""`` -> the block header), so a
:class:`SpecError` can be reported at its place in the file; ``notes`` receives ``(block, line, column,
code, message)`` warnings.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import Any

from simatic_xml.scl import ast as A
from simatic_xml.scl.lexer import source_lines
from simatic_xml.scl.token_slices import offer_network

from .datatypes import ELEMENTARY, SYSTEM_ELEMENTARY, SYSTEM_FB_TYPES, catalog_type
from .errors import SpecError
from .name_union import NameUnion

__all__ = ("EXPORT_TAB_KEY", "body_location", "expr_text", "source_callees", "source_to_specs", "type_text",
           "without_export_tab")

Locations = dict[str, dict[str, tuple[int, int]]]
"""Block name -> spec field path -> (line, column) in the source, filled while generating."""
Notes = list[tuple[str, int, int, str, str]]
"""(block, line, column, code, message) of what was written differently from the source."""

_KINDS = {"FUNCTION_BLOCK": "FB", "FUNCTION": "FC", "ORGANIZATION_BLOCK": "OB", "DATA_BLOCK": "GlobalDB", "TYPE": "UDT"}
_FLAGS = {"EXTERNALACCESSIBLE": "accessibleFromHmi", "EXTERNALVISIBLE": "visibleInHmi",
          "EXTERNALWRITABLE": "writableFromHmi"}
_OB_SYSTEM_INPUTS = {name.casefold() for name in (
    "Initial_Call", "Remanence", "LostRetentive", "LostRTC", "Event_Count", "IO_State", "LADDR", "Channel",
    "MultiError", "Event_Class", "Fault_ID", "csg_OBnr", "csg_prio")}
# The OB type of a source OB: a source has no OB-type keyword, so it follows from the event inputs it
# declares, else from TIA's default name of that OB type (as TIA's own exports of OBs are named).
_OB_BY_INPUT = {"LostRetentive": "Startup", "LostRTC": "Startup", "Event_Count": "CyclicInterrupt",
                "IO_State": "DiagnosticErrorInterrupt", "MultiError": "DiagnosticErrorInterrupt",
                "csg_OBnr": "TimeErrorInterrupt", "csg_prio": "TimeErrorInterrupt"}
_OB_BY_NAME = {"main": "ProgramCycle", "program cycle": "ProgramCycle", "startup": "Startup",
               "cyclic interrupt": "CyclicInterrupt", "diagnostic error interrupt": "DiagnosticErrorInterrupt",
               "time error interrupt": "TimeErrorInterrupt",
               "pull or plug of modules": "PullOrPlugOfModules", "rack or station failure": "RackOrStationFailure"}
_OB_BY_NUMBER = {1: "ProgramCycle", 100: "Startup", 80: "TimeErrorInterrupt", 82: "DiagnosticErrorInterrupt",
                 83: "PullOrPlugOfModules",
                 86: "RackOrStationFailure", **{n: "CyclicInterrupt" for n in range(30, 39)}}
_BEGIN = re.compile(r"^\s*BEGIN\b", re.IGNORECASE)
_END_VAR = re.compile(r"^\s*END_VAR\b", re.IGNORECASE)
_GENERIC = frozenset({"ANY", "POINTER", "BLOCK_FC", "BLOCK_FB", "BLOCK_DB", "VOID", "DB_ANY", "OB_ANY", "HW_ANY",
                      "REMOTE", "ANY_POINTER"})
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
        text = {"local": f"#{node.name}", "global": f'"{node.name}"'}.get(node.scope, node.name)
        return text + ":P" if node.periphery else text
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
        return f"%{node.text}:P" if node.periphery else f"%{node.text}"
    if isinstance(node, A.Call):
        return f"{expr_text(node.callee)}(" + ", ".join(expr_text(a.value) for a in node.args) + ")"
    raise SpecError("source", f"line {node.line}: cannot use a {type(node).__name__} here")


def _system_name(name: str) -> bool:
    """An unquoted type name TIA resolves as a system type rather than a user type."""
    upper = name.upper()
    return (upper in ELEMENTARY or upper in _GENERIC or upper in SYSTEM_ELEMENTARY
            or upper in {k.upper() for k in SYSTEM_FB_TYPES}
            or catalog_type(name) is not None)


def type_text(node: A.TypeNode, user_types: Container[str] = frozenset()) -> str:
    """A declared type as a spec ``dataType`` (``Array[0..9] of Int``, ``String[20]``, ``"UDT_X"``).

    An unquoted name that is a user type of ``user_types`` or no known system type is written quoted (a
    reference to a user object, as TIA resolves it on import).
    """
    if isinstance(node, A.ElementaryType):
        return node.spelling + (f"[{expr_text(node.length)}]" if node.length is not None else "")
    if isinstance(node, A.ArrayType):
        dims = ", ".join("*" if d.low is None else f"{expr_text(d.low)}..{expr_text(d.high)}" for d in node.dims)
        return f"Array[{dims}] of {type_text(node.element, user_types)}"
    if isinstance(node, A.StructType):
        return "Struct"
    if isinstance(node, A.NamedType):
        if node.quoted or node.name in user_types or not _system_name(node.name):
            return f'"{node.name}"'
        return node.name
    if isinstance(node, A.RefType):
        return f"Ref_To {type_text(node.target, user_types)}"
    raise SpecError("source", f"line {node.line}: unsupported type {type(node).__name__}")


class _Walk:
    """Per-source state: user types, and where each spec field came from."""

    def __init__(self, user_types: Container[str], locations: Locations | None, notes: Notes | None) -> None:
        self.user_types = user_types
        self.locations = locations if locations is not None else {}
        self.notes = notes if notes is not None else []

    def at(self, block: str, key: str, node: Any) -> None:
        self.locations.setdefault(block, {})[key] = (getattr(node, "line", 0), getattr(node, "col", 0))

    def note(self, block: str, node: Any, code: str, message: str) -> None:
        self.notes.append((block, getattr(node, "line", 0), getattr(node, "col", 0), code, message))


def _instruction_type(decl: A.VarDecl) -> bool:
    """Does the declaration name a system type TIA itself marks as one? TIA's exported sources write
    ``{InstructionName := 'MC_CAMIN'; LibVersion := '5.0'}`` on every member of an instruction's instance or
    technology object type (TurboLouis/TestRepo, Siemens' LAxisCtrl library exported by TIA V17:
    ``LAnyAxis_UnpubCamInMasterPosAxis.scl``: ``cam {InstructionName := 'TO_Cam'; ...} : TO_Cam``). Such an
    unquoted name is TIA's type even when the catalog does not list it, never a user type to be quoted."""
    return (isinstance(decl.type, A.NamedType) and not decl.type.quoted
            and any(a.name.upper() == "INSTRUCTIONNAME" for a in decl.attributes))


def _member(decl: A.VarDecl, block: str, retain: bool, walk: _Walk, key: str) -> dict[str, Any]:
    walk.at(block, key, decl)
    if decl.at:
        walk.note(block, decl, "AT_OVERLAY", f"'{decl.name} AT {decl.at}' is written as a member of its own: "
                  "the SimaticML form of an AT overlay is not known to this generator")
    spec: dict[str, Any] = {"name": decl.name, "dataType": type_text(decl.type, walk.user_types)}
    if _instruction_type(decl) and isinstance(decl.type, A.NamedType):
        spec["dataType"] = decl.type.name
        version = next((str(a.value).strip("'") for a in decl.attributes if a.name.upper() == "LIBVERSION"), None)
        if version:
            spec["libraryVersion"] = version
    struct = decl.type if isinstance(decl.type, A.StructType) else (
        decl.type.element if isinstance(decl.type, A.ArrayType) and isinstance(decl.type.element, A.StructType)
        else None)
    if struct is not None:
        spec["members"] = [_member(d, block, False, walk, f"{key}.members[{i}]") for i, d in enumerate(struct.members)]
    if decl.initial is not None:
        spec["startValue"] = expr_text(decl.initial)
    if decl.comment:
        spec["comment"] = decl.comment.strip()
    if retain:
        spec["retain"] = True
    for attr in decl.attributes:
        key_ = _FLAGS.get(attr.name.upper())
        value = str(attr.value).strip("'").lower()
        if key_ is not None:
            spec[key_] = value == "true"
        elif attr.name.upper() == "S7_SETPOINT":
            spec["setpoint"] = value == "true"
    return spec


def _sections(block: A.Block, block_type: str, walk: _Walk) -> dict[str, list[dict[str, Any]]]:
    interface: dict[str, list[dict[str, Any]]] = {}
    for section in block.sections:
        name = "Constant" if section.constant else A.SECTION_NAMES.get(section.kind)
        if name is None:
            raise SpecError(f"source.{block.name}", f"line {section.line}: unknown section {section.kind}")
        if block_type in ("FC", "OB") and name == "Static":
            name = "Temp"  # VAR in a FUNCTION/OB declares temporary locals
        retain = "RETAIN" in section.qualifiers and name in ("Input", "Output", "InOut", "Static")
        if name not in interface:  # a section its block kind has not is refused at its first keyword
            walk.at(block.name, f"interface.{name}", section)
        members = interface.setdefault(name, [])
        for decl in section.decls:
            members.append(_member(decl, block.name, retain, walk, f"interface.{name}[{len(members)}]"))
    return interface


def body_location(block: A.Block, lines: list[str]) -> tuple[str, int, int]:
    """The statement text between BEGIN and END_..., verbatim, with the file line and column where it starts.

    A block without BEGIN (TIA imports code that follows the declarations directly: ESS PLCFactory's sources in the
    corpus, ``krisztianloki__ess_plcfactory/…/PLCFactory_external_source_TIAv15.1.scl``) has its statements after
    its last ``END_VAR``. ``lines``: the source's lines as the parser numbers them (:func:`source_lines`)."""
    start = max([block.line] + [s.line for s in block.sections] + [d.line for s in block.sections for d in s.decls])
    last = min(block.end_line, len(lines))
    begin = next((index for index in range(start - 1, last) if _BEGIN.match(lines[index])), None)
    opener = _BEGIN
    if begin is None and block.sections and block.body:
        begin = next((index for index in range(start - 1, last) if _END_VAR.match(lines[index])), None)
        opener = _END_VAR
    if begin is None:
        return "", 0, 0
    end = block.end_line - 1
    while end > begin and not _END.match(lines[end]):
        end -= 1
    m = opener.match(lines[begin])
    after = lines[begin][m.end():] if m else lines[begin]
    if after.strip():
        body, line, col = [after] + lines[begin + 1:end], begin + 1, (m.end() if m else 0) + 1
    else:
        body, line, col = lines[begin + 1:end], begin + 2, 1
    return "\n".join(body).rstrip(), line, col


EXPORT_TAB_KEY = "networks[0]:tab"
"""The location key saying that one tab was taken off each line of a block's statement text."""


def without_export_tab(body: str) -> tuple[str, bool]:
    """The statement text without the one tab TIA adds to each line when it exports a source.

    TIA writes a block's text into a source with one tab before each line (corpus: every body line of
    Amadeusz97/TIA_H4 ``Initialisation.scl`` starts with a tab, ``REGION`` at its start), while its SimaticML
    export of an SCL block starts a statement of the outermost level at column 1, without a ``Blank``
    (corpus: ``Fwaldt_FB_AnalogInput.xml``, ``REGION`` is the first token). Generating from the source takes
    that tab off again, so that an export/generate cycle does not add a Blank each time. Only a text whose
    every non-empty line starts with a tab is such an export; other sources keep their text."""
    lines = body.split("\n")
    if not any(line.strip() for line in lines) or not all(line.startswith("\t") for line in lines if line.strip()):
        return body, False
    return "\n".join(line[1:] if line.startswith("\t") else line for line in lines), True


def _body_text(block: A.Block, lines: list[str]) -> str:
    """The statement text between BEGIN and END_..., verbatim."""
    return body_location(block, lines)[0]


def _path(target: Any) -> str | None:
    """``a.b[1]."c"`` of an assignment target, without the ``#``/quotes of the root; None if not a path."""
    if isinstance(target, A.Name):
        return f'"{target.name}"' if "." in target.name else target.name
    if isinstance(target, A.Member):
        base = _path(target.base)
        return None if base is None else f"{base}.{_q(target.name, target.quoted or '.' in target.name)}"
    if isinstance(target, A.Index):
        base = _path(target.base)
        return None if base is None else f"{base}[{', '.join(expr_text(i) for i in target.indices)}]"
    return None


def _assign_start(spec: dict[str, Any], interface: dict[str, list[dict[str, Any]]] | None, stmt: A.Stmt, block: str,
                  walk: _Walk) -> None:
    """One BEGIN assignment: the member's ``startValue`` when the path names a declared member through
    plain structs, otherwise an entry of the spec's ``startValues`` (array elements, members of UDT-typed
    members, an instance DB's members)."""
    if not isinstance(stmt, A.Assign):
        walk.note(block, stmt, "IGNORED_STATEMENT", "only assignments of start values take effect after a DB's BEGIN; "
                  "this statement is ignored")
        return
    path = _path(stmt.target)
    if path is None:
        raise SpecError(f"source.{block}",
                        f"line {stmt.line}: '{expr_text(stmt.target)}' is not a member to give a start value")
    value = expr_text(stmt.value)
    names: list[str] = []
    target = stmt.target
    while isinstance(target, A.Member):
        names.insert(0, target.name)
        target = target.base
    if isinstance(target, A.Name) and interface is not None:
        # A DB with its own declarations: a path through plain structs names a member (TIA refuses an
        # undeclared one); a path into a UDT-typed member goes to startValues.
        names.insert(0, target.name)
        members: list[dict[str, Any]] | None = interface.get("Static", [])
        member = None
        for part in names:
            if members is None:  # below a UDT-typed member: its members are the UDT's
                member = None
                break
            member = next((m for m in members if m["name"].lower() == part.lower()), None)
            if member is None:
                raise SpecError(f"source.{block}", f"line {stmt.line}: '{path}' is not declared")
            members = member.get("members", []) if member.get("dataType") == "Struct" else None
        if member is not None:
            member["startValue"] = value
            return
    spec.setdefault("startValues", {})[path] = value
    walk.at(block, f"startValues.{path}", stmt)


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


def source_callees(source: A.SourceFile, fbs: Container[str]) -> dict[str, dict[str, str]]:
    """The source's own callable globals as ``calls`` hints: an instance DB of a user FB (``DATA_BLOCK "DB_M"
    "FB_M"``) is called as that FB, a FUNCTION as an FC. TIA writes either call as a ``CallInfo`` naming the block
    type (and the FB), the instance or FC as a global ``Instance`` (Fwaldt Main.xml, V20: ``"LBP_OpUnitComm_DB"(…)``
    is ``CallInfo BlockType="FB" Name="LBP_OpUnitComm"``, ``LBP_MainBP();`` is ``CallInfo BlockType="FC"``)."""
    out: dict[str, dict[str, str]] = {}
    for block in source.blocks:
        if block.kind == "FUNCTION":
            out[block.name] = {"blockType": "FC"}
        elif block.kind == "DATA_BLOCK" and isinstance(block.type, A.NamedType) and block.type.name in fbs:
            out[block.name] = {"blockType": "FB", "block": block.type.name}
    return out


def _called_globals(block: A.Block) -> list[str]:
    """The names a block's code calls directly as a global or a bare word (``"DB_M"(…)``, ``FC_X()``)."""
    names: list[str] = []
    for statement in block.body:
        for node in A.walk(statement):
            if isinstance(node, A.Call) and isinstance(node.callee, A.Name) and node.callee.scope in ("global",
                                                                                                      "bare"):
                names.append(node.callee.name)
    return names


_NAMES_SEARCHED_MAX = 64
"""Callables of one source searched for by text in each of its blocks: with more, searching every name in every block
costs more than the walk it spares (600 FCs of 20 statements each: 0.14 s against the walk's 0.17 s; 1,500: 0.81 s
against 0.50 s, measured 2026-11-28), and the walk decides alone."""


def _names_any(block: A.Block, lines: list[str], names: dict[str, Any]) -> bool:
    """Whether any of ``names`` is written in the lines of ``block``'s statements (of the source's ``lines``: from
    the first statement's to the block's end), or their end is not known."""
    if not block.body:
        return False
    first = block.body[0].line
    if block.end_line < first:
        return True
    if len(names) > _NAMES_SEARCHED_MAX:  # each name searched in each block: past this, dearer than the walk
        return True
    text = "\n".join(lines[first - 1:block.end_line])
    return any(name in text for name in names)


def source_to_specs(source: A.SourceFile, text: str, *, known_fbs: Container[str] = frozenset(),
                    known_udts: Container[str] = frozenset(), locations: Locations | None = None,
                    notes: Notes | None = None, callees: dict[str, dict[str, str]] | None = None,
                    lines: list[str] | None = None) -> list[dict[str, Any]]:
    """One spec per block of the source, in source order.

    ``known_fbs``/``known_udts`` name FBs and UDTs outside the source, so ``DATA_BLOCK "x" "T"`` is an
    instance DB of FB ``T`` or a DB of UDT ``T``. A type known as neither is taken as an FB (instance DBs
    are the common case; the caller reports the missing block). ``callees``: what a called global is
    (:func:`source_callees` of the whole source when ``source`` holds one of its blocks; by default this source's).
    ``lines``: :func:`~simatic_xml.scl.lexer.source_lines` of ``text``, when the caller has them (a source generated
    block by block splits its text once).

    Raises:
        SpecError: a construct the block spec cannot hold (the reason names the line).
    """
    if lines is None:
        lines = source_lines(text)  # numbered as the parser numbers its nodes' lines
    # The source's own names, and the program's by reference: a source is generated block by block, and a copy
    # of a plant's names per block made checking its sources quadratic (NameUnion).
    fbs = NameUnion({b.name for b in source.blocks if b.kind == "FUNCTION_BLOCK"}, known_fbs)
    udts = NameUnion({b.name for b in source.blocks if b.kind == "TYPE"}, known_udts)
    walk = _Walk(NameUnion(fbs, udts), locations, notes)
    callees = source_callees(source, fbs) if callees is None else callees
    specs = []
    for block in source.blocks:
        block_type = _KINDS.get(block.kind)
        walk.at(block.name, "", block)
        if block_type is None:
            raise SpecError(f"source.{block.name}", f"line {block.line}: {block.kind} blocks cannot be generated")
        spec: dict[str, Any] = {"blockType": block_type, "name": block.name}
        if block.namespace:
            spec["namespace"] = block.namespace
        _header(block, spec)
        if block_type == "UDT":
            if not isinstance(block.type, A.StructType):
                raise SpecError(f"source.{block.name}", f"line {block.line}: a TYPE must be a STRUCT")
            spec["interface"] = {"None": [_member(d, block.name, False, walk, f"interface.None[{i}]")
                                          for i, d in enumerate(block.type.members)]}
            specs.append(spec)
            continue
        if block_type == "GlobalDB":
            if isinstance(block.type, A.NamedType):
                spec["blockType"] = "InstanceDB"
                spec["instanceOf"] = block.type.name
                # TIA's source of an instance DB repeats its FB's access ({ S7_Optimized_Access := 'FALSE' }
                # in xvsadvx/Hotyn_Whouse_v16's 76 instance DBs of V16): the DB takes the layout of its FB, so
                # the attribute is no setting of its own and is not carried
                spec.pop("memoryLayout", None)
                if block.type.name in udts and block.type.name not in fbs:
                    spec["instanceOfType"] = "UDT"
                elif not block.type.quoted and block.type.name not in fbs \
                        and (system := catalog_type(block.type.name)) is not None:
                    # DATA_BLOCK "IEC_Timer_0_DB" … IEC_TIMER: the instance DB of a system instruction
                    spec["instanceOf"] = str(system.name)
                    spec["instanceOfType"] = "System"
                for stmt in block.body:
                    _assign_start(spec, None, stmt, block.name, walk)
                specs.append(spec)
                continue
            interface = _sections(block, block_type, walk)
            if isinstance(block.type, A.StructType):
                members = interface.setdefault("Static", [])
                for decl in block.type.members:
                    members.append(_member(decl, block.name, False, walk, f"interface.Static[{len(members)}]"))
            for stmt in block.body:
                _assign_start(spec, interface, stmt, block.name, walk)
            spec["interface"] = interface
            specs.append(spec)
            continue
        spec["language"] = "SCL"
        if block_type == "FC":
            spec["returnType"] = type_text(block.return_type,
                                           walk.user_types) if block.return_type is not None else "Void"
        interface = _sections(block, block_type, walk)
        if block_type == "OB":
            declared = {m["name"] for m in interface.get("Input", [])}
            ob_type = next((t for n, t in _OB_BY_INPUT.items() if n in declared), None) or _OB_BY_NUMBER.get(
                block.number or 0) or _OB_BY_NAME.get(block.name.strip().lower())
            if ob_type and ob_type != "ProgramCycle":
                spec["secondaryType"] = ob_type
        if block_type == "OB" and "Input" in interface:
            # TIA writes the OB's system inputs into the source; the generator adds them itself
            interface["Input"] = [m for m in interface["Input"] if m["name"].casefold() not in _OB_SYSTEM_INPUTS]
            if not interface["Input"]:
                del interface["Input"]
        if interface:
            spec["interface"] = interface
        body, line, col = body_location(block, lines)
        body, tab = without_export_tab(body)
        if block.body and not body.strip():  # never an empty success for a body that was not written
            raise SpecError(f"source.{block.name}", f"line {block.line}: the statements of the block could not be "
                            "taken from the source text")
        if body.strip():
            offer_network(body, line, col, tab_taken=tab)  # its tokens cut from the source's
            spec["networks"] = [{"scl": body}]
            # the walk only finds names of callees: a source with none (most hold one block) is not walked, nor a
            # block whose statements' lines name none of them (a called name is the text of its token)
            calls = {name: callees[name] for name in _called_globals(block) if name in callees} \
                if callees and _names_any(block, lines, callees) else {}
            if calls:
                spec["networks"][0]["calls"] = calls
            walk.locations.setdefault(block.name, {})["networks[0]"] = (line, col)
            if tab:
                walk.locations[block.name][EXPORT_TAB_KEY] = (1, 0)
        specs.append(spec)
    return specs
