"""A tag table's SimaticML import (``tags.import-simaticml``) judged as every import is: by the one check.

Before, the route's verdict was its own reading: a document ``tag_formats.read_simaticml`` could not take was an
``INVALID_TAG_FILE`` with the parser's message, and a bad tag a row of the import plan (``IMPORT_ROWS_INVALID``,
its row number), while ``simaticml check`` named each at its line with its code (``INVALID_SIMATICML``,
``TAG_INVALID``, ``TAG_DUPLICATE``), and a tag of a type TIA does not have was refused here and passed there. Now
the check's errors (:func:`~engineering_api.domain.import_findings.checked`) refuse the document first, as they
refuse it in the program import (:data:`~engineering_api.rules.program_objects.TAG_REFUSALS`), with each finding at
its line in ``details.files``; the route keeps its codes and, for a readable table, the plan's ``rows`` (the shape
the CSV, Excel and JSON imports answer). What only the PLC knows (a name another table of the PLC holds, a table
``tableName`` names that is not there, a PLC data type it lacks) stays the plan's.

The rows are read as the check reads the document (:func:`~engineering_api.domain.tag_formats.read_simaticml`: the
one reader's objects, each row numbered by its tag's line, its fields untrimmed), not by the JSON import's row
rules, so the plan applies to them the rules the check applied and refuses nothing of the document alone that the
check passed; a row it refuses is named at its tag's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument
from engineering_api.domain import tag_formats
from engineering_api.domain.import_findings import checked, refuse
from engineering_api.domain.tags.schemas import DEFAULT_TABLE, ImportSimaticmlInput
from engineering_api.errors import codes
from engineering_api.jobs.operations import OperationContext
from engineering_api.rules.program_objects import UNREADABLE

__all__ = ("ROWS_INVALID", "judged_simaticml", "planned_rows", "simaticml_source")

ROWS_INVALID = codes.IMPORT_ROWS_INVALID
"""The tag imports' answer to rows they refuse."""


def simaticml_source(d: ImportSimaticmlInput) -> tuple[bytes, str]:
    """The document's bytes (inline or a file) and the name its findings carry.

    Raises:
        ValidationError: ``VALIDATION_FAILED`` (neither or both given).
    """
    if (d.xml is None) == (d.file_path is None):
        raise e.ValidationError("give the exported tag table as xml or as filePath (one of them)",
                                code=codes.VALIDATION_FAILED)
    if d.file_path:
        return Path(d.file_path).read_bytes(), Path(d.file_path).name
    return (d.xml or "").encode("utf-8"), "xml"


def planned_rows(ctx: OperationContext, device: str, parsed: tag_formats.ParsedTags, *, table: str,
                 follow_path: bool, overwrite: bool) -> dict[str, Any]:
    """The import plan's refused rows of ``parsed`` (``errorCount``, ``rows``; empty when it refuses none, or the
    table it names is not there), from a validate-only run that writes nothing."""
    try:
        ctx.backend.tag_import.import_tags(device, parsed.tags, parsed.constants, table=table,
                                           follow_path=follow_path, overwrite=overwrite, validate_only=True)
    except e.ValidationError as exc:
        if exc.code != ROWS_INVALID:
            raise
        return dict(exc.details)
    except e.NotFoundError:
        pass
    return {}


def judged_simaticml(ctx: OperationContext, d: ImportSimaticmlInput) -> tuple[tag_formats.ParsedTags, str]:
    """The rows of the document ``d`` gives and its name, once the one check found no error in it.

    Raises:
        ValidationError: ``INVALID_TAG_FILE`` (the check cannot read it: ``details.files`` its finding at its line;
            or it holds no tag table), ``IMPORT_ROWS_INVALID`` (the check's errors in ``details.files``, the plan's
            rows in ``details.rows``), ``VALIDATION_FAILED``.
    """
    raw, source = simaticml_source(d)
    document = ProgramDocument(source=source, data=raw)
    found = checked([document])
    try:
        refuse([document], found)
    except e.ValidationError as refused:
        if refused.details["files"][0].get("code") == UNREADABLE:
            raise e.ValidationError(refused.message, code=codes.INVALID_TAG_FILE, details=refused.details) from None
        rows = planned_rows(ctx, d.device_name, _read(raw, source), table=d.table_name or DEFAULT_TABLE,
                            follow_path=d.table_name is None, overwrite=d.overwrite)
        raise e.ValidationError(refused.message, code=ROWS_INVALID, details={**rows, **refused.details}) from None
    return _read(raw, source), source


def _read(raw: bytes, source: str) -> tag_formats.ParsedTags:
    """Raises: ValidationError ``INVALID_TAG_FILE``: no tag table (a block's document, say)."""
    try:
        return tag_formats.read_simaticml(raw)
    except ValueError as exc:
        raise e.ValidationError(f"{source} {exc}", code=codes.INVALID_TAG_FILE) from None
