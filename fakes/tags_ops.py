"""The fake backend's tags and constants area (``FakeBackend.tags``).

Tables live in ``software.tag_tables`` as SimaticML program objects (see :mod:`fakes.tags.tables`).
TIA's rules are enforced here: names unique across every table of the PLC (tags, user constants and
system constants share one namespace, case-insensitively), data types that exist, addresses that fit
(:mod:`engineering_api.rules.addresses`), the default tag table that is always there. Imports validate every row
first and change the model only when all rows are good, inside one transaction.

Constants are the constants area (:mod:`fakes.tag_constants_ops`), imports the import area
(:mod:`fakes.tag_import_ops`), and the tables they all reach are :class:`fakes.tag_support.TagTables`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from engineering_api.backend.areas.tags import TagChange, TagInfo, TagsPort, TagTableInfo, TagTableNode
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError
from engineering_api.errors import codes
from engineering_api.rules.folders import target_folder
from engineering_api.rules.tags import (
    check_table_name, checked_tag, overlap_warnings, refuse_taken_name,
)
from fakes.program import normalise_folder
from fakes.tag_support import CATEGORY, tag_info
from fakes.tags.tables import DEFAULT_TABLE, TableData, TagRecord, TagTableObject

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import TagSpec, TagUpdate
    from fakes.session import FakeSession
    from fakes.tag_support import TagTables

__all__ = ("FakeTags",)


class FakeTags(TagsPort):
    """Tag tables, their folders and tags of the fake's PLC software.

    Args:
        session: the open project; a change of a table, folder or tag is one transaction.
        tables: the PLCs' tag tables, which the constants and import areas reach as well.
    """

    def __init__(self, session: FakeSession, *, tables: TagTables) -> None:
        self._session = session
        self._tables = tables

    # ----- tag tables ------------------------------------------------------------------------
    def _table_info(self, obj: TagTableObject) -> TagTableInfo:
        data = obj.table
        return TagTableInfo(name=obj.name, folder=obj.folder, tag_count=len(data.tags),
                            user_constant_count=len(data.constants), is_default=obj.name == DEFAULT_TABLE)

    def list_tag_tables(self, device: str) -> list[TagTableInfo]:
        project = self._session.project()
        _, software = self._tables.plc(project, device)
        return [self._table_info(obj) for obj in self._tables.all_tables(software, project.version)]

    def tag_table_tree(self, device: str) -> TagTableNode:
        project = self._session.project()
        _, software = self._tables.plc(project, device)
        root = TagTableNode(name="PLC tags", is_folder=True, path="", node_type="Folder")
        folders: dict[str, TagTableNode] = {"": root}
        for path in sorted(software.folders.get(CATEGORY, set()), key=lambda p: (p.count("/"), p.lower())):
            parent_path, _, leaf = path.rpartition("/")
            node = TagTableNode(name=leaf, is_folder=True, path=path, node_type="Folder")
            folders.setdefault(parent_path, root).children.append(node)
            folders[path] = node
        for obj in self._tables.all_tables(software, project.version):
            parent = folders.get(obj.folder, root)
            parent.children.append(TagTableNode(
                name=obj.name, is_folder=False, path=f"{obj.folder}/{obj.name}" if obj.folder else obj.name,
                tag_count=len(obj.table.tags), is_default=obj.name == DEFAULT_TABLE,
            ))
        return root

    def create_tag_table(self, device: str, name: str, folder: str = "") -> TagTableInfo:
        with self._session.change() as project:
            _, software = self._tables.plc(project, device)
            check_table_name(name)
            if software.tag_tables.spelled(name) is not None:
                raise AlreadyExistsError(f"The tag table '{name}' already exists.", code=codes.TAG_TABLE_EXISTS)
            folder = target_folder(folder, field="folderPath")
            if folder and folder not in software.folders.setdefault(CATEGORY, set()):
                folder = software.add_folder(CATEGORY, folder)
            obj = TagTableObject.from_table(TableData(name), version=project.version, folder=folder)
            software.tag_tables[name] = obj
            return self._table_info(obj)

    def rename_tag_table(self, device: str, name: str, new_name: str) -> TagTableInfo:
        with self._session.change() as project:
            _, software = self._tables.plc(project, device)
            obj = self._tables.table(software, project.version, name, device)
            check_table_name(new_name)
            if obj.name == DEFAULT_TABLE and new_name != DEFAULT_TABLE:
                raise ConflictError("The default tag table cannot be renamed.", code=codes.DEFAULT_TAG_TABLE)
            if new_name.lower() != obj.name.lower() and software.tag_tables.spelled(new_name) is not None:
                raise AlreadyExistsError(f"The tag table '{new_name}' already exists.", code=codes.TAG_TABLE_EXISTS)
            renamed = obj.with_table(replace(obj.table, name=new_name))
            items = list(software.tag_tables.items())
            software.tag_tables.clear()
            for key, value in items:
                if key == obj.name:
                    software.tag_tables[new_name] = renamed
                else:
                    software.tag_tables[key] = value
            return self._table_info(renamed)

    def delete_tag_table(self, device: str, name: str) -> None:
        with self._session.change() as project:
            _, software = self._tables.plc(project, device)
            obj = self._tables.table(software, project.version, name, device)
            if obj.name == DEFAULT_TABLE:
                raise ConflictError("The default tag table cannot be deleted.", code=codes.DEFAULT_TAG_TABLE)
            software.remove(CATEGORY, obj.name)

    def create_tag_table_folder(self, device: str, path: str) -> TagTableNode:
        with self._session.change() as project:
            _, software = self._tables.plc(project, device)
            normalised = software.add_folder(CATEGORY, path)
            return TagTableNode(name=normalised.rpartition("/")[2], is_folder=True, path=normalised, node_type="Folder")

    def delete_tag_table_folder(self, device: str, path: str) -> list[str]:
        with self._session.change() as project:
            _, software = self._tables.plc(project, device)
            # Normalised here too: the default table's folder must be compared in the model's spelling.
            inside = normalise_folder(path)
            default = software.tag_tables.get(DEFAULT_TABLE)
            if default is not None and (default.folder == inside or default.folder.startswith(inside + "/")):
                raise ConflictError(
                    f"The folder '{inside}' holds the default tag table, which cannot be deleted.",
                    code=codes.DEFAULT_TAG_TABLE
                )
            return software.remove_folder(CATEGORY, inside)

    def export_tag_table_xml(self, device: str, table: str) -> bytes:
        project = self._session.project()
        _, software = self._tables.plc(project, device)
        return self._tables.table(software, project.version, table, device).xml

    # ----- tags ------------------------------------------------------------------------------
    def list_tags(self, device: str, table: str) -> list[TagInfo]:
        project = self._session.project()
        _, software = self._tables.plc(project, device)
        obj = self._tables.table(software, project.version, table, device)
        return [tag_info(tag, obj.name) for tag in obj.table.tags]

    def list_all_tags(self, device: str) -> list[TagInfo]:
        project = self._session.project()
        _, software = self._tables.plc(project, device)
        return [tag_info(tag, obj.name) for obj in self._tables.all_tables(software, project.version)
                for tag in obj.table.tags]

    def create_tag(self, device: str, table: str, tag: TagSpec) -> TagChange:
        with self._session.change() as project:
            plc, software = self._tables.plc(project, device)
            tables = self._tables.all_tables(software, project.version)
            obj = self._tables.table(software, project.version, table, device)
            data_type, address = checked_tag(tag.name, tag.data_type, tag.logical_address, self._tables.udts(software))
            refuse_taken_name(tag.name, self._tables.names(plc, software, tables).get(tag.name.lower()),
                              codes.TAG_EXISTS,
                              across_tables=True)
            record = TagRecord(tag.name, data_type, address.text, tag.comment, tag.hmi_visible, tag.hmi_accessible,
                               tag.hmi_writeable)
            warnings = overlap_warnings(self._tables.index(tables, set()), record.name, address, data_type)
            self._tables.store(software, obj, replace(obj.table, tags=(*obj.table.tags, record)))
            return TagChange(tag=tag_info(record, obj.name), warnings=warnings)

    def update_tag(self, device: str, table: str, name: str, changes: TagUpdate) -> TagChange:
        with self._session.change() as project:
            plc, software = self._tables.plc(project, device)
            tables = self._tables.all_tables(software, project.version)
            obj = self._tables.table(software, project.version, table, device)
            tags = list(obj.table.tags)
            position = next((i for i, t in enumerate(tags) if t.name == name), None)
            if position is None:
                position = next((i for i, t in enumerate(tags) if t.name.lower() == name.lower()), None)
            if position is None:
                raise NotFoundError(f"The tag '{name}' was not found in the tag table '{obj.name}'.",
                                    code=codes.TAG_NOT_FOUND)
            old = tags[position]
            new_name = changes.new_name if changes.new_name is not None else old.name
            data_type = changes.data_type if changes.data_type is not None else old.data_type
            address_text = changes.logical_address if changes.logical_address is not None else old.address
            canonical, address = checked_tag(new_name, data_type, address_text, self._tables.udts(software))
            if new_name.lower() != old.name.lower():
                refuse_taken_name(new_name, self._tables.names(plc, software, tables).get(new_name.lower()),
                                  codes.TAG_EXISTS)
            record = TagRecord(
                new_name, canonical, address.text,
                changes.comment if changes.comment is not None else old.comment,
                changes.hmi_visible if changes.hmi_visible is not None else old.hmi_visible,
                changes.hmi_accessible if changes.hmi_accessible is not None else old.hmi_accessible,
                changes.hmi_writeable if changes.hmi_writeable is not None else old.hmi_writeable,
                old.texts,
            )
            warnings = overlap_warnings(self._tables.index(tables, {old.name.lower()}), record.name, address, canonical)
            tags[position] = record
            self._tables.store(software, obj, replace(obj.table, tags=tuple(tags)))
            return TagChange(tag=tag_info(record, obj.name), warnings=warnings)

    def delete_tag(self, device: str, table: str, name: str) -> None:
        with self._session.change() as project:
            _, software = self._tables.plc(project, device)
            obj = self._tables.table(software, project.version, table, device)
            kept = tuple(t for t in obj.table.tags if t.name != name)
            if len(kept) == len(obj.table.tags):
                kept = tuple(t for t in obj.table.tags if t.name.lower() != name.lower())
            if len(kept) == len(obj.table.tags):
                raise NotFoundError(f"The tag '{name}' was not found in the tag table '{obj.name}'.",
                                    code=codes.TAG_NOT_FOUND)
            self._tables.store(software, obj, replace(obj.table, tags=kept))
