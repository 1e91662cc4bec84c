"""Handlers for blocks: tree, content, create/update, networks, export/import, start values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument
from engineering_api.domain.blockgen import spec_failure, target_for
from engineering_api.domain.blocks.schemas import (
    BlockContent,
    BlockExport,
    BlockExportInput,
    BlockRef,
    BlockWriteResult,
    CreateBlockInput,
    DeviceRef,
    ExportInput,
    ExportSourceInput,
    FileWritten,
    ImportInput,
    NetworksInput,
    SourceText,
    UpdateBlockInput,
)
from engineering_api.domain.blocks.support import (
    DB_KINDS,
    block_xml,
    parse_document,
    generate_block,
    networks_of,
    read_block,
    require_block,
    source_of,
    spec_dict,
    spec_of_document,
    target_file,
    text_of,
    write_block,
)
from engineering_api.domain.import_findings import checked, refuse
from engineering_api.errors import codes
from engineering_api.jobs.operations import OperationContext
from simatic_xml import SimaticMLError, to_bytes
from simatic_xml.generate import build_document
from simatic_xml.generate.to_scl import SourceRefused, document_to_scl, interface_spec
from simatic_xml.model import Block, CompileUnit

__all__ = (
    "add_networks", "block_content", "block_source", "block_tree", "create_block", "export_block", "export_one",
    "export_prodiag", "export_source", "export_xml", "import_block", "load_start_values", "update_block",
)


# ----- handlers: blocks --------------------------------------------------------------------------
def block_tree(ctx: OperationContext, data: DeviceRef) -> dict[str, Any]:
    blocks = ctx.backend.blocks.list_blocks(data.device_name)
    folders = ctx.backend.blocks.block_folders(data.device_name)
    root: dict[str, Any] = {"name": "Program blocks", "type": "Folder", "nodeType": "Folder", "isFolder": True,
                            "path": "", "children": []}
    nodes = {"": root}
    for path in sorted(folders, key=lambda p: (p.count("/"), p)):
        parent = nodes[path.rsplit("/", 1)[0] if "/" in path else ""]
        node = {"name": path.rsplit("/", 1)[-1], "type": "Folder", "nodeType": "Folder", "isFolder": True,
                "path": path, "children": []}
        parent["children"].append(node)
        nodes[path] = node
    for block in blocks:
        parent = nodes.get(block.folder, root)
        parent["children"].append({
            "name": block.name, "type": block.block_type, "nodeType": "Block", "isFolder": False,
            "programmingLanguage": block.language, "number": block.number, "isConsistent": block.consistent,
            "isKnowHowProtected": block.know_how_protected, "path": block.folder,
            # T-IA Connect's block tree picks the OB/FB/FC/DB icon from blockInfo.type.
            "blockInfo": {**msgspec.to_builtins(block), "type": block.block_type, "isConsistent": block.consistent,
                          "isKnowHowProtected": block.know_how_protected},
        })
    return root


def block_content(ctx: OperationContext, data: BlockRef) -> BlockContent:
    info, raw, doc = read_block(ctx, data.device_name, data.block_name)
    obj = doc.object
    source, reason = None, None
    try:
        source = document_to_scl(doc)
    except SourceRefused as exc:
        reason = exc.reason
    return BlockContent(
        name=info.name, block_type=info.block_type, number=info.number, programming_language=info.language,
        title=text_of(obj, "Title"), author=str(obj.attr("HeaderAuthor")) if obj.attr("HeaderAuthor") else None,
        is_protected=info.know_how_protected, is_know_how_protected=info.know_how_protected,
        needs_compilation=not info.consistent, modified_date=info.modified_date, folder=info.folder,
        interface=interface_spec(doc), networks=networks_of(obj), raw_xml=raw.decode("utf-8-sig"),
        source_text=source, source_text_reason=reason,
    )


def create_block(ctx: OperationContext, data: CreateBlockInput) -> BlockWriteResult:
    xml, name = block_xml(ctx, data, data.device_name)
    return write_block(ctx, data.device_name, name, xml, folder=data.folder, overwrite=data.overwrite)


def update_block(ctx: OperationContext, data: UpdateBlockInput) -> BlockWriteResult:
    info = ctx.backend.blocks.get_block(data.device_name, data.block_name)
    if data.raw_xml is None:
        spec = spec_dict(data)
        given = spec.setdefault("name", info.name)
        if given != info.name:
            raise e.ValidationError(
                f"name: the block keeps its name '{info.name}' (use the rename route to rename it)",
                code=codes.INVALID_SPEC, details={"field": "name"},
            )
        if "number" not in spec and info.number is not None:
            spec["number"] = info.number
        xml = generate_block(spec, target_for(ctx, None), ctx, data.device_name)
    else:
        doc = parse_document(data.raw_xml.encode("utf-8"), "rawXml")
        # A block of a V20 software unit is known by Namespace.Name, as its export's <Namespace> gives it.
        if doc.object.qualified_name != info.name:
            raise e.ValidationError(
                f"rawXml names '{doc.object.qualified_name}'; the block keeps its name '{info.name}'.",
                code=codes.INVALID_SPEC,
                details={"field": "rawXml"},
            )
        xml = to_bytes(doc)
    return write_block(ctx, data.device_name, info.name, xml, folder=info.folder, overwrite=True)


def add_networks(ctx: OperationContext, data: NetworksInput) -> BlockWriteResult:
    info, _, doc = read_block(ctx, data.device_name, data.block_name)
    obj = doc.object
    if info.block_type not in ("OB", "FB", "FC") or not isinstance(obj, Block):
        raise e.ValidationError(f"'{info.name}' is a {info.block_type}; only OB, FB and FC have networks.",
                                code=codes.NO_NETWORKS)
    if not data.networks:
        raise e.ValidationError("networks: send at least one network", code=codes.INVALID_SPEC,
                                details={"field": "networks"})
    spec = spec_of_document(doc)
    spec["networks"] = data.networks
    try:
        generated = build_document(spec, doc.engineering_version if doc.engineering_version else None).object
    except SimaticMLError as exc:
        raise spec_failure(exc) from None
    units = [c for c in generated.children or () if isinstance(c, CompileUnit)]
    children = list(obj.children or [])
    last = max((i for i, c in enumerate(children) if isinstance(c, CompileUnit)), default=-1)
    obj.children = children[: last + 1] + units + children[last + 1:]
    return write_block(ctx, data.device_name, info.name, to_bytes(doc, renumber=True), folder=info.folder,
                       overwrite=True)


# ----- export / import ---------------------------------------------------------------------------
def export_block(ctx: OperationContext, data: ExportInput) -> FileWritten:
    xml = _block_xml(ctx, data.device_name, data.block_name)
    target = target_file(data.export_path, data.block_name, ".xml", data.overwrite)
    target.write_bytes(xml)
    return FileWritten(block_name=data.block_name, path=str(target), size=len(xml))


def import_block(ctx: OperationContext, data: ImportInput) -> BlockWriteResult:
    """The file's block imported: refused first by the one check's findings (:func:`refuse`), so a document the
    reader cannot take is answered with the check's finding at its line, as ``simaticml check`` reports it."""
    path = Path(data.import_file_path)
    raw = path.read_bytes()
    document = ProgramDocument(source=path.name, data=raw, folder=data.folder)
    found = checked([document])
    refuse([document], found)
    doc = require_block(parse_document(raw, path.name), path.name)
    return write_block(ctx, data.device_name, doc.object.name or path.stem, raw, folder=data.folder,
                  overwrite=data.overwrite, found=found[path.name])


