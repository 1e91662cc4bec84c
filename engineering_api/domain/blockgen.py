"""Block Generation: JSON block specs and templates to SimaticML, and imports into a PLC.

Generation is pure (``simatic_xml.generate``); importing goes through the backend port, so the same
operations serve the fake and TIA. Documents are imported in dependency order and all or nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument, ProgramImportReport
from engineering_api.domain.common import DeviceRef
from engineering_api.domain.import_findings import import_checked
from engineering_api.errors import codes
from engineering_api.jobs.input_checks import open_projects_if_any
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, kind_of, names, object_detail, plan, plural
from engineering_api.lib.file_walk import SkippedFile, read_regular, walk_files
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.source_generation import spec_failure
from engineering_api.rules.project_texts import ProjectTexts
from simatic_xml import Document, SimaticMLError, parse_bytes
from simatic_xml.generate import generate_xml, list_templates, parse_spec, template_spec
from simatic_xml.generate import import_order as dependency_order
from simatic_xml.generate.order import order_documents

if TYPE_CHECKING:
    from collections.abc import Mapping

    from simatic_xml.diagnostics import Diagnostic

__all__ = (
    "OPERATIONS", "GeneratedBlock", "document_object", "generate_document", "import_documents", "import_preview",
    "planned_import",
    "spec_failure", "target_for",
)

SECTION = "Block Generation"
_NEEDS_PLC = (e.NotFoundError, e.ValidationError, e.AlreadyExistsError, e.ConflictError, e.NoProjectOpenError,
              e.PortalUnavailableError)
XML = (".xml",)


class GenerateInput(ProjectTexts):
    """A block spec, or a shipped template with parameters, and the TIA version to generate for.

    ``prompt`` (a natural-language description) is refused (501): the assistant or an MCP client turns prose
    into a spec.
    """

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"spec", "parameters"})
    """The spec's texts (and a template's, made from its parameters) are checked where it is parsed: INVALID_SPEC
    at their field."""

    spec: dict[str, Any] | None = None
    """The block as a spec: {blockType, name, language, interface, networks...} (the templates show examples)."""
    template: str | None = None
    """Name of a shipped template to generate from instead of a spec (the templates route lists them)."""
    parameters: dict[str, Any] = {}
    """The template's parameters, e.g. {name: FB_Motor}."""
    target_version: str | None = None
    output_path: str | None = None
    prompt: str | None = None
    """Natural-language description: refused (501); turn prose into a spec yourself."""


class GenerateImportInput(GenerateInput, kw_only=True):
    """As for generate-only, plus the PLC to import into."""

    device_name: str
    overwrite: bool = False


class ImportOnlyInput(DeviceRef):
    """A SimaticML file inside the file roots, or the XML itself."""

    file_path: str | None = None
    xml: str | None = None
    """The SimaticML document itself, instead of filePath (send exactly one of the two)."""
    overwrite: bool = False


class BulkImportInput(DeviceRef):
    """SimaticML files (or every ``.xml`` below a folder) to import in dependency order."""

    files: list[str] = []
    """SimaticML files to import, each under one of the service's import roots; may be combined with directory."""
    directory: str | None = None
    overwrite: bool = False


class TemplatesQuery(CamelStruct):
    """Optionally one template, with its default spec."""

    name: str | None = None
    """One template's name, to get it with its default spec; every template when omitted."""


class GeneratedBlock(CamelStruct):
    """A generated document."""

    name: str
    block_type: str
    language: str | None
    version: str
    file_name: str
    xml: str
    written_to: str | None = None


class GenerateImportResult(CamelStruct):
    """What was generated and what the import did."""

    block: GeneratedBlock
    reports: list[ProgramImportReport]


class BulkImportResult(CamelStruct):
    """The import order used and a report per file."""

    order: list[str]
    reports: list[ProgramImportReport]


def target_for(ctx: OperationContext, requested: str | None) -> str:
    """The requested version, else the open project's, else (no portal, no project) the generator's default.

    Raises:
        EngineeringError: the open projects could not be read for another reason (that is the answer: a block
            made for the default version would not be the one the project needs).
    """
    if requested:
        return requested
    projects = open_projects_if_any(ctx.backend)
    return projects[0].version if projects else "V19"


