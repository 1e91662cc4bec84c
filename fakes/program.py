"""A PLC's software in the TIA model: blocks, PLC data types and tag tables, kept as SimaticML.

Objects are stored as the bytes our SimaticML writer produces for the project's version, so what the
fake exports is what TIA would import. Imports follow TIA's rules: names are unique per kind, a block
number is used once per block type, an instance DB needs its FB, and documents from a newer TIA
version are refused. A batch is imported completely or not at all, with a report per file.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import PosixPath, PurePosixPath, PureWindowsPath, WindowsPath
from typing import TypeVar

from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.paths import safe_file_stem
from engineering_api.rules.folders import folder_parts
from engineering_api.rules.program_objects import BLOCK_KINDS, ProgramObject, read_object
from fakes.object_table import NameTable, ObjectTable, first_number, transaction_copy
from simatic_xml import parse_bytes, to_bytes

__all__ = (
    "BLOCK_KINDS", "PlcSoftware", "ProgramObject", "WatchForceTable", "deepcopy_fields",
    "normalise_folder", "object_file_name", "read_object", "require",
)

_T = TypeVar("_T")


_IMMUTABLE = frozenset({str, int, float, bool, bytes, type(None), PosixPath, WindowsPath, PurePosixPath,
                        PureWindowsPath})


def deepcopy_fields(self: _T, memo: dict[int, object]) -> _T:
    """``__deepcopy__`` of an object of the model: its immutable values shared, the others deep-copied. What
    ``copy.deepcopy`` does, without reducing the object and each of its plain values through the generic walk
    (the transaction copy before each change walks every device of the project)."""
    clone = object.__new__(type(self))
    memo[id(self)] = clone
    state = clone.__dict__
    for name, value in self.__dict__.items():
        state[name] = value if type(value) in _IMMUTABLE else copy.deepcopy(value, memo)
    return clone


@dataclass(frozen=True)
class ExternalSource:
    """An SCL (or other) source file kept in the PLC's "External source files" folder."""

    name: str
    text: str
    folder: str = ""


@dataclass(frozen=True)
class WatchForceTable:
    """A watch or force table of the "Watch and force tables" folder, kept as its SimaticML document.

    The document is read and written by :mod:`simatic_xml.watchtables` (``fakes.watch_tables_ops`` owns the rules).
    """

    name: str
    kind: str
    """``WatchTable`` or ``ForceTable``."""
    xml: bytes
    folder: str = ""


CATEGORIES = ("blocks", "types", "tag_tables", "external_sources", "watch_tables")
"""Groups of the project tree; each has its own folders ("groups" in Openness)."""


