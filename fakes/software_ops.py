"""The PLC-software half of the fake backend: import, list and export program objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from engineering_api.backend.errors import EngineeringError, ValidationError
from engineering_api.backend.models import ProgramImportReport
from engineering_api.rules.folders import target_folder
from fakes.program import read_object, require
from fakes.type_ops import describe
from simatic_xml.cancel import checkpoint
from simatic_xml.scl.limits import BlockTooLargeError, check_document_size

if TYPE_CHECKING:
    from engineering_api.backend.models import ProgramDocument, ProgramObjectInfo
    from fakes.model import Device, Project
    from fakes.program import PlcSoftware

__all__ = ("SoftwareOperations",)


def _refuse_oversized(document: ProgramDocument) -> None:
    """422 ``BLOCK_TOO_LARGE`` for a document whose SCL is over TIA's block size limit."""
    try:
        check_document_size(document.data, document.source)
    except BlockTooLargeError as exc:
        raise ValidationError(str(exc), code=exc.code, details={**exc.details, "source": document.source}) from None


class SoftwareOperations:
    """Mixed into :class:`fakes.backend.FakeBackend`; relies on its ``_project``/``_change``/``_device``."""

    def _software(self, project: Project, device_name: str) -> tuple[Device, PlcSoftware]:
        device = self._device(project, device_name)
        software = device.software
        if software is None:
            raise ValidationError(
                f"The device '{device.name}' is a {device.category or device.device_kind}, not a PLC; it has no PLC software.",
                code="NOT_A_PLC",
            )
        return device, software

    def _add_folder(self, device: str, category: str, path: str) -> str:
        """Create a folder in one of the PLC's trees (``blocks``, ``types``, ...), in a transaction."""
        with self._change() as project:
            _, software = self._software(project, device)
            return software.add_folder(category, path)

    def _remove_folder(self, device: str, category: str, path: str) -> list[str]:
        """Delete a folder and what is in it (``\\`` separators accepted: ``remove_folder`` normalises the path);
        returns the deleted objects."""
        with self._change() as project:
            _, software = self._software(project, device)
            return software.remove_folder(category, path)

    def import_program_documents(
        self, device: str, documents: list[ProgramDocument], *, overwrite: bool
    ) -> list[ProgramImportReport]:
        for document in documents:  # before any document is parsed, as TIA refuses an oversized block outright
            _refuse_oversized(document)
        reports: list[ProgramImportReport] = []
        first_error: EngineeringError | None = None
        with self._change() as project:
            _, software = self._software(project, device)
            for document in documents:
                checkpoint()  # once per document (the reader has its own): a timed-out import stops and rolls back
                try:
                    obj = read_object(
                        document.data, project_version=project.version, folder=target_folder(document.folder),
                        source=document.source,
                    )
                    software.add(obj, overwrite=overwrite)
                except EngineeringError as exc:
                    first_error = first_error or exc
                    reports.append(
                        ProgramImportReport(source=document.source, status="Failed", message=exc.message, code=exc.code)
                    )
                else:
                    reports.append(
                        ProgramImportReport(
                            source=document.source, status="Imported", name=obj.name, kind=obj.kind,
                            message=f"{obj.kind} '{obj.name}' imported",
                        )
                    )
            if first_error is not None:
                if len(documents) == 1:
                    raise first_error
                failed = sum(1 for r in reports if r.status == "Failed")
                for index, report in enumerate(reports):
                    if report.status == "Imported":
                        reports[index] = ProgramImportReport(
                            source=report.source, status="NotImported", name=report.name, kind=report.kind,
                            message="not imported because another document failed (the import is all or nothing)",
                        )
                raise ValidationError(
                    f"{failed} of {len(documents)} documents could not be imported; nothing was imported.",
                    code="IMPORT_FAILED",
                    details={"files": msgspec.to_builtins(reports)},
                )
        return reports

    def list_program_objects(self, device: str) -> list[ProgramObjectInfo]:
        project = self._project()
        _, software = self._software(project, device)
        return [describe(obj, software) for obj in software.all()]

    def export_program_object(self, device: str, name: str) -> bytes:
        project = self._project()
        _, software = self._software(project, device)
        return require(software, name).xml
