"""A watch or force table's import (``watch-force-tables.import``) judged by the one check, with the PLC around it.

Before, the port's own reading was the verdict: a malformed document an ``INVALID_SIMATICML`` with the parser's
text, an operand TIA cannot monitor an ``INVALID_OPERAND`` listing operands, while ``simaticml check`` of the table
with the PLC's tag tables names each at its entry's line (``WATCH_OPERAND``, ``WATCH_NOT_FORCEABLE``,
``WATCH_VALUE``, :mod:`engineering_api.rules.compiler.watch_table_check`). Now the document is checked as
``simaticml check`` checks it beside the PLC's tag tables (their exports, so a symbolic operand is judged by the
tags the PLC holds), and its errors refuse it first, each finding at its line in ``details.files``, under the code
the route has always answered for it. What the check does not judge (an operand no checked file names, a data block
member: the PLC's blocks are not read here) stays the port's, as do its other refusals (a newer version, a name in
use, a document that is no watch or force table).
"""

from __future__ import annotations

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument
from engineering_api.domain.import_findings import refused_report
from engineering_api.errors import codes
from engineering_api.jobs.operations import OperationContext
from engineering_api.rules.compiler.check import Source, check_sources
from engineering_api.rules.program_objects import UNREADABLE
from simatic_xml.diagnostics import Diagnostic

__all__ = ("ROUTE_CODES", "refuse_table", "table_errors")

INVALID_OPERAND = "WATCH_OPERAND"
ROUTE_CODES = {UNREADABLE: codes.INVALID_SIMATICML, "WATCH_TABLE_NAME": codes.INVALID_NAME,
               "WATCH_NOT_FORCEABLE": codes.NOT_FORCEABLE,
               INVALID_OPERAND: codes.INVALID_OPERAND, "WATCH_VALUE": codes.INVALID_VALUE}
"""The check's finding -> the route's code for it, in the order the port refuses them (a document it cannot read,
a table name the routes refuse, then an entry it cannot force, an operand, a value: the first present names the
answer)."""
_CONTEXT = "{name}.tag-table.xml"
"""The file name a PLC tag table's export carries in the check (never the imported document's)."""


def table_errors(ctx: OperationContext, device: str, data: bytes, source: str) -> list[Diagnostic]:
    """The one check's errors of the table document ``data``, with ``device``'s tag tables around it."""
    context = [Source(_CONTEXT.format(name=table.name), ctx.backend.tags.export_tag_table_xml(device, table.name))
               for table in ctx.backend.tags.list_tag_tables(device)]
    return [d for d in check_sources([Source(source, data), *context], only=[source], closed=False)
            if d.severity == "Error" and d.file == source]


def refuse_table(source: str, data: bytes, errors: list[Diagnostic], *, allow_invalid: bool) -> None:
    """422 when ``errors`` hold what the import refuses (an invalid operand only without ``allow_invalid``, which
    keeps it as an invalid entry, as the port does); ``details.files`` the document's report with every error.

    Raises:
        ValidationError: the route's code of the first refused kind (:data:`ROUTE_CODES`).
    """
    refused = [d for d in errors if d.code in ROUTE_CODES and not (allow_invalid and d.code == INVALID_OPERAND)]
    if not refused:
        return
    order = list(ROUTE_CODES)
    refused.sort(key=lambda d: (order.index(d.code or ""), d.line))
    first = refused[0]
    report = refused_report(ProgramDocument(source=source, data=data), refused, errors)
    raise e.ValidationError(
        f"{source}:{first.line}: {first.message} [{first.code}]; nothing was imported (`engineering-api simaticml "
        "check` of the table with the PLC's tag tables names every such finding).",
        code=ROUTE_CODES[first.code or ""], details={"files": [msgspec.to_builtins(report)]})