def _spec_of(data: GenerateInput, *, language: str | None = None) -> dict[str, Any]:
    if data.prompt is not None and data.spec is None and data.template is None:
        raise e.NotSupportedError(
            "This route generates from a JSON block spec ('spec') or a template ('template', see GET "
            "/api/blockgeneration/templates), not from prose. To start from a description, ask the assistant "
            "(POST /api/assistant/chat) or an MCP client: it writes the spec and calls this route.",
            code=codes.PROMPT_NOT_SUPPORTED,
        )
    if (data.spec is None) == (data.template is None):
        raise e.ValidationError("Send exactly one of 'spec' and 'template'.", code=codes.INVALID_SPEC,
                                details={"field": "spec"})
    try:
        spec = dict(data.spec) if data.spec is not None else template_spec(data.template or "", data.parameters)
    except SimaticMLError as exc:
        raise spec_failure(exc) from None
    if language is not None:
        given = spec.get("language")
        if given not in (None, language):
            raise e.ValidationError(
                f"language: this route generates {language} blocks, not {given}", code=codes.INVALID_SPEC,
                details={"field": "language", "reason": f"must be {language}"},
            )
        spec["language"] = language
    return spec


def generate_document(spec: dict[str, Any], version: str, output_path: str | None = None) -> GeneratedBlock:
    """Generate one document; optionally write it (``output_path`` is already confined).

    Raises:
        ValidationError: the spec is invalid or the version cannot express it.
        AlreadyExistsError: ``output_path`` exists.
    """
    try:
        block = parse_spec(spec)
        data = generate_xml(block, version)
    except SimaticMLError as exc:
        raise spec_failure(exc) from None
    written = None
    if output_path is not None:
        target = Path(output_path)
        if target.exists():
            raise e.AlreadyExistsError(f"The file '{target.name}' already exists.", code=codes.FILE_EXISTS)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written = str(target)
    return GeneratedBlock(
        name=block.name, block_type=block.block_type, language=block.language, version=version,
        file_name=f"{block.name}.xml", xml=data.decode("utf-8-sig"), written_to=written,
    )


def import_documents(
    ctx: OperationContext, device: str, documents: list[tuple[str, bytes, str]], *, overwrite: bool,
    models: list[Document | None] | None = None, found: Mapping[str, list[Diagnostic]] | None = None,
) -> BulkImportResult:
    """Import ``(source, data, folder)`` documents in dependency order (UDTs, FB/FC, DB/OB).

    ``models``: the documents' models, one per document, when the caller built them (generated blocks): the
    order is read from them instead of parsing ``data`` again. ``found``: the one check's errors of the documents
    by source, when the caller refused by them already (:func:`import_checked`)."""
    by_source = {source: (data, folder) for source, data, folder in documents}
    try:
        if models is not None:
            order = order_documents([(source, model) for (source, _, _), model in zip(documents, models, strict=True)])
        else:
            order = dependency_order([(source, data) for source, data, _ in documents], strict=False)
    except SimaticMLError as exc:
        raise spec_failure(exc) from None
    reports = import_checked(
        ctx, device,
        [ProgramDocument(source=s, data=by_source[s][0], folder=by_source[s][1]) for s in order],
        overwrite=overwrite, found=found,
    )
    return BulkImportResult(order=order, reports=reports)


def _generate_only(ctx: OperationContext, data: GenerateInput, language: str | None = None) -> GeneratedBlock:
    return generate_document(_spec_of(data, language=language), target_for(ctx, data.target_version), data.output_path)


def _generate_and_import(ctx: OperationContext, data: GenerateImportInput,
                         language: str | None = None) -> GenerateImportResult:
    ctx.progress(10, "generating")
    block = generate_document(_spec_of(data, language=language), target_for(ctx, data.target_version), data.output_path)
    ctx.check_canceled()
    ctx.progress(50, "importing")
    # through the one check, as every import: the report holds what the compile will refuse
    reports = import_checked(ctx, data.device_name,
                             [ProgramDocument(source=block.file_name, data=block.xml.encode("utf-8"))],
                             overwrite=data.overwrite)
    return GenerateImportResult(block=block, reports=reports)


def _import_only(ctx: OperationContext, data: ImportOnlyInput) -> list[ProgramImportReport]:
    if (data.file_path is None) == (data.xml is None):
        raise e.ValidationError("Send exactly one of 'filePath' and 'xml'.", code=codes.VALIDATION_FAILED)
    if data.file_path is not None:
        path = Path(data.file_path)
        document = ProgramDocument(source=path.name, data=path.read_bytes())
    else:
        document = ProgramDocument(source="xml", data=(data.xml or "").encode("utf-8"))
    return import_checked(ctx, data.device_name, [document], overwrite=data.overwrite)


def _bulk_import(ctx: OperationContext, data: BulkImportInput) -> BulkImportResult:
    documents = _bulk_documents(data)
    ctx.progress(20, f"importing {len(documents)} documents")
    return import_documents(ctx, data.device_name, documents, overwrite=data.overwrite)


