"""The program view of a PLC's stored objects (a :class:`Software`: the fake's ``PlcSoftware``): interfaces, SCL
networks as statement ASTs, LAD/FBD networks as typed FlgNets, GRAPH conditions, UDTs, tags and user constants.

:mod:`.check` reads SimaticML sources into blocks through :func:`block_def_from_document`; the REST compile
(:mod:`.plc_compile`) reads a PLC's stored objects through :func:`program_from_software`.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from simatic_xml import parse_bytes, tokens_to_text
from simatic_xml.conversions import iec_check_of
from simatic_xml.errors import SimaticMLError, UnsupportedConstructError
from simatic_xml.block_interfaces import interface_section_errors, misplaced_sections
from simatic_xml.generate.declarations import interface_declaration_errors
from simatic_xml.member_lines import place_member_lines
from simatic_xml.objects import OB, Block, PlcStruct, PlcTagTable
from simatic_xml.scl import SclSyntaxError, parse_statements
from simatic_xml.scl.lexer import lexes_alike

from .program import BlockDef, Network, Program, TypeIssue, place_issues, type_from_text
from .types import Var

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from engineering_api.rules.program_objects import ProgramObject
    from simatic_xml.graph import Sequence
    from simatic_xml.model import Document
    from simatic_xml.xmlnode import XmlNode

__all__ = ["OBJECT_KINDS", "CompiledSoftware", "Software", "add_tag_table", "add_tags", "block_def_from_document",
           "graph_networks", "program_from_software", "remember_written",
           "view_cost", "view_from_model"]

logger = logging.getLogger(__name__)


class Software(Protocol):
    """What the compiler reads of one PLC's software: its objects by name, each with its SimaticML ``xml``."""

    # Read-only members (properties): the fake's tables are dicts that keep indexes (fakes.object_table), and a
    # protocol's plain attribute would ask for exactly a dict.
    @property
    def blocks(self) -> Mapping[str, ProgramObject]: ...
    @property
    def types(self) -> Mapping[str, ProgramObject]: ...
    @property
    def tag_tables(self) -> Mapping[str, Any]: ...


class CompiledSoftware(Software, Protocol):
    """Software the compiler checks as a whole (the fake's ``PlcSoftware``)."""

    def all(self) -> Iterable[ProgramObject]:
        """Types, tag tables, then blocks."""
        ...


OBJECT_KINDS = {"OB": "OB", "FB": "FB", "FC": "FC", "GlobalDB": "DB", "InstanceDB": "DB", "ArrayDB": "DB",
                "TechnologicalInstanceDB": "DB", "UDT": "UDT"}
"""A stored object's kind -> the compiler's (its number space for blocks); tag tables are none."""
_FLG = frozenset(["LAD", "FBD", "F_LAD", "F_FBD"])


ReadKey = tuple[bytes, str, str, "int | None", "str | None", "str | None"]
"""What :func:`block_def_from_document` reads of a stored object: its SimaticML, kind, name, number, language and
instance; equal keys read alike."""


_VIEW_PER_BYTE = {"LAD": 3.0, "FBD": 3.0, "F_LAD": 3.0, "F_FBD": 3.0, "GRAPH": 2.0, "STL": 4.5, "SCL": 0.9}
"""Memory a program view keeps per byte of the SimaticML it was read from, by the block's language (measured
2026-11-27 with tracemalloc from the parse on, the document dropped: LAD/FBD 2.44 times over 37 corpus exports,
1.79 MB, single blocks up to 3.43, so charged 3.0: the heavier first ten held 1.16 times a 2.5 charge; GRAPH 1.85
over 3; STL 4.33 over 2; SCL 0.87 over the 210 SCL blocks the accepted corpus sources generate, 9.76 MB, at most
1.30, read from their bytes)."""
_DATA_VIEW_PER_BYTE = 1.0
"""The same for a data block, a type or a block with no network: 0.18 over 34 corpus exports (1.56 MB), 0.97 over
the 167 that the corpus sources generate (small objects: a view's fixed part weighs more)."""


def view_cost(key: ReadKey) -> int:
    """The memory, in bytes, a view read of ``key`` keeps in :class:`_Reads`: the key's SimaticML, which the entry
    holds alive (a closed project's too), and the view's estimate (:data:`_VIEW_PER_BYTE`)."""
    language = key[4]
    per_byte = _VIEW_PER_BYTE.get(language.upper(), _DATA_VIEW_PER_BYTE) if language else _DATA_VIEW_PER_BYTE
    return int(len(key[0]) * (1 + per_byte))


