"""The bridge's tag tables as its tags, constants and import areas reach them (:class:`TagTables`): reaching
``PlcSoftware.TagTableGroup`` and each software unit's (:class:`TagTree`), finding tables and groups (``Find`` is one
level deep, so the group trees are walked), reading and writing tags and constants, their ``MultilingualText``
comments, and the PLC-wide namespace TIA enforces.

TIA's rules on single fields (names, data types, addresses, constant values, overlaps) are those of
:mod:`engineering_api.rules`, which the fake applies too, so both adapters refuse exactly the same input with
the same codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.tags import ConstantInfo, TagInfo
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.addresses import AddressError, OverlapIndex, parse_address
from engineering_api.rules.values import PRIMARY_CULTURE
from openness_bridge import groups
from openness_bridge.units import find_in_groups, software_tag_tables, software_types

if TYPE_CHECKING:
    from openness_bridge.session import BridgeSession

__all__ = ("ConstantRecord", "TagRecord", "TagTables", "TagTree", "find_plc_tag_table", "plc_names", "plc_tag_tables",
           "system_constants", "tag_tables")


def tag_tables(root: Any) -> Iterator[tuple[str, Any]]:
    """(folder, table) for every tag table below ``root`` (a ``PlcTagTableSystemGroup``), the system group first,
    then each user group recursively."""
    return groups.walk_objects(root, "TagTables")


def plc_tag_tables(session: BridgeSession, software: Any) -> Iterator[tuple[str, Any]]:
    """(folder, table) for every tag table of ``software``: its own "PLC tags" (the system group first, then each user
    group recursively), then each software unit's (folder ``Software units/<unit>/...``:
    :func:`openness_bridge.units.software_tag_tables`). The walk of the tag areas and the program area alike."""
    return ((found.folder, found.obj) for found in software_tag_tables(session, software))


def find_plc_tag_table(session: BridgeSession, software: Any, name: str) -> tuple[str, Any] | None:
    """(folder, table) named ``name`` among :func:`plc_tag_tables` (exact spelling first, then case-insensitive, as
    TIA's names are), the PLC's own or a software unit's, or None. The exact spelling is asked of
    ``PlcTagTableComposition.Find`` in each group (:func:`~openness_bridge.units.find_in_groups`: a call per group,
    not a ``Name`` read per table); only another spelling (or no such table) reads every table's name."""
    found = find_in_groups(session, software, "TagTableGroup", "TagTables", name, namespaced=False)
    if found is not None:
        return found.folder, found.obj
    return _named_table(plc_tag_tables(session, software), name)


def _named_table(walked: Iterable[tuple[str, Any]], name: str) -> tuple[str, Any] | None:
    tables = list(walked)
    found = next(((f, t) for f, t in tables if str(t.Name) == name), None)
    if found is None:
        found = next(((f, t) for f, t in tables if str(t.Name).casefold() == name.casefold()), None)
    return found


def system_constants(root: Any) -> list[ConstantInfo]:
    """The PLC's system constants: Openness lists them in the default tag table (``SystemConstants``)."""
    for table in root.TagTables:
        if bool(table.IsDefault):
            return [
                ConstantInfo(name=str(c.Name), data_type=str(c.DataTypeName or ""), value=str(c.Value or ""),
                             table_name=str(table.Name), is_system=True)
                for c in table.SystemConstants
            ]
    return []


def plc_names(session: BridgeSession, software: Any) -> dict[str, tuple[str, str, str]]:
    """Casefolded name -> (kind, table, name) of every tag, user constant and system constant of the PLC ``software``
    (TIA's PLC-wide namespace): the system constants of its own "PLC tags", the tags and user constants of every
    table, its own and its software units' (:func:`plc_tag_tables`)."""
    names: dict[str, tuple[str, str, str]] = {
        c.name.casefold(): ("system constant", c.table_name, c.name) for c in system_constants(software.TagTableGroup)
    }
    for _, table in plc_tag_tables(session, software):
        table_name = str(table.Name)
        for tag in table.Tags:
            names[str(tag.Name).casefold()] = ("tag", table_name, str(tag.Name))
        for constant in table.UserConstants:
            names[str(constant.Name).casefold()] = ("user constant", table_name, str(constant.Name))
    return names


@dataclass(frozen=True, slots=True)
class TagRecord:
    """A tag's fields as read from Openness (to recreate it: Openness cannot rename a tag)."""

    name: str
    data_type: str
    address: str
    comment: str
    accessible: bool
    visible: bool
    writable: bool


@dataclass(frozen=True, slots=True)
class ConstantRecord:
    """A user constant's fields as read from Openness."""

    name: str
    data_type: str
    value: str
    comment: str


@dataclass(frozen=True, slots=True)
class TagTree:
    """A PLC's tag tables as the tag areas reach them: ``group`` is its own "PLC tags" (``PlcSoftware.TagTableGroup``:
    where the port creates tables and folders outside a unit's folder, and where the default table with the system
    constants is);
    :meth:`TagTables.tables` walks it, then every software unit's (:func:`openness_bridge.units.software_tag_tables`).
    Tag and table names are checked over all of them: TIA keeps tag tables unique per PLC (each unit's default table
    is numbered apart from the PLC's), and tags too (conservative for units' tags: no Siemens source says otherwise).
    """

    session: BridgeSession
    software: Any
    group: Any


class TagTables:
    """Reading and writing tag tables, tags and constants over the session: the collaborator of
    :class:`openness_bridge.tags.BridgeTags`, :class:`openness_bridge.tag_constants.BridgeTagConstants` and
    :class:`openness_bridge.tag_import.BridgeTagImport`.

    Args:
        session: the Openness session: calls on its thread, changes in a transaction.
    """

    def __init__(self, session: BridgeSession) -> None:
        self._session = session

    # ----- reaching tables and groups --------------------------------------------------------
    def tag_root(self, device: str) -> tuple[Any, TagTree]:
        """(PlcSoftware, its tag tables: :class:`TagTree`), reached fresh from the open project."""
        software = self._session.plc_software(self._session.project(), device)
        return software, TagTree(self._session, software, software.TagTableGroup)

    @staticmethod
    def tables(root: TagTree) -> Iterator[tuple[str, Any]]:
        """(folder, table) for every tag table, the PLC's own and each software unit's (:func:`plc_tag_tables`)."""
        return plc_tag_tables(root.session, root.software)

    def find_table(self, root: TagTree, name: str, device: str) -> tuple[str, Any]:
        """(folder, table) named ``name`` (exact spelling first, then case-insensitive, as TIA's names are), the PLC's
        own or a software unit's."""
        found = find_plc_tag_table(root.session, root.software, name)
        if found is not None:
            return found
        raise NotFoundError(f"The tag table '{name}' was not found in '{device}'.", code=codes.TAG_TABLE_NOT_FOUND)

    # ----- comments (MultilingualText) ---------------------------------------------------------
    @staticmethod
    def comment_item(obj: Any) -> Any | None:
        """The English item of ``obj.Comment`` (the first item when the project has no English)."""
        items = list(obj.Comment.Items)
        english = next((i for i in items if str(i.Language.Culture.Name) == PRIMARY_CULTURE), None)
        return english if english is not None else (items[0] if items else None)

    def comment(self, obj: Any) -> str:
        item = self.comment_item(obj)
        return str(item.Text or "") if item is not None else ""

    def set_comment(self, obj: Any, text: str) -> None:
        item = self.comment_item(obj)
        if item is None:
            raise ValidationError("The project has no language to write the comment in.",
                                  code=codes.NO_PROJECT_LANGUAGE)
        item.Text = text

    # ----- reading -----------------------------------------------------------------------------
    def tag_record(self, tag: Any) -> TagRecord:
        return TagRecord(
            name=str(tag.Name), data_type=str(tag.DataTypeName or ""), address=str(tag.LogicalAddress or ""),
            comment=self.comment(tag), accessible=bool(tag.ExternalAccessible), visible=bool(tag.ExternalVisible),
            writable=bool(tag.ExternalWritable),
        )

    def constant_record(self, constant: Any) -> ConstantRecord:
        return ConstantRecord(name=str(constant.Name), data_type=str(constant.DataTypeName or ""),
                              value=str(constant.Value or ""), comment=self.comment(constant))

    @staticmethod
    def tag_info(record: TagRecord, table: str) -> TagInfo:
        return TagInfo(
            name=record.name, data_type=record.data_type, logical_address=record.address, comment=record.comment,
            hmi_visible=record.visible, hmi_accessible=record.accessible, hmi_writeable=record.writable,
            table_name=table,
        )

    @staticmethod
    def constant_info(record: ConstantRecord, table: str) -> ConstantInfo:
        return ConstantInfo(name=record.name, data_type=record.data_type, value=record.value, comment=record.comment,
                            table_name=table)

    @staticmethod
    def system_constants(root: TagTree) -> list[ConstantInfo]:
        """The PLC's system constants (:func:`system_constants`: its own default table lists them)."""
        return system_constants(root.group)

    # ----- writing tags ----------------------------------------------------------------------------
    def add_tag(self, table: Any, record: TagRecord) -> Any:
        """``Tags.Create(name, dataTypeName, logicalAddress)``, then the comment and the HMI flags that differ from
        TIA's defaults (all true)."""
        tag = table.Tags.Create(record.name, record.data_type, record.address)
        if record.comment:
            self.set_comment(tag, record.comment)
        self.set_flags(tag, record, TagRecord(record.name, "", "", "", True, True, True))
        return tag

    @staticmethod
    def set_flags(tag: Any, new: TagRecord, old: TagRecord) -> None:
        if new.accessible != old.accessible:
            tag.ExternalAccessible = new.accessible
        if new.visible != old.visible:
            tag.ExternalVisible = new.visible
        if new.writable != old.writable:
            tag.ExternalWritable = new.writable

    def change_tag(self, tag: Any, new: TagRecord, old: TagRecord) -> None:
        """Set the attributes of ``tag`` that differ (each setter is a round trip to TIA)."""
        if new.data_type != old.data_type:
            tag.DataTypeName = new.data_type
        if new.address != old.address:
            tag.LogicalAddress = new.address
        if new.comment != old.comment:
            self.set_comment(tag, new.comment)
        self.set_flags(tag, new, old)

    # ----- writing constants ------------------------------------------------------------------------
    def add_constant(self, table: Any, record: ConstantRecord) -> Any:
        constant = table.UserConstants.Create(record.name, record.data_type, record.value)
        if record.comment:
            self.set_comment(constant, record.comment)
        return constant

    def change_constant(self, constant: Any, new: ConstantRecord, old: ConstantRecord) -> None:
        """Set what differs (each setter is a round trip; the caller's transaction undoes all on an error)."""
        for attribute, value, before in (("Name", new.name, old.name), ("DataTypeName", new.data_type, old.data_type),
                                         ("Value", new.value, old.value)):
            if value != before:
                setattr(constant, attribute, value)
        if new.comment != old.comment:
            self.set_comment(constant, new.comment)

    @staticmethod
    def find_named(composition: Any, name: str) -> Any | None:
        """``Find`` with the exact spelling, then a case-insensitive scan (TIA's names are case-insensitive)."""
        found = composition.Find(name)
        if found is not None:
            return found
        return next((x for x in composition if str(x.Name).casefold() == name.casefold()), None)

    # ----- TIA's PLC-wide rules ------------------------------------------------------------------
    def names(self, root: TagTree) -> dict[str, tuple[str, str, str]]:
        """TIA's PLC-wide namespace of tags and constants (:func:`plc_names`), over the units' tables too."""
        return plc_names(root.session, root.software)

    def udts(self, software: Any) -> dict[str, str]:
        """Casefolded name -> name of the PLC data types (a tag may be of one), the software units' too by the name
        the port gives them (``Namespace.Name``), as the fake holds its types."""
        return {found.name.casefold(): found.name for found in software_types(self._session, software)}

    def overlap_index(self, root: TagTree, skip: frozenset[str] = frozenset()) -> OverlapIndex:
        """Every addressed tag of the PLC, for TIA's overlap warnings (``skip``: casefolded names left out)."""
        index = OverlapIndex()
        for _, table in self.tables(root):
            for tag in table.Tags:
                name, text = str(tag.Name), str(tag.LogicalAddress or "")
                if not text or name.casefold() in skip:
                    continue
                try:
                    index.add(name, parse_address(text), str(tag.DataTypeName or ""))
                except AddressError:
                    continue  # an address TIA itself holds as invalid: no overlap to report
        return index
