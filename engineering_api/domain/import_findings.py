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

What TIA's import refuses outright (:data:`~engineering_api.rules.program_objects.IMPORT_REFUSES`, a document the
reader cannot take among them) is refused by the check's findings before any reader of the route or the adapter sees
the document: a 422 whose ``details.files`` holds each finding at its line, as ``simaticml check`` reports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.backend.models import DiagnosticInfo, ProgramDocument, ProgramImportReport
from engineering_api.errors import codes
from engineering_api.rules.compiler.check import Source, check_sources
from engineering_api.rules.program_objects import IMPORT_REFUSES, UNREADABLE
from simatic_xml.diagnostics import capped

if TYPE_CHECKING:
    from collections.abc import Mapping

    from simatic_xml.diagnostics import Diagnostic
    from engineering_api.jobs.operations import OperationContext

__all__ = ("checked", "import_checked", "refuse", "refused_report", "with_findings")


def checked(documents: list[ProgramDocument]) -> dict[str, list[Diagnostic]]:
    """The errors the one check finds in each of ``documents`` alone, by source."""
    return {document.source: [d for d in check_sources([Source(document.source, document.data)], closed=False)
                              if d.severity == "Error"] for document in documents}


def with_findings(reports: list[ProgramImportReport],
                  found: Mapping[str, list[Diagnostic]]) -> list[ProgramImportReport]:
    """``reports`` with each imported document's errors by the one check, ``found`` (by source) before the import
    (a report that has diagnostics keeps them)."""
    out: list[ProgramImportReport] = []
    for report in reports:
        errors = found.get(report.source)
        if report.status != "Imported" or errors is None or report.diagnostics:
            out.append(report)
            continue
        out.append(msgspec.structs.replace(report, diagnostics=[DiagnosticInfo.of(d) for d in capped(errors)]))
    return out


def refused_report(document: ProgramDocument, refused: list[Diagnostic],
                   errors: list[Diagnostic]) -> ProgramImportReport:
    """``document``'s report in a refused import: ``Failed`` with all its ``errors`` when it holds ``refused``
    findings, else ``NotImported``."""
    if not refused:
        return ProgramImportReport(source=document.source, status="NotImported",
                                   message="not imported because another document failed (the import is all or "
                                           "nothing)")
    return ProgramImportReport(source=document.source, status="Failed", message=refused[0].message,
                               code=refused[0].code, diagnostics=[DiagnosticInfo.of(d) for d in capped(errors)])


def refuse(documents: list[ProgramDocument], found: Mapping[str, list[Diagnostic]]) -> None:
    """422 ``IMPORT_REFUSED`` (``IMPORT_FAILED`` when one of several; ``INVALID_SIMATICML``, the code the routes
    have always answered, when the one document cannot be read at all) when a document holds what TIA's import
    refuses outright (:data:`~engineering_api.rules.program_objects.IMPORT_REFUSES`): nothing is imported, and the
    answer names each finding as the check does (its code and line), not the adapter's own reading of it; a refused
    document's report holds all its errors, as the check's, its message the first it is refused for.

    Raises:
        ValidationError: as above, ``details.files`` a report per document with its findings.
    """
    refused = {document.source: [d for d in found[document.source] if d.code in IMPORT_REFUSES]
               for document in documents}
    first_source = next((source for source, errors in refused.items() if errors), None)
    if first_source is None:
        return
    first = refused[first_source][0]
    reports = [refused_report(document, refused[document.source], found[document.source]) for document in documents]
    text = (f"{first_source}:{first.line}: {first.message} [{first.code}]; TIA's import refuses the document, so "
            "nothing was imported. Correct it and import again (`engineering-api simaticml check` names every such "
            "finding).")
    details = {"files": msgspec.to_builtins(reports)}
    if len(documents) > 1:  # as the port answers an all-or-nothing import of several
        failed = sum(1 for errors in refused.values() if errors)
        raise ValidationError(f"{failed} of {len(documents)} documents could not be imported; nothing was imported. "
                              f"{text}", code=codes.IMPORT_FAILED, details=details)
    if first.code == UNREADABLE:  # the routes' answer to a document they cannot read (the finding's own code)
        raise ValidationError(text, code=codes.INVALID_SIMATICML, details=details)
    raise ValidationError(text, code=codes.IMPORT_REFUSED, details=details)


def import_checked(ctx: OperationContext, device: str, documents: list[ProgramDocument], *,
                   overwrite: bool, found: Mapping[str, list[Diagnostic]] | None = None) -> list[ProgramImportReport]:
    """The port's import of ``documents`` into ``device``'s PLC, each report with :func:`with_findings`; refused
    (:func:`refuse`) before the port is asked when a document holds what TIA's import refuses. ``found``: the
    documents' :func:`checked` errors, when the caller has them (it refused by them before reading a document).

    Raises:
        ValidationError: as :func:`refuse`.
    """
    if found is None:
        found = checked(documents)
        refuse(documents, found)
    reports = ctx.backend.program.import_program_documents(device, documents, overwrite=overwrite)
    return with_findings(reports, found)
