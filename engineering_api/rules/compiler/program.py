"""The program view the checker works on: blocks with typed interfaces and statement ASTs, UDTs,
tags and user constants, built from an SCL source file or from a PLC's software (SimaticML)."""
from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from simatic_xml.scl import ast as A

from simatic_xml.conversions import DEFAULT_IEC_CHECK, iec_check_of_attributes
from simatic_xml.system_constants import is_system_constant
from simatic_xml.xmltext import CACHE_SIZE, LONGEST_KEPT

from .builtins import is_system_type_name
from .types import ELEMENTARY, ArrayT, NamedT, SclType, StructT, Var, canonical, split_top_level

if TYPE_CHECKING:
    from simatic_xml.diagnostics import Diagnostic
    from simatic_xml.flgnet import FlgNet
    from simatic_xml.interface import Member, Sections
    from simatic_xml.stl import StlStatement

    from .style_settings import StyleSettings

__all__ = ["BlockDef", "Network", "Program", "TypeIssue", "access_root", "from_source", "literal_int",
           "place_issues", "type_from_node", "type_from_text"]

KIND_OF = {"FUNCTION_BLOCK": "FB", "FUNCTION": "FC", "ORGANIZATION_BLOCK": "OB", "DATA_BLOCK": "DB", "TYPE": "UDT"}


@dataclass(slots=True)
class TypeIssue:
    """A named type used in a declaration (checked for existence later)."""

    name: str
    quoted: bool
    line: int
    col: int


@dataclass(slots=True)
class Network:
    """One network (or the whole body of a source block: ``index`` None)."""

    index: int | None
    language: str
    statements: list[A.Stmt] = field(default_factory=list)
    flgnet: FlgNet | None = None
    error: tuple[str, int, int] | None = None  # (message, line, col) when the SCL text does not parse
    unchecked: str | None = None  # why a network of valid SimaticML is not checked (a construct not read here)
    dangling: str | None = None  # a GRAPH connection to a step or transition the sequence does not have
    stl: list[StlStatement] | None = None  # an STL network's statements (their bit operands are checked)


@dataclass(slots=True)
class BlockDef:
    name: str
    kind: str  # FB FC OB DB UDT
    number: int | None = None
    vars: dict[str, Var] = field(default_factory=dict)  # lower name -> Var (first declaration)
    decls: list[Var] = field(default_factory=list)  # every Var in order (duplicates kept), with nesting path
    return_type: SclType = None
    instance_of: str | None = None  # instance DB: FB name; DB of a UDT: UDT name
    networks: list[Network] = field(default_factory=list)
    named_types: list[TypeIssue] = field(default_factory=list)
    line: int = 0
    col: int = 0
    uses: set[str] = field(default_factory=set)  # names of blocks/types this one depends on (filled by the checker)
    namespace: str | None = None
    """A V18+ software unit's namespace (``Plant`` or ``Plant.Line1``); ``name`` is then the qualified
    ``Plant.Clamp``, the name every other block uses, and the block's own unqualified references are looked up
    in the namespace first (:meth:`Program.in_namespace`)."""
    start_values: list[A.Assign] = field(default_factory=list)
    """A DATA_BLOCK source's BEGIN section: its start values (``A.Assign``), checked like assignments."""
    overlays: set[str] = field(default_factory=set)
    """Lower-case names of AT overlays (``_str AT str : Struct ...``): another view of a member's memory, known
    inside the block only. In the parameter sections they are no formal parameters: a call neither supplies nor
    may name them (Siemens, "Overlaying tags with AT"; ChristofGroschke/MQTT-Siemens-S7-1500, an FC input
    overlaid and called with its base parameter alone, a TIA export)."""
    overlaid: dict[str, str] = field(default_factory=dict)
    """Lower-case name of each AT overlay of an SCL source -> the member it overlays: one memory, so a use of either
    is a use of both (the opt-in unused-locals rule, :mod:`.style`)."""
    ob_type: str | None = None
    """An OB's type as its SimaticML export names it (``<SecondaryType>``: ProgramCycle, Startup...); None for
    other blocks and for an SCL source, whose OB type only a fixed number tells (``builtins.ob_start_info``)."""
    invalid_declarations: list[Diagnostic] = field(default_factory=list)
    """A SimaticML interface's declarations that break the declaration rules an SCL source's meet
    (:func:`simatic_xml.generate.declarations.interface_declaration_errors`), each at its member's line."""
    iec_check: bool = DEFAULT_IEC_CHECK
    """The block's IEC check (stricter implicit conversions, :mod:`simatic_xml.conversions`): SimaticML's
    ``<IsIECCheckEnabled>``; an SCL source block has it off unless it carries ``S7_IECCheck := 'TRUE'``."""

    def call_members(self) -> dict[str, Var]:
        """``vars`` as a call sees them: without the AT overlays, which are no formal parameters."""
        if not self.overlays:
            return self.vars
        return {k: v for k, v in self.vars.items() if k not in self.overlays}

    def params(self) -> list[Var]:
        return [v for v in self.call_members().values() if v.section in ("Input", "Output", "InOut")]

    def as_struct(self) -> StructT:
        """The members visible from outside (instance access ``#inst.x`` / ``"DB".x``)."""
        return StructT({k: v for k, v in self.vars.items() if v.section not in ("Temp", "Constant", "Return")})


