"""What the types area knows about a PLC's program, read through Openness: every PLC data type (and, when users
matter, every block) with its folder, its ``IsConsistent`` as TIA reports it, and its SimaticML (exported on
demand) analysed for the types it uses. The analyses are kept across requests (:class:`AnalysisCache`, keyed by
each object's ``InterfaceModifiedDate``), so an unchanged object is exported once, not on every request.

Openness has no member listing a UDT's members or users, so both come from the exported SimaticML
(``PlcType.Export`` / ``PlcBlock.Export``). TIA refuses to export an inconsistent block; such a block's uses are
then unknown (``document`` is None) and it is not reported as a user.

The analysis is the adapters' shared SimaticML reading (:mod:`engineering_api.rules.program_objects`: kind, name,
the types an interface names, an interface digest, members in the port's terms), as the fake's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.types import TypeMember, TypeUser
from engineering_api.backend.errors import EngineeringError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.type_graph import type_users

if TYPE_CHECKING:
    from engineering_api.rules.program_objects import ProgramObject

__all__ = (
    "CACHE_LIMIT", "Analysis", "AnalysisCache", "AnalysisKey", "Entry", "ExportReader", "TypeIndex", "members_of",
    "read_udt",
)


def read_udt(data: bytes, *, version: str, folder: str, source: str) -> ProgramObject:
    """Parse a document that must hold a PLC data type; ValidationError codes as the fake's."""
    from engineering_api.rules.program_objects import read_object

    obj = read_object(data, project_version=version, folder=folder, source=source)
    if obj.kind != "UDT":
        raise ValidationError(f"{source} holds a {obj.kind}, not a PLC data type.", code=codes.NOT_A_UDT)
    return obj


def members_of(data: bytes) -> tuple[list[TypeMember], str | None, str | None, int]:
    """(members, comment, title, member count) of an exported UDT document."""
    from engineering_api.rules.program_objects import multilingual_text, type_member
    from simatic_xml import parse_bytes

    doc = parse_bytes(data)
    interface = getattr(doc.object, "interface", None)
    members = [type_member(m) for s in interface.sections.sections for m in s.members] if interface else []
    comment = multilingual_text(getattr(doc.object, "comment", None))
    return members, comment, multilingual_text(getattr(doc.object, "title", None)), len(members)


AnalysisKey = tuple[str, str, str, int]
"""(device, kind, name as listed, ``InterfaceModifiedDate`` in .NET ticks) of one block or UDT of the open project."""
CACHE_LIMIT = 20_000
"""Analyses kept: a few hundred bytes each, so a few MB for a project of thousands of blocks."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the types area reads from an object's export that only a breakable interface change alters (the stubs
    describe ``PlcType.InterfaceModifiedDate`` as the "last breakable interface change", ``ModifiedDate`` as the last
    non-breakable one): the types the interface names and its member count. Comments, title and the interface digest
    are not in it (a non-breakable change may alter them); they come from a fresh export."""

    uses_types: tuple[str, ...]
    member_count: int


