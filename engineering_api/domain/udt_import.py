"""A PLC data type's document imported as every import is: judged by the one check, refused by its findings.

The UDT routes (``udts.import``, ``udts.create``, ``udts.update``) store a ``PlcStruct`` document through the
port's ``import_type`` (``update_type``); before, that call's own reading of the document was the route's verdict
(a UDT containing itself refused with no finding at a line; a member of a type TIA does not have imported with
nothing said). Now the document is judged as the block import judges it
(:mod:`engineering_api.domain.import_findings`): what TIA's import refuses outright is a 422 with each finding at its
line, and a UDT TIA imports but its compile refuses is imported with the check's errors in ``diagnostics``. The port
keeps what only the PLC knows: a UDT containing itself through UDTs the PLC holds (``RECURSIVE_TYPE``), a name in
use.
"""

from __future__ import annotations

from typing import TypeVar

from engineering_api.backend.areas.types import TypeDetails, TypeUpdateResult
from engineering_api.backend.models import DiagnosticInfo, ProgramDocument
from engineering_api.domain.import_findings import checked, refuse
from engineering_api.jobs.operations import OperationContext
from simatic_xml.diagnostics import Diagnostic, capped

__all__ = ("UdtImportResult", "UdtUpdateResult", "import_udt", "update_udt")


class UdtImportResult(TypeDetails, kw_only=True):
    """The imported UDT, with the errors the one check finds in its document (TIA imports a UDT its compile
    refuses; it stays inconsistent until corrected)."""

    diagnostics: list[DiagnosticInfo] = []


class UdtUpdateResult(TypeUpdateResult, kw_only=True):
    """The updated UDT, with the errors the one check finds in its new document (as :class:`UdtImportResult`)."""

    diagnostics: list[DiagnosticInfo] = []


Answer = TypeVar("Answer", UdtImportResult, UdtUpdateResult)


def _judged(data: bytes, source: str) -> list[Diagnostic]:
    """The check's errors of the document, refused first when it holds what TIA's import refuses.

    Raises:
        ValidationError: as :func:`~engineering_api.domain.import_findings.refuse`.
    """
    document = ProgramDocument(source=source, data=data)
    found = checked([document])
    refuse([document], found)
    return found[source]


def _answer(kind: type[Answer], port: TypeDetails | TypeUpdateResult, errors: list[Diagnostic]) -> Answer:
    """The port's answer with the check's ``errors`` as its diagnostics."""
    fields = {name: getattr(port, name) for name in port.__struct_fields__}
    return kind(**fields, diagnostics=[DiagnosticInfo.of(d) for d in capped(errors)])


def import_udt(ctx: OperationContext, device: str, data: bytes, *, folder: str, overwrite: bool,
               source: str) -> UdtImportResult:
    """``import_type`` of ``data`` into ``device``'s PLC, refused first by the check's findings.

    Raises:
        ValidationError: as :func:`~engineering_api.domain.import_findings.refuse`, and as ``import_type``.
    """
    errors = _judged(data, source)
    details = ctx.backend.types.import_type(device, data, folder=folder, overwrite=overwrite, source=source)
    return _answer(UdtImportResult, details, errors)


def update_udt(ctx: OperationContext, device: str, name: str, data: bytes, *, source: str) -> UdtUpdateResult:
    """``update_type`` of ``device``'s UDT ``name`` with ``data``, judged as :func:`import_udt` judges an import
    (before, ``udts.update`` with xml stored a UDT that names itself with the port's reading as the only verdict).

    Raises:
        ValidationError: as :func:`~engineering_api.domain.import_findings.refuse`, and as ``update_type``.
    """
    errors = _judged(data, source)
    return _answer(UdtUpdateResult, ctx.backend.types.update_type(device, name, data), errors)
