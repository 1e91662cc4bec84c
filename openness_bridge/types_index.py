"""What the types area knows about a PLC's program, read through Openness: every PLC data type (and, when users
matter, every block) with its folder, its ``IsConsistent`` as TIA reports it, and its SimaticML (exported on
demand) analysed for the types it uses.

Openness has no member listing a UDT's members or users, so both come from the exported SimaticML
(``PlcType.Export`` / ``PlcBlock.Export``). TIA refuses to export an inconsistent block; such a block's uses are
then unknown (``document`` is None) and it is not reported as a user.

The analysis is the adapters' shared SimaticML reading (:mod:`engineering_api.rules.program_objects`: kind, name,
the types an interface names, an interface digest, members in the port's terms), as the fake's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.types import TypeMember, TypeUser
from engineering_api.backend.errors import EngineeringError, ValidationError
from engineering_api.rules.type_graph import type_users

if TYPE_CHECKING:
    from engineering_api.rules.program_objects import ProgramObject

__all__ = ("Entry", "TypeIndex", "members_of", "read_udt")


def read_udt(data: bytes, *, version: str, folder: str, source: str) -> ProgramObject:
    """Parse a document that must hold a PLC data type; ValidationError codes as the fake's."""
    from engineering_api.rules.program_objects import read_object

    obj = read_object(data, project_version=version, folder=folder, source=source)
    if obj.kind != "UDT":
        raise ValidationError(f"{source} holds a {obj.kind}, not a PLC data type.", code="NOT_A_UDT")
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


@dataclass
class Entry:
    """One block or UDT of the PLC as Openness shows it."""

    name: str
    kind: str
    folder: str
    proxy: Any
    consistent: bool
    _export: Callable[[Any], bytes | None]
    _data: bytes | None = None
    _read: bool = False
    _object: ProgramObject | None = None

    @property
    def data(self) -> bytes | None:
        """The exported SimaticML, or None when TIA refused to export it (an inconsistent block)."""
        if not self._read:
            self._data, self._read = self._export(self.proxy), True
        return self._data

    def document(self, version: str) -> ProgramObject | None:
        """The analysed document (uses, interface digest), or None when it cannot be read."""
        if self._object is None and self.data is not None:
            try:
                self._object = _read(self.data, version, self.folder, self.name)
            except EngineeringError:
                return None
        return self._object


def _read(data: bytes, version: str, folder: str, name: str) -> ProgramObject:
    from engineering_api.rules.program_objects import read_object

    return read_object(data, project_version=version, folder=folder, source=name)


@dataclass
class TypeIndex:
    """The UDTs (and optionally blocks) of one PLC software, by name."""

    version: str
    types: dict[str, Entry] = field(default_factory=dict)
    blocks: dict[str, Entry] = field(default_factory=dict)

    def entries(self) -> list[Entry]:
        return [*self.types.values(), *self.blocks.values()]

    def uses(self, entry: Entry) -> tuple[str, ...]:
        document = entry.document(self.version)
        return document.uses_types if document is not None else ()

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
