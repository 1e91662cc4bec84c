"""The Blocks operations: each capability defined once, with its routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.blocks import (
    BlockInfo,
    BlocksPort,
    ExternalSourceInfo,
    FolderRemoval,
)
from engineering_api.backend.areas.program_pages import ProgramPage
from engineering_api.domain.blocks import previews as p
from engineering_api.domain.blocks import schemas as schemas
from engineering_api.domain.blocks.handlers import (
    add_networks,
    block_content,
    block_source,
    block_tree,
    create_block,
    export_block,
    export_one,
    export_prodiag,
    export_source,
    export_xml,
    import_block,
    load_start_values,
    update_block,
)
from engineering_api.domain.blocks.members import (
    add_member,
    delete_member,
    update_member,
)
from engineering_api.domain.blocks.sources import (
    cross_references,
    from_file,
    generate_source,
    import_and_generate,
)
from engineering_api.domain.blocks.support import (
    BLOCK_PATH,
    SECTION,
    SOURCE_PATH,
    WRITES,
    folder_path_of,
)
from engineering_api.domain.common import NEEDS_PLC, XML
from engineering_api.jobs.operations import (
    FileRule,
    Operation,
    OperationContext,
    RouteSpec,
    SnapshotTarget,
    read,
)
from engineering_api.jobs.preview import Preview


def _snap(name_of: Any) -> Any:
    return lambda d: [SnapshotTarget(d.device_name, "block", name_of(d))]


_BY_BLOCK = _snap(lambda d: d.block_name)
_SPEC_EXAMPLE = {
    "blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real", "folder": "",
    "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
    "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}],
}
_SCL_EXAMPLE = 'FUNCTION "FC_One" : Int\nVERSION : 0.1\nBEGIN\n\t#FC_One := 1;\nEND_FUNCTION\n'


def _folder_operations(prefix: str, path: str, create_summary: str, delete_summary: str,
                       create: Callable[[BlocksPort, str, str], str],
                       delete: Callable[[BlocksPort, str, str], FolderRemoval],
                       preview: Callable[[OperationContext, schemas.FolderInput], Preview],
                       example: dict[str, Any]) -> tuple[Operation[Any, Any], Operation[Any, Any]]:
    """Creating and deleting a folder of one of a PLC's trees (``POST`` and ``DELETE <path>/folders``); ``create``
    and ``delete`` call the blocks area for that tree with the device and the folder path."""
    return (
        Operation(
            name=f"{prefix}.folders.create", summary=create_summary, section=SECTION,
            handler=lambda ctx, d: {"folder": create(ctx.backend.blocks, d.device_name, folder_path_of(d))},
            input=schemas.FolderInput, output=dict[str, str], route=RouteSpec("POST", f"{path}/folders"),
            errors=(*NEEDS_PLC, e.AlreadyExistsError), example=example,
        ),
        Operation(
            name=f"{prefix}.folders.delete", summary=delete_summary, section=SECTION,
            handler=lambda ctx, d: delete(ctx.backend.blocks, d.device_name, folder_path_of(d)),
            input=schemas.FolderInput, output=FolderRemoval, route=RouteSpec("DELETE", f"{path}/folders"),
            errors=NEEDS_PLC, destructive=True, preview=preview,
        ),
    )

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("blocks.list", SECTION, "List all blocks in the device program.", BLOCK_PATH,
         lambda ctx, d: ctx.backend.blocks.list_blocks(d.device_name), schemas.DeviceRef, list[BlockInfo],
         errors=NEEDS_PLC, async_path=f"{BLOCK_PATH}/async"),
    read("blocks.tree", SECTION, "Get the block tree structure including folders.", f"{BLOCK_PATH}/tree", block_tree,
         schemas.DeviceRef, dict[str, Any], errors=NEEDS_PLC),
    read("blocks.page", SECTION, "A page of the program tree: blocks or PLC data types, with every folder's count.",
         f"{BLOCK_PATH}/page", lambda ctx, d: ctx.backend.program.program_page(
             d.device_name, d.category, find=d.find, offset=d.offset, limit=d.limit),
         schemas.ProgramPageQuery, ProgramPage, errors=NEEDS_PLC,
         description="The blocks (or PLC data types) of one page in the tree's order (a folder's subfolders before "
                     "its own objects, each level by name whatever its case), those whose name holds find; every "
                     "folder with the objects directly in it; how many objects there are and match. A page costs "
                     "what it shows, where the tree's listing costs the whole program."),
    read("blocks.content", SECTION, "Get the full content of a block including its interface and network code.",
         f"{BLOCK_PATH}/{{blockName}}/content", block_content, schemas.BlockRef, schemas.BlockContent,
         errors=NEEDS_PLC),
    Operation(
        name="blocks.create",
        summary="Create a new block (OB, FB, FC, or DB) with optional interface and network code.",
        section=SECTION, handler=create_block, input=schemas.CreateBlockInput, output=schemas.BlockWriteResult,
        route=RouteSpec("POST", BLOCK_PATH), errors=WRITES, example=_SPEC_EXAMPLE,
        snapshot_targets=_snap(lambda d: d.name or (d.spec or {}).get("name") or ""),
        destructive=True, preview=p.preview_create,
    ),
    Operation(
        name="blocks.generate-and-import",
        summary="Generate a block from {BlockType, Name, Language} (or a spec) and import it.",
        section=SECTION, handler=create_block, input=schemas.CreateBlockInput, output=schemas.BlockWriteResult,
        route=RouteSpec("POST", f"{BLOCK_PATH}/generate-and-import"), errors=WRITES,
        example={"BlockType": "FB", "Name": "FB_New", "Language": "SCL"},
        snapshot_targets=_snap(lambda d: d.name or (d.spec or {}).get("name") or ""),
        destructive=True, preview=p.preview_create,
    ),
    Operation(
        name="blocks.update", summary="Update the content of an existing block (interface and network code).",
        section=SECTION, handler=update_block, input=schemas.UpdateBlockInput, output=schemas.BlockWriteResult,
        route=RouteSpec("PUT", f"{BLOCK_PATH}/{{blockName}}/content"), errors=WRITES, snapshot_targets=_BY_BLOCK,
    ),
    Operation(
        name="blocks.delete", summary="Delete a block from the device program.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.blocks.delete_block(d.device_name, d.block_name), input=schemas.BlockRef,
        output=BlockInfo, route=RouteSpec("DELETE", f"{BLOCK_PATH}/{{blockName}}"), errors=NEEDS_PLC,
        snapshot_targets=_BY_BLOCK,
        destructive=True, preview=p.preview_delete,
    ),
    Operation(
        name="blocks.rename", summary="Rename an existing block.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.blocks.rename_block(d.device_name, d.block_name, d.new_name),
        input=schemas.RenameInput, output=BlockInfo, route=RouteSpec("POST", f"{BLOCK_PATH}/actions/rename"),
        async_route=RouteSpec("POST", f"{BLOCK_PATH}/actions/rename-async"), errors=WRITES,
        snapshot_targets=_BY_BLOCK, example={"blockName": "FC_Old", "newName": "FC_New"},
    ),
    Operation(
        name="blocks.export", summary="Export a block to an XML file.", section=SECTION, handler=export_block,
        input=schemas.ExportInput, output=schemas.FileWritten,
        route=RouteSpec("POST", f"{BLOCK_PATH}/actions/export-sync"),
        async_route=RouteSpec("POST", f"{BLOCK_PATH}/actions/export"), long_running=True,
        files={"export_path": FileRule(extensions=None, writes=True)}, errors=(*NEEDS_PLC, e.AlreadyExistsError),
        example={"blockName": "FB_Motor", "exportPath": "export/FB_Motor.xml"},
        destructive=True, preview=p.preview_export,
    ),
    Operation(
        name="blocks.import", summary="Import a block from an XML file.", section=SECTION, handler=import_block,
        input=schemas.ImportInput, output=schemas.BlockWriteResult,
        route=RouteSpec("POST", f"{BLOCK_PATH}/actions/import-sync"),
        async_route=RouteSpec("POST", f"{BLOCK_PATH}/actions/import"), long_running=True,
        files={"import_file_path": FileRule(extensions=XML, must_exist=True, allow_directory=False)}, errors=WRITES,
        example={"importFilePath": "export/FB_Motor.xml", "overwrite": False},
        destructive=True, preview=p.preview_import,
    ),
    Operation(
        name="blocks.networks.add", summary="Add one or more networks to an existing block.", section=SECTION,
        handler=add_networks, input=schemas.NetworksInput, output=schemas.BlockWriteResult,
        route=RouteSpec("POST", f"{BLOCK_PATH}/{{blockName}}/networks"), errors=WRITES, snapshot_targets=_BY_BLOCK,
        example={"networks": [{"title": "Count", "scl": "#Count := #Count + 1;"}]},
    ),
    Operation(
        name="blocks.members.add",
        summary="Add a new member to the block interface (Input, Output, InOut, Static, Temp, etc.).",
        section=SECTION, handler=add_member, input=schemas.MemberInput, output=schemas.MemberResult,
        route=RouteSpec("POST", f"{BLOCK_PATH}/{{blockName}}/interface/members"), errors=WRITES,
        snapshot_targets=_BY_BLOCK, example={"section": "Static", "name": "Count", "dataType": "Int", "startValue": 0},
    ),
    Operation(
        name="blocks.members.update", summary="Update an existing interface member (change data type, comment, etc.).",
        section=SECTION, handler=update_member, input=schemas.MemberUpdateInput, output=schemas.MemberResult,
        route=RouteSpec("PUT", f"{BLOCK_PATH}/{{blockName}}/interface/members/{{memberName}}"), errors=WRITES,
        snapshot_targets=_BY_BLOCK, example={"dataType": "DInt", "comment": "counter"},
    ),
    Operation(
        name="blocks.members.delete", summary="Delete an interface member from a block.", section=SECTION,
        handler=delete_member, input=schemas.MemberRef, output=schemas.MemberResult,
        route=RouteSpec("DELETE", f"{BLOCK_PATH}/{{blockName}}/interface/members/{{memberName}}"), errors=WRITES,
        snapshot_targets=_BY_BLOCK,
        destructive=True, preview=p.preview_member_delete,
    ),
    *_folder_operations("blocks", BLOCK_PATH, "Create a new folder in the program blocks tree.",
                        "Delete a folder from the program blocks tree (with what is inside).",
                        lambda blocks, device, folder: blocks.create_block_folder(device, folder),
                        lambda blocks, device, folder: blocks.delete_block_folder(device, folder),
                        p.preview_folder_delete, example={"folderPath": "Motors/Pumps"}),
    read("blocks.export-xml", SECTION, "Export a block as SimaticML XML and return the XML content directly.",
         f"{BLOCK_PATH}/{{blockName}}/export-xml", export_xml, schemas.BlockRef, str, errors=NEEDS_PLC),
    Operation(
        name="blocks.export-content",
        summary="A block as SimaticML (format xml) or SCL source (format scl), in the answer.",
        section=SECTION, handler=export_one, input=schemas.BlockExportInput, output=schemas.BlockExport,
        route=RouteSpec("POST", f"{BLOCK_PATH}/{{blockName}}/export"), mutating=False, errors=NEEDS_PLC,
        description="What T-IA Connect's export tool calls with {Format}; no file is written (export-xml, "
                    "export-source and actions/export write or return the same content their own way).",
        example={"format": "scl"},
    ),
    read("blocks.source", SECTION, "The SCL source of a block (as TIA's Generate source from blocks).",
         f"{BLOCK_PATH}/{{blockName}}/source", block_source, schemas.BlockRef, schemas.SourceText, errors=NEEDS_PLC),
    Operation(
        name="blocks.export-source", summary="Export a block as SCL source code to a file path.", section=SECTION,
        handler=export_source, input=schemas.ExportSourceInput, output=schemas.FileWritten,
        route=RouteSpec("POST", f"{BLOCK_PATH}/{{blockName}}/actions/export-source"),
        files={"export_path": FileRule(extensions=None, writes=True)}, errors=(*NEEDS_PLC, e.AlreadyExistsError),
        example={"exportPath": "sources/FC_Scale.scl"},
        destructive=True, preview=p.preview_export_source,
    ),
    Operation(
        name="blocks.load-start-values", summary="Load start values to actual values for a data block.",
        section=SECTION, handler=load_start_values, input=schemas.BlockRef, output=dict[str, Any],
        route=RouteSpec("POST", f"{BLOCK_PATH}/{{blockName}}/actions/load-start-values"),
        errors=(*NEEDS_PLC, e.ConflictError),
        destructive=True, preview=p.preview_load_start_values,
    ),
    Operation(
        name="blocks.export-prodiag", summary="Export ProDIAG diagnostic data from a block to a file.", section=SECTION,
        handler=export_prodiag, input=schemas.BlockRef, output=dict[str, Any],
        route=RouteSpec("POST", f"{BLOCK_PATH}/{{blockName}}/actions/export-prodiag"),
        errors=(*NEEDS_PLC, e.NotSupportedError),
    ),
    read("blocks.cross-references", SECTION,
         "What a block uses (calls, instance DBs, types, global tags) and who uses it.",
         f"{BLOCK_PATH}/{{blockName}}/cross-references", cross_references, schemas.BlockRef, schemas.CrossReferences,
         errors=NEEDS_PLC),
    read("external-sources.list", SECTION, "List all external sources in the device.", SOURCE_PATH,
         lambda ctx, d: ctx.backend.blocks.list_external_sources(d.device_name), schemas.DeviceRef,
         list[ExternalSourceInfo], errors=NEEDS_PLC),
    Operation(
        name="external-sources.from-file", summary="Create an external source from an existing SCL file on disk.",
        section=SECTION, handler=from_file, input=schemas.SourceFileInput, output=ExternalSourceInfo,
        route=RouteSpec("POST", f"{SOURCE_PATH}/from-file"),
        files={"file_path": FileRule(must_exist=True, allow_directory=False)},
        errors=(*NEEDS_PLC, e.AlreadyExistsError),
        example={"filePath": "sources/Motor.scl"},
        destructive=True, preview=p.preview_source_file,
    ),
    Operation(
        name="external-sources.from-text", summary="Create an external source from raw SCL text content.",
        section=SECTION,
        handler=lambda ctx, d: ctx.backend.blocks.add_external_source(d.device_name, d.name, d.text, folder=d.folder,
                                                               overwrite=d.overwrite),
        input=schemas.SourceTextInput, output=ExternalSourceInfo, route=RouteSpec("POST", f"{SOURCE_PATH}/from-text"),
        errors=(*NEEDS_PLC, e.AlreadyExistsError), example={"name": "One.scl", "text": _SCL_EXAMPLE},
        destructive=True, preview=p.preview_source_text,
    ),
    Operation(
        name="external-sources.delete", summary="Delete an external source from the device.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.blocks.delete_external_source(d.device_name, d.source_name),
        input=schemas.SourceRef, output=ExternalSourceInfo, route=RouteSpec("DELETE", f"{SOURCE_PATH}/{{sourceName}}"),
        errors=NEEDS_PLC,
        destructive=True, preview=p.preview_source_delete,
    ),
    Operation(
        name="external-sources.generate",
        summary="Generate (compile) blocks from an external source into the TIA Portal project.",
        section=SECTION, handler=generate_source, input=schemas.GenerateInput, output=schemas.GenerateResult,
        route=RouteSpec("POST", f"{SOURCE_PATH}/{{sourceName}}/generate"), long_running=True, errors=WRITES,
        destructive=True, preview=p.preview_generate,
    ),
    *_folder_operations("external-sources", SOURCE_PATH, "Create a folder in the external sources tree.",
                        "Delete a folder from the external sources tree.",
                        lambda blocks, device, folder: blocks.create_external_source_folder(device, folder),
                        lambda blocks, device, folder: blocks.delete_external_source_folder(device, folder),
                        p.preview_source_folder_delete, example={"folderPath": "Library"}),
    Operation(
        name="external-sources.import-and-generate",
        summary="Import raw SCL source text and compile it into TIA Portal blocks.",
        section=SECTION, handler=import_and_generate, input=schemas.ImportAndGenerateInput,
        output=schemas.GenerateResult,
        route=RouteSpec("POST", f"{SOURCE_PATH}/import-and-generate"), long_running=True, errors=WRITES,
        example={"SclContent": _SCL_EXAMPLE, "SourceName": "One.scl"},
        destructive=True, preview=p.preview_import_and_generate,
    ),
)
