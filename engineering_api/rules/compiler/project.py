"""The program view of a PLC's stored objects (a :class:`Software`: the fake's ``PlcSoftware``): interfaces, SCL
networks as statement ASTs, LAD/FBD networks as typed FlgNets, GRAPH conditions, UDTs, tags and user constants.

:mod:`.check` reads SimaticML sources into blocks through :func:`block_def_from_document`; the REST compile
(:mod:`.plc_compile`) reads a PLC's stored objects through :func:`program_from_software`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from simatic_xml import parse_bytes, tokens_to_text
from simatic_xml.conversions import iec_check_of
from simatic_xml.errors import SimaticMLError, UnsupportedConstructError
from simatic_xml.generate.declarations import interface_declaration_errors
from simatic_xml.objects import OB, Block, PlcStruct, PlcTagTable
from simatic_xml.scl import SclSyntaxError, parse_statements

from .program import BlockDef, Network, Program, TypeIssue, place_issues, type_from_text
from .types import Var

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engineering_api.rules.program_objects import ProgramObject
    from simatic_xml.graph import Sequence
    from simatic_xml.model import Document
    from simatic_xml.xmlnode import XmlNode

__all__ = ["OBJECT_KINDS", "CompiledSoftware", "Software", "add_tag_table", "add_tags", "block_def_from_document",
           "graph_networks", "program_from_software"]


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


OBJECT_KINDS = {"OB": "OB", "FB": "FB", "FC": "FC", "GlobalDB": "DB", "InstanceDB": "DB", "ArrayDB": "DB",
                "TechnologicalInstanceDB": "DB", "UDT": "UDT"}
"""A stored object's kind -> the compiler's (its number space for blocks); tag tables are none."""
_FLG = frozenset(["LAD", "FBD", "F_LAD", "F_FBD"])


def _parsed_def(obj: ProgramObject) -> BlockDef:
    try:
        doc = parse_bytes(obj.xml)
    except SimaticMLError as exc:  # stored objects were validated on import; be safe anyway
        bd = BlockDef(obj.name, OBJECT_KINDS[obj.kind], obj.number)
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
    kind = OBJECT_KINDS[obj.kind]
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
        bd.invalid_declarations = interface_declaration_errors(interface, block=bd.name)
        for section in interface.sections.sections:
            for mem in section.members:
                before = len(issues)
                v = Var(mem.name, type_from_text(mem.datatype, mem.members, issues, mem.sections, mem.version),
                        section.name)
                place_issues(issues, before, mem.line)
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
        if b"OfSystemLibElement" not in obj.xml:  # the FB of the instance: at the DB's <InstanceOfName>
            at = obj.xml.find(b"<InstanceOfName")
            issues.append(TypeIssue(obj.instance_of, True, obj.xml.count(b"\n", 0, at) + 1 if at >= 0 else 0, 0))
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
    """The whole program view of ``software``'s blocks, PLC data types and tags (a PLC is a closed program)."""
    program = Program(closed=True)
    for obj in list(software.types.values()) + list(software.blocks.values()):
        if obj.kind in OBJECT_KINDS:
            program.add(_parsed_def(obj))
    _tags(software, program)
    return program
