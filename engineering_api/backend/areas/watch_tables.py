"""Watch and force tables of a PLC, with live values while online (port area and its models).

A PLC's "Watch and force tables" folder holds watch tables and its force table; they share one name
space (case-insensitive) and one folder tree. ``kind`` is ``WatchTable`` or ``ForceTable``.

Operands: an entry's operand (``Name``) must resolve in the PLC's software: a PLC tag (``"Start"``), a
data block member (``"Motor_DB".Speed``, ``"DB".arr[3].x``, constant indices only) or an absolute
``%I``/``%Q``/``%M`` address, optionally with TIA's peripheral suffix ``:P`` (inputs and outputs only).
An operand that does not resolve is refused (``INVALID_OPERAND``, listing every bad operand; nothing is
added) unless the caller sends ``allowInvalid``: the entry is then kept and shown with
``isValid: false``, as TIA shows an invalid row. A table is consistent when all its operands resolve.

Force tables hold inputs and outputs only (an S7-1500 forces peripheral I/O): other operands are refused
with ``NOT_FORCEABLE`` whatever ``allowInvalid`` says. A PLC has at most one force table, as in TIA.

Live values: while the device is online, reading a table returns each entry's value, data type and
quality read from the online CPU; offline, entries come without values (``online: false``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from engineering_api.lib.schema import CamelStruct

__all__ = (
    "FORCE_TABLE", "WATCH_TABLE", "EntrySpec", "ForcingResult", "TableDetails", "TableEntry", "TableFolderRemoval",
    "TableInfo", "WatchTablesPort",
)

WATCH_TABLE = "WatchTable"
FORCE_TABLE = "ForceTable"
Value = str | int | float | bool | None
"""A modify or force value: text as TIA writes it (``TRUE``, ``16#FF``, ``T#2s``) or a JSON scalar."""


class EntrySpec(CamelStruct):
    """An entry to add (or replace: an entry with the same operand is replaced).

    ``modify*`` apply to watch tables, ``force*`` to force tables; sending the other kind's fields is refused.
    """

    name: str
    """The operand: ``"Motor_DB".Running``, ``"Start"``, ``%I0.0``, ``%QW4:P``."""
    display_format: str | None = None
    """TIA's display format (``Bool``, ``DEC+/-``, ``Hex``...); derived from the data type when absent."""
    comment: str | None = None
    monitor_trigger: str | None = None
    """``Permanent`` when absent."""
    modify_value: Value = None
    """The value to write with modify (watch tables), e.g. TRUE or 42."""
    modify_intention: bool | None = None
    """Whether the entry is modified by modify-now; true when a modify value is given."""
    modify_trigger: str | None = None
    """When modify writes, as TIA names its triggers; Permanent when absent."""
    force_value: Value = None
    """The value to force (force tables; peripheral operands such as %I0.0:P)."""
    force_intention: bool | None = None
    """Whether the entry is forced by start-forcing; true when a force value is given."""


class TableEntry(CamelStruct):
    """An entry as stored, with what the software says about its operand and, online, its live value.

    ``modify*`` are null in force tables and ``force*`` null in watch tables.
    """

    name: str
    address: str | None = None
    display_format: str | None = None
    comment: str | None = None
    monitor_trigger: str | None = None
    modify_value: str | None = None
    modify_intention: bool | None = None
    modify_trigger: str | None = None
    force_value: str | None = None
    force_intention: bool | None = None
    data_type: str | None = None
    is_valid: bool = True
    problem: str | None = None
    """Why the operand is invalid (TIA's wording), null when valid."""
    value: Any = None
    """Live value (online only)."""
    quality: str | None = None
    """``Good`` when read; PLCSIM's tag error (``DoesNotExist``, ``InstanceNotRunning``...) otherwise; null offline."""
    forced: bool | None = None
    """Force tables, online: whether the CPU forces this operand now."""


class TableInfo(CamelStruct):
    """A watch or force table as listed."""

    name: str
    kind: str
    """``WatchTable`` or ``ForceTable``."""
    folder: str = ""
    is_consistent: bool = True
    entry_count: int = 0


class TableDetails(TableInfo, kw_only=True):
    """A table with its entries (live values while the device is online)."""

    online: bool = False
    entries: list[TableEntry] = []
    forcing_active: bool | None = None
    """Force tables, online: whether any of the table's operands is forced in the CPU."""


class ForcingResult(CamelStruct):
    """What start/stop forcing did in the online CPU."""

    device_name: str
    table_name: str
    instance_name: str
    operating_state: str
    forced: dict[str, Any] = {}
    """Operand → forced value, as the CPU holds them now (all forces of the CPU)."""
    removed: list[str] = []
    """Forces removed by this call (replaced ones included)."""


class TableFolderRemoval(CamelStruct):
    """A deleted folder and the tables that were in it."""

    folder: str
    removed: list[str] = []


class WatchTablesPort(ABC):
    """Watch and force tables of a PLC (see the module docstring for operands and live values).

    Every method runs on the TIA worker thread; docstrings name the domain errors raised. Common to all:
    ``NotFoundError`` (``DEVICE_NOT_FOUND``), ``ValidationError`` (``NOT_A_PLC``), ``NoProjectOpenError``,
    ``PortalUnavailableError``; ``kind`` is :data:`WATCH_TABLE` or :data:`FORCE_TABLE`.
    """

    @abstractmethod
    def list_watch_force_tables(self, device: str, kind: str) -> list[TableInfo]:
        """The tables of one kind, in project order."""

    @abstractmethod
    def get_watch_force_table(self, device: str, kind: str, name: str) -> TableDetails:
        """One table with its entries; with live values while the device is online.

        Raises:
            NotFoundError: ``WATCH_TABLE_NOT_FOUND`` / ``FORCE_TABLE_NOT_FOUND``.
        """

    @abstractmethod
    def create_watch_force_table(
        self, device: str, kind: str, name: str, *, folder: str = "", entries: list[EntrySpec] | None = None,
        allow_invalid: bool = False,
    ) -> TableDetails:
        """Create a table (optionally with entries) in the root or an existing folder.

        Raises:
            AlreadyExistsError: ``TABLE_EXISTS`` (a watch or force table has that name).
            ConflictError: ``FORCE_TABLE_EXISTS`` (the PLC already has its force table).
            ValidationError: ``INVALID_NAME``, ``FOLDER_NOT_FOUND``, or an entry error as in
                :meth:`add_watch_force_entries`.
        """

    @abstractmethod
    def delete_watch_force_table(self, device: str, kind: str, name: str, *, stop_forcing: bool = False) -> TableInfo:
        """Delete a table. A force table whose forces are active in the online CPU is only deleted with
        ``stop_forcing`` (its forces are removed first).

        Raises:
            NotFoundError: no such table.
            ConflictError: ``FORCING_ACTIVE``.
        """

    @abstractmethod
    def add_watch_force_entries(
        self, device: str, kind: str, name: str, entries: list[EntrySpec], *, allow_invalid: bool = False,
    ) -> TableDetails:
        """Add entries (an entry with the same operand is replaced); all or nothing.

        Raises:
            NotFoundError: no such table.
            ValidationError: ``INVALID_OPERAND`` (``details.operands``), ``NOT_FORCEABLE``, ``INVALID_VALUE``,
                ``WRONG_TABLE_KIND`` (force fields in a watch table or the reverse), ``NO_ENTRIES``.
        """

    @abstractmethod
    def remove_watch_force_entries(self, device: str, kind: str, name: str, operands: list[str]) -> TableDetails:
        """Remove the entries with these operands; all or nothing.

        Raises:
            NotFoundError: no such table; ``ENTRY_NOT_FOUND`` (``details.operands``).
            ValidationError: ``NO_ENTRIES``.
        """

    @abstractmethod
    def clear_watch_force_entries(self, device: str, kind: str, name: str) -> TableDetails:
        """Remove every entry.

        Raises:
            NotFoundError: no such table.
        """

    @abstractmethod
    def export_watch_force_table(self, device: str, kind: str, name: str) -> bytes:
        """The table's SimaticML document.

        Raises:
            NotFoundError: no such table.
        """

    @abstractmethod
    def import_watch_force_table(
        self, device: str, data: bytes, *, folder: str = "", overwrite: bool = False, allow_invalid: bool = False,
        source: str = "document",
    ) -> TableDetails:
        """Create (with ``overwrite`` replace) a watch or force table from a SimaticML document.

        Raises:
            ValidationError: ``INVALID_SIMATICML`` (malformed XML, not a watch or force table), ``NEWER_VERSION``,
                ``FOLDER_NOT_FOUND``, or an entry error as in :meth:`add_watch_force_entries`.
            AlreadyExistsError: ``TABLE_EXISTS`` without ``overwrite``.
            ConflictError: ``FORCE_TABLE_EXISTS``; ``TABLE_KIND_MISMATCH`` (overwriting a table of the other kind).
        """

    @abstractmethod
    def watch_force_folders(self, device: str) -> list[str]:
        """Every folder path (``a/b``) below "Watch and force tables", empty ones included, sorted."""

    @abstractmethod
    def create_watch_force_folder(self, device: str, path: str) -> str:
        """Create a folder (and its parents) in "Watch and force tables"; returns the normalised path.

        Raises:
            ValidationError: ``INVALID_FOLDER``.
            AlreadyExistsError: ``FOLDER_EXISTS``.
        """

    @abstractmethod
    def delete_watch_force_folder(self, device: str, path: str, *, stop_forcing: bool = False) -> TableFolderRemoval:
        """Delete a folder, its subfolders and the tables in them (as TIA does).

        Raises:
            NotFoundError: ``FOLDER_NOT_FOUND``.
            ConflictError: ``FORCING_ACTIVE`` (the force table inside is forcing; send ``stop_forcing``).
        """

    @abstractmethod
    def start_forcing(self, device: str, name: str, *, confirm: bool = False) -> ForcingResult:
        """Force every entry of the force table with ``forceIntention``, replacing all forces of the online
        CPU (TIA's "Start or replace forcing"). Everything is checked before anything is forced.

        Raises:
            NotFoundError: no such force table.
            ConflictError: ``DEVICE_OFFLINE``; ``FORCE_NOT_CONFIRMED`` (the CPU is in RUN and ``confirm`` is
                false); ``INSTANCE_OFF``; ``OPERAND_NOT_LOADED`` (an operand is not in the downloaded program).
            ValidationError: ``NOTHING_TO_FORCE``, ``INVALID_OPERAND``, ``INVALID_VALUE``, ``NOT_FORCEABLE``.
        """

    @abstractmethod
    def stop_forcing(self, device: str, name: str) -> ForcingResult:
        """Remove the forces of this table's operands from the online CPU (other forces stay).

        Raises:
            NotFoundError: no such force table.
            ConflictError: ``DEVICE_OFFLINE``.
        """
