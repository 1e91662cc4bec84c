"""Compile a PLC's software (a :class:`Software`: the fake's ``PlcSoftware``, or the bridge's exports) as TIA does.

The software is read into a program view (interfaces, SCL networks as statement ASTs, LAD/FBD
networks as typed FlgNets, UDTs, tags, user constants), every object is checked in dependency order
(UDTs, FBs, FCs, DBs, OBs) and the result is nested as TIA's CompilerResult: device software >
object > messages. Consistency: an object is consistent when its ``compiled_against`` equals the
current interface digests of itself and of what it uses; a successful compile returns new digests.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.backend.models import CompileMessage, CompileResult, CompileState, DiagnosticInfo
from simatic_xml import parse_bytes, tokens_to_text
from simatic_xml.conversions import iec_check_of
from simatic_xml.errors import SimaticMLError, UnsupportedConstructError
from simatic_xml.objects import OB, Block, PlcStruct, PlcTagTable
from simatic_xml.scl import SclSyntaxError, parse_statements

from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic, capped

from .checker import check_block
from .program import BlockDef, Network, Program, TypeIssue, type_from_text
from .types import Var

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engineering_api.rules.program_objects import ProgramObject
    from simatic_xml.graph import Sequence
    from simatic_xml.model import Document
    from simatic_xml.xmlnode import XmlNode

__all__ = ["CompileRun", "CompiledSoftware", "Software", "add_tag_table", "add_tags", "block_def_from_document",
           "compile_software", "graph_networks", "program_from_software"]


class Software(Protocol):
    """What the compiler reads of one PLC's software: its objects by name, each with its SimaticML ``xml``."""

    blocks: dict[str, ProgramObject]
    types: dict[str, ProgramObject]
    tag_tables: dict[str, Any]


class CompiledSoftware(Software, Protocol):
    """Software the compiler checks as a whole (the fake's ``PlcSoftware``)."""

    def all(self) -> Iterable[ProgramObject]:
        """Types, tag tables, then blocks."""
        ...


_KIND = {"OB": "OB", "FB": "FB", "FC": "FC", "GlobalDB": "DB", "InstanceDB": "DB", "ArrayDB": "DB",
         "TechnologicalInstanceDB": "DB", "UDT": "UDT"}
_ORDER = {"UDT": 0, "FB": 1, "FC": 2, "DB": 3, "OB": 4}
_FLG = frozenset(["LAD", "FBD", "F_LAD", "F_FBD"])
_FOLDER = {"UDT": "PLC data types"}


def _block_def(obj: ProgramObject) -> BlockDef:
    try:
        doc = parse_bytes(obj.xml)
    except SimaticMLError as exc:  # stored objects were validated on import; be safe anyway
        bd = BlockDef(obj.name, _KIND[obj.kind], obj.number)
        bd.networks.append(Network(None, "XML", error=(str(exc), 0, 0)))
        return bd
    return block_def_from_document(doc, obj)


def _name_the_array_this(bd: BlockDef) -> None:
    """An ARRAY DB's interface is one member named as the DB, its ARRAY; the program reaches the array, and
    its elements, by the keyword THIS (``"Routes"."THIS"[#i].Circuit``: 330 such accesses in a TIA V17
    program, SsiAmjad/Test, whose ``SW.Blocks.ArrayDB`` exports hold exactly that one member)."""
    if len(bd.decls) == 1:
        bd.vars.setdefault("this", Var("THIS", bd.decls[0].type, bd.decls[0].section))