def _block_xml(ctx: OperationContext, device: str, name: str) -> bytes:
    """A block's SimaticML. One port call where the export is a block's (a farm sends each call to an agent; the
    block's description, which get_block builds, is not needed); get_block only when it is not, for the block
    routes' own error (BLOCK_NOT_FOUND for a UDT or tag table of that name, or none)."""
    try:
        xml = ctx.backend.program.export_program_object(device, name)
    except e.NotFoundError:
        ctx.backend.blocks.get_block(device, name)
        raise
    if b"<SW.Blocks." not in xml:
        ctx.backend.blocks.get_block(device, name)
    return xml


def export_xml(ctx: OperationContext, data: BlockRef) -> str:
    return _block_xml(ctx, data.device_name, data.block_name).decode("utf-8-sig")


def block_source(ctx: OperationContext, data: BlockRef) -> SourceText:
    _, _, doc = read_block(ctx, data.device_name, data.block_name)
    return SourceText(block_name=data.block_name, source_text=source_of(doc))


def export_one(ctx: OperationContext, data: BlockExportInput) -> BlockExport:
    ref = BlockRef(device_name=data.device_name, block_name=data.block_name)
    content = export_xml(ctx, ref) if data.format == "xml" else block_source(ctx, ref).source_text
    return BlockExport(block_name=data.block_name, format=data.format, content=content)


def export_source(ctx: OperationContext, data: ExportSourceInput) -> FileWritten:
    _, _, doc = read_block(ctx, data.device_name, data.block_name)
    text = source_of(doc)
    ext = ".udt" if doc.object.element.endswith("PlcStruct") else ".db" if "DB" in type(doc.object).__name__ else ".scl"
    target = target_file(data.export_path, data.block_name, ext, data.overwrite)
    encoded = text.encode("utf-8-sig")
    target.write_bytes(encoded)
    return FileWritten(block_name=data.block_name, path=str(target), size=len(encoded))


def load_start_values(ctx: OperationContext, data: BlockRef) -> dict[str, Any]:
    info = ctx.backend.blocks.get_block(data.device_name, data.block_name)
    if info.block_type not in DB_KINDS:
        raise e.ValidationError(f"'{info.name}' is a {info.block_type}; only data blocks have start values.",
                                code=codes.NOT_A_DATA_BLOCK)
    return ctx.backend.online.load_start_values(data.device_name, info.name)


def export_prodiag(ctx: OperationContext, data: BlockRef) -> dict[str, Any]:
    ctx.backend.blocks.get_block(data.device_name, data.block_name)
    raise e.NotSupportedError(
        "ProDiag export needs the ProDiag option and supervisions defined on the block; this project model has "
        "neither, so there is nothing to export.",
        code=codes.PRODIAG_NOT_AVAILABLE,
    )