@dataclass(slots=True)
class Program:
    blocks: dict[str, BlockDef] = field(default_factory=dict)  # lower name -> BlockDef (FB FC OB DB)
    types: dict[str, BlockDef] = field(default_factory=dict)  # lower name -> BlockDef (UDT)
    tags: dict[str, Var] = field(default_factory=dict)  # lower name -> Var
    constants: dict[str, Var] = field(default_factory=dict)  # lower name -> Var
    closed: bool = True
    """True when the view is the whole program (a PLC's software); False for one file offline."""
    duplicates: list[tuple[BlockDef, BlockDef]] = field(default_factory=list)  # (BlockDef, first BlockDef)
    cpu_family: str | None = None
    """The CPU family the program runs on (``S7-1200``, ``S7-1500``; see :mod:`.signatures`), which chooses the
    signature of the system instructions that differ between families; None when unknown: either is accepted."""
    simulation: bool = False
    """Report each call of what the simulated PLC does not run (``NOT_SIMULATED``, :mod:`.simulation`): set by the
    commands whose program is to run there, ``plc check`` and ``test run``."""
    style: StyleSettings | None = None
    """The opt-in style rules a repository's settings turn on (:mod:`.style`); None: none, as by default."""
    _views: dict[str,
                 tuple[tuple[int, int], Program]] = field(default_factory=dict, init=False, repr=False, compare=False)
    """namespace -> (sizes of the tables it was built from, the view): see :meth:`in_namespace`."""

    def add(self, block: BlockDef) -> None:
        table = self.types if block.kind == "UDT" else self.blocks
        key = block.name.lower()
        if key in table or key in (self.blocks if block.kind == "UDT" else self.types):
            first = table.get(key) or (self.blocks if block.kind == "UDT" else self.types)[key]
            self.duplicates.append((block, first))
            return
        table[key] = block

    def in_namespace(self, namespace: str | None) -> Program:
        """The program as a block of ``namespace`` sees it: besides every object under its own (qualified)
        name, the objects of that namespace, then of the namespaces around it, under their unqualified names.

        TIA's SCL source of a software unit's block calls the blocks of its own namespace by their bare names
        (``NAMESPACE nsConvoyeur`` ... ``idbMoteurAsynchrone(...)``, ``fcCalculVitesse(...)``: ChrisSiem/TestChris,
        tests/realcode/cases/README.md). No Siemens page on how STEP 7 resolves an unqualified name was found
        (searched: namespaces, software units, name resolution); the view takes the current namespace first,
        the enclosing ones next and the root last, which never rejects a name any of those orders accepts. A root
        object hidden by a namespace's object of the same name stays reachable as ``_.name`` (the root namespace,
        :func:`engineering_api.rules.compiler.namespaces.rooted`)."""
        if not namespace:
            return self
        sizes = (len(self.blocks), len(self.types))
        cached = self._views.get(namespace)
        if cached is not None and cached[0] == sizes:
            return cached[1]
        blocks, types = dict(self.blocks), dict(self.types)
        parts = namespace.lower().split(".")
        for depth in range(1, len(parts) + 1):  # outermost first: an inner namespace's object wins
            prefix = ".".join(parts[:depth]) + "."
            for table, source in ((blocks, self.blocks), (types, self.types)):
                for key, obj in source.items():
                    short = key[len(prefix):]
                    if key.startswith(prefix) and "." not in short:
                        if short in source and "_." + short not in table:
                            table["_." + short] = source[short]
                        table[short] = obj
        view = replace(self, blocks=blocks, types=types, duplicates=[])
        self._views[namespace] = (sizes, view)
        return view

    def global_name(self, name: str) -> Var | BlockDef | None:
        key = name.lower()
        return self.tags.get(key) or self.constants.get(key) or self.blocks.get(key)


