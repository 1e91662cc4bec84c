"""The inputs and results of the Watch & Force Tables operations (:mod:`engineering_api.domain.watch_tables`).

Their own module, below both the operations and their previews (:mod:`engineering_api.domain.watch_tables_previews`),
which read the same inputs.
"""

from __future__ import annotations

from engineering_api.backend.areas.watch_tables import EntrySpec
from engineering_api.domain.common import DeviceRef, FileImportInput, FolderRef
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.project_texts import ProjectTexts

__all__ = ("AddEntriesInput", "CreateTableInput", "DeleteFolderInput", "DeleteTableInput", "ExportTableInput",
           "FolderInput", "ImportTableInput", "RemoveEntriesInput", "StartForcingInput", "TableExportResult",
           "TableFolderResult", "TableRef")


class TableRef(DeviceRef, kw_only=True):
    """A watch or force table of a PLC."""

    table_name: str


class _Entries(ProjectTexts, kw_only=True):
    """Entries to add: ``entries`` and/or ``tags`` (operands only, default settings)."""

    entries: list[EntrySpec] = []
    """Entries with their settings, each with name (the operand) and optionally displayFormat, modifyValue, comment."""
    tags: list[str] = []
    """Operands to add with default settings, e.g. "Conveyor_Start" or %I0.0."""
    allow_invalid: bool = False
    """Keep operands that do not resolve as invalid entries instead of refusing the request."""


class CreateTableInput(_Entries, kw_only=True):
    """A new table, optionally in a folder and with entries."""

    device_name: str
    name: str
    """Name of the new watch or force table."""
    folder_path: str = ""


class AddEntriesInput(_Entries, kw_only=True):
    """Entries to add or replace (by operand): ``entries`` and/or ``tags``."""

    device_name: str
    table_name: str


class DeleteTableInput(TableRef, kw_only=True):
    """A table to delete; ``stopForcing`` ends a force table's active forces first."""

    stop_forcing: bool = False


class RemoveEntriesInput(TableRef, kw_only=True):
    """The operands of the entries to remove (``names``; ``tags`` is accepted as a synonym)."""

    names: list[str] = []
    """Operands of the entries to remove, e.g. "Motor_DB".Speed."""
    tags: list[str] = []
    """Another name for names."""


class ExportTableInput(TableRef, kw_only=True):
    """Where to write the table's SimaticML (a file, or a folder to write ``<name>.xml`` into)."""

    export_path: str
    overwrite: bool = False


class ImportTableInput(FileImportInput, kw_only=True):
    """A SimaticML watch or force table file inside the roots."""

    allow_invalid: bool = False


class FolderInput(FolderRef):
    """A folder path below "Watch and force tables" (``a/b`` creates both)."""


class DeleteFolderInput(FolderRef):
    """A folder to delete with its subfolders and tables (query ``folderPath``, ``a/b`` or ``a\\b``)."""

    stop_forcing: bool = False


class StartForcingInput(TableRef, kw_only=True):
    """``confirm`` must be true to force while the CPU is in RUN."""

    confirm: bool = False


class TableExportResult(CamelStruct):
    """Where the table was written."""

    name: str
    kind: str
    export_path: str
    size: int


class TableFolderResult(CamelStruct):
    """The folder created."""

    folder_path: str