class AnalysisCache:
    """Analyses of the open project's blocks and UDTs, kept across requests so an unchanged object is not exported
    again: on a real project each ``Export`` writes a file through the portal's process, and a UDT's users are every
    block of the PLC.

    Keyed by :data:`AnalysisKey`, so an object whose interface changed (its date moved) is a miss, and the name is
    the one listed (a rename is a miss). After a transaction rolls back, or a project closed without saving is
    opened again, an object's interface and its date return to an earlier state together: the key still names the
    interface it has, so a hit stays correct. Only one project's analyses are kept: :meth:`open` with another
    project's path drops them all. The least recently used go beyond ``limit``.
    """

    def __init__(self, limit: int = CACHE_LIMIT) -> None:
        self.limit = limit
        self._project: str | None = None
        self._entries: OrderedDict[AnalysisKey, Analysis] = OrderedDict()

    def open(self, project: str) -> None:
        """The open project is ``project`` (its path): another project's analyses are dropped."""
        if project != self._project:
            self._entries.clear()
            self._project = project

    def get(self, key: AnalysisKey) -> Analysis | None:
        analysis = self._entries.get(key)
        if analysis is not None:
            self._entries.move_to_end(key)
        return analysis

    def put(self, key: AnalysisKey, analysis: Analysis) -> None:
        self._entries[key] = analysis
        self._entries.move_to_end(key)
        while len(self._entries) > self.limit:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class ExportReader:
    """How an :class:`Entry` is read: ``export`` (None where TIA refuses, an inconsistent block), ``stamp`` (the
    object's ``InterfaceModifiedDate`` in ticks, given the object and its kind; None where it cannot be read, and
    then nothing is cached), the cache, the PLC (``device``) the entries belong to and the project's TIA
    ``version`` (how their SimaticML is read)."""

    export: Callable[[Any], bytes | None]
    stamp: Callable[[Any, str], int | None]
    cache: AnalysisCache
    device: str
    version: str

    def analysis(self, entry: Entry) -> Analysis | None:
        """``entry``'s analysis: the cache's when its date is known and cached and it is consistent, else read from
        its export (None when TIA refuses it) and stored when its date was the same before and after the export
        (an edit in between, in the portal's UI, would store it under the wrong date).

        An inconsistent object is exported as before: TIA refuses to export an inconsistent block, so its uses are
        unknown and it is no user; a cached analysis would list it."""
        key = self._key(entry) if entry.consistent else None
        if key is not None and (cached := self.cache.get(key)) is not None:
            return cached
        if entry.data is None:
            return None
        document = entry.document
        if document is None:  # not SimaticML this service reads: no uses, no members, nothing cached
            return Analysis((), 0)
        count = members_of(entry.data)[3] if entry.kind == "UDT" else 0  # only a UDT's is reported
        analysis = Analysis(document.uses_types, count)
        if key is not None and self._key(entry) == key:
            self.cache.put(key, analysis)
        return analysis

    def _key(self, entry: Entry) -> AnalysisKey | None:
        stamp = self.stamp(entry.proxy, entry.kind)
        return None if stamp is None else (self.device, entry.kind, entry.name, stamp)


@dataclass
class Entry:
    """One block or UDT of the PLC as Openness shows it; its export and what is read from it are asked once, on
    demand (``reader``)."""

    name: str
    kind: str
    folder: str
    proxy: Any
    consistent: bool
    reader: ExportReader

    @cached_property
    def data(self) -> bytes | None:
        """The exported SimaticML, or None when TIA refused to export it (an inconsistent block)."""
        return self.reader.export(self.proxy)

    @cached_property
    def document(self) -> ProgramObject | None:
        """The analysed export (uses, interface digest), or None when it cannot be read: always exported."""
        if self.data is None:
            return None
        try:
            return _read(self.data, self.reader.version, self.folder, self.name)
        except EngineeringError:
            return None

    @cached_property
    def analysis(self) -> Analysis | None:
        """What its export says of its uses and members (cached across requests: :class:`ExportReader`)."""
        return self.reader.analysis(self)


def _read(data: bytes, version: str, folder: str, name: str) -> ProgramObject:
    from engineering_api.rules.program_objects import read_object

    return read_object(data, project_version=version, folder=folder, source=name)


@dataclass
class TypeIndex:
    """The UDTs (and optionally blocks) of one PLC software, by name."""

    reader: ExportReader
    """How its entries are read (and what they are read for, cached)."""
    types: dict[str, Entry] = field(default_factory=dict)
    blocks: dict[str, Entry] = field(default_factory=dict)

    def entries(self) -> list[Entry]:
        return [*self.types.values(), *self.blocks.values()]

    def uses(self, entry: Entry) -> tuple[str, ...]:
        analysis = entry.analysis
        return analysis.uses_types if analysis is not None else ()

    def missing(self, entry: Entry) -> list[str]:
        """Types ``entry`` names that are neither a UDT nor an FB of the PLC."""
        known = set(self.types) | {b.name for b in self.blocks.values() if b.kind == "FB"}
        return [name for name in self.uses(entry) if name not in known]

    def users(self, name: str, *, transitive: bool = False) -> list[Entry]:
        """Blocks and UDTs whose interface names ``"name"`` (and, transitively through UDTs, their users)."""
        return type_users(name, self.entries(), self.uses, transitive=transitive)

    def udt_uses(self, name: str) -> tuple[str, ...] | None:
        """The types the UDT ``name`` names, None when the PLC has no UDT of that name."""
        return self.uses(self.types[name]) if name in self.types else None

    @staticmethod
    def user(entry: Entry, consistent: bool | None = None) -> TypeUser:
        return TypeUser(name=entry.name, kind=entry.kind,
                        is_consistent=entry.consistent if consistent is None else consistent)
