"""The bridge's program-objects area (``OpennessBackend.program``): importing, listing and exporting block, UDT and
tag-table documents (SimaticML).

Blocks and types are found by walking the group trees, the PLC's and its software units' (``Find`` looks one level
deep; :mod:`openness_bridge.units`), tag tables, the PLC's and its units', through the tag area's functions
(:func:`~openness_bridge.tags_support.plc_tag_tables`, :func:`~openness_bridge.tags_support.plc_names`); import batches
are checked before the first ``Import`` and imported UDT -> tag tables -> FB/FC -> OB/DB in one transaction; exports
go to a fresh folder because TIA does not overwrite a file. A PLC's software is reached through the session
(:mod:`openness_bridge.plc_software`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

from engineering_api.backend.areas.program import ProgramPort
from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    EngineeringError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.backend.models import (
    ProgramDocument,
    ProgramImportReport,
    ProgramObjectInfo,
)
from engineering_api.errors import codes
from engineering_api.rules.document_versions import check_not_newer
from engineering_api.rules.folders import target_folder
from openness_bridge import groups
from openness_bridge.blocks import program_object_names
from openness_bridge.compile import compile_result
from openness_bridge.plc_software import block_kind, block_language
from openness_bridge.tags_support import find_plc_tag_table, plc_names, plc_tag_tables
from openness_bridge.units import creation_root, find_block_or_type, software_blocks, software_types

if TYPE_CHECKING:
    from collections.abc import Callable

    from openness_bridge.session import BridgeSession

__all__ = ("BridgeProgram",)


@dataclass(frozen=True)
class _PendingGroup:
    """A target folder an import creates (level by level, inside its transaction) before importing into it."""

    root: Any
    path: str


class BridgeProgram(ProgramPort):
    """SimaticML documents in and out of a PLC's software over Openness (``session``: calls on the session's
    thread, transactions, the open project, scratch exports and imports)."""

    def __init__(self, session: BridgeSession) -> None:
        self._session = session

    # ----- PLC software documents (SimaticML) ------------------------------------------------
    _IMPORT_RANK: ClassVar[dict[str, int]] = {"UDT": 0, "TagTable": 1, "FB": 2, "FC": 2}
    """Import order UDT -> tag tables -> FB/FC -> OB/DBs (rank 3): what an object refers to must exist when TIA
    imports it (a tag may be of a UDT type, blocks use tags, instance DBs need their FB)."""

    _COMPOSITION: ClassVar[dict[str, str]] = {"UDT": "Types", "TagTable": "TagTables"}
    """The composition of a group that imports a kind (``Blocks`` for every block kind)."""

    def _tag_table(self, software: Any, name: str) -> tuple[str, Any] | None:
        """(folder, table) of the tag table ``name`` in the PLC's "PLC tags" or a software unit's, or None (the tag
        area's lookup: table names are unique per PLC)."""
        return find_plc_tag_table(self._session, software, name)

    def _program_object(self, software: Any, name: str) -> Any:
        found = find_block_or_type(self._session, software, name)  # the PLC's, then its units'
        if found is None:
            raise NotFoundError(f"The program object '{name}' was not found.", code=codes.OBJECT_NOT_FOUND)
        return found

    def list_program_objects(self, device: str) -> list[ProgramObjectInfo]:
        def run() -> list[ProgramObjectInfo]:
            software = self._session.plc_software(self._session.project(), device)
            blocks = self._session.namespace("Siemens.Engineering.SW.Blocks")
            out = [
                ProgramObjectInfo(name=t.name, kind="UDT", folder=t.folder, consistent=bool(t.obj.IsConsistent))
                for t in software_types(self._session, software)
            ]
            # Tag tables between types and blocks (the fake's order, TIA's import order), the units' with the folder
            # the tag area gives them; a table has no consistency of its own in Openness (PlcTagTable has no
            # IsConsistent).
            out += [
                ProgramObjectInfo(name=str(table.Name), kind="TagTable", folder=folder)
                for folder, table in plc_tag_tables(self._session, software)
            ]
            for found in software_blocks(self._session, software):
                block, kind = found.obj, block_kind(found.obj)
                out.append(ProgramObjectInfo(
                    name=found.name, kind=kind, number=int(block.Number), folder=found.folder,
                    instance_of=str(groups.cast_as(block, blocks.InstanceDB).InstanceOfName) if kind == "InstanceDB"
                    else None,
                    language=block_language(block), consistent=bool(block.IsConsistent),
                ))
            return out

        return self._session.call("PlcSoftware.BlockGroup", run)

    def export_program_object(self, device: str, name: str) -> bytes:
        def run() -> bytes:
            software = self._session.plc_software(self._session.project(), device)
            try:
                obj = self._program_object(software, name)
            except NotFoundError:
                table = self._tag_table(software, name)  # blocks, then types, then tag tables (as the fake)
                if table is None:
                    raise
                return self._session.export_bytes(table[1])  # PlcTagTable.Export: a table is always exportable
            return self._export_consistent(obj, name)

        return self._session.call("PlcBlock.Export", run)

    def _export_consistent(self, obj: Any, name: str) -> bytes:
        """``obj.Export(...)`` (a block or PLC data type) as SimaticML bytes, compiled first when inconsistent."""
        if not bool(obj.IsConsistent):
            # TIA refuses to export an inconsistent block: compile it first, and say so if that did not help.
            result = compile_result(
                self._session.service(obj,
                                      self._session.namespace("Siemens.Engineering.Compiler").ICompilable).Compile()
            )
            if not bool(obj.IsConsistent):
                raise ConflictError(
                    f"'{name}' is inconsistent and still is after compiling it ({result.error_count} error(s)); "
                    "TIA cannot export an inconsistent block. Fix the errors and compile again.",
                    code=codes.BLOCK_INCONSISTENT, details={"compile": msgspec.to_builtins(result)},
                )
        return self._export_document(obj)

    def _export_document(self, obj: Any) -> bytes:
        """``obj.Export(...)`` (a block or PLC data type) as SimaticML bytes."""
        return self._session.export_bytes(obj)

    def data_documents(self, device: str) -> list[bytes]:
        """SimaticML of every tag table and data block (global, instance, array DB) of ``device``, its software units'
        too, exported as :meth:`export_program_object` exports them; what the released-tag rule reads the flags from.
        Not a port method: the runtime-values area asks for it."""
        software = self._session.plc_software(self._session.project(), device)
        tables = [self._session.export_bytes(table) for _, table in plc_tag_tables(self._session, software)]
        return tables + [self._export_consistent(found.obj, found.name)
                         for found in software_blocks(self._session, software)
                         if block_kind(found.obj).endswith("DB")]

    @staticmethod
    def _names_in(documents: list[ProgramDocument]) -> set[str]:
        """Casefolded names of the documents that parse (what an instance DB may refer to in the same batch)."""
        from simatic_xml.errors import SimaticMLError
        from simatic_xml.reader import parse_bytes

        names = set()
        for document in documents:
            try:
                names.add(str(parse_bytes(document.data).object.qualified_name or "").casefold())
            except (SimaticMLError, AttributeError):
                continue
        return names

    def _prepare(self, software: Any, document: ProgramDocument, batch: set[str]) -> tuple[str, str, Any]:
        """Check one document before anything is imported: (kind, name, target group). Raises domain errors."""
        from simatic_xml.errors import SimaticMLError
        from simatic_xml.model import Block, PlcStruct, PlcTagTable
        from simatic_xml.objects import is_auto_numbered
        from simatic_xml.reader import parse_bytes

        try:
            doc = parse_bytes(document.data)
        except SimaticMLError as exc:
            raise ValidationError(f"{document.source} is not valid SimaticML: {exc}",
                                  code=codes.INVALID_SIMATICML) from None
        obj = doc.object
        if isinstance(obj, PlcStruct):
            kind = "UDT"
        elif isinstance(obj, PlcTagTable):
            kind = "TagTable"
        elif isinstance(obj, Block):
            kind = type(obj).__name__
        else:
            raise ValidationError(
                f"{document.source}: '{obj.element}' documents cannot be imported as program objects (blocks, PLC "
                "data types, tag tables).",
                code=codes.UNSUPPORTED_OBJECT,
            )
        # Named as listed and as the fake names it: Namespace.Name for a unit's namespaced block or type, so a name
        # check, a number clash and an overwrite compare it with the unit's object (units.software_objects).
        name = str(obj.qualified_name or "")
        if not name:
            raise ValidationError(f"{document.source} has no Name attribute.", code=codes.INVALID_SIMATICML)
        check_not_newer(document.source, doc.engineering_version, self._session.version)
        # A unit's folder (as listed: Software units/<unit>/...) is that unit's group, an unknown unit's refused
        system_group = {"UDT": "TypeGroup", "TagTable": "TagTableGroup"}.get(kind, "BlockGroup")
        root, below = creation_root(self._session, software, system_group, document.folder)
        folder = target_folder(below)  # INVALID_FOLDER before anything changes
        # A missing folder is created with the import, in its transaction, as the fake does and as import_type
        # does: a bulk import of an exported tree brings its folders.
        group = groups.find_group(root.group, folder) or _PendingGroup(root.group, folder)
        instance_of = getattr(obj, "instance_of_name", None)
        if kind == "InstanceDB" and instance_of and instance_of.casefold() not in batch:
            try:
                self._program_object(software, str(instance_of))
            except NotFoundError:
                raise ValidationError(
                    f"{document.source}: the instance DB '{name}' needs the FB '{instance_of}', which is neither in "
                    "the PLC nor in this import.", code=codes.INSTANCE_OF_MISSING,
                ) from None
        number = obj.number if isinstance(obj, Block) else None
        # An automatically numbered block (TIA's default: an export leaving defaults out has no <AutoNumber>) is
        # given a free number by TIA's import, so only a block numbered by hand can clash.
        # Block numbers are the CPU's, so the software units' blocks take part.
        if number and not is_auto_numbered(doc):
            for other in software_blocks(self._session, software):
                if (block_kind(other.obj) == kind and int(other.obj.Number) == int(number)
                        and other.name.casefold() != name.casefold()):
                    raise ConflictError(
                        f"{document.source}: {kind} number {number} is already used by '{other.name}'.",
                        code=codes.BLOCK_NUMBER_IN_USE,
                    )
        return kind, name, group

    def import_program_documents(
        self, device: str, documents: list[ProgramDocument], *, overwrite: bool
    ) -> list[ProgramImportReport]:
        def run() -> list[ProgramImportReport]:
            software = self._session.plc_software(self._session.project(), device)
            prepared: list[tuple[int, str, str, Any] | None] = []
            reports: list[ProgramImportReport] = []
            first_error: EngineeringError | None = None
            batch: dict[str, str] = {}
            names = self._names_in(documents)
            claimed: dict[str, str] = {}  # tag/constant names the batch's earlier tag tables bring (casefolded)
            # Nothing is imported before every document is checked, so the names already taken are read once per
            # batch: each read walks every block and type of the PLC and its software units.
            taken = functools.cache(lambda: program_object_names(self._session, software))
            # Likewise TIA's PLC-wide names of tags and constants, over every table of the PLC and its units (the tag
            # area's walk and rule: each read reads every tag of every table).
            tag_names = functools.cache(lambda: plc_names(self._session, software))
            for index, document in enumerate(documents):
                try:
                    kind, name, group = self._prepare(software, document, names)
                    if not overwrite and (name.casefold() in batch or self._exists(software, name, kind, taken)):
                        raise AlreadyExistsError(f"{document.source}: '{name}' already exists.",
                                                 code=codes.OBJECT_EXISTS)
                    if kind == "TagTable":
                        self._check_table(software, document, name, tag_names(), claimed)
                except NotSupportedError:
                    raise
                except EngineeringError as exc:
                    first_error = first_error or exc
                    prepared.append(None)
                    reports.append(ProgramImportReport(source=document.source, status="Failed", message=exc.message,
                                                       code=exc.code))
                    continue
                batch[name.casefold()] = kind
                prepared.append((index, kind, name, group))
                reports.append(ProgramImportReport(source=document.source, status="Imported", name=name, kind=kind,
                                                   message=f"{kind} '{name}' imported"))
            if first_error is not None:
                if len(documents) == 1:
                    raise first_error
                reports = [
                    r if r.status == "Failed" else ProgramImportReport(
                        source=r.source, status="NotImported", name=r.name, kind=r.kind,
                        message="not imported because another document failed (the import is all or nothing)")
                    for r in reports
                ]
                failed = sum(1 for r in reports if r.status == "Failed")
                raise ValidationError(
                    f"{failed} of {len(documents)} documents could not be imported; nothing was imported.",
                    code=codes.IMPORT_FAILED, details={"files": msgspec.to_builtins(reports)},
                )
            for index, kind, name, group in self.import_order([p for p in prepared if p is not None]):
                if isinstance(group, _PendingGroup):
                    _, group = groups.ensure_group(group.root, group.path)
                if kind == "TagTable":
                    self._free_table_name(software, name, group)
                composition = getattr(group, self._COMPOSITION.get(kind, "Blocks"))
                self._session.import_bytes(composition, documents[index].data, override=overwrite)
            return reports

        # One transaction: a refusal by TIA in the middle of the batch rolls back what was imported before it.
        return self._session.change("PlcBlockComposition.Import", run, invocation=ValidationError)

    def _check_table(self, software: Any, document: ProgramDocument, name: str,
                     in_plc: dict[str, tuple[str, str, str]], claimed: dict[str, str]) -> None:
        """TIA's rules for a tag-table document, checked before anything is imported.

        Tags, user constants and system constants share one namespace in the PLC: a name the document brings
        must not be used by another table, the PLC's or a software unit's (the table it replaces does not count),
        nor by an earlier document of the batch. The default tag table cannot move out of "PLC tags". ``in_plc``:
        the PLC's names (:func:`plc_names`); ``claimed``: those the batch's earlier tables bring (casefolded; this
        table's are added).

        Raises:
            AlreadyExistsError: ``TAG_EXISTS`` for a name used elsewhere or twice.
            ConflictError: ``DEFAULT_TAG_TABLE`` for the default table imported into a user group.
        """
        from simatic_xml.model import PlcTagTable
        from simatic_xml.reader import parse_bytes

        existing = self._tag_table(software, name)
        if existing is not None and bool(existing[1].IsDefault) and document.folder.strip("/"):
            raise ConflictError(
                f"{document.source}: the default tag table '{existing[1].Name}' stays in 'PLC tags'; import it "
                "without a folder.", code=codes.DEFAULT_TAG_TABLE,
            )
        used = {
            key: f"the {kind} '{other}' in '{table}'"
            for key, (kind, table, other) in in_plc.items()
            if existing is None or table != str(existing[1].Name)
        }
        used.update(claimed)
        table = parse_bytes(document.data).object
        assert isinstance(table, PlcTagTable)  # _prepare read the document as a tag table
        mine: dict[str, str] = {}
        for item in [*table.tags, *table.user_constants]:
            key = str(item.name or "").casefold()
            clash = used.get(key) or mine.get(key)
            if clash is not None:
                raise AlreadyExistsError(
                    f"{document.source}: the name '{item.name}' is already used by {clash}; names are unique "
                    "across all tag tables of the PLC.", code=codes.TAG_EXISTS,
                )
            mine[key] = f"'{item.name}' of the tag table '{name}' in this import"
        claimed.update(mine)

    def _free_table_name(self, software: Any, name: str, group: Any) -> None:
        """Overwriting a table that lives in another group: delete it first (table names are unique in the PLC
        and ``Import`` with Override replaces only a table of its own group), inside the import's transaction."""
        existing = self._tag_table(software, name)
        if existing is not None and group.TagTables.Find(str(existing[1].Name)) is None:
            existing[1].Delete()

    @classmethod
    def import_order(cls, items: list[tuple[int, str, str, Any]]) -> list[tuple[int, str, str, Any]]:
        """UDT -> tag tables -> FB/FC -> OB/DBs, keeping the given order within each rank (a stable sort)."""
        return sorted(items, key=lambda item: cls._IMPORT_RANK.get(item[1], 3))

    def _exists(self, software: Any, name: str, kind: str, taken: Callable[[], set[str]]) -> bool:
        """Whether ``name`` is taken where a ``kind`` object would go (tag tables have their own namespace);
        ``taken`` gives the casefolded names of the PLC's blocks and PLC data types (:func:`program_object_names`)."""
        if kind == "TagTable":
            return self._tag_table(software, name) is not None
        # Blocks and PLC data types share one namespace, case-insensitive (Find matches the exact name only)
        return name.casefold() in taken()