@dataclass
class PlcSoftware:
    """The software of one PLC."""

    blocks: ObjectTable = field(default_factory=ObjectTable)
    types: ObjectTable = field(default_factory=ObjectTable)
    tag_tables: ObjectTable = field(default_factory=ObjectTable)
    external_sources: NameTable[ExternalSource] = field(default_factory=NameTable)
    watch_tables: NameTable[WatchForceTable] = field(default_factory=NameTable)
    """Watch and force tables share one folder tree and one name space."""
    folders: dict[str, set[str]] = field(default_factory=lambda: {c: set() for c in CATEGORIES})
    """Folder paths (``a/b``) per category, including empty ones; parents are listed too."""
    retentive_marker_bytes: int = 0
    """How many bit memory bytes from %MB0 are retentive: the "Retain" setting of TIA's PLC tags editor ("Number of
    memory bytes starting at MB0"; S7-1500 function manual "Structure and use of the CPU memory", A5E03461664-AC,
    2.4.1). No TIA export carries it (the tag table exports in the corpus have no such element); the default 0 is the
    CPU's. The program image takes it at download (:func:`fakes.runtime.image.build_image`)."""
    max_cycle_time_ms: float = 150.0
    """The CPU's maximum cycle time, its "Cycle" setting in the device configuration (1 to 6000 ms, 150 ms by
    default: S7-1200 System Manual V4.2, A5E02486680-AK, 5.1.4). A hardware setting in TIA, kept with the software the
    download compiles (no Openness member sets it here); the program image takes it (:mod:`fakes.runtime.cpu`'s
    cycle-time supervision). Not saved with the project."""

    def __deepcopy__(self, memo: dict[int, object]) -> PlcSoftware:
        # The transaction copy before each change: the tables are copied (lazily in a transaction: a journal of what
        # the change replaced, the copy made only when it is undone, fakes.object_table.NameTable.snapshot) and
        # their objects shared. Stored objects are values: a change puts a new object in
        # the table (``dataclasses.replace``, ``add``, ``TagTableObject.with_table``) and never alters one in place
        # (a tag table's lazily written XML is a cache of its records), so the copy keeps every object as it was
        # (tests/fakes/test_transactions.py). The tables' indexes are copied with them (dict copies, no rebuild).
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            if name in CATEGORIES:
                clone.__dict__[name] = transaction_copy(value)
            elif name == "folders":
                clone.__dict__[name] = {category: set(paths) for category, paths in value.items()}
            else:
                clone.__dict__[name] = copy.deepcopy(value, memo)
        return clone

    def remove(self, category: str, name: str) -> ProgramObject | ExternalSource:
        """Delete an object.

        Raises:
            NotFoundError: no such object in the category.
        """
        table = self._named(category)
        if name not in table:
            raise NotFoundError(f"'{name}' was not found.", code=codes.OBJECT_NOT_FOUND)
        return table.pop(name)

    def rename(self, category: str, name: str, new_name: str) -> None:
        """Rename an object, keeping its place and folder.

        Raises:
            NotFoundError: no such object.
            AlreadyExistsError: ``new_name`` is taken in the category (case-insensitive, as TIA).
        """
        table = self._named(category)
        if name not in table:
            raise NotFoundError(f"'{name}' was not found.", code=codes.OBJECT_NOT_FOUND)
        if new_name.lower() != name.lower() and table.spelled(new_name) is not None:
            raise AlreadyExistsError(f"'{new_name}' already exists.", code=codes.OBJECT_EXISTS)
        items = list(table.items())
        table.clear()
        for key, value in items:
            if key == name:
                value = replace(value, name=new_name)
                key = new_name
            table[key] = value

    def add_folder(self, category: str, path: str) -> str:
        """Create a folder (and its parents); returns the normalised path.

        Raises:
            ValidationError: ``INVALID_FOLDER``: an empty path or a name the folder rules refuse
                (:func:`engineering_api.rules.folders.folder_parts`).
            AlreadyExistsError: the folder exists.
        """
        parts = self._spelled(category, folder_parts(path))
        normalised = "/".join(parts)
        if normalised in self.folders.setdefault(category, set()):
            raise AlreadyExistsError(f"The folder '{normalised}' already exists.", code=codes.FOLDER_EXISTS)
        self._list_folder(category, parts)
        return normalised

    def _spelled(self, category: str, parts: list[str]) -> list[str]:
        """``parts`` spelled as the folders that exist: TIA keeps group names unique whatever their case, so
        ``drives/Pumps`` is ``Pumps`` in an existing ``Drives``, and ``drives`` is ``Drives`` itself."""
        known = self.folders.get(category, set())
        spelled: list[str] = []
        for part in parts:
            wanted = "/".join([*spelled, part]).lower()
            match = next((k for k in known if k.lower() == wanted), None)
            spelled.append(match.rsplit("/", 1)[-1] if match is not None else part)
        return spelled

    def _list_folder(self, category: str, parts: list[str]) -> None:
        """List the folder ``parts`` (``["a", "b"]`` for ``a/b``) and each of its parents."""
        known = self.folders.setdefault(category, set())
        for i in range(1, len(parts) + 1):
            known.add("/".join(parts[:i]))

    def remove_folder(self, category: str, path: str) -> list[str]:
        """Delete a folder, its subfolders and everything in them (as TIA does); returns what was deleted.

        ``path`` is normalised with :func:`normalise_folder` (``\\`` separators, blanks, outer separators).

        Raises:
            NotFoundError: no such folder.
        """
        known = self.folders.setdefault(category, set())
        normalised = normalise_folder(path)
        if normalised not in known:
            raise NotFoundError(f"The folder '{path}' was not found.", code=codes.FOLDER_NOT_FOUND)
        inside = lambda folder: folder == normalised or folder.startswith(normalised + "/")  # noqa: E731
        self.folders[category] = {f for f in known if not inside(f)}
        table = self._named(category)
        gone = [name for name, obj in table.items() if inside(obj.folder)]
        for name in gone:
            del table[name]
        return gone

    def _named(self, category: str) -> NameTable:
        """The dict of any category: program objects, external sources, watch and force tables."""
        if category == "external_sources":
            return self.external_sources
        if category == "watch_tables":
            return self.watch_tables
        return self.table(category)

    def table(self, category: str) -> ObjectTable:
        """The dict holding objects of a category."""
        return {"blocks": self.blocks, "types": self.types, "tag_tables": self.tag_tables}[category]

    def all(self) -> list[ProgramObject]:
        """Types first, then tag tables, then blocks: the order TIA imports them in."""
        return [*self.types.values(), *self.tag_tables.values(), *self.blocks.values()]

    def find(self, name: str) -> ProgramObject | None:
        """Any object by name (blocks, then types, then tag tables)."""
        for table in (self.blocks, self.types, self.tag_tables):
            if name in table:
                return table[name]
        return None

    def named(self, name: str) -> ProgramObject | None:
        """Any block, PLC data type or tag table named ``name``: by its exact name, else whatever its case."""
        found = self.find(name)
        if found is not None:
            return found
        for table in (self.blocks, self.types, self.tag_tables):
            spelled = table.spelled(name)
            if spelled is not None:
                return table[spelled]
        return None

    def name_taken(self, obj: ProgramObject) -> tuple[ObjectTable, str] | None:
        """Where ``obj``'s name is taken (case-insensitive, as TIA) and by which name, or None: blocks and PLC data
        types share one namespace in a PLC (the bridge's import and TIA's ``Import`` refuse a UDT named like a
        block), tag tables have their own."""
        for table in ([self.tag_tables] if obj.category == "tag_tables" else [self.blocks, self.types]):
            clash = table.spelled(obj.name)
            if clash is not None:
                return table, clash
        return None

    def missing_types(self, obj: ProgramObject) -> list[str]:
        """Types ``obj`` uses that the software does not have: TIA shows the object as inconsistent. A type is a
        PLC data type or, for a multi-instance, an FB."""
        return [name for name in obj.uses_types if name not in self.types and not self._is_fb(name)]

    def _is_fb(self, name: str) -> bool:
        block = self.blocks.get(name)
        return block is not None and block.kind == "FB"

    def add(self, obj: ProgramObject, *, overwrite: bool) -> ProgramObject:
        """Add or replace an object, enforcing TIA's uniqueness rules; the object stored (``obj``, renumbered,
        marked for compile or put in a folder of another case as the rules say).

        Raises:
            AlreadyExistsError: the name is taken (:meth:`name_taken`) and ``overwrite`` is false.
            ConflictError: the block number is used by another block of the same number space.
            ValidationError: an instance DB whose FB (or UDT) does not exist.
        """
        name_clash = self.name_taken(obj)
        if name_clash is not None and not overwrite:
            holder, clash = name_clash
            raise AlreadyExistsError(
                f"The {_label(holder[clash])} '{clash}' already exists; import with overwrite to replace it.",
                code=codes.OBJECT_EXISTS,
            )
        number_class = obj.number_class
        if number_class is not None and obj.number is not None:
            taken = self._number_holder(number_class, obj.number, besides=obj.name)
            if taken is not None and obj.auto_number:
                # the lowest free number, where the block this one replaces holds none (as the stand-in of TIA):
                # generating the same source again must not renumber the program and churn every export
                obj = _renumbered(obj, self.next_number(number_class, replacing=obj.name))
            elif taken is not None:
                raise ConflictError(
                    f"The block number {obj.number_class} {obj.number} is already used by '{taken.name}'.",
                    code=codes.BLOCK_NUMBER_IN_USE,
                )
        if obj.kind == "InstanceDB" and obj.instance_of is not None and obj.instance_of not in self.blocks \
                and obj.instance_of not in self.types and not _is_system_instance(obj):
            raise ValidationError(
                f"The instance data block '{obj.name}' refers to '{obj.instance_of}', which does not exist; "
                "import the function block first.",
                code=codes.INSTANCE_OF_MISSING,
            )
        if name_clash is not None:
            holder, clash = name_clash
            previous = holder.pop(clash)
            if previous.needs_compile and not obj.needs_compile:
                # Replacing a block does not compile it: TIA keeps it inconsistent until a compile succeeds.
                obj = replace(obj, needs_compile=True, calls=obj.calls or previous.calls)
        if obj.folder:  # into an existing folder of another case, as TIA's import targets that group
            spelled = "/".join(self._spelled(obj.category, obj.folder.split("/")))
            obj = obj if spelled == obj.folder else replace(obj, folder=spelled)
        self.table(obj.category)[obj.name] = obj
        # An object imported into a folder that did not exist brings it (TIA's import targets a group, which the
        # import creates level by level): the folder is listed and can be deleted like one made on its own.
        self._list_folder(obj.category, obj.folder.split("/") if obj.folder else [])
        return obj

    def _number_holder(self, number_class: str, number: int, *, besides: str) -> ProgramObject | None:
        """A block other than the one named ``besides`` (whatever its case) that holds ``number`` in
        ``number_class``, or None. The table's count answers the common case (nobody else) without a search."""
        holders = self.blocks.holders(number_class, number)
        same = self._block_named(besides)
        if same is not None and same.number_class == number_class and same.number == number:
            holders -= 1
        if holders <= 0:
            return None
        return next(self.blocks[name] for name in self.blocks.holding(number_class, number)
                    if self.blocks[name] is not same)

    def _block_named(self, name: str) -> ProgramObject | None:
        spelled = self.blocks.spelled(name)
        return self.blocks[spelled] if spelled is not None else None

    def next_number(self, number_class: str, *, replacing: str | None = None) -> int:
        """The lowest free number of a block type (OB numbers for program cycle start at 123, as TIA); the block
        named ``replacing``, about to be replaced, holds none."""
        lowest = self.blocks.lowest_free(number_class)
        gone = self._block_named(replacing) if replacing else None
        if gone is not None and gone.number_class == number_class and gone.number is not None \
                and first_number(number_class) <= gone.number < lowest \
                and self.blocks.holders(number_class, gone.number) == 1:
            return gone.number  # every number below it is held: the replaced block's is the lowest free
        return lowest


