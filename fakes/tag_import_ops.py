"""Importing tags and user constants into the fake backend's tag tables (``FakeBackend.tag_import``).

Every row is validated first and the model changes only when all rows are good, inside one transaction;
a validate-only run reports the same problems without changing anything.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING

from engineering_api.backend.areas.tags import TagImportPort, TagImportResult
from engineering_api.rules.addresses import OverlapIndex
from engineering_api.rules.tag_import import ImportPlan
from fakes.tag_support import CATEGORY
from fakes.tags.tables import ConstRecord, TableData, TagRecord, TagTableObject, table_object
from simatic_xml.cancel import checkpoint

if TYPE_CHECKING:
    from engineering_api.backend.areas.tags import ConstantImportRow, TagImportRow
    from engineering_api.rules.addresses import Address
    from fakes.session import FakeSession
    from fakes.tag_support import TagTables

__all__ = ("FakeTagImport",)


def _tag_record(item: TagImportRow, data_type: str, address: Address) -> TagRecord:
    return TagRecord(item.name, data_type, address.text, item.comment, item.hmi_visible, item.hmi_accessible,
                     item.hmi_writeable)



class FakeTagImport(TagImportPort):
    """Imports of tags and user constants into the fake's tag tables.

    Args:
        session: the open project; an import is one transaction, a validation none.
        tables: the PLCs' tag tables, read once for the checks and written only when every row is good.
    """

    def __init__(self, session: FakeSession, *, tables: TagTables) -> None:
        self._session = session
        self._tables = tables

    def import_tags(
        self, device: str, tags: list[TagImportRow], constants: list[ConstantImportRow], *, table: str,
        follow_path: bool, overwrite: bool, validate_only: bool = False,
    ) -> TagImportResult:
        transaction = nullcontext(self._session.project()) if validate_only else self._session.change()
        with transaction as project:
            plc, software = self._tables.plc(project, device)
            version = project.version
            tables = self._tables.all_tables(software, version)
            # the fake's names compare lower-cased (TagTables.names); a timed-out import stops at a row's checkpoint
            plan: ImportPlan[TagRecord, ConstRecord] = ImportPlan(
                tables={obj.name.lower(): obj.name for obj in tables}, names=self._tables.names(plc, software, tables),
                table=table, follow_path=follow_path, overwrite=overwrite,
                index=self._tables.index(tables, set()) if any(obj.table.tags for obj in tables) else OverlapIndex(),
                fold=str.lower, row_checkpoint=checkpoint,
            )
            plan.check_rows(device, tags, constants, self._tables.udts(software), tag_record=_tag_record,
                            constant_record=ConstRecord)
            if validate_only:
                return plan.validated()
            replaced_count = 0
            created: list[str] = []
            for name, folder in plan.new_tables.values():
                if folder and folder not in software.folders.setdefault(CATEGORY, set()):
                    folder = software.add_folder(CATEGORY, folder)
                software.tag_tables[name] = TagTableObject.from_table(TableData(name), version=version, folder=folder)
                created.append(name)
            touched = plan.touched()
            for name in touched:
                obj = table_object(software, name, version)
                assert obj is not None
                data = obj.table
                new_tags = plan.tags.get(name, [])
                new_constants = plan.constants.get(name, [])
                tag_list = data.tags
                const_list = data.constants
                if plan.replacing:
                    incoming = {t.name.lower(): t for t in new_tags}
                    tag_list = tuple(incoming.pop(t.name.lower(), t) for t in tag_list)
                    replaced_count += len(new_tags) - len(incoming)
                    new_tags = list(incoming.values())
                    incoming_c = {c.name.lower(): c for c in new_constants}
                    const_list = tuple(incoming_c.pop(c.name.lower(), c) for c in const_list)
                    new_constants = list(incoming_c.values())
                self._tables.store(software, obj, replace(data, tags=(*tag_list, *new_tags),
                                                   constants=(*const_list, *new_constants)))
            return TagImportResult(
                tags_imported=sum(len(v) for v in plan.tags.values()),
                constants_imported=sum(len(v) for v in plan.constants.values()),
                tags_replaced=replaced_count, tables=touched, created_tables=created, warnings=plan.warnings,
                warning_count=plan.warning_count,
            )
