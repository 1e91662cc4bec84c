"""Request and response schemas of the Tags & Constants operations."""

from __future__ import annotations

from typing import Any

from engineering_api.backend.areas.tags import (
    ConstantSpec,
    ConstantUpdate,
    TagSpec,
    TagUpdate,
)
from engineering_api.domain.common import DeviceRef
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.project_texts import ProjectTexts

__all__ = (
    "DEFAULT_TABLE",
    "ConstantRef",
    "CreateConstantInput",
    "CreateTableInput",
    "CreateTagInput",
    "ExportFileInput",
    "FolderInput",
    "ImportFileInput",
    "ImportJsonInput",
    "RenameTableInput",
    "TableRef",
    "TagExportResult",
    "TagRef",
    "UpdateConstantInput",
    "UpdateTagInput",
)

DEFAULT_TABLE = "Default tag table"


# ----- inputs -------------------------------------------------------------------------------------
class TableRef(DeviceRef):
    """A tag table of a PLC."""

    table_name: str


class CreateTableInput(DeviceRef):
    """A new tag table (``name`` or ``tableName``), optionally in a folder (``a/b``)."""

    name: str | None = None
    """Name of the new tag table (or send tableName)."""
    table_name: str | None = None
    folder: str = ""


class RenameTableInput(TableRef):
    """The table's new name (``newName`` or ``name``)."""

    new_name: str | None = None
    name: str | None = None
    """Another name for newName (send one of the two)."""


class FolderInput(DeviceRef):
    """A folder under "PLC tags": ``path`` (``a/b``), ``folderPath``, or ``name`` with ``parentPath``."""

    path: str | None = None
    folder_path: str | None = None
    name: str | None = None
    """Name of the folder, with parentPath; instead of path."""
    parent_path: str | None = None


class CreateTagInput(TagSpec, ProjectTexts, kw_only=True):
    """A tag for a table (the default tag table when ``tableName`` is omitted)."""

    device_name: str
    table_name: str = DEFAULT_TABLE


class UpdateTagInput(TagUpdate, ProjectTexts, kw_only=True):
    """Changes to a tag; ``name`` is accepted for ``newName`` (T-IA Connect clients send the full tag)."""

    device_name: str
    table_name: str
    tag_name: str
    name: str | None = None
    """Another name for newName (T-IA Connect clients send the whole tag); a different name renames the tag."""


class TagRef(TableRef):
    """A tag of a table."""

    tag_name: str


class CreateConstantInput(ConstantSpec, ProjectTexts, kw_only=True):
    """A user constant for a table."""

    device_name: str
    table_name: str


class UpdateConstantInput(ConstantUpdate, ProjectTexts, kw_only=True):
    """Changes to a user constant; ``name`` is accepted for ``newName``."""

    device_name: str
    table_name: str
    constant_name: str
    name: str | None = None
    """Another name for newName (send one of the two)."""


class ConstantRef(TableRef):
    """A user constant of a table."""

    constant_name: str


class ImportJsonInput(DeviceRef):
    """Tags (and user constants) inline or from a JSON file inside the roots.

    Items: ``{name, dataType, logicalAddress, comment, hmiVisible, hmiAccessible, hmiWriteable, tableName}``
    (PascalCase and the Excel column names work too). Items without ``tableName`` go to ``tableName`` of
    the body, or the default tag table; missing tables are created.
    """

    tags: list[dict[str, Any]] = []
    """The tags to import, each with name, dataType, logicalAddress and optionally comment, hmiVisible, hmiAccessible,
    hmiWriteable, tableName."""
    user_constants: list[dict[str, Any]] = []
    """The user constants to import, each with name, dataType, value and optionally comment and tableName."""
    table_name: str | None = None
    file_path: str | None = None
    overwrite: bool = False


class ImportSimaticmlInput(DeviceRef):
    """A tag table exported by TIA as SimaticML (``SW.Tags.PlcTagTable``): inline (``xml``) or a file inside the
    roots (``filePath``). Its tags and user constants go to the table the export names (created when missing),
    or to ``tableName``."""

    xml: str | None = None
    """The exported document's text."""
    file_path: str | None = None
    table_name: str | None = None
    """Import into this table instead of the one the export names."""
    overwrite: bool = False


class ImportFileInput(TableRef):
    """A CSV or Excel file inside the roots, imported into the table of the route.

    With ``usePathColumn`` each row goes to the table its Path column names (created when missing), as
    TIA's own import does.
    """

    file_path: str
    overwrite: bool = False
    use_path_column: bool = False
    """Put each row in the tag table its Path column names (created when missing), as TIA's import does, instead of the
    table of the route."""


class ExportFileInput(TableRef):
    """Where to write the export (inside the roots); an existing file is kept unless ``overwrite``."""

    export_path: str
    overwrite: bool = False


class TagExportResult(CamelStruct):
    """A written export file."""

    path: str
    format: str
    table_name: str
    tag_count: int
    constant_count: int = 0
