"""The bridge's tag tables, their folders and tags (``PlcSoftware.TagTableGroup``): ``OpennessBackend.tags``.

Tables live in ``PlcTagTableSystemGroup.TagTables`` and in user groups (``Groups``, recursively; ``Find`` looks one
level deep, so the tree is walked), and on an S7-1500 with software units in each unit's ``TagTableGroup`` too
(:class:`~openness_bridge.tags_support.TagTree`): tables are listed and found there, with the folder
``Software units/<unit>/...``, and new tables and folders given that folder are made (and its folders deleted) there
(:func:`openness_bridge.units.create_user_group`); ``tag_table_tree`` is the PLC's own "PLC tags" ending in the
units' folder ``Software units`` (:func:`openness_bridge.units.plc_tree`). Every
change runs in ``_change`` (ExclusiveAccess + Transaction), so a multi-step change happens completely or not at all.
Input is checked in Python first, with the rule functions the fake uses, so a refused tag gets the same precise code
on both adapters.

Openness has no setter for ``PlcTag.Name`` or ``PlcTagTable.Name`` (the 15.1 and 17.0 API references list them
get-only), so a rename recreates the object with the new name inside one transaction; see docs/openness-areas.md.
Constants are the constants area (:mod:`openness_bridge.tag_constants`), imports the import area
(:mod:`openness_bridge.tag_import`); all reach the tables through :class:`~openness_bridge.tags_support.TagTables`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.tags import TagChange, TagInfo, TagsPort, TagTableInfo, TagTableNode
from engineering_api.backend.models import FOLDER_NODE
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.tags import (
    check_table_name, checked_tag, overlap_warnings, refuse_taken_name,
)
from openness_bridge.tags_support import TagRecord, tag_tables
from openness_bridge.units import (
    ProgramRoot, create_user_group, ensure_user_group, group_at, program_roots, require_user_group, plc_tree,
)

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import TagSpec, TagUpdate
    from openness_bridge.session import BridgeSession
    from openness_bridge.tags_support import TagTables, TagTree

__all__ = ("BridgeTags",)


class BridgeTags(TagsPort):
    """Tag tables, their folders and tags of a PLC over Openness.

    Args:
        session: the Openness session; a change of a table, folder or tag runs in one transaction.
        tag_tables: reading and writing tag tables, tags and constants, shared with the constants and import areas.
    """

    def __init__(self, session: BridgeSession, *, tag_tables: TagTables) -> None:
        self._session = session
        self._tag_tables = tag_tables

    # ----- tag tables ------------------------------------------------------------------------
    @staticmethod
    def _table_info(table: Any, folder: str) -> TagTableInfo:
        return TagTableInfo(name=str(table.Name), folder=folder, tag_count=int(table.Tags.Count),
                            user_constant_count=int(table.UserConstants.Count), is_default=bool(table.IsDefault))

    def list_tag_tables(self, device: str) -> list[TagTableInfo]:
        def run() -> list[TagTableInfo]:
            _, root = self._tag_tables.tag_root(device)
            return [self._table_info(table, folder) for folder, table in self._tag_tables.tables(root)]

        return self._session.call("PlcTagTableGroup.TagTables", run)

    def tag_table_tree(self, device: str) -> TagTableNode:
        def folder(name: str, path: str, children: list[TagTableNode], kind: str = FOLDER_NODE) -> TagTableNode:
            return TagTableNode(name=name, is_folder=True, path=path, node_type=kind, children=children)

        def node(root: ProgramRoot, group: Any, name: str, below: str = "", kind: str = FOLDER_NODE) -> TagTableNode:
            """``group``, at ``below`` in ``root``, with the folder as listed (a unit's: ``Software units/...``)."""
            path = root.folder(below)
            children = [node(root, g, str(g.Name), f"{below}/{g.Name}".lstrip("/")) for g in group.Groups]
            children += [TagTableNode(name=str(t.Name), is_folder=False, path=f"{path}/{t.Name}".lstrip("/"),
                                      tag_count=int(t.Tags.Count), is_default=bool(t.IsDefault))
                         for t in group.TagTables]
            return folder(name, path, children, kind)

        def run() -> TagTableNode:
            _, tables = self._tag_tables.tag_root(device)
            roots = list(program_roots(self._session, tables.software, "TagTableGroup"))
            return plc_tree(roots, "PLC tags", node, folder)

        return self._session.call("PlcTagTableGroup.Groups", run)

    def _require_free_table_name(self, root: TagTree, name: str, *, renaming: str | None = None) -> None:
        for _, table in self._tag_tables.tables(root):
            other = str(table.Name)
            if other.casefold() == name.casefold() and other != renaming:
                raise AlreadyExistsError(f"The tag table '{name}' already exists.", code=codes.TAG_TABLE_EXISTS)

    def create_tag_table(self, device: str, name: str, folder: str = "") -> TagTableInfo:
        def run() -> TagTableInfo:
            _, root = self._tag_tables.tag_root(device)
            check_table_name(name)
            self._require_free_table_name(root, name)
            # A unit's folder as listed (Software units/<unit>/...) is in that unit's "PLC tags"
            target, group = ensure_user_group(self._session, root.software, "TagTableGroup", folder)
            return self._table_info(group.TagTables.Create(name), target)

        return self._session.change("PlcTagTableComposition.Create", run)

    @staticmethod
    def _table_group(root: TagTree, folder: str) -> Any:
        """The group holding a table found at ``folder`` (``Software units/<unit>/...`` is that unit's)."""
        return group_at(root.session, root.software, "TagTableGroup", folder)

    def rename_tag_table(self, device: str, name: str, new_name: str) -> TagTableInfo:
        def run() -> TagTableInfo:
            _, root = self._tag_tables.tag_root(device)
            folder, table = self._tag_tables.find_table(root, name, device)
            check_table_name(new_name)
            old = str(table.Name)
            if bool(table.IsDefault) and new_name != old:
                raise ConflictError("The default tag table cannot be renamed.", code=codes.DEFAULT_TAG_TABLE)
            self._require_free_table_name(root, new_name, renaming=old)
            if new_name == old:
                return self._table_info(table, folder)
            # PlcTagTable.Name has no setter: read everything, delete the table, create it under the new name
            # in the same group and put its tags and constants back (one transaction: all or nothing).
            tags = [self._tag_tables.tag_record(t) for t in table.Tags]
            constants = [self._tag_tables.constant_record(c) for c in table.UserConstants]
            table.Delete()
            renamed = self._table_group(root, folder).TagTables.Create(new_name)
            for tag in tags:
                self._tag_tables.add_tag(renamed, tag)
            for constant in constants:
                self._tag_tables.add_constant(renamed, constant)
            return self._table_info(renamed, folder)

        return self._session.change("PlcTagTable rename (Delete + TagTables.Create)", run)

    def delete_tag_table(self, device: str, name: str) -> None:
        def run() -> None:
            _, root = self._tag_tables.tag_root(device)
            _, table = self._tag_tables.find_table(root, name, device)
            if bool(table.IsDefault):
                raise ConflictError("The default tag table cannot be deleted.", code=codes.DEFAULT_TAG_TABLE)
            table.Delete()

        self._session.change("PlcTagTable.Delete", run)

    def create_tag_table_folder(self, device: str, path: str) -> TagTableNode:
        def run() -> TagTableNode:
            _, root = self._tag_tables.tag_root(device)
            normalised, _ = create_user_group(self._session, root.software, "TagTableGroup", path)
            return TagTableNode(name=normalised.rpartition("/")[2], is_folder=True, path=normalised, node_type="Folder")

        return self._session.change("PlcTagTableUserGroupComposition.Create", run)

    def delete_tag_table_folder(self, device: str, path: str) -> list[str]:
        def run() -> list[str]:
            _, root = self._tag_tables.tag_root(device)
            normalised, group, _ = require_user_group(self._session, root.software, "TagTableGroup", path)  # a unit's
            tables = [t for _, t in tag_tables(group)]
            if any(bool(t.IsDefault) for t in tables):
                raise ConflictError(
                    f"The folder '{normalised}' holds the default tag table, which cannot be deleted.",
                    code=codes.DEFAULT_TAG_TABLE
                )
            names = [str(t.Name) for t in tables]
            group.Delete()  # with its subgroups and tables, as in the TIA UI
            return names

        return self._session.change("PlcTagTableUserGroup.Delete", run)

    def export_tag_table_xml(self, device: str, table: str) -> bytes:
        def run() -> bytes:
            _, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            return self._session.export_bytes(found)

        return self._session.call("PlcTagTable.Export", run)

    # ----- tags ------------------------------------------------------------------------------
    def list_tags(self, device: str, table: str) -> list[TagInfo]:
        def run() -> list[TagInfo]:
            _, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            return [self._tag_tables.tag_info(self._tag_tables.tag_record(t), str(found.Name)) for t in found.Tags]

        return self._session.call("PlcTagTable.Tags", run)

    def list_all_tags(self, device: str) -> list[TagInfo]:
        def run() -> list[TagInfo]:
            _, root = self._tag_tables.tag_root(device)
            return [self._tag_tables.tag_info(self._tag_tables.tag_record(t), str(table.Name))
                    for _, table in self._tag_tables.tables(root) for t in table.Tags]

        return self._session.call("PlcTagTable.Tags", run)

    def create_tag(self, device: str, table: str, tag: TagSpec) -> TagChange:
        def run() -> TagChange:
            software, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            data_type, address = checked_tag(tag.name, tag.data_type, tag.logical_address,
                                             self._tag_tables.udts(software))
            refuse_taken_name(tag.name, self._tag_tables.names(root).get(tag.name.casefold()), codes.TAG_EXISTS,
                              across_tables=True)
            warnings = overlap_warnings(self._tag_tables.overlap_index(root), tag.name, address, data_type)
            record = TagRecord(tag.name, data_type, address.text, tag.comment, tag.hmi_accessible, tag.hmi_visible,
                               tag.hmi_writeable)
            self._tag_tables.add_tag(found, record)
            return TagChange(tag=self._tag_tables.tag_info(record, str(found.Name)), warnings=warnings)

        return self._session.change("PlcTagComposition.Create", run, invocation=ValidationError)

    def _find_tag(self, table: Any, name: str) -> Any:
        found = self._tag_tables.find_named(table.Tags, name)
        if found is None:
            raise NotFoundError(f"The tag '{name}' was not found in the tag table '{table.Name}'.",
                                code=codes.TAG_NOT_FOUND)
        return found

    def update_tag(self, device: str, table: str, name: str, changes: TagUpdate) -> TagChange:
        def run() -> TagChange:
            software, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            tag = self._find_tag(found, name)
            old = self._tag_tables.tag_record(tag)
            new_name = old.name if changes.new_name is None else changes.new_name
            data_type, address = checked_tag(
                new_name, old.data_type if changes.data_type is None else changes.data_type,
                old.address if changes.logical_address is None else changes.logical_address,
                self._tag_tables.udts(software),
            )
            if new_name.casefold() != old.name.casefold():
                refuse_taken_name(new_name, self._tag_tables.names(root).get(new_name.casefold()), codes.TAG_EXISTS,
                                  across_tables=True)
            record = TagRecord(
                new_name, data_type, address.text, old.comment if changes.comment is None else changes.comment,
                old.accessible if changes.hmi_accessible is None else changes.hmi_accessible,
                old.visible if changes.hmi_visible is None else changes.hmi_visible,
                old.writable if changes.hmi_writeable is None else changes.hmi_writeable,
            )
            warnings = overlap_warnings(self._tag_tables.overlap_index(root, frozenset({old.name.casefold()})),
                                        new_name, address, data_type)
            if new_name != old.name:
                # PlcTag.Name has no setter: delete and create under the new name, in one transaction.
                tag.Delete()
                self._tag_tables.add_tag(found, record)
            else:
                self._tag_tables.change_tag(tag, record, old)
            return TagChange(tag=self._tag_tables.tag_info(record, str(found.Name)), warnings=warnings)

        return self._session.change("PlcTag update", run, invocation=ValidationError)

    def delete_tag(self, device: str, table: str, name: str) -> None:
        def run() -> None:
            _, root = self._tag_tables.tag_root(device)
            _, found = self._tag_tables.find_table(root, table, device)
            self._find_tag(found, name).Delete()

        self._session.change("PlcTag.Delete", run)
