"""``build_image(software, device)``: what a download loads into the simulated CPU.

The software is compiled first (a PLC only runs what compiles; errors raise :class:`ImageError`),
then read into layouts (DBs, instance DBs, UDTs with start values and retentivity), tags and user
constants, and every code block is generated into Python (:mod:`.codegen`). The image is immutable
and can serve any number of memories (``new_memory()``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engineering_api.lib.collector import collections_held
from engineering_api.rules.addresses import AddressError, parse_address
from engineering_api.rules.compiler.program import Network
from engineering_api.rules.compiler.plc_compile import compile_software
from engineering_api.rules.compiler.project import program_from_software
from engineering_api.rules.plc_values import is_retentive_marker_size
from simatic_xml import parse_bytes
from simatic_xml.errors import SimaticMLError

from .codegen import CodeImage, Context, TagRef, eno_writers, generate_program, new_code_image
from .cpu_image import ObEntry
from .errors import ImageError
from .layout import LayoutBuilder, Slot, copy_slot, is_system_type, make_value
from .memory import AREA_SIZES, Memory
from .rtlib import DEFAULT_MAX_CYCLE_MS
from .symbols import Accessor, TagInfo, resolve, tag_list
from .values import clone, parse_text

if TYPE_CHECKING:
    from engineering_api.rules.compiler.plc_compile import CompileRun
    from fakes.program import PlcSoftware

# ObEntry is declared with what the CPU needs of an image (.cpu_image); it stays importable from here
__all__ = ("DEFAULT_PERIODS_MS", "ObEntry", "ProgramImage", "TagInfo", "build_image")

DEFAULT_PERIODS_MS = {30: 5000, 31: 2000, 32: 1000, 33: 500, 34: 200, 35: 100, 36: 50, 37: 20, 38: 10}
"""S7 default periods of the cyclic interrupt OBs by number."""
_SCHEDULED = ("ProgramCycle", "Startup", "CyclicInterrupt")
_TAG_TYPES = {"BOOL", "BYTE", "WORD", "DWORD", "LWORD", "SINT", "USINT", "INT", "UINT", "DINT", "UDINT", "LINT",
              "ULINT", "REAL", "LREAL", "TIME", "LTIME", "S5TIME", "DATE", "TIME_OF_DAY", "CHAR", "WCHAR"}


# eq=False, repr=False: an image is compared by identity (the empty one), and its repr would print the program
@dataclass(eq=False, repr=False, kw_only=True)
class ProgramImage:
    """A compiled program: OBs to schedule, generated code, layouts and the objects as downloaded."""

    obs: list[ObEntry]
    digests: dict[str, str]
    objects: dict[str, bytes]
    code: CodeImage
    db_slots: dict[str, Slot]
    db_names: dict[str, str]
    tags: dict[str, TagRef]
    warnings: list[str]
    retentive_markers: int = 0
    """The bit memory bytes from %MB0 that are retentive (the PLC's "Retain" setting; ``PlcSoftware``)."""
    max_cycle_ms: float = DEFAULT_MAX_CYCLE_MS
    """The CPU's maximum cycle time the download sets (:attr:`fakes.program.PlcSoftware.max_cycle_time_ms`)."""

    def __post_init__(self) -> None:
        self._templates = {key: make_value(slot) for key, slot in self.db_slots.items()}
        self._ob_functions = {ob.name: fn for ob in self.obs
                              if (fn := self.code.functions.get(ob.name.lower())) is not None}
        self.retain_paths = [(key, path) for key, slot in self.db_slots.items() for path in _retained(slot, ())]

    def new_memory(self, retentive_markers: int | None = None) -> Memory:
        """A memory with every DB at its start values (I/Q/M zero); the first ``retentive_markers`` bytes of %M
        retentive (default: the program's setting)."""
        count = self.retentive_markers if retentive_markers is None else retentive_markers
        mem = Memory(count, list(self.retain_paths))
        mem.dbs = {key: clone(value) for key, value in self._templates.items()}
        return mem

    def run_ob(self, entry: ObEntry, mem: Memory, rt: Any) -> None:
        """One call of an OB; raises :class:`PlcRuntimeError` with block, network and line."""
        fn = self._ob_functions.get(entry.name)
        if fn is None:  # not an OB of this image: CodeImage.run says so as it says every fault
            self.code.run(entry.name, rt, mem)
            return
        try:
            fn(rt, mem)
        except Exception as exc:
            err = self.code.fault(exc)
            if err is exc:
                raise
            raise err from exc

    def reinitialise(self, mem: Memory, names: Any) -> None:
        """Set the named DBs (case-insensitive; other names are ignored) back to their start values."""
        for name in names:
            key = name.lower()
            template = self._templates.get(key)
            if template is None:
                continue
            fresh = clone(template)
            current = mem.dbs.get(key)
            if current is None:
                mem.dbs[key] = fresh
            else:  # in place: code that bound the dict keeps seeing the DB
                current.clear()
                current.update(fresh)

    def resolve(self, mem: Memory, name: str) -> Accessor:
        """An accessor for ``"DB".a.b[3]``, a tag name or ``%MW10`` (LookupError for unknown names)."""
        return resolve(self, mem, name)

    def tag_list(self) -> list[TagInfo]:
        """Every elementary leaf of every DB, and every tag, with its TIA data type and address."""
        return tag_list(self)

    def source(self, block: str) -> str:
        """The generated Python source of a block (for debugging)."""
        return next(src for name, src in self.code.sources.items() if name.lower() == block.lower())


def _retained(slot: Slot, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for member in slot.members.values():
        if member.retain:
            out.append((*path, member.name))
        elif member.kind == "struct":
            out.extend(_retained(member, (*path, member.name)))
    return out


def _errors(run: Any) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        if node.messages:
            for child in node.messages:
                walk(child)
        elif node.state == "Error":
            out.append(f"{node.path}: {node.description}")

    for top in run.result.messages:
        walk(top)
    return out


def _sections(obj: Any) -> tuple[Any, Any]:
    try:
        sw = parse_bytes(obj.xml).object
    except SimaticMLError:
        return None, None
    iface = getattr(sw, "interface", None)
    return sw, (iface.sections if iface is not None else None)


def _tags_and_constants(software: PlcSoftware) -> tuple[dict[str, TagRef], dict[str, Any]]:
    tags: dict[str, TagRef] = {}
    constants: dict[str, Any] = {}
    from engineering_api.rules.compiler.types import canonical

    for table in software.tag_tables.values():
        try:
            obj = parse_bytes(table.xml).object
        except SimaticMLError:
            continue
        for tag in getattr(obj, "tags", ()):
            t = canonical(tag.data_type or "")
            try:
                addr = parse_address(tag.logical_address or "")
            except AddressError:
                continue
            if tag.name and t in _TAG_TYPES and addr.area in "IQM":
                tags.setdefault(tag.name.lower(), TagRef(tag.name, addr.area, addr.byte, addr.bit, t,
                                                         tag.data_type or "", addr.text))
        for const in getattr(obj, "user_constants", ()):
            dt = const.attr("DataTypeName")
            try:
                constants[const.name.lower()] = parse_text(const.value or "", canonical(dt) if isinstance(dt, str)
                                                           else None)
            except (ValueError, AttributeError):
                continue
    return tags, constants


def _db_slot(builder: LayoutBuilder, obj: Any, sections: Any) -> Slot:
    name = obj.name
    inst = obj.instance_of if obj.kind in ("InstanceDB", "TechnologicalInstanceDB") else None
    if not inst or (inst.lower() not in builder.interfaces and not is_system_type(inst)):
        # a global DB, or an instance of a library FB the simulation does not know (CONT_C, a technology
        # object): its own interface says what it holds; calling it raises UnsupportedInstructionError
        slot = builder.sections(sections, name)
        slot.datatype = f'"{inst}"' if inst else "DB"
        return slot
    if inst.lower() not in builder.interfaces:
        return Slot(name, "sysfb", inst.upper(), inst)
    slot = copy_slot(builder.named(inst), name, f'"{inst}"')
    for section in sections.sections if sections is not None else ():
        for member in section.members:
            target = slot.member(member.name)
            if target is not None:
                if member.remanence in ("Retain", "NonRetain"):
                    target.retain = member.remanence == "Retain"
                builder.apply_start(target, member)
    return slot


def _add_unread_networks(bd: Any, entry: tuple | None) -> None:
    """Networks the program view skips (STL, GRAPH, unreadable LAD/FBD) become placeholders that raise
    ``UnsupportedInstructionError`` when executed, so such a block is never a silent no-op."""
    if entry is None or entry[1] is None:
        return
    obj, sw, _secs = entry
    have = {net.index for net in bd.networks}
    missing = []
    for index, cu in enumerate(getattr(sw, "compile_units", ()) or (), 1):
        ns = cu.network_source
        if index not in have and ns is not None and ns.body is not None:
            missing.append(Network(index, cu.programming_language or obj.language or "STL"))
    if not bd.networks and not missing and (obj.language or "").upper() in ("STL", "GRAPH"):
        missing.append(Network(1, obj.language))
    if missing:
        bd.networks = sorted([*bd.networks, *missing], key=lambda n: n.index or 0)


def _ob_entry(obj: Any, sw: Any) -> ObEntry:
    kind = sw.attr("SecondaryType") if sw is not None else None
    kind = kind if isinstance(kind, str) else "ProgramCycle"
    period: float | None = None
    phase: float = 0
    if kind == "CyclicInterrupt":
        cyclic = sw.attr("CyclicTime")
        if cyclic not in (None, ""):
            us = int(cyclic)
            period = us // 1000 if us % 1000 == 0 else us / 1000
        else:
            period = DEFAULT_PERIODS_MS.get(obj.number or 0, 100)
        shift = sw.attr("PhaseShift")
        if shift not in (None, ""):
            us = int(shift)
            phase = us // 1000 if us % 1000 == 0 else us / 1000
    return ObEntry(obj.name, obj.number, kind, period, phase)


def build_image(software: PlcSoftware, device: str, run: CompileRun | None = None) -> ProgramImage:
    """Compile ``software`` and turn it into a runnable image.

    ``run`` is a compile of this same software the caller has just made (a download compiles first and
    records the result in the project); it is used instead of compiling again.

    Raises:
        ImageError: the software has compile errors (``messages`` lists them).
    """
    # The image's layout and code live as long as the image: the collector is held while they are built, as the
    # compile holds it (a plant of 20,000 blocks made 8 full collections of its growing heap, 10 of 24 s of CPU).
    with collections_held():
        return _image_of(software, device, run if run is not None else compile_software(software, device))


def _image_of(software: PlcSoftware, device: str, run: CompileRun) -> ProgramImage:
    if run.result.error_count:
        messages = _errors(run)
        first = f" First: {messages[0]}" if messages else ""
        raise ImageError(f"The software of {device} has {run.result.error_count} compile error(s); "
                         f"it cannot be downloaded.{first}", messages)
    # the view the compile checked (parsing the software again costs as much again); a run without it gets its own
    program = run.program if run.program is not None else program_from_software(software)
    tags, constants = _tags_and_constants(software)
    parsed = {o.name.lower(): (o, *_sections(o)) for o in [*software.types.values(), *software.blocks.values()]}
    interfaces = {key: secs for key, (o, _sw, secs) in parsed.items() if o.kind in ("UDT", "FB", "FC", "OB")}
    builder = LayoutBuilder({k: v for k, v in interfaces.items() if parsed[k][0].kind in ("UDT", "FB")}, constants)
    db_slots: dict[str, Slot] = {}
    db_names: dict[str, str] = {}
    for key, (obj, _sw, secs) in parsed.items():
        if obj.kind in ("GlobalDB", "InstanceDB", "ArrayDB", "TechnologicalInstanceDB"):
            db_slots[key] = _db_slot(builder, obj, secs)
            db_names[key] = obj.name
    code = new_code_image()
    auto_eno = frozenset(key for key, (obj, sw, _s) in parsed.items()
                         if obj.kind in ("FB", "FC") and sw is not None and sw.attr("SetENOAutomatically") is True)
    blocks = [bd for bd in program.blocks.values() if bd.kind in ("FB", "FC", "OB")]
    ctx = Context(program, builder, db_slots, tags, constants, interfaces, code, auto_eno,
                  auto_eno | eno_writers(blocks))
    for bd in blocks:
        _add_unread_networks(bd, parsed.get(bd.name.lower()))
    generate_program(ctx, blocks)
    obs = [_ob_entry(obj, sw) for obj, sw, _s in parsed.values() if obj.kind == "OB"]
    obs.sort(key=lambda e: (_SCHEDULED.index(e.kind) if e.kind in _SCHEDULED else 9, e.number or 0))
    objects = {o.name: o.xml for o in software.all()}
    digests = {name: hashlib.sha256(xml).hexdigest() for name, xml in objects.items()}
    return ProgramImage(obs=obs, digests=digests, objects=objects, code=code, db_slots=db_slots, db_names=db_names,
                        tags=tags, warnings=list(code.warnings), retentive_markers=_retentive_markers(software, device),
                        max_cycle_ms=software.max_cycle_time_ms)


def _retentive_markers(software: PlcSoftware, device: str) -> int:
    """The PLC's retentive bit memory bytes; one the %M area cannot hold is an error of the software."""
    count = software.retentive_marker_bytes
    if not is_retentive_marker_size(count):
        raise ImageError(f"The retentive bit memory of {device} ({count!r} bytes from MB0) must be a whole number "
                         f"from 0 to {AREA_SIZES['M']}, the size of the bit memory area.", [])
    return count
