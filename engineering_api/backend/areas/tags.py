"""Tags & Constants: tag tables, tags, user and system constants, their import and export (port areas and models)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Literal

from engineering_api.lib.schema import CamelStruct

__all__ = (
    "ConstantImportRow", "ConstantInfo", "ConstantSpec", "ConstantUpdate", "RowError", "TagChange", "TagImportResult",
    "TagConstantsPort", "TagImportPort", "TagImportRow", "TagInfo", "TagSpec", "TagTableInfo", "TagTableNode",
    "TagUpdate", "TagWarning",
    "TagsPort",
)

ConstantKind = Literal["all", "user", "system"]


class TagTableInfo(CamelStruct):
    """A PLC tag table."""

    name: str
    folder: str = ""
    tag_count: int = 0
    user_constant_count: int = 0
    is_default: bool = False


class TagTableNode(CamelStruct):
    """A node of the "PLC tags" tree: a folder (with children) or a tag table."""

    name: str
    is_folder: bool
    path: str = ""
    node_type: str = "TagTable"
    """``TagTable`` or ``Folder``; on a CPU with software units (bridge) also ``SoftwareUnits`` and ``SoftwareUnit``,
    which hold folders but are none (:data:`~engineering_api.backend.models.SOFTWARE_UNITS_NODE`)."""
    tag_count: int = 0
    is_default: bool = False
    children: list[TagTableNode] = []


class TagInfo(CamelStruct):
    """A PLC tag (T-IA Connect: ``{Name, DataType, LogicalAddress, Comment}``) with its HMI flags."""

    name: str
    data_type: str
    logical_address: str
    comment: str = ""
    hmi_visible: bool = True
    hmi_accessible: bool = True
    hmi_writeable: bool = True
    table_name: str = ""


class TagSpec(CamelStruct):
    """A new tag."""

    name: str
    """Tag name, unique in the PLC."""
    data_type: str
    logical_address: str
    """Address, e.g. %I0.0, %Q4.1, %MW10, %DB1.DBX0.0."""
    comment: str = ""
    hmi_visible: bool = True
    """Visible in HMI engineering."""
    hmi_accessible: bool = True
    """Accessible from HMI/OPC UA."""
    hmi_writeable: bool = True
    """Writable from HMI/OPC UA."""


class TagUpdate(CamelStruct):
    """Changes to a tag; omitted fields stay as they are."""

    new_name: str | None = None
    """New name of the tag, unique in the PLC; unchanged when omitted."""
    data_type: str | None = None
    logical_address: str | None = None
    """New address, e.g. %I0.0, %Q4.1, %MW10; unchanged when omitted."""
    comment: str | None = None
    hmi_visible: bool | None = None
    """Visible in HMI engineering; unchanged when omitted."""
    hmi_accessible: bool | None = None
    """Accessible from HMI/OPC UA; unchanged when omitted."""
    hmi_writeable: bool | None = None
    """Writable from HMI/OPC UA; unchanged when omitted."""


class TagWarning(CamelStruct):
    """Something TIA accepts but warns about (overlapping addresses)."""

    code: str
    message: str
    tag: str
    other_tag: str | None = None


class TagChange(CamelStruct):
    """A created or updated tag and TIA's warnings about it."""

    tag: TagInfo
    warnings: list[TagWarning] = []


class ConstantInfo(CamelStruct):
    """A user or system constant."""

    name: str
    data_type: str
    value: str
    comment: str = ""
    table_name: str = ""
    is_system: bool = False


class ConstantSpec(CamelStruct):
    """A new user constant."""

    name: str
    """Name of the user constant, unique in the PLC."""
    data_type: str
    value: str
    """The constant's value, as TIA writes it (42, 3.5, TRUE, T#2s)."""
    comment: str = ""


class ConstantUpdate(CamelStruct):
    """Changes to a user constant; omitted fields stay as they are."""

    new_name: str | None = None
    data_type: str | None = None
    value: str | None = None
    comment: str | None = None