def block_def_from_document(doc: Document, obj: ProgramObject) -> BlockDef:
    """The program view of one block or UDT from its already parsed SimaticML ``doc``; ``obj`` gives the kind,
    name, number, language and instance (a :class:`~engineering_api.rules.program_objects.ProgramObject` or a
    stand-in with those)."""
    kind = _KIND[obj.kind]
    sw = doc.object
    # A V20 software unit's block is known by its namespace-qualified name (Conveyor2.InterfaceTP_C2), the name
    # every reference uses (SwObject.qualified_name); callers may pass the plain Name.
    bd = BlockDef(sw.qualified_name or obj.name, kind, obj.number)
    namespace = sw.attr("Namespace")
    bd.namespace = namespace if isinstance(namespace, str) and namespace else None
    if kind == "OB":
        bd.ob_type = sw.secondary_type if isinstance(sw, OB) else None
    bd.iec_check = iec_check_of(sw)  # <IsIECCheckEnabled>: the block's implicit conversions (off by default)
    interface = sw.interface if isinstance(sw, (Block, PlcStruct)) else None
    issues = bd.named_types
    if interface is not None:
        for section in interface.sections.sections:
            for mem in section.members:
                v = Var(mem.name, type_from_text(mem.datatype, mem.members, issues, mem.sections, mem.version),
                        section.name)
                if section.name == "Return":
                    bd.return_type = v.type
                    v = Var(sw.name or obj.name, v.type, "Return")
                    if bd.return_type == "VOID":
                        continue
                bd.decls.append(v)
                bd.vars.setdefault(v.name.lower(), v)
    if kind == "FC" and bd.return_type is None:
        bd.return_type = "VOID"
    if obj.kind == "ArrayDB":
        _name_the_array_this(bd)
    if obj.kind == "InstanceDB" and obj.instance_of:
        bd.instance_of = obj.instance_of
        if b"OfSystemLibElement" not in obj.xml:
            issues.append(TypeIssue(obj.instance_of, True, 0, 0))
    block_lang = obj.language or ""
    for index, cu in enumerate(sw.compile_units if isinstance(sw, Block) else (), 1):
        ns = cu.network_source
        body = ns.body if ns is not None else None
        if body is None:
            continue
        lang = cu.programming_language or block_lang
        if lang in ("SCL", "F_SCL") or body.tag == "StructuredText":
            try:
                text = tokens_to_text(body)
                bd.networks.append(Network(index, "SCL", parse_statements(text)))
            except SclSyntaxError as err:
                bd.networks.append(Network(index, "SCL", error=(err.message, err.line, err.col)))
            except UnsupportedConstructError as exc:  # valid SimaticML this tool does not read: not TIA's error
                bd.networks.append(Network(index, "SCL", unchecked=f"{exc}; TIA's schema allows it"))
            except Exception as exc:  # a network we cannot read is reported, never crashes compile
                bd.networks.append(Network(index, "SCL", error=(f"the network cannot be read ({exc})", 0, 0)))
        elif lang in _FLG or body.tag == "FlgNet":
            from simatic_xml.flgnet import from_xml
            try:
                bd.networks.append(Network(index, lang, flgnet=from_xml(body)))
            except Exception as exc:  # a shape the typed view does not read: said, not an error
                # (none of 2 037 LAD/FBD networks of the corpus and 60 public repositories is one)
                bd.networks.append(Network(index, lang, unchecked=f"its {lang} is not read by this tool ({exc})"))
        elif body.tag == "StatementList":
            from simatic_xml import stl
            try:
                bd.networks.append(Network(index, "STL", stl=stl.from_xml(body)))
            except Exception as exc:  # a shape the typed view does not read: said, not an error
                bd.networks.append(Network(index, "STL", unchecked=f"its STL is not read by this tool ({exc})"))
        elif body.tag == "Graph":
            bd.networks.extend(graph_networks(index, body))
    return bd