def _bulk_documents(data: BulkImportInput) -> list[tuple[str, bytes, str]]:
    """``(source, data, folder)`` of the files and of every ``.xml`` below the directory (the call and its preview)."""
    documents: list[tuple[str, bytes, str]] = []
    not_read: list[SkippedFile] = []
    for file in data.files:
        path = Path(file)
        try:  # a FIFO would block the worker for good, a link to /dev/zero fill the memory
            documents.append((path.name, read_regular(file), ""))
        except OSError as exc:
            not_read.append(SkippedFile(path.name, exc.strerror or str(exc)))
    if data.directory is not None:
        root = Path(data.directory)
        if not root.is_dir():
            raise e.NotFoundError(f"The folder '{root.name}' does not exist.", code=codes.FOLDER_NOT_FOUND)
        # Regular files only, links kept inside the folder, no recursion (a tree deeper than the recursion limit
        # ended the import in a RecursionError): the command line's walk (lib.file_walk), so one folder reads alike.
        walked = walk_files(root, lambda name: name.endswith(".xml"), skip_dirs=())
        for file in sorted(walked.files, key=lambda name: Path(name).parts):  # as the paths sort
            relative = Path(file).relative_to(root)
            try:
                documents.append((relative.as_posix(), read_regular(file), "/".join(relative.parts[:-1])))
            except OSError as exc:  # swapped for something else since the walk looked
                not_read.append(SkippedFile(relative.as_posix(), exc.strerror or str(exc)))
        not_read += [SkippedFile(Path(s.path).relative_to(root).as_posix(), s.reason) for s in walked.skipped]
    if not_read:
        first = not_read[0]
        more = f" (and {len(not_read) - 1} more)" if len(not_read) > 1 else ""
        raise e.ValidationError(f"'{first.path}' was not read: {first.reason}{more}; nothing was imported.",
                                code=codes.FILES_NOT_READ,
                                details={"files": [{"path": s.path, "reason": s.reason} for s in not_read]})
    if not documents:
        raise e.ValidationError("No SimaticML files to import: send 'files' or a 'directory' with .xml files.")
    sources = [d[0] for d in documents]
    if len(set(sources)) != len(sources):
        raise e.ValidationError("Two files have the same name; import them in separate calls.",
                                code=codes.DUPLICATE_FILE)
    return documents


# ----- previews ----------------------------------------------------------------------------------
_LABEL = {"udt": "PLC data type", "tagTable": "tag table"}


def document_object(source: str, data: bytes) -> tuple[str, str]:
    """The name and kind (``FB``, ``UDT``, ``TagTable``...) a SimaticML document defines.

    Raises:
        ValidationError: ``INVALID_SIMATICML``, as the import refuses the document.
    """
    try:
        obj = parse_bytes(data).object
    except SimaticMLError as exc:
        raise e.ValidationError(f"{source} is not valid SimaticML: {exc}", code=codes.INVALID_SIMATICML) from None
    kind = {"PlcStruct": "UDT", "PlcTagTable": "TagTable"}.get(type(obj).__name__, type(obj).__name__)
    return obj.qualified_name or obj.name or Path(source).stem, kind


def planned_import(
    ctx: OperationContext, device: str, documents: list[tuple[str, bytes]], *, overwrite: bool
) -> list[PlannedChange]:
    """What importing ``(source, data)`` documents into ``device`` does: ``overwrite`` of each object of that name
    and category, ``create`` of the others.

    Raises:
        NotFoundError, ValidationError: no such device, no PLC software, a document that is not SimaticML.
        AlreadyExistsError: ``OBJECT_EXISTS``: one document names an existing object and ``overwrite`` is off.
        ValidationError: ``IMPORT_FAILED``: several documents, some naming existing objects, ``overwrite`` off
            (the import is all or nothing, so nothing would be imported).
    """
    existing = {(o.name.lower(), kind_of(o.kind)): o for o in ctx.backend.program.list_program_objects(device)}
    changes: list[PlannedChange] = []
    clashes: list[tuple[str, str, str]] = []
    for source, data in documents:
        name, kind = document_object(source, data)
        old = existing.get((name.lower(), kind_of(kind)))
        if old is not None and not overwrite:
            clashes.append((source, name, kind))
        action = "overwrite" if old is not None else "create"
        detail = f"replaces {object_detail(old.kind, old.number)}" if old is not None else f"new {kind}"
        changes.append(PlannedChange(action=action, kind=kind_of(kind), name=name, device=device, detail=detail))
    if clashes and len(documents) == 1:
        _, name, kind = clashes[0]
        raise e.AlreadyExistsError(
            f"The {_LABEL.get(kind_of(kind), 'block')} '{name}' already exists; import with overwrite to replace it.",
            code=codes.OBJECT_EXISTS,
        )
    if clashes:
        failed = {source: name for source, name, _ in clashes}
        reports = [
            ProgramImportReport(source=source, status="Failed", code=codes.OBJECT_EXISTS, name=failed[source],
                                message=f"'{failed[source]}' already exists; import with overwrite to replace it")
            if source in failed else
            ProgramImportReport(source=source, status="NotImported",
                                message="not imported because another document failed (the import is all or nothing)")
            for source, _ in documents
        ]
        raise e.ValidationError(
            f"{len(clashes)} of {len(documents)} documents could not be imported; nothing was imported.",
            code=codes.IMPORT_FAILED, details={"files": msgspec.to_builtins(reports)},
        )
    return changes


