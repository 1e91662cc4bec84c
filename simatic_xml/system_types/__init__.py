"""TIA Portal's system data types, instructions and their instance types, as data (``catalog.json``).

One catalog used by the SCL/LAD checker (``engineering_api.rules.compiler.builtins``), the block generator, the
interface reader (``simatic_xml.interface``) and the simulated CPU (``fakes.runtime``). Every entry carries the
interface Siemens documents for it and a citation (the STEP 7 / TIA Portal information system page or manual, with its
Siemens Industry Online Support entry ID where there is one):

>>> t = lookup("iec_timer")
>>> t.name, t.kind, t.version, [m.name for m in t.members], t.instructions
('IEC_TIMER', 'struct', '1.0', ['PT', 'ET', 'IN', 'Q'], ('TON', 'TOF', 'TP', 'TONR'))
>>> lookup_instruction("TON").instance_type
'TON_TIME'

Kinds of type: ``instance`` (the instance data type of a system FB: TON_TIME, CONT_C, Program_Alarm),
``struct`` (a system data type: IEC_TIMER, DTL, TCON_IP_v4) and ``technology_object`` (TO_*).
What is covered and what is not: ``README.md`` next to this file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "Instruction",
    "Member",
    "SystemType",
    "all_instructions",
    "all_types",
    "call_interface",
    "call_order",
    "lookup",
    "lookup_instruction",
    "optional_parameters",
]

_DATA = Path(__file__).with_name("catalog.json")


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a system type or one parameter of an instruction.

    ``section`` is Input/Output/InOut/Static for FB instances and instruction parameters, None for the
    members of a structure (DTL.YEAR). ``data_type`` is TIA's spelling (``Bool``, ``Time``,
    ``Array[0..3] of Byte``, ``TCON_IP_v4``)."""

    name: str
    section: str | None
    data_type: str


@dataclass(frozen=True, slots=True)
class SystemType:
    """A system data type, FB instance type or technology object (see the module docstring)."""

    name: str
    kind: str
    version: str | None
    members: tuple[Member, ...]
    instructions: tuple[str, ...]
    source: str
    layout: str = "sections"
    """How TIA exports the members inside a typed member: ``flat`` (one ``<Section Name="None">``: IEC_TIMER,
    TON_TIME, every struct) or ``sections`` (Input/Output/InOut/Static: R_TRIG, TCON, MB_CLIENT)."""
    complete: bool = True
    """False when ``members`` holds the documented (commonly used) members only, not every member TIA has:
    a reader must then not call another member name unknown (TO_PositioningAxis, Program_Alarm, G7_*)."""
    versions: tuple[str, ...] = ()
    """Every library version TIA is known to write for the type, ``version`` first (TO_Axis: 7.0 and 5.0)."""
    instruction: str | None = None
    """For an instance type, the instruction a call of an instance runs (TON_TIME -> TON, CTU_DINT -> CTU)."""

    def member(self, name: str) -> Member | None:
        """The member called ``name`` (case-insensitive), or None."""
        key = name.lower()
        return next((m for m in self.members if m.name.lower() == key), None)


@dataclass(frozen=True, slots=True)
class Instruction:
    """A system instruction: ``is_fb`` when it needs an instance (``instance_type`` names it: TON ->
    TON_TIME), else FC-like with ``return_type`` (None when it has no function value: ``Void``)."""

    name: str
    is_fb: bool
    parameters: tuple[Member, ...]
    return_type: str | None
    instance_type: str | None
    version: str | None
    source: str
    optional: tuple[str, ...] = ()
    """Parameters a call may leave out (a fourth field ``"optional"`` on the parameter's row)."""
    families: tuple[tuple[str, tuple[Member, ...]], ...] = ()
    """CPU families whose instruction of this name takes other parameters than ``parameters`` (the S7-1500's):
    (family, its parameters), e.g. the S7-1200's MC_Reset with ``ErrorInfo : Word``."""

    def family_parameters(self, family: str) -> tuple[Member, ...] | None:
        """The parameters the instruction takes on CPU family ``family`` when they differ from ``parameters``
        (``S7-1200``), None when the catalog knows no other signature for that family."""
        return next((rows for name, rows in self.families if name.upper() == family.upper()), None)

    def parameter(self, name: str) -> Member | None:
        """The parameter called ``name`` (case-insensitive), or None."""
        key = name.lower()
        return next((p for p in self.parameters if p.name.lower() == key), None)