def graph_networks(index: int, body: XmlNode) -> list[Network]:
    """The LAD/FBD networks of a GRAPH network (``index``): its permanent pre- and post-operations, each step's
    supervisions and interlocks, and each transition's condition, checked as the block's other LAD/FBD networks
    with the GRAPH FB's interface in scope (its steps and transitions are Static members of G7_StepPlus/
    G7_TransitionPlus types, ``#Step1.U``, typed from the catalog). Step actions are no FlgNets and stay
    unchecked; a sequence the typed view cannot read is one NETWORK_NOT_CHECKED warning."""
    from simatic_xml import graph

    try:
        seq = graph.from_xml(body)
    except Exception as exc:  # a shape the typed view does not read: said, not an error
        return [Network(index, "GRAPH", unchecked=f"its GRAPH sequence is not read by this tool ({exc})")]
    out: list[Network] = [Network(index, "GRAPH", dangling=found) for found in _dangling(seq.sequence)]
    for operations in (seq.pre_operations, seq.post_operations):
        out.extend(_permanent_operations(index, operations))
    for step in seq.sequence.steps:
        for condition in (step.supervisions or []) + (step.interlocks or []):
            if condition.net is not None:
                out.append(Network(index, condition.programming_language, flgnet=condition.net))
    for transition in seq.sequence.transitions:
        if transition.net is not None:
            out.append(Network(index, transition.programming_language, flgnet=transition.net))
    return out


def _dangling(sequence: Sequence) -> list[str]:
    """The connections of a GRAPH sequence that name a step or transition it does not have (a jump to a missing
    step): a connection links nodes of the sequence by number (``<StepRef Number>``, ``<TransitionRef Number>``),
    so one whose number no ``<Step>``/``<Transition>`` carries links nothing TIA's GRAPH editor can draw."""
    known = {"StepRef": {s.number for s in sequence.steps}, "TransitionRef": {t.number for t in sequence.transitions}}
    found = []
    for connection in sequence.connections:
        for end in (connection.source, connection.target):
            numbers = known.get(end.kind)
            if numbers is not None and end.number not in numbers:
                what = "step" if end.kind == "StepRef" else "transition"
                link = "jump" if connection.link_type == "Jump" else "connection"
                found.append(f"The {link} names {what} {end.number}, which the sequence does not have.")
    return found


def _permanent_operations(index: int, operations: XmlNode | None) -> list[Network]:
    """``<PreOperations>``/``<PostOperations>``: ``PermanentOperation`` items whose FlgNet is checked; anything
    else in them is said to be unchecked (every corpus GRAPH block has them empty)."""
    from simatic_xml.flgnet import from_xml

    out: list[Network] = []
    for operation in operations.children if operations is not None else ():
        lang = operation.attrs.get("ProgrammingLanguage", "LAD")
        for child in operation.children:
            if child.tag != "FlgNet":
                out.append(Network(index, lang, unchecked=f"a GRAPH permanent operation's <{child.tag}> is not read "
                                                          "by this tool"))
                continue
            try:
                out.append(Network(index, lang, flgnet=from_xml(child)))
            except Exception as exc:  # as for a LAD/FBD network: said, not an error
                out.append(Network(index, lang, unchecked=f"its {lang} is not read by this tool ({exc})"))
    return out


def _tags(software: Software, program: Program) -> None:
    for table in software.tag_tables.values():
        try:
            doc = parse_bytes(table.xml)
        except SimaticMLError:
            continue
        add_tag_table(program, doc)


def add_tag_table(program: Program, doc: Document) -> None:
    """The tags and user constants of one parsed tag table document into ``program`` (first name wins)."""
    obj = doc.object
    table = obj if isinstance(obj, PlcTagTable) else None
    add_tags(program, ((tag.name, tag.data_type) for tag in (table.tags if table is not None else ())),
             ((const.name, const.attr("DataTypeName"))
              for const in (table.user_constants if table is not None else ())))


def add_tags(program: Program, tags: Iterable[tuple[str | None, str | None]],
             constants: Iterable[tuple[str | None, object]]) -> None:
    """Tags and user constants, each ``(name, data type text or None)``, into ``program`` (first name wins).

    A tag of no type is a Variant; a constant of no type is untyped."""
    for name, data_type in tags:
        if name:
            program.tags.setdefault(name.lower(), Var(name, type_from_text(data_type or "Variant"), "Tag"))
    for name, constant_type in constants:
        if name:
            program.constants.setdefault(name.lower(), Var(
                name, type_from_text(constant_type) if isinstance(constant_type, str) else None, "Constant"))


def program_from_software(software: Software) -> Program:
    program = Program(closed=True)
    for obj in list(software.types.values()) + list(software.blocks.values()):
        if obj.kind in _KIND:
            program.add(_block_def(obj))
    _tags(software, program)
    return program