def _labelled(changes: list[PlannedChange]) -> str:
    """``block 'FC_Scale' and PLC data type 'UDT_Motor'``, or ``3 objects: 'A', 'B' and 'C'`` for many."""
    if len(changes) > 3:
        return f"{plural(len(changes), 'object')}: {names(c.name for c in changes)}"
    parts = [f"{_LABEL.get(c.kind, 'block')} '{c.name}'" for c in changes]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def import_preview(
    ctx: OperationContext, device: str, documents: list[tuple[str, bytes]], *, overwrite: bool,
    extra: list[PlannedChange] | None = None, warnings: list[str] | None = None,
) -> Preview:
    """The preview of an import: what it overwrites (named in the summary) and what it creates."""
    changes = planned_import(ctx, device, documents, overwrite=overwrite)
    replaced = [c for c in changes if c.action == "overwrite"]
    created = [c for c in changes if c.action == "create"]
    parts = []
    if replaced:
        parts.append(f"overwrite {_labelled(replaced)}")
    if created:
        parts.append(f"create {_labelled(created)}")
    what = " and ".join(parts) or "import nothing"
    tail = "" if replaced else "; nothing would be overwritten" + ("" if overwrite else " (overwrite is off)")
    return plan(f"Would {what} in {device}{tail}.", [*changes, *(extra or [])], warnings or [])


def _output_file(output_path: str | None) -> list[PlannedChange]:
    """The generated file an ``outputPath`` would write (refused, as by the call, when it exists)."""
    if output_path is None:
        return []
    target = Path(output_path)
    if target.exists():
        raise e.AlreadyExistsError(f"The file '{target.name}' already exists.", code=codes.FILE_EXISTS)
    return [PlannedChange(action="create", kind="file", name=str(target), detail="the generated SimaticML")]


def _generated(ctx: OperationContext, data: GenerateImportInput, language: str | None) -> tuple[str, bytes]:
    spec = _spec_of(data, language=language)
    try:
        block = parse_spec(spec)
        return f"{block.name}.xml", generate_xml(block, target_for(ctx, data.target_version))
    except SimaticMLError as exc:
        raise spec_failure(exc) from None


def _preview_generate_and_import(
    ctx: OperationContext, data: GenerateImportInput, language: str | None = None
) -> Preview:
    document = _generated(ctx, data, language)
    extra = _output_file(data.output_path)
    return import_preview(ctx, data.device_name, [document], overwrite=data.overwrite, extra=extra)


def _preview_import_only(ctx: OperationContext, data: ImportOnlyInput) -> Preview:
    if (data.file_path is None) == (data.xml is None):
        raise e.ValidationError("Send exactly one of 'filePath' and 'xml'.", code=codes.VALIDATION_FAILED)
    if data.file_path is not None:
        document = (Path(data.file_path).name, Path(data.file_path).read_bytes())
    else:
        document = ("xml", (data.xml or "").encode("utf-8"))
    return import_preview(ctx, data.device_name, [document], overwrite=data.overwrite)


def _preview_bulk_import(ctx: OperationContext, data: BulkImportInput) -> Preview:
    documents = [(source, raw) for source, raw, _ in _bulk_documents(data)]
    preview = import_preview(ctx, data.device_name, documents, overwrite=data.overwrite)
    return msgspec.structs.replace(preview, summary=f"{preview.summary[:-1]} ({plural(len(documents), 'document')}).")


def _templates(ctx: OperationContext, data: TemplatesQuery) -> list[dict[str, Any]]:
    templates: list[dict[str, Any]] = list_templates()
    if data.name is None:
        return templates
    chosen = [t for t in templates if t["name"] == data.name]
    if not chosen:
        names = ", ".join(t["name"] for t in templates)
        raise e.NotFoundError(f"No template '{data.name}' (templates: {names}).", code=codes.TEMPLATE_NOT_FOUND)
    return [{**chosen[0], "spec": template_spec(data.name)}]