def _folder_parts(path: str) -> list[str]:
    # TIA shows group paths with "\\" and clients send either separator; blanks around a name are typos.
    return [p.strip() for p in path.replace("\\", "/").split("/")]


def normalise_folder(path: str) -> str:
    """A folder path as the model stores it: ``a\\b``, `` a / b `` and ``/a/b/`` all become ``a/b``.

    Empty names inside the path (``a//b``) are kept, so they still match no folder.
    """
    return "/".join(_folder_parts(path.strip().strip("/\\")))


def renumbers_in_place(obj: ProgramObject) -> bool:
    """Whether ``obj`` is renumbered by rewriting its ``<Number>`` element in place: where the document (our
    writer's output) holds its number once, as that element (the same bytes as parsing and writing it again, and
    no line moved). Most generated blocks ask for number 1 and are renumbered as they are imported."""
    return (obj.number is not None and obj.xml.count(b"<Number>") == 1
            and obj.xml.count(f"<Number>{obj.number}</Number>".encode()) == 1)


def _renumbered(obj: ProgramObject, number: int) -> ProgramObject:
    if renumbers_in_place(obj):
        xml = obj.xml.replace(f"<Number>{obj.number}</Number>".encode(), f"<Number>{number}</Number>".encode())
        return replace(obj, number=number, xml=xml)
    doc = parse_bytes(obj.xml)
    # the number came from the AttributeList, so it is there; rewriting the key keeps its place in the list
    doc.object.attributes = {**(doc.object.attributes or {}), "Number": number}
    return replace(obj, number=number, xml=to_bytes(doc))


