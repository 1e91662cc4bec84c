"""The fake backend's program-objects area (``FakeBackend.program``): import, list and export blocks, PLC data types
and tag tables as SimaticML."""

from __future__ import annotations

import uuid
from copy import copy
from typing import TYPE_CHECKING

import msgspec

from engineering_api.backend.areas.program import ProgramPort
from engineering_api.backend.areas.program_pages import ListedObject, OrderedTree
from engineering_api.backend.errors import EngineeringError, ValidationError
from engineering_api.backend.models import ProgramImportReport
from engineering_api.errors import codes
from engineering_api.rules.folders import target_folder
from engineering_api.rules.compiler.project import remember_written
from engineering_api.rules.program_objects import generated_object
from engineering_api.rules.source_generation import GeneratedDocument
from fakes.program import BLOCK_KINDS, read_object, renumbers_in_place, require
from fakes.types_ops import describe
from simatic_xml.cancel import checkpoint
from simatic_xml.scl.limits import BlockTooLargeError, check_document_size

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from engineering_api.backend.areas.program_pages import Category, ProgramPage
    from engineering_api.backend.models import ProgramDocument, ProgramObjectInfo
    from engineering_api.rules.program_objects import ProgramObject
    from fakes.session import FakeSession
    from fakes.types_ops import GuardedWrite
    from simatic_xml.model import Document

__all__ = ("FakeProgram",)

LISTINGS_KEPT = 8
"""Listings kept (:attr:`FakeProgram._listings`): a few PLCs' current ones; older stamps are never asked again."""


_PROCESS = uuid.uuid4().hex
"""This process among every process that serves a fake (a farm's agents): a table's stamp is unique only within
its process, a revision everywhere."""


def _refuse_oversized(document: ProgramDocument | GeneratedDocument) -> None:
    """422 ``BLOCK_TOO_LARGE`` for a document whose SCL is over TIA's block size limit."""
    try:
        check_document_size(document.data, document.source)
    except BlockTooLargeError as exc:
        raise ValidationError(str(exc), code=exc.code, details={**exc.details, "source": document.source}) from None


def _read(document: ProgramDocument | GeneratedDocument, version: str) -> tuple[ProgramObject, Document | None]:
    """The object ``document`` is stored as, and the model its bytes were written from where it is stored from it
    (a generated block of the project's version), else None."""
    folder = target_folder(document.folder)
    if isinstance(document, GeneratedDocument) and document.document is not None:
        obj = generated_object(document.document, document.data, project_version=version, folder=folder,
                               source=document.source)
        return obj, document.document if obj.xml is document.data else None
    return read_object(document.data, project_version=version, folder=folder, source=document.source), None


def _remember_view(stored: ProgramObject, obj: ProgramObject, model: Document) -> None:
    """The compiler's view of ``obj``, a block stored from ``model``, read from it for the compiles to come, for the
    object the import stored (``stored``): ``obj``, or ``obj`` renumbered in place (a view reads the number from the
    object, and the rewrite moves no line). Read once the block is stored, not before: a view of the number it asked
    for, which no compile reads, is not kept beside it."""
    # stored with its bytes as they came, or renumbered (PlcSoftware.add, its only rewrite of them): in place where
    # renumbers_in_place says so, else written again (no view kept)
    if stored.xml is obj.xml or renumbers_in_place(obj):
        remember_written(stored, model)