class _Reads:
    """Program views of stored objects, by :data:`ReadKey`, up to a budget of memory as each entry is charged
    (:func:`view_cost`; the least recently used go first): ``floor`` bytes, or the whole program a walk in progress
    reads (:meth:`walk`), whichever is larger.

    A compile reads every object of its PLC once, in the same order each time: through a plain LRU smaller than the
    program, each read evicted a view the same walk needs later, so a program past the budget was parsed whole at
    every compile (issue 87: the compile grew 12.7x from 4,000 to 8,000 blocks). Sized by the walk, a compile keeps
    its whole program and evicts only views of earlier walks (another PLC, a closed project, replaced blocks). The
    memory stays bounded: at most the larger of ``floor`` and the last walk's program, whose views weigh about 1 to 3
    times the SimaticML the open project holds anyway (:data:`_VIEW_PER_BYTE`).

    A view is what the object says alone, before any check: the compiler fills ``BlockDef.uses`` as it walks a
    block, and a download adds placeholders for the networks it cannot run, so each reader gets its own shell
    (:meth:`get`) around the shared reading (interface, networks' syntax trees), which nothing changes."""

    def __init__(self, floor: int) -> None:
        self.floor = self.budget = floor
        self.size = 0
        self._views: OrderedDict[ReadKey, tuple[BlockDef, int]] = OrderedDict()
        self._lock = threading.Lock()  # the TIA worker compiles; a language server or check may read on another

    def get(self, key: ReadKey) -> BlockDef | None:
        with self._lock:
            entry = self._views.get(key)
            if entry is None:
                return None
            self._views.move_to_end(key)
        return _shell(entry[0])

    def peek(self, key: ReadKey) -> BlockDef | None:
        """The shared view itself (to derive another from), not a reader's shell."""
        with self._lock:
            entry = self._views.get(key)
        return None if entry is None else entry[0]

    def put(self, key: ReadKey, view: BlockDef, cost: int) -> None:
        """Keep ``view`` of ``key``, charged ``cost`` bytes (:func:`view_cost`) against the budget."""
        if cost > self.budget:
            return
        with self._lock:
            if key in self._views:
                return
            self._views[key] = (view, cost)
            self.size += cost
            self._trim()

    def _trim(self) -> None:
        while self.size > self.budget:
            _, (_, freed) = self._views.popitem(last=False)
            self.size -= freed

    @contextlib.contextmanager
    def walk(self, cost: int) -> Iterator[None]:
        """A walk that reads views charged ``cost`` in all (a compile's whole program): the budget holds them all
        while it runs, then stays at that size (the next compile of the same program finds every view) until a
        walk of another size; what a smaller budget leaves over goes at the walk's end, its own views read last."""
        with self._lock:
            self.budget = max(self.floor, cost)
        try:
            yield
        finally:
            with self._lock:
                self._trim()

    def clear(self) -> None:
        with self._lock:
            self._views.clear()
            self.size, self.budget = 0, self.floor


_READS = _Reads(64 * 1024 * 1024)
"""The process's read views: at least 64 MiB as charged (:func:`view_cost`), e.g. 16 MiB of LAD/FBD or ~34 MiB of
SCL SimaticML (a 200-block pipeline's PLCs hold ~5 MB of SimaticML), and a whole PLC's program while a compile walks
it (:meth:`_Reads.walk`: a 10,000-block plant of SCL blocks, 43 MB of SimaticML, is charged ~82 MB)."""


def _shell(view: BlockDef) -> BlockDef:
    """A reader's own copy of a shared view: what a check or a download changes (``uses``, the network list) is
    its own; the rest is shared."""
    return replace(view, uses=set(), networks=list(view.networks))


def _read_key(obj: ProgramObject) -> ReadKey:
    return (obj.xml, obj.kind, obj.name, obj.number, obj.language, obj.instance_of)