_RANK = {"UDT": 0, "FB": 1, "FC": 1, "DB": 2, "OB": 3}


def _ordered(software: Software, program: Program) -> list[ProgramObject]:
    """UDTs, then FBs/FCs, then DBs, then OBs; inside a rank what an object uses comes first."""
    objs = [o for o in list(software.types.values()) + list(software.blocks.values()) if o.kind in _KIND]
    by_name = {o.name.lower(): o for o in objs}
    done: list[ProgramObject] = []
    seen: set[str] = set()

    def deps(o: ProgramObject) -> list[str]:
        bd = (program.types if o.kind == "UDT" else program.blocks).get(o.name.lower())
        names = set(o.uses_types) | (set(bd.uses) if bd is not None else set())
        if o.instance_of:
            names.add(o.instance_of)
        return sorted(names)

    def visit(o: ProgramObject, stack: tuple[str, ...]) -> None:
        if o.name in seen or o.name in stack:
            return
        rank = _RANK[_KIND[o.kind]]
        for dep in deps(o):
            d = by_name.get(dep.lower())
            if d is not None and _RANK[_KIND[d.kind]] <= rank:
                visit(d, (*stack, o.name))
        seen.add(o.name)
        done.append(o)

    for o in sorted(objs, key=lambda o: _RANK[_KIND[o.kind]]):
        visit(o, ())
    return sorted(done, key=lambda o: _RANK[_KIND[o.kind]])


