"""What the compile will say of an imported document, in the import's answer: the one check entry's errors.

TIA's import of a SimaticML document reads its structure (the schema, the document's version, the objects it
references unless told to ignore them, its number) and stores the object; it does not compile it. An object whose
declarations or code TIA's compile refuses is imported and stays inconsistent until it is compiled: Openness
refuses to export such a block ("compile first": ``PlcBlock.Export`` fails for an inconsistent block, the
project's Openness note), which an import could not produce if it compiled. So an import of a DB whose start
value is out of range succeeds, as TIA's does, and its report carries what the compile will refuse, read by the
same rules (:func:`engineering_api.rules.compiler.check.check_sources`, the entry of every check command, the
editor and the REST compile).

Only errors of the document itself are reported: the check sees the document alone (an open program), so a
reference to another object of the PLC is no finding here (the compile judges it with the PLC around it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from engineering_api.backend.models import DiagnosticInfo, ProgramDocument, ProgramImportReport
from engineering_api.rules.compiler.check import Source, check_sources
from simatic_xml.diagnostics import capped

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

__all__ = ("import_checked", "with_findings")


def with_findings(reports: list[ProgramImportReport],
                  documents: list[ProgramDocument]) -> list[ProgramImportReport]:
    """``reports`` with each imported document's errors by the one check (a report that has diagnostics keeps
    them)."""
    by_source = {document.source: document for document in documents}
    out: list[ProgramImportReport] = []
    for report in reports:
        document = by_source.get(report.source)
        if report.status != "Imported" or document is None or report.diagnostics:
            out.append(report)
            continue
        found = [d for d in check_sources([Source(document.source, document.data)], closed=False)
                 if d.severity == "Error"]
        out.append(msgspec.structs.replace(report, diagnostics=[DiagnosticInfo.of(d) for d in capped(found)]))
    return out


def import_checked(ctx: OperationContext, device: str, documents: list[ProgramDocument], *,
                     overwrite: bool) -> list[ProgramImportReport]:
    """The port's import of ``documents`` into ``device``'s PLC, each report with :func:`with_findings`."""
    reports = ctx.backend.program.import_program_documents(device, documents, overwrite=overwrite)
    return with_findings(reports, documents)
