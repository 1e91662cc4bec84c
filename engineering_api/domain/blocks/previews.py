"""Dry runs of the destructive Blocks operations (:mod:`engineering_api.jobs.preview`): what a delete, an overwriting
import or export, or a start-value load would do, read through the same port calls the handlers use.

Each preview raises what its handler raises for the same bad input (an unknown block is ``BLOCK_NOT_FOUND``, a
member still used is ``MEMBER_IN_USE``, an existing name without ``overwrite`` is ``OBJECT_EXISTS``...).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engineering_api.backend import errors as e
from engineering_api.domain.blockgen import import_preview, target_for
from engineering_api.domain.blocks.members import deletable_member
from engineering_api.domain.blocks.sources import users_of
from engineering_api.domain.blocks.support import (
    DB_KINDS,
    block_xml,
    export_target,
    parse_document,
    folder_path_of,
    read_block,
    require_block,
    source_of,
)
from engineering_api.errors import codes
from engineering_api.jobs.preview import PlannedChange, Preview, file_change, names, object_detail, plan, plural
from engineering_api.rules.source_generation import generated, named_objects, refuse_existing

if TYPE_CHECKING:
    from engineering_api.domain.blocks.schemas import (
        BlockRef,
        CreateBlockInput,
        ExportInput,
        ExportSourceInput,
        FolderInput,
        GenerateInput,
        ImportAndGenerateInput,
        ImportInput,
        MemberRef,
        SourceFileInput,
        SourceRef,
        SourceTextInput,
    )
    from engineering_api.jobs.operations import OperationContext

__all__ = (
    "preview_create", "preview_delete", "preview_export", "preview_export_source", "preview_folder_delete",
    "preview_generate", "preview_import", "preview_import_and_generate", "preview_load_start_values",
    "preview_member_delete", "preview_source_delete", "preview_source_file", "preview_source_folder_delete",
    "preview_source_text",
)


def _normalised(path: str) -> str:
    """A folder path as the trees list it (``a\\b``, `` a / b `` and ``/a/b/`` are ``a/b``)."""
    return "/".join(part.strip() for part in path.strip().strip("/\\").replace("\\", "/").split("/"))


def _inside(folder: str, path: str) -> bool:
    return folder == path or folder.startswith(path + "/")


def _require_folder(folders: list[str], path: str, given: str) -> None:
    if path not in folders:
        raise e.NotFoundError(f"The folder '{given}' was not found.", code=codes.FOLDER_NOT_FOUND)



# ----- deletes -----------------------------------------------------------------------------------
def preview_delete(ctx: OperationContext, d: BlockRef) -> Preview:
    """blocks.delete."""
    info = ctx.backend.blocks.get_block(d.device_name, d.block_name)
    detail = object_detail(info.block_type, info.number) + (f" in folder '{info.folder}'" if info.folder else "")
    change = PlannedChange(action="delete", kind="block", name=info.name, device=d.device_name, detail=detail)
    warnings = []
    instances: list[str] = []
    if info.block_type == "FB":
        instances = [b.name for b in ctx.backend.blocks.list_blocks(d.device_name) if b.instance_of == info.name]
        if instances:
            warnings.append(f"Instance data blocks of '{info.name}' stay and lose their FB: {names(instances)}.")
    # Who refers to it stops compiling: callers, and blocks that use it as a type or access it (the orphaned
    # instance DBs are named above).
    users = [f"{name} ({how.lower()})" for name, how in users_of(ctx, d.device_name, info.name)
             if name not in instances]
    if users:
        warnings.append(f"Blocks that refer to '{info.name}' will no longer compile: {', '.join(users)}.")
    number = f" ({object_detail(info.block_type, info.number)})" if info.number is not None else f" ({info.block_type})"
    return plan(f"Would delete block '{info.name}'{number} from {d.device_name}.", [change], warnings)


def preview_member_delete(ctx: OperationContext, d: MemberRef) -> Preview:
    """blocks.members.delete: refused like the call while a network uses the member."""
    info, _, section, _, member = deletable_member(ctx, d)
    change = PlannedChange(action="delete", kind="member", name=f"{info.name}.{member.name}", device=d.device_name,
                           detail=f"{section.name} {member.datatype}")
    return plan(f"Would delete the {section.name} member '{member.name}' ({member.datatype}) of block '{info.name}' "
                f"in {d.device_name}.", [change])


def _folder_deletions(d: FolderInput, folders: list[str]) -> tuple[str, list[str], list[PlannedChange]]:
    """The folder ``d`` names (refused like the call when missing), its subfolders, and their deletions."""
    given = folder_path_of(d)
    path = _normalised(given)
    _require_folder(folders, path, given)
    sub = [f for f in folders if f != path and _inside(f, path)]
    return path, sub, [PlannedChange(action="delete", kind="folder", name=f, device=d.device_name)
                       for f in [path, *sub]]


def preview_folder_delete(ctx: OperationContext, d: FolderInput) -> Preview:
    """blocks.folders.delete: the folder, its subfolders and every block in them."""
    path, sub, changes = _folder_deletions(d, ctx.backend.blocks.block_folders(d.device_name))
    blocks = [b for b in ctx.backend.blocks.list_blocks(d.device_name) if _inside(b.folder, path)]
    changes += [PlannedChange(action="delete", kind="block", name=b.name, device=d.device_name,
                              detail=object_detail(b.block_type, b.number) + f" in '{b.folder}'") for b in blocks]
    inside = f" with {plural(len(blocks), 'block')} ({names(b.name for b in blocks)})" if blocks \
        else " (no blocks inside)"
    more = f" and {plural(len(sub), 'subfolder')}" if sub else ""
    return plan(f"Would delete the block folder '{path}'{more}{inside} from {d.device_name}.", changes)


def preview_source_delete(ctx: OperationContext, d: SourceRef) -> Preview:
    """external-sources.delete."""
    source = next((s for s in ctx.backend.blocks.list_external_sources(d.device_name) if s.name == d.source_name), None)
    if source is None:
        raise e.NotFoundError(f"The external source '{d.source_name}' was not found.", code=codes.SOURCE_NOT_FOUND)
    detail = plural(source.line_count, "line") + (f" in '{source.folder}'" if source.folder else "")
    return plan(f"Would delete the external source '{source.name}' from {d.device_name} (its generated blocks stay).",
                [PlannedChange(action="delete", kind="externalSource", name=source.name, device=d.device_name,
                               detail=detail)])


def preview_source_folder_delete(ctx: OperationContext, d: FolderInput) -> Preview:
    """external-sources.folders.delete: the folder, its subfolders and every source in them."""
    path, _, changes = _folder_deletions(d, ctx.backend.blocks.external_source_folders(d.device_name))
    sources = [s for s in ctx.backend.blocks.list_external_sources(d.device_name) if _inside(s.folder, path)]
    changes += [PlannedChange(action="delete", kind="externalSource", name=s.name, device=d.device_name,
                              detail=f"in '{s.folder}'") for s in sources]
    inside = (f" with {plural(len(sources), 'external source')} ({names(s.name for s in sources)})" if sources
              else " (no sources inside)")
    return plan(f"Would delete the external source folder '{path}'{inside} from {d.device_name}.", changes)


# ----- imports and generation (destructive with overwrite) ---------------------------------------
def preview_create(ctx: OperationContext, d: CreateBlockInput) -> Preview:
    """blocks.create and blocks.generate-and-import."""
    xml, name = block_xml(ctx, d, d.device_name)
    return import_preview(ctx, d.device_name, [(f"{name}.xml", xml)], overwrite=d.overwrite)


def preview_import(ctx: OperationContext, d: ImportInput) -> Preview:
    """blocks.import."""
    path = Path(d.import_file_path)
    raw = path.read_bytes()
    require_block(parse_document(raw, path.name), path.name)
    return import_preview(ctx, d.device_name, [(path.name, raw)], overwrite=d.overwrite)


def _source_change(ctx: OperationContext, device: str, name: str, overwrite: bool) -> PlannedChange:
    """Adding an external source: ``overwrite`` of one of that name (refused without ``overwrite``), else ``create``."""
    clash = next((s for s in ctx.backend.blocks.list_external_sources(device) if s.name.lower() == name.lower()), None)
    if clash is not None and not overwrite:
        raise e.AlreadyExistsError(f"The external source '{name}' already exists.", code=codes.SOURCE_EXISTS)
    if clash is not None:
        return PlannedChange(action="overwrite", kind="externalSource", name=clash.name, device=device,
                             detail=f"replaces {plural(clash.line_count, 'line')} of text")
    return PlannedChange(action="create", kind="externalSource", name=name, device=device, detail="new source")


def _source_preview(change: PlannedChange, device: str) -> Preview:
    if change.action == "overwrite":
        return plan(f"Would overwrite the external source '{change.name}' in {device}.", [change])
    return plan(f"Would create the external source '{change.name}' in {device}; nothing would be overwritten.",
                [change])


def preview_source_text(ctx: OperationContext, d: SourceTextInput) -> Preview:
    """external-sources.from-text."""
    return _source_preview(_source_change(ctx, d.device_name, d.name, d.overwrite), d.device_name)


def preview_source_file(ctx: OperationContext, d: SourceFileInput) -> Preview:
    """external-sources.from-file."""
    name = d.name or Path(d.file_path).name
    return _source_preview(_source_change(ctx, d.device_name, name, d.overwrite), d.device_name)


def _generate_preview(ctx: OperationContext, device: str, source_name: str, text: str, *, overwrite: bool,
                      extra: list[PlannedChange] | None = None) -> Preview:
    objects = named_objects(ctx.backend, device, text)
    result, _ = generated(ctx.backend, device, source_name, text, version=target_for(ctx, None), objects=objects)
    documents = [(f"{b.name}.xml", b.xml) for b in result.blocks]
    if not overwrite:
        refuse_existing(objects, device, source_name, [b.name for b in result.blocks])
    return import_preview(ctx, device, documents, overwrite=overwrite, extra=extra)


def preview_generate(ctx: OperationContext, d: GenerateInput) -> Preview:
    """external-sources.generate: the blocks the source generates, and which of them exist already."""
    text = ctx.backend.blocks.read_external_source(d.device_name, d.source_name)
    return _generate_preview(ctx, d.device_name, d.source_name, text, overwrite=d.overwrite)


def preview_import_and_generate(ctx: OperationContext, d: ImportAndGenerateInput) -> Preview:
    """external-sources.import-and-generate: the generated blocks, and the source kept (always replaced)."""
    name = d.source_name if "." in d.source_name else f"{d.source_name}.scl"
    preview = _generate_preview(ctx, d.device_name, name, d.scl_content, overwrite=d.overwrite)
    source = _source_change(ctx, d.device_name, name, True)
    summary = preview.summary[:-1] + (f", and overwrite the external source '{source.name}'."
                                      if source.action == "overwrite" else f", and keep the text as '{name}'.")
    return plan(summary, [*preview.changes, source], preview.warnings)


# ----- exports (destructive with overwrite) ------------------------------------------------------
def preview_export(ctx: OperationContext, d: ExportInput) -> Preview:
    """blocks.export."""
    ctx.backend.blocks.get_block(d.device_name, d.block_name)
    change, what = file_change(export_target(d.export_path, d.block_name, ".xml", d.overwrite), d.overwrite)
    return plan(f"Would export block '{d.block_name}' of {d.device_name} and {what}.", [change] if change else [])


def preview_export_source(ctx: OperationContext, d: ExportSourceInput) -> Preview:
    """blocks.export-source (refused like the call for a block without SCL source)."""
    _, _, doc = read_block(ctx, d.device_name, d.block_name)
    source_of(doc)
    ext = ".udt" if doc.object.element.endswith("PlcStruct") else ".db" if "DB" in type(doc.object).__name__ else ".scl"
    change, what = file_change(export_target(d.export_path, d.block_name, ext, d.overwrite), d.overwrite)
    return plan(f"Would write the SCL source of '{d.block_name}' of {d.device_name} and {what}.",
                [change] if change else [])


# ----- online --------------------------------------------------------------------------------------
def preview_load_start_values(ctx: OperationContext, d: BlockRef) -> Preview:
    """blocks.load-start-values: the data block's actual values in the online CPU go back to start values."""
    info = ctx.backend.blocks.get_block(d.device_name, d.block_name)
    if info.block_type not in DB_KINDS:
        raise e.ValidationError(f"'{info.name}' is a {info.block_type}; only data blocks have start values.",
                                code=codes.NOT_A_DATA_BLOCK)
    status = ctx.backend.online.online_status(d.device_name)
    if not status.online or status.instance_name is None:
        raise e.ConflictError(
            f"Loading start values as actual values needs an online connection. The device \"{d.device_name}\" is "
            f"offline. Go online first (POST /api/devices/{d.device_name}/online).", code=codes.NOT_ONLINE,
        )
    compared = ctx.backend.online.compare_online(d.device_name, instance_name=status.instance_name)
    entry = next((x for x in compared.entries if x.name.lower() == info.name.lower()), None)
    if entry is None or entry.status == "OnlyOffline":
        raise e.ConflictError(
            f'The data block "{info.name}" is not in the program of "{status.instance_name}". Download the device '
            f"first (POST /api/devices/{d.device_name}/actions/download-sync).", code=codes.NOT_DOWNLOADED,
        )
    state = (status.operating_state or "").upper()
    change = PlannedChange(action="reset", kind="block", name=info.name, device=d.device_name,
                           detail=f"actual values in CPU '{status.instance_name}' ({state}) become the start values")
    return plan(f"Would set the actual values of '{info.name}' in the CPU '{status.instance_name}' back to its start "
                "values; the values it holds now are lost.", [change])