def _parsed_def(obj: ProgramObject, key: ReadKey | None = None) -> BlockDef:
    """``obj``'s program view (``key``: its :func:`_read_key`, when the caller has it): read once per content
    (:class:`_Reads`), then shared by every compile (the check itself runs each time, against the program as it is
    then)."""
    key = _read_key(obj) if key is None else key
    known = _READS.get(key)
    if known is not None:
        return known
    try:
        doc = parse_bytes(obj.xml)
    except SimaticMLError as exc:  # stored objects were validated on import; be safe anyway
        bd = BlockDef(obj.name, OBJECT_KINDS[obj.kind], obj.number)
        bd.networks.append(Network(None, "XML", error=(str(exc), 0, 0)))
        return bd
    view = block_def_from_document(doc, obj)
    _READS.put(key, view, view_cost(key))
    return _shell(view)


def view_from_model(obj: ProgramObject, doc: Document) -> BlockDef | None:
    """``obj``'s program view read from ``doc``, the model its SimaticML was written from (a generated block, stored
    from its model): a quarter of the work of reading it from its bytes. None where that reading could differ
    from a read of the bytes.

    The view is the one a read of the bytes gives, line for line: the members get the lines of their ``<Member>``
    in ``obj.xml`` (:func:`~simatic_xml.member_lines.place_member_lines`). Only a block whose networks are all
    SCL is read so: the findings of a LAD/FBD, STL or GRAPH network point at the lines of its elements, which a
    built model does not have. tests/generate_sources/test_corpus_sources.py holds the two readings equal for every
    block of the corpus's accepted sources.
    """
    if obj.kind not in OBJECT_KINDS:
        return None
    sw = doc.object
    for unit in sw.compile_units if isinstance(sw, Block) else ():
        source = unit.network_source
        body = source.body if source is not None else None
        if body is not None and body.tag != "StructuredText":
            return None
    interface = sw.interface if isinstance(sw, (Block, PlcStruct)) else None
    if interface is not None and not place_member_lines(interface, obj.xml):
        return None
    return block_def_from_document(doc, obj)


def remember_written(obj: ProgramObject, doc: Document) -> bool:
    """Keep ``obj``'s program view read from ``doc`` (:func:`view_from_model`) for the compiles to come.

    An optimisation of the import that calls it: any failure of the reading keeps nothing (logged at debug) and
    never fails the import, whose block is then read from its bytes at its first compile, as without it.

    Returns:
        Whether it was kept (else the first compile reads the bytes).
    """
    key = _read_key(obj)
    if _READS.peek(key) is not None:  # the same block again (one source generated into two PLCs)
        return True
    try:
        view = view_from_model(obj, doc)
    except Exception:  # whatever the reading raises, the import stands and the compile reads the bytes
        logger.debug("the program view of %r was not kept at its import", obj.name, exc_info=True)
        return False
    if view is None:
        return False
    _READS.put(key, view, view_cost(key))
    return True


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
    outside: set[str] = set()
    if interface is not None:
        # a section its kind has not is the one finding: its members are not judged as members of it
        misplaced = misplaced_sections(interface, obj.kind)
        outside = {section.name for section in misplaced}
        bd.invalid_declarations = (interface_section_errors(misplaced, obj.kind, block=bd.name)
                                   + interface_declaration_errors(interface, block=bd.name, skip=outside))
        for section in interface.sections.sections:
            for mem in section.members:
                before = len(issues)
                v = Var(mem.name, type_from_text(mem.datatype, mem.members, issues, mem.sections, mem.version),
                        section.name)
                place_issues(issues, before, mem.line)
                if section.name == "Return" and "Return" not in outside:
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
        if ns is None or body is None:
            continue
        lang = cu.programming_language or block_lang
        if lang in ("SCL", "F_SCL") or body.tag == "StructuredText":
            try:
                text = tokens_to_text(body)
                # a generated body: the parse it was written from, if of this text or one that lexes alike (the
                # generation keeps its text with the layout tabs as blanks, as the body writes them: equal, not
                # lexed again, wherever the body reads back as what it was written from)
                written = ns.written_from
                statements = written[1] if written is not None and lexes_alike(written[0], text) \
                    else parse_statements(text)
                bd.networks.append(Network(index, "SCL", statements))
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
    read = [(obj, _read_key(obj)) for obj in list(software.types.values()) + list(software.blocks.values())
            if obj.kind in OBJECT_KINDS]
    with _READS.walk(sum(view_cost(key) for _, key in read)):  # the whole program's views stay for the next compile
        for obj, key in read:
            program.add(_parsed_def(obj, key))
    _tags(software, program)
    return program