_SPEC_EXAMPLE = {
    "spec": {
        "blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real",
        "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
        "networks": [{"title": "Scale", "scl": "#FC_Scale := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}],
    },
    "targetVersion": "V19",
}

_WRITES_XML = {"output_path": FileRule(extensions=XML, allow_directory=False, writes=True)}
"""The generate calls' one file: the SimaticML they write, never a folder."""


def _generating(name: str, summary: str, example: dict[str, Any],
                language: str | None = None) -> Operation[GenerateInput, GeneratedBlock]:
    """A call that writes a block's SimaticML from a spec or template without importing it; ``language`` holds the
    GRAPH call to GRAPH specs."""
    return Operation(
        name=f"blockgeneration.{name}", summary=summary, section=SECTION,
        handler=partial(_generate_only, language=language), input=GenerateInput, output=GeneratedBlock,
        route=RouteSpec("POST", f"/api/blockgeneration/{name}"),
        files=_WRITES_XML, errors=(e.ValidationError, e.NotSupportedError, e.AlreadyExistsError), example=example,
    )


def _generating_and_importing(
    name: str, summary: str, example: dict[str, Any], language: str | None = None, *, with_async_route: bool = False,
) -> Operation[GenerateImportInput, GenerateImportResult]:
    """A call that generates a block and imports it into a PLC (a long-running job, previewed); ``language`` as
    :func:`_generating`'s. Only the generic call has the reference's ``-async`` twin."""
    return Operation(
        name=f"blockgeneration.{name}", summary=summary, section=SECTION,
        handler=partial(_generate_and_import, language=language), input=GenerateImportInput,
        output=GenerateImportResult, route=RouteSpec("POST", f"/api/blockgeneration/{name}"),
        async_route=RouteSpec("POST", f"/api/blockgeneration/{name}-async") if with_async_route else None,
        long_running=True, files=_WRITES_XML, errors=(*_NEEDS_PLC, e.NotSupportedError), example=example,
        destructive=True, preview=partial(_preview_generate_and_import, language=language),
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    _generating("generate-only", "Generate block XML from a JSON spec or template, without importing.",
                _SPEC_EXAMPLE),
    _generating_and_importing("generate-and-import", "Generate a block from a JSON spec or template and import it.",
                              {**_SPEC_EXAMPLE, "deviceName": "PLC_1"}, with_async_route=True),
    Operation(
        name="blockgeneration.import-only", summary="Import an existing SimaticML file (or inline XML) into a PLC.",
        section=SECTION, handler=_import_only, input=ImportOnlyInput, output=list[ProgramImportReport],
        route=RouteSpec("POST", "/api/blockgeneration/import-only"), long_running=True,
        files={"file_path": FileRule(extensions=XML, must_exist=True, allow_directory=False)}, errors=_NEEDS_PLC,
        example={"deviceName": "PLC_1", "filePath": "blocks/FB_Motor.xml", "overwrite": False},
        destructive=True, preview=_preview_import_only,
    ),
    _generating("generate-graph-only", "Generate a GRAPH block's XML without importing it.",
                {"template": "graph_sequence", "parameters": {"blockName": "Seq_Tank"}, "targetVersion": "V18"},
                language="GRAPH"),
    _generating_and_importing("generate-graph", "Generate a GRAPH block and import it into a PLC.",
                              {"template": "graph_sequence", "parameters": {"blockName": "Seq_Tank"},
                               "deviceName": "PLC_1"}, language="GRAPH"),
    read("blockgeneration.templates", SECTION,
         "Block templates shipped with the product (one, with its spec, by name).", "/api/blockgeneration/templates",
         _templates, TemplatesQuery, list[dict[str, Any]], errors=(e.NotFoundError,)),
    Operation(
        name="blockgeneration.bulk-import",
        summary="Import many SimaticML files in dependency order, with a report per file.",
        section=SECTION, handler=_bulk_import, input=BulkImportInput, output=BulkImportResult,
        route=RouteSpec("POST", "/api/blockgeneration/bulk-import"),
        async_route=RouteSpec("POST", "/api/blockgeneration/bulk-import-async"), long_running=True,
        files={"files": FileRule(extensions=XML, must_exist=True, allow_directory=False), "directory": FileRule()},
        errors=_NEEDS_PLC, example={"deviceName": "PLC_1", "directory": "generated", "overwrite": False},
        destructive=True, preview=_preview_bulk_import,
    ),
)