def _label(obj: ProgramObject) -> str:
    return {"UDT": "PLC data type", "TagTable": "tag table"}.get(obj.kind, "block")


def _is_system_instance(obj: ProgramObject) -> bool:
    """An instance DB of a system FB or type (IEC_TIMER, MB_COMM_LOAD, MC_Power, ...): it names a library element,
    not a project FB. TIA's exports say so with ``OfSystemLibElement``; a DB generated from a source
    (``DATA_BLOCK "T" {InstructionName := 'IEC_TIMER'} IEC_TIMER``) names the type only, so the catalog decides."""
    return b"OfSystemLibElement" in obj.xml or is_system_instance_name(obj.instance_of)


def is_system_instance_name(name: str | None) -> bool:
    """True when ``name`` is a system type or an FB instruction of the catalog (``simatic_xml.system_types``):
    TIA creates instance DBs of them (S7-1200 sources: IEC_Timer_0_DB of IEC_TIMER, MB_COMM_LOAD_DB, MB_MASTER_DB)."""
    if not name or name.startswith('"'):  # a quoted name is always a user object
        return False
    from simatic_xml.system_types import lookup, lookup_instruction

    if lookup(name) is not None:
        return True
    instruction = lookup_instruction(name)
    return instruction is not None and instruction.is_fb


@functools.lru_cache(maxsize=1 << 16)
def object_file_name(name: str) -> str:
    """A file name for an object: unsafe characters escaped, long names shortened with a hash (kept per name: a save
    names every object's file, ~15% of a plant's save of one change)."""
    safe = safe_file_stem(name, escape=True)
    if len(safe.encode("utf-8")) > 200:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
        safe = safe.encode("utf-8")[:187].decode("utf-8", errors="ignore") + "~" + digest
    return safe + ".xml"


def require(software: PlcSoftware, name: str) -> ProgramObject:
    """An object by name.

    Raises:
        NotFoundError: no such object.
    """
    obj = software.find(name)
    if obj is None:
        raise NotFoundError(f"The program object '{name}' was not found.", code=codes.OBJECT_NOT_FOUND)
    return obj