class FakeProgram(ProgramPort):
    """SimaticML documents in and out of the fake's PLC software.

    Args:
        session: the open project, read or changed in transactions.
        guard: runs an import as the library's guarded write (an instance of a released library type is
            write-protected, and an import can replace one).
    """

    def __init__(self, session: FakeSession, guard: GuardedWrite) -> None:
        self._session = session
        self._guard = guard
        self._listings: dict[tuple[int, int, int], list[ProgramObjectInfo]] = {}
        """Listings by the stamps of the tables they describe (:attr:`NameTable.stamp`): a listing judges every
        object's consistency, most of a block list's or a cross-reference query's CPU at plant size, and reads
        nothing but the types, tag tables and blocks (their objects are values: a change replaces one)."""
        self._trees: dict[tuple[int, frozenset[str]], OrderedTree] = {}
        """Trees in order (:meth:`program_page`) by the stamp of their table and their folders."""

    def import_program_documents(
        self, device: str, documents: Sequence[ProgramDocument | GeneratedDocument], *, overwrite: bool
    ) -> list[ProgramImportReport]:
        """The port's import; also ``GenerationAccess.import_generated``: a block "generate blocks from source"
        wrote is stored from the model it was written from
        (:func:`~engineering_api.rules.program_objects.generated_object`), the same object, without parsing its
        bytes back."""
        return self._guard(device, lambda: self._import(device, documents, overwrite=overwrite))

    def _import(self, device: str, documents: Sequence[ProgramDocument | GeneratedDocument], *,
                overwrite: bool) -> list[ProgramImportReport]:
        for document in documents:  # before any document is parsed, as TIA refuses an oversized block outright
            _refuse_oversized(document)
        reports: list[ProgramImportReport] = []
        first_error: EngineeringError | None = None
        # In the guard's transaction (GuardedWrite: one transaction, undone on any error), not in one of its own: a
        # second transaction inside it copied the whole project again for each import, and undid nothing the
        # guard's does not (an error here leaves the guard's call too).
        project = self._session.project()
        _, software = self._session.software(project, device)
        for document in documents:
            checkpoint()  # once per document (the reader has its own): a timed-out import stops and rolls back
            try:
                obj, model = _read(document, project.version)
                stored = software.add(obj, overwrite=overwrite)
                if model is not None:
                    _remember_view(stored, obj, model)
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
                code=codes.IMPORT_FAILED,
                details={"files": msgspec.to_builtins(reports)},
            )
        return reports

    def list_program_objects(self, device: str) -> list[ProgramObjectInfo]:
        project = self._session.project()
        _, software = self._session.software(project, device)
        key = (software.types.stamp, software.tag_tables.stamp, software.blocks.stamp)
        listing = self._listings.get(key)
        if listing is None:
            memo: dict[str, bool] = {}  # each object judged once, not once per object depending on it
            listing = [describe(obj, software, memo) for obj in software.all()]
            if len(self._listings) >= LISTINGS_KEPT:
                self._listings.clear()
            self._listings[key] = listing
        return [copy(info) for info in listing]  # the caller's own: a listing's entries are mutable structs

    def program_page(self, device: str, category: Category, *, find: str, offset: int, limit: int) -> ProgramPage:
        """The port's page, from the tree put in order once per change of its table (:attr:`NameTable.stamp`) or
        folders: a page costs what it shows (a search, a pass over the names), the first after a change a sort."""
        project = self._session.project()
        _, software = self._session.software(project, device)
        table = software.blocks if category == "blocks" else software.types
        folders = frozenset(software.folders.get(category, ()))
        key = (table.stamp, folders)
        tree = self._trees.get(key)
        if tree is None:
            tree = OrderedTree((ListedObject(name=o.name, kind=o.kind, number=o.number, language=o.language,
                                             folder=o.folder)
                                for o in table.values() if category == "types" or o.kind in BLOCK_KINDS), folders)
            if len(self._trees) >= LISTINGS_KEPT:
                self._trees.clear()
            self._trees[key] = tree
        return tree.page(find, offset, limit)

    def program_revision(self, device: str) -> str:
        """The port's token: the stamps of the three tables the program is (:attr:`NameTable.stamp`: another
        number after every write, a value's change replaces it), with this process's identity."""
        project = self._session.project()
        _, software = self._session.software(project, device)
        return f"{_PROCESS}:{software.types.stamp}:{software.tag_tables.stamp}:{software.blocks.stamp}"

    def find_program_objects(self, device: str, names: Iterable[str]) -> list[ProgramObjectInfo]:
        """The port's lookup, through the tables' name indexes: in proportion to ``names``."""
        project = self._session.project()
        _, software = self._session.software(project, device)
        found: dict[tuple[str, str], ProgramObject] = {}
        for name in names:
            for category in ("types", "tag_tables", "blocks"):  # the listing's order
                table = software.table(category)
                spelled = table.spelled(name)
                if spelled is not None:
                    found.setdefault((category, spelled), table[spelled])
        memo: dict[str, bool] = {}
        return [describe(obj, software, memo) for obj in found.values()]

    def export_program_object(self, device: str, name: str) -> bytes:
        project = self._session.project()
        _, software = self._session.software(project, device)
        return require(software, name).xml