@dataclass
class CompileRun:
    result: CompileResult
    compiled: dict[str, dict[str, str]] = field(default_factory=dict)
    """Object name -> new ``compiled_against`` digests for objects that compiled without errors."""
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    """Object name -> its diagnostics (``Diagnostic``)."""
    program: Program | None = None
    """The program view the run checked: a caller that needs it too (the runtime's ``build_image``) reuses
    it instead of reading and parsing every object a second time."""
    failed: set[str] = field(default_factory=set)
    """Names of the checked objects with errors: TIA keeps them inconsistent until a compile succeeds."""
    calls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Object name -> the blocks and types its code uses (sorted names): its callees, for the consistency rule
    (an object calling one whose compile failed is inconsistent too). Every checked object, and in a compile of
    one object that fails, every other object as well (so its callers are known)."""


def _where(d: Diagnostic, textless: set[int | None]) -> str:
    """``Network N, line L, column C``; a LAD/FBD network (in ``textless``) has no text lines (its findings' lines
    are the export's), so TIA's message names the network only."""
    parts: list[str] = []
    if d.network:
        parts.append(f"Network {d.network}")
    if d.line and d.network not in textless:
        parts.append(f"line {d.line}, column {d.col}")
    return ", ".join(parts)


def _node(path: str, description: str, children: list[CompileMessage]) -> CompileMessage:
    errors = sum(c.error_count if c.messages else (1 if c.state == "Error" else 0) for c in children)
    warnings = sum(c.warning_count if c.messages else (1 if c.state == "Warning" else 0) for c in children)
    state: CompileState = "Error" if errors else "Warning" if warnings else "Success"
    return CompileMessage(path=path, description=description, state=state, messages=children,
                          error_count=errors, warning_count=warnings)


def compile_software(software: CompiledSoftware, device: str, only: str | None = None, *,
                     cpu_family: str | None = None) -> CompileRun:
    """Check the software (or one object, ``only``) of a CPU of ``cpu_family`` (the signatures of the system
    instructions: :mod:`.signatures`; None: either family's) and nest the findings as TIA does."""
    program = program_from_software(software)
    program.cpu_family = cpu_family
    digests = {o.name.lower(): (o.name, o.interface_hash) for o in software.all() if o.kind in _KIND}
    run = CompileRun(CompileResult(state="Success", error_count=0, warning_count=0), program=program)
    block_nodes: list[CompileMessage] = []
    numbers: dict[tuple[str, int], ProgramObject] = {}
    clashes: dict[str, Diagnostic] = {}
    for obj in software.blocks.values():
        if obj.number is None or obj.number_class is None:
            continue
        first = numbers.setdefault((obj.number_class, obj.number), obj)
        if first is not obj:
            clashes[obj.name] = Diagnostic(
                message("NUMBER_IN_USE", cls=obj.number_class, number=obj.number, other=first.name),
                block=obj.name, code="NUMBER_IN_USE")
    checked: dict[str, tuple[BlockDef, list[Diagnostic]]] = {}
    for obj in software.all():
        if obj.kind not in _KIND or (only is not None and obj.name != only):
            continue
        bd = (program.types if obj.kind == "UDT" else program.blocks).get(obj.name.lower())
        if bd is not None:
            checked[obj.name] = (bd, [d for d in check_block(program, bd) if d.severity != "Info"])
    reported: list[Diagnostic] = []
    for obj in _ordered(software, program):
        if obj.name not in checked:
            continue
        bd, diags = checked[obj.name]
        if obj.name in clashes:
            diags.insert(0, clashes[obj.name])
        deps = set(bd.uses) | set(obj.uses_types) | ({obj.instance_of} if obj.instance_of else set())
        current = {obj.name: obj.interface_hash}
        for dep in deps:
            found = digests.get(dep.lower())
            if found is not None and found[0] != obj.name:
                current[found[0]] = found[1]
        path = f"{device}/{_FOLDER.get(obj.kind, 'Program blocks')}/{obj.name}"
        leaves: list[CompileMessage] = []
        if obj.compiled_against is not None and obj.compiled_against != current:
            changed = sorted(n for n in current if n != obj.name and obj.compiled_against.get(n) != current[n])
            if changed:
                names = ", ".join(f'"{n}"' for n in changed)
                leaves.append(CompileMessage(
                    path=path, state="Warning",
                    description=f"The block was inconsistent: the interface of {names} changed since its last "
                                "compile; it was compiled again.",
                ))
        textless = {n.index for n in bd.networks if n.flgnet is not None}
        for d in diags:
            where = _where(d, textless)
            leaves.append(CompileMessage(
                path=path + (f"/Network {d.network}" if d.network else ""),
                description=f"{where}: {d.message}" if where else d.message,
                state="Error" if d.severity == "Error" else "Warning",  # an Info shows as a Warning
            ))
        run.diagnostics[obj.name] = diags
        reported.extend(diags)
        run.calls[obj.name] = _callees(obj, bd)
        if any(d.severity == "Error" for d in diags):
            run.failed.add(obj.name)
        else:
            run.compiled[obj.name] = current
            if not leaves:
                leaves.append(CompileMessage(path=path, description="Block was successfully compiled.",
                                             state="Success"))
        block_nodes.append(_node(path, obj.name, leaves))
    top = _node(device, f"{device} (PLC software)", block_nodes)
    if not block_nodes:
        top.messages = [CompileMessage(path=device, description="Compiling finished (errors: 0; warnings: 0)",
                                       state="Success")]
    if only is not None and run.failed:
        _callers_too(software, program, run)
    run.result = CompileResult(state=top.state, error_count=top.error_count, warning_count=top.warning_count,
                               messages=[top], diagnostics=[DiagnosticInfo.of(d) for d in capped(reported)])
    return run


def _callees(obj: ProgramObject, bd: BlockDef) -> tuple[str, ...]:
    names = set(bd.uses) | ({obj.instance_of} if obj.instance_of else set())
    names.discard(obj.name)
    return tuple(sorted(names))


def _callers_too(software: CompiledSoftware, program: Program, run: CompileRun) -> None:
    """A compile of one object that failed: what the other objects use, so that its callers show inconsistent.
    Their diagnostics are not reported (they were not compiled)."""
    for obj in software.all():
        if obj.kind not in _KIND or obj.name in run.calls:
            continue
        bd = (program.types if obj.kind == "UDT" else program.blocks).get(obj.name.lower())
        if bd is not None:
            check_block(program, bd)
            run.calls[obj.name] = _callees(obj, bd)