def undefined_global(program: Program, node: A.Expr, local_names: Collection[str] = ()) -> str | None:
    """The name of a plain global operand (``"Axis_1"``, or a bare ``Axis_1`` that is no local) that ``program``
    does not define; None for anything else."""
    if type(node) is not A.Name or node.scope == "local" or node.periphery:
        return None
    if node.scope == "bare" and node.name.lower() in local_names:
        return None
    if program.global_name(node.name) is not None or is_system_constant(node.name):
        return None
    return node.name


# ------------------------------------------------------------------ types from SCL declarations
def type_from_node(node: A.TypeNode, issues: list[TypeIssue]) -> SclType:
    if isinstance(node, A.ElementaryType):
        return canonical(node.name)
    if isinstance(node, A.NamedType):
        if not node.quoted:
            c = canonical(node.name)
            if c in ELEMENTARY:
                return c
        issues.append(TypeIssue(node.name, node.quoted, node.line, node.col))
        return NamedT(node.name, node.quoted)
    if isinstance(node, A.ArrayType):
        return ArrayT(type_from_node(node.element, issues), len(node.dims),
                      tuple(_literal_bounds(d.low, d.high) for d in node.dims))
    if isinstance(node, A.StructType):
        members: dict[str, Var] = {}
        for d in node.members:
            members.setdefault(d.name.lower(), Var(d.name, _decl_type(d, issues), "Static", d.line, d.col))
        return StructT(members)
    return None  # REF_TO and the like: not typed


def _struct_duplicates(node: A.TypeNode, out: list[Var]) -> None:
    """Duplicate member names inside inline structs (reported as duplicate declarations)."""
    if type(node) is A.ArrayType:
        _struct_duplicates(node.element, out)
    elif type(node) is A.StructType:
        seen: set[str] = set()
        for d in node.members:
            key = d.name.lower()
            if key in seen:
                out.append(Var(d.name, None, "Struct", d.line, d.col))
            seen.add(key)
            _struct_duplicates(d.type, out)


def _decl_type(decl: A.VarDecl, issues: list[TypeIssue]) -> SclType:
    """The type of an SCL declaration. TIA's exported sources mark a member of a system instruction's or
    technology object's type with ``{InstructionName := 'Get_IM_Data'; LibVersion := '1.3'}``: that unquoted
    name is TIA's own type even where the checker does not know it (IM0_Data, Get_IM_Data, SI_Startup in
    Siemens' LAcycCom/LConSMC libraries, TIA V17: TurboLouis/TestRepo), so it is no UNKNOWN_TYPE. Older sources
    mark such a member with ``{OriginalPartName := 'SI_classic'; LibVersion := '1.0'}`` instead (TIA V15.1's
    ``IEC_TIMER`` in krisztianloki/ess_plcfactory; ``SI_classic`` in ChristofGroschke/MQTT-Siemens-S7-1500)."""
    t = decl.type
    if (type(t) is A.NamedType and not t.quoted
            and any(a.name.upper() in ("INSTRUCTIONNAME", "ORIGINALPARTNAME") for a in decl.attributes)):
        return NamedT(t.name, False)
    return type_from_node(t, issues)