class TagImportRow(TagSpec, kw_only=True):
    """A tag read from an import file; ``row`` is where it was (for error reports)."""

    row: int
    table_name: str | None = None
    """The file's Path column; used when the import follows it."""


class ConstantImportRow(ConstantSpec, kw_only=True):
    """A user constant read from an import file."""

    row: int
    table_name: str | None = None


class RowError(CamelStruct):
    """Why one row of an import was refused."""

    row: int
    column: str
    reason: str
    sheet: str | None = None
    value: str | None = None


class TagImportResult(CamelStruct):
    """What an import did."""

    tags_imported: int
    constants_imported: int
    tags_replaced: int = 0
    tables: list[str] = []
    created_tables: list[str] = []
    warnings: list[TagWarning] = []
    warning_count: int = 0


class TagsPort(ABC):
    """Tags: tag tables and their folders, tags, the export of a table (the constants are :class:`TagConstantsPort`,
    imports :class:`TagImportPort`).

    Every method runs on the TIA worker thread; docstrings name the domain errors raised. Every method
    raises :class:`~engineering_api.backend.errors.NotFoundError` for an unknown device and
    :class:`~engineering_api.backend.errors.ValidationError` (``NOT_A_PLC``) for a device without PLC
    software. A PLC always has the "Default tag table" (the fake creates it on first use).

    TIA's rules: tag names and user-constant names are unique across all tag tables of the PLC
    (case-insensitive); data types exist (elementary, system or a PLC data type of the PLC); addresses are
    inputs, outputs, bit memory, timers or counters with a size that fits the data type (no DB addresses);
    overlapping addresses are allowed and answered as warnings.
    """

    @abstractmethod
    def list_tag_tables(self, device: str) -> list[TagTableInfo]:
        """Tag tables of a PLC, in project order."""

    @abstractmethod
    def tag_table_tree(self, device: str) -> TagTableNode:
        """The "PLC tags" folder tree with tables and (empty) folders."""

    @abstractmethod
    def create_tag_table(self, device: str, name: str, folder: str = "") -> TagTableInfo:
        """Create an empty tag table, optionally in a folder (created when missing).

        Raises:
            ValidationError: a bad name or folder path.
            AlreadyExistsError: a table of that name exists (case-insensitive).
        """

    @abstractmethod
    def rename_tag_table(self, device: str, name: str, new_name: str) -> TagTableInfo:
        """Rename a tag table.

        Raises:
            NotFoundError: no such table.
            ValidationError: a bad name.
            AlreadyExistsError: ``new_name`` is taken.
            ConflictError: the default tag table (it keeps its name).
        """

    @abstractmethod
    def delete_tag_table(self, device: str, name: str) -> None:
        """Delete a tag table with its tags and constants.

        Raises:
            NotFoundError: no such table.
            ConflictError: the default tag table (TIA does not delete it).
        """

    @abstractmethod
    def create_tag_table_folder(self, device: str, path: str) -> TagTableNode:
        """Create a folder (``a/b``) under "PLC tags".

        Raises:
            ValidationError: ``INVALID_FOLDER``: the path breaks :mod:`engineering_api.rules.folders`.
            AlreadyExistsError: the folder exists.
        """

    @abstractmethod
    def delete_tag_table_folder(self, device: str, path: str) -> list[str]:
        """Delete a folder and the tables in it; returns the deleted tables.

        Raises:
            NotFoundError: no such folder.
            ConflictError: the folder holds the default tag table.
        """

    @abstractmethod
    def list_tags(self, device: str, table: str) -> list[TagInfo]:
        """Tags of one table, in order.

        Raises:
            NotFoundError: no such table.
        """

    @abstractmethod
    def list_all_tags(self, device: str) -> list[TagInfo]:
        """Tags of every table ("Show all tags")."""

    @abstractmethod
    def create_tag(self, device: str, table: str, tag: TagSpec) -> TagChange:
        """Add a tag; overlapping addresses come back as warnings.

        Raises:
            NotFoundError: no such table.
            ValidationError: a bad name, unknown data type, or an address that is malformed, a DB address,
                or does not fit the data type.
            AlreadyExistsError: a tag or user constant of that name exists in any table of the PLC.
        """

    @abstractmethod
    def update_tag(self, device: str, table: str, name: str, changes: TagUpdate) -> TagChange:
        """Change a tag's name, type, address, comment or HMI flags.

        Raises:
            NotFoundError: no such table or tag.
            ValidationError: as for :meth:`create_tag`.
            AlreadyExistsError: the new name is taken.
        """

    @abstractmethod
    def delete_tag(self, device: str, table: str, name: str) -> None:
        """Delete a tag.

        Raises:
            NotFoundError: no such table or tag.
        """

    @abstractmethod
    def export_tag_table_xml(self, device: str, table: str) -> bytes:
        """The table's SimaticML (``SW.Tags.PlcTagTable``) as TIA exports it.

        Raises:
            NotFoundError: no such table.
        """