def _members(rows: list[list[str]]) -> tuple[Member, ...]:
    return tuple(Member(r[0], r[1] or None, r[2]) for r in rows)


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, SystemType], dict[str, Instruction]]:
    """Read ``catalog.json`` once: types and instructions keyed by upper-case name."""
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    sources: dict[str, str] = raw["sources"]
    types: dict[str, SystemType] = {}
    for entry in raw["types"]:
        source = sources[entry["source"]]
        if entry.get("evidence"):  # the real export the member list was taken from
            source += "; members as TIA exports them: " + entry["evidence"]
        t = SystemType(entry["name"], entry["kind"], entry.get("version"), _members(entry["members"]),
                       tuple(entry.get("instructions", ())), source,
                       entry.get("layout", "sections"), entry.get("complete", True), tuple(entry.get("versions", ())),
                       entry.get("instruction"))
        types[t.name.upper()] = t
    for alias, target in raw.get("aliases", {}).items():  # TON -> TON_TIME: the type TIA stores for it
        types.setdefault(alias.upper(), types[target.upper()])
    instructions: dict[str, Instruction] = {}
    for entry in raw["instructions"]:
        rows = entry.get("parameters", ())
        families = tuple((family, _members(other["parameters"]))
                         for family, other in entry.get("families", {}).items())
        i = Instruction(entry["name"], entry["fb"], _members(rows), entry.get("return"),
                        entry.get("instance"), entry.get("version"), sources[entry["source"]],
                        tuple(r[0] for r in rows if len(r) > 3 and r[3] == "optional"), families)
        instructions[i.name.upper()] = i
    return types, instructions


def lookup(name: str) -> SystemType | None:
    """The system type called ``name`` (case-insensitive, quotes ignored), or None. A name TIA accepts in a
    source for another type gives that type: ``lookup("TON").name == "TON_TIME"``."""
    return _load()[0].get(name.strip().strip('"').upper())


def lookup_instruction(name: str) -> Instruction | None:
    """The instruction called ``name`` (case-insensitive), or None."""
    return _load()[1].get(name.strip().strip('"').upper())


def all_types() -> tuple[SystemType, ...]:
    """Every system type, in catalog order (an alias such as TON adds no entry)."""
    return tuple({id(t): t for t in _load()[0].values()}.values())


def optional_parameters(name: str) -> tuple[str, ...]:
    """The parameters of instruction ``name`` a call may leave out (none when it is unknown)."""
    instruction = lookup_instruction(name)
    return instruction.optional if instruction is not None else ()


def all_instructions() -> tuple[Instruction, ...]:
    """Every instruction, in catalog order."""
    return tuple(_load()[1].values())


def call_interface(system_type: SystemType) -> tuple[Member, ...]:
    """The parameters of a call of an instance of ``system_type`` (``#t(IN := .., PT := ..)``): its instruction's
    parameters, each typed as the instance's member of the same name (PT of TON_LTIME is an LTime, PV of CTU_DINT
    a DInt). A parameter the instance does not hold keeps its documented type (CTU's Q: TIA keeps it in QU).
    Empty when the type is no instance or its instruction is not in the catalog."""
    inst = lookup_instruction(system_type.instruction) if system_type.instruction else None
    if inst is None:
        return ()
    out = []
    for p in inst.parameters:
        m = system_type.member(p.name)
        out.append(Member(p.name, p.section, m.data_type if m is not None else p.data_type))
    return tuple(out)


def call_order(system_type: SystemType) -> tuple[Member, ...]:
    """The members of an instance type in the order of its instruction's parameters (IN, PT, Q, ET for
    TON_TIME, whose instance TIA stores as PT, ET, IN, Q), then the members no parameter names (statics).
    The instruction is the type's one whose parameters cover most of its members (CTUD on IEC_COUNTER)."""
    names = {m.name.lower(): m for m in system_type.members}
    best: tuple[Member, ...] = ()
    for inst_name in system_type.instructions:
        inst = lookup_instruction(inst_name)
        if inst is None:
            continue
        covered = tuple(names[p.name.lower()] for p in inst.parameters if p.name.lower() in names)
        if len(covered) > len(best):
            best = covered
    if not best:
        inst = lookup_instruction(system_type.name)  # R_TRIG, CONT_C: the instruction of the same name
        if inst is not None:
            best = tuple(names[p.name.lower()] for p in inst.parameters if p.name.lower() in names)
    return best + tuple(m for m in system_type.members if m not in best)
