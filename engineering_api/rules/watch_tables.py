"""TIA's rules on watch and force tables that both adapters check before anything changes: a table's name, the
document a table is imported from, a name taken by another table, the one force table of a CPU, and the refusals of
an entry change that names no entries or entries the table lacks."""

from __future__ import annotations

import re

from engineering_api.backend.areas.watch_tables import FORCE_TABLE, WATCH_TABLE
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError, ValidationError
from engineering_api.errors import codes
from simatic_xml import SimaticMLError
from simatic_xml.watchtables import WatchForceTable, read_table

__all__ = ("DOT_SEGMENTS", "LABEL", "check_one_force_table", "check_table_clash", "check_table_name",
           "entries_not_found", "folder_not_found", "no_entries", "no_such_folder", "read_table_document",
           "table_not_found")

LABEL = {WATCH_TABLE: "watch table", FORCE_TABLE: "force table"}
"""How messages name each kind of table."""
DOT_SEGMENTS = frozenset({".", ".."})
"""Names that are URL dot segments."""
_NAME = re.compile(r'[^"\x00-\x1f]{1,128}')
"""A table name: 1..128 characters, no quotes or control characters (blanks at the ends are checked apart)."""


def check_table_name(name: str) -> str:
    """``name`` when it is a valid watch or force table name.

    Raises:
        ValidationError: ``INVALID_NAME`` (``details.field``: ``name``).
    """
    if name in DOT_SEGMENTS:
        # A URL path segment of "." or ".." is removed by browsers and servers even when encoded (RFC 3986, 5.2.4;
        # WHATWG URL's "%2e"), so the table could never be named in a route or a console link.
        raise ValidationError(f'"{name}" is not a valid table name: a name of only "." or ".." cannot be told '
                              "apart from a path step.", code=codes.INVALID_NAME, details={"field": "name"})
    if name != name.strip() or not _NAME.fullmatch(name):
        raise ValidationError(
            f'"{name}" is not a valid table name (1..128 characters, no quotes, no control characters, no leading or '
            "trailing blanks).", code=codes.INVALID_NAME, details={"field": "name"},
        )
    return name


def read_table_document(data: bytes, source: str) -> WatchForceTable:
    """The table the SimaticML document ``source`` holds (checked before any project is; its version is checked
    against the project's with :func:`engineering_api.rules.document_versions.check_not_newer`).

    Raises:
        ValidationError: ``INVALID_SIMATICML`` (malformed XML, not a watch or force table).
    """
    try:
        return read_table(data)
    except SimaticMLError as exc:
        raise ValidationError(f"{source} is not a SimaticML watch or force table: {exc}",
                              code=codes.INVALID_SIMATICML) from None


def check_table_clash(clash: tuple[str, str] | None, kind: str, *, overwrite: bool) -> None:
    """Refuse a new ``kind`` table whose name the table ``clash`` (its kind and name, or None) has already, unless it
    is ``overwrite``-n by one of its own kind.

    Raises:
        AlreadyExistsError: ``TABLE_EXISTS``.
        ConflictError: ``TABLE_KIND_MISMATCH``.
    """
    if clash is None:
        return
    clash_kind, clash_name = clash
    if not overwrite:
        raise AlreadyExistsError(f"A {LABEL[clash_kind]} named '{clash_name}' already exists.", code=codes.TABLE_EXISTS)
    if clash_kind != kind:
        raise ConflictError(f"'{clash_name}' is a {LABEL[clash_kind]}; it cannot be replaced by a {LABEL[kind]}.",
                            code=codes.TABLE_KIND_MISMATCH)


def check_one_force_table(kind: str, others: list[str]) -> None:
    """Refuse a second force table: a CPU has exactly one (``others``: the force tables it keeps besides the new one).

    Raises:
        ConflictError: ``FORCE_TABLE_EXISTS``.
    """
    if kind == FORCE_TABLE and others:
        raise ConflictError(f"The PLC already has its force table '{others[0]}'; a CPU has exactly one force table. "
                            "Add entries to it, or delete it first.", code=codes.FORCE_TABLE_EXISTS)


def folder_not_found(folder: str) -> ValidationError:
    """The 422 for a table created or imported into a folder of Watch and force tables that is not there."""
    return ValidationError(f"The folder '{folder}' does not exist in Watch and force tables; create it first.",
                           code=codes.FOLDER_NOT_FOUND, details={"field": "folderPath"})


_NOT_FOUND = {WATCH_TABLE: codes.WATCH_TABLE_NOT_FOUND, FORCE_TABLE: codes.FORCE_TABLE_NOT_FOUND}


def table_not_found(kind: str, name: str) -> NotFoundError:
    """The 404 for a ``kind`` table the PLC does not have (a table of the other kind does not count)."""
    return NotFoundError(f"The {LABEL[kind]} '{name}' was not found.", code=_NOT_FOUND[kind])


def no_such_folder(path: str) -> NotFoundError:
    """The 404 for deleting a folder of Watch and force tables that is not there (``path`` as the client wrote it)."""
    return NotFoundError(f"The folder '{path}' does not exist in Watch and force tables.", code=codes.FOLDER_NOT_FOUND)


def no_entries(*, removing: bool) -> ValidationError:
    """The 422 for adding (or ``removing``) entries with none named."""
    if removing:
        return ValidationError("No operands were sent; name the entries to remove by their operands.",
                               code=codes.NO_ENTRIES)
    return ValidationError("No entries were sent; send at least one.", code=codes.NO_ENTRIES)


def entries_not_found(kind: str, table: str, missing: list[str]) -> NotFoundError:
    """The 404 for removing entries (``missing``: their operands) the table lacks; nothing is removed."""
    return NotFoundError(f"The {LABEL[kind]} '{table}' has no entries {', '.join(missing)}; nothing was removed.",
                         code=codes.ENTRY_NOT_FOUND, details={"operands": missing})