class TagImportPort(ABC):
    """The import of tags and user constants into a PLC's tag tables, all or nothing, with TIA's rules of
    :class:`TagsPort` and :class:`TagConstantsPort`. Raises :class:`~engineering_api.backend.errors.NotFoundError`
    for an unknown device and :class:`~engineering_api.backend.errors.ValidationError` (``NOT_A_PLC``) for a device
    without PLC software.
    """

    @abstractmethod
    def import_tags(
        self, device: str, tags: list[TagImportRow], constants: list[ConstantImportRow], *, table: str,
        follow_path: bool, overwrite: bool, validate_only: bool = False,
    ) -> TagImportResult:
        """Import tags and user constants, all or nothing.

        Rows go into ``table`` or, with ``follow_path``, into the table their ``tableName`` names (created
        when missing; ``table`` when empty). With ``overwrite`` a tag or constant of the same name in the
        same table is replaced. With ``validate_only`` every rule is checked and nothing changes (the
        result then counts nothing as imported).

        Raises:
            NotFoundError: ``table`` does not exist and the import does not follow the Path column.
            ValidationError: ``IMPORT_ROWS_INVALID`` with ``details.rows`` = ``[{row, column, reason}]`` for
                every refused row; nothing is imported.
        """

class TagConstantsPort(ABC):
    """User and system constants of a PLC's tag tables.

    User constants share the PLC-wide namespace with tags and system constants (case-insensitive); system constants
    belong to the PLC's hardware objects and OBs, are read-only and are listed in the default tag table only. Every
    method raises :class:`~engineering_api.backend.errors.NotFoundError` for an unknown device and
    :class:`~engineering_api.backend.errors.ValidationError` (``NOT_A_PLC``) for a device without PLC software.
    """

    @abstractmethod
    def list_constants(self, device: str, table: str, kind: ConstantKind = "all") -> list[ConstantInfo]:
        """User constants of a table and/or the PLC's system constants.

        System constants belong to the PLC's hardware objects and are shown in the default tag table only
        (TIA lists them read-only there).

        Raises:
            NotFoundError: no such table.
        """

    @abstractmethod
    def create_constant(self, device: str, table: str, constant: ConstantSpec) -> ConstantInfo:
        """Add a user constant.

        Raises:
            NotFoundError: no such table.
            ValidationError: a bad name, unknown data type, or a value that does not fit the type.
            AlreadyExistsError: a constant, system constant or tag of that name exists in the PLC.
        """

    @abstractmethod
    def update_constant(self, device: str, table: str, name: str, changes: ConstantUpdate) -> ConstantInfo:
        """Change a user constant.

        Raises:
            NotFoundError: no such table or user constant.
            ValidationError: as for :meth:`create_constant`, or the name of a system constant (read-only).
            AlreadyExistsError: the new name is taken.
        """

    @abstractmethod
    def delete_constant(self, device: str, table: str, name: str) -> None:
        """Delete a user constant.

        Raises:
            NotFoundError: no such table or user constant.
            ValidationError: a system constant (read-only).
        """
