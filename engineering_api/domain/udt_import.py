"""A PLC data type's document imported as every import is: judged by the one check, refused by its findings.

The UDT routes (``udts.import``, ``udts.create``) store a ``PlcStruct`` document through the port's
``import_type``; before, that call's own reading of the document was the route's verdict (a UDT containing itself
refused with no finding at a line; a member of a type TIA does not have imported with nothing said). Now the
document is judged as the block import judges it (:mod:`engineering_api.domain.import_findings`): what TIA's import
refuses outright is a 422 with each finding at its line, and a UDT TIA imports but its compile refuses is imported
with the check's errors in ``diagnostics``. The port keeps what only the PLC knows: a UDT containing itself through
UDTs the PLC holds (``RECURSIVE_TYPE``), a name in use.
"""

from __future__ import annotations

from engineering_api.backend.areas.types import TypeDetails
from engineering_api.backend.models import DiagnosticInfo, ProgramDocument
from engineering_api.domain.import_findings import checked, refuse
from engineering_api.jobs.operations import OperationContext
from simatic_xml.diagnostics import capped

__all__ = ("UdtImportResult", "import_udt")


class UdtImportResult(TypeDetails, kw_only=True):
    """The imported UDT, with the errors the one check finds in its document (TIA imports a UDT its compile
    refuses; it stays inconsistent until corrected)."""

    diagnostics: list[DiagnosticInfo] = []


def import_udt(ctx: OperationContext, device: str, data: bytes, *, folder: str, overwrite: bool,
               source: str) -> UdtImportResult:
    """``import_type`` of ``data`` into ``device``'s PLC, refused first by the check's findings.

    Raises:
        ValidationError: as :func:`~engineering_api.domain.import_findings.refuse`, and as ``import_type``.
    """
    document = ProgramDocument(source=source, data=data)
    found = checked([document])
    refuse([document], found)
    details = ctx.backend.types.import_type(device, data, folder=folder, overwrite=overwrite, source=source)
    fields = {name: getattr(details, name) for name in details.__struct_fields__}
    return UdtImportResult(**fields, diagnostics=[DiagnosticInfo.of(d) for d in capped(found[source])])