def from_block(block: A.Block) -> BlockDef:
    kind = KIND_OF[block.kind]
    # A block of a software unit's namespace is known by its qualified name (an instance DB's InstanceOfName
    # "nsConvoyeur.fbMoteurAsynchrone" names the FB of the source NAMESPACE nsConvoyeur ... FUNCTION_BLOCK
    # fbMoteurAsynchrone), as its SimaticML export (project.block_def_from_document).
    name = f"{block.namespace}.{block.name}" if block.namespace else block.name
    bd = BlockDef(name, kind, block.number, line=block.line, col=block.col, namespace=block.namespace or None,
                  iec_check=iec_check_of_attributes(block.attributes))
    issues = bd.named_types
    if kind == "UDT":
        t = type_from_node(block.type, issues) if block.type is not None else None
        if isinstance(t, StructT) and isinstance(block.type, A.StructType):  # a struct type is typed StructT
            for v in t.members.values():
                bd.vars[v.name.lower()] = v
            for d in block.type.members:
                v = t.members[d.name.lower()]
                bd.decls.append(Var(d.name, v.type, "None", d.line, d.col))
                member_dups: list[Var] = []
                _struct_duplicates(d.type, member_dups)
                bd.decls.extend(member_dups)
        return bd
    if kind == "DB" and block.type is not None:
        if type(block.type) is A.NamedType:
            bd.instance_of = block.type.name
            issues.append(TypeIssue(block.type.name, block.type.quoted, block.type.line, block.type.col))
        else:
            t = type_from_node(block.type, issues)
            if isinstance(t, StructT):
                for k, v in t.members.items():
                    bd.vars[k] = v
                    bd.decls.append(v)
    for section in block.sections:
        name = A.SECTION_NAMES.get(section.kind, "Static")
        if section.constant:
            name = "Constant"
        for d in section.decls:
            v = Var(d.name, _decl_type(d, issues), name, d.line, d.col)
            if d.at:
                bd.overlays.add(d.name.lower())
                bd.overlaid[d.name.lower()] = d.at.lower()
            bd.decls.append(v)
            bd.vars.setdefault(d.name.lower(), v)
            dups: list[Var] = []
            _struct_duplicates(d.type, dups)
            bd.decls.extend(dups)
    if kind == "FC":
        rt = block.return_type
        bd.return_type = type_from_node(rt, issues) if rt is not None else "VOID"
        if bd.return_type != "VOID":
            bd.vars.setdefault(block.name.lower(), Var(block.name, bd.return_type, "Return", block.line, block.col))
    if kind == "DB":
        bd.start_values = [s for s in block.body if type(s) is A.Assign]
    else:
        bd.networks = [Network(None, "SCL", block.body)]
    return bd


def from_source(source: A.SourceFile, closed: bool = False) -> Program:
    program = Program(closed=closed)
    for block in source.blocks:
        program.add(from_block(block))
    return program


# ------------------------------------------------------------------ types from SimaticML datatype text
_ARRAY = re.compile(r"^\s*Array\s*\[(.*)\]\s+of\s+(.*)$", re.IGNORECASE | re.DOTALL)
_TEXT_BOUND = re.compile(r"^\s*([+-]?\d+)\s*\.\.\s*([+-]?\d+)\s*$")
_STRLEN = re.compile(r"^(W?STRING)\s*\[.*\]$", re.IGNORECASE)
_REF_TO = re.compile(r"^REF_TO\s+(.+)$", re.IGNORECASE | re.DOTALL)


def access_root(node: A.Expr) -> A.Expr:
    """The operand an access path starts from: ``#s`` of ``#s.a[2].%X0`` or of ``#p^.x``."""
    while isinstance(node, (A.Member, A.Index, A.Slice, A.Deref)):
        node = node.base
    return node


def literal_int(node: A.Expr | None) -> int | None:
    """An integer literal (``3``, ``-1``) as an int; None for anything else (a constant's name, ``*``)."""
    if type(node) is A.UnaryOp and node.op == "-":
        inner = literal_int(node.operand)
        return -inner if inner is not None else None
    if (type(node) is A.Literal and node.kind == "int" and node.type_name is None and "#" not in node.text
            and isinstance(node.value, int)):
        return node.value
    return None


def _literal_bounds(low: A.Expr | None, high: A.Expr | None) -> tuple[int, int] | None:
    lo, hi = literal_int(low), literal_int(high)
    return (lo, hi) if lo is not None and hi is not None else None


def _text_bounds(text: str, dims: int) -> tuple[tuple[int, int] | None, ...]:
    """The bounds of ``Array[0..3, 1..2]`` as SimaticML writes them; () when any part is no integer pair."""
    parts = text.split(",")
    if len(parts) != dims:
        return ()
    out: list[tuple[int, int] | None] = []
    for part in parts:
        m = _TEXT_BOUND.match(part)
        out.append((int(m.group(1)), int(m.group(2))) if m else None)
    return tuple(out)


def place_issues(issues: list[TypeIssue] | None, start: int, line: int) -> None:
    """The issues found from ``start`` on that have no line yet are at ``line`` (the SimaticML ``<Member>`` whose
    data type named them: a finding about a type points at the member using it)."""
    for issue in issues[start:] if issues is not None else ():
        if not issue.line:
            issue.line = line


def type_from_text(text: str, members: Sequence[Member] | None = None, issues: list[TypeIssue] | None = None,
                   sections: Sections | None = None, version: str | None = None) -> SclType:
    """``Int``, ``"UDT"``, ``Array[0..9] of Int``, ``String[20]``, ``Struct`` (with ``members``)...

    ``sections`` is the interface TIA exported inside a member of a system type (``<Sections>`` of an
    interface member, :attr:`simatic_xml.interface.Member.sections`): a system type the catalog does not list
    is typed from it (:func:`_exported_system_type`). ``version`` is the member's ``Version=``: TIA writes it on
    members of its library types only (user types are quoted and unversioned), so an unquoted versioned name the
    checker does not know is TIA's type, untyped here, not an UNKNOWN_TYPE."""
    known = _ELEMENTARY_TEXTS.get(text)
    if known is not None:
        return known
    s = text.strip()
    if s.startswith('"') and s.endswith('"') and len(s) > 1:
        if issues is not None:
            issues.append(TypeIssue(s[1:-1], True, 0, 0))
        return NamedT(s[1:-1], True)
    m = _ARRAY.match(s)
    if m:
        bounds = m.group(1)
        dims = len(split_top_level(bounds))
        # Version= on an array member is its element's (Array[0..31] of ResolvedSymbol, Version 1.0: V20)
        return ArrayT(type_from_text(m.group(2), members, issues, version=version), dims,
                      _text_bounds(bounds, dims))
    m = _REF_TO.match(s)
    if m:
        # A reference (S7-1500): untyped, as its SCL declaration (type_from_node); the type it refers to must
        # still exist. No TIA export holding one was found, so the spelling is taken in any case (`scl build`
        # writes ``Ref_To Int``).
        type_from_text(m.group(1), None, issues)
        return None
    upper = s.upper()
    if upper == "STRUCT":
        out: dict[str, Var] = {}
        for mem in members or ():
            before = len(issues) if issues is not None else 0
            out.setdefault(mem.name.lower(),
                           Var(mem.name, type_from_text(mem.datatype, mem.members, issues, mem.sections,
                                                        mem.version)))
            place_issues(issues, before, mem.line)
        return StructT(out)
    m = _STRLEN.match(s)
    if m:
        return _elementary(text, m.group(1).upper())
    c = canonical(s)
    if c in ELEMENTARY:
        return _elementary(text, c)
    if sections is not None and not is_system_type_name(s):
        return _exported_system_type(sections, issues)
    if version is not None:
        return NamedT(s, False)
    if issues is not None:
        issues.append(TypeIssue(s, False, 0, 0))
    return NamedT(s, False)


_ELEMENTARY_TEXTS: dict[str, str] = {}
"""A data type's text -> its elementary type (``Int``, ``STRING``), as :func:`type_from_text` reads it: a text
that names an elementary type is typed from the text alone (not the members, sections or version passed with
it), so it is read once; an interface's members name the same few types (issue 71)."""


def _elementary(text: str, typed: str) -> str:
    # bounded as simatic_xml.xmltext's tables are: a long text (``String[<2 MB>]``) is not kept for the process's
    # life, and a full table starts again rather than stop learning
    if len(text) <= LONGEST_KEPT and type(text) is str:
        if len(_ELEMENTARY_TEXTS) >= CACHE_SIZE:
            _ELEMENTARY_TEXTS.clear()
        _ELEMENTARY_TEXTS[text] = typed
    return typed


def _exported_system_type(sections: Sections, issues: list[TypeIssue] | None) -> StructT:
    """A member of a system type the catalog does not list, typed from the interface TIA exported with it.

    TIA writes an unquoted type name (user types are always quoted) with ``Version=`` and the type's whole
    interface inside the member: ``FileDelete`` (S7-1500 file instruction) with its Input/Output sections,
    ``TMail_QDN_SEC`` and ``TMail_FileReference`` (TMAIL_C's parameter structures) with one ``None`` section
    (real V17 export: zhjq163/gitlearn ``FileHandling.xml``, ``DataLog/Data.xml``). What TIA exported is a type
    TIA knows, so it is no UNKNOWN_TYPE; its members are typed from the export, so ``#purge.Done`` reads as Bool.
    """
    out: dict[str, Var] = {}
    for section in sections.sections:
        for mem in section.members:
            t = type_from_text(mem.datatype, mem.members, issues, mem.sections, mem.version)
            out.setdefault(mem.name.lower(), Var(mem.name, t, section.name))
    return StructT(out)
