"""Project graphics through an HMI panel: import, export and delete the project's images.

``POST …/hmi/project-graphics/actions/import {importFilePath, name, overwrite}`` adds a PNG, SVG or EMF image
(``name`` defaults to the file's stem; the type is read from the bytes and must match the file's extension, 422
``GRAPHIC_TYPE_MISMATCH``; at most 8 MiB, 422 ``GRAPHIC_TOO_LARGE``; anything else 422 ``UNSUPPORTED_GRAPHIC``; a
name taken 409 ``GRAPHIC_EXISTS`` unless ``overwrite``), ``POST …/hmi/project-graphics/{graphicName}/actions/export
{exportPath, overwrite}`` writes it as ``<name>.png|svg|emf``, ``DELETE …/hmi/project-graphics/{graphicName}`` removes
it (404 ``GRAPHIC_NOT_FOUND``). Engineer, audited, with dry runs. Over Openness the image itself cannot be moved (501
``NO_OPENNESS_EQUIVALENT``, see :mod:`openness_bridge.hmi_graphics`); the list and delete work there too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi_graphics import HmiProjectGraphicInfo
from engineering_api.domain.blocks.support import target_file
from engineering_api.domain.hmi_tree import NEEDS_HMI, HMI, SECTION, HmiDeviceRef
from engineering_api.errors import codes
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec
from engineering_api.jobs.preview import PlannedChange, Preview, file_change, plan
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.hmi_graphics import EXTENSIONS, MAX_GRAPHIC_BYTES, check_graphic_name, sniff_graphic

__all__ = ("OPERATIONS",)

_ERRORS = (*NEEDS_HMI, e.AlreadyExistsError)


class GraphicImportInput(HmiDeviceRef, kw_only=True):
    """An image inside the roots; ``name`` defaults to the file's stem."""

    import_file_path: str
    name: str = ""
    """Name of the new graphic; the image file's name without its extension when empty."""
    overwrite: bool = False


class GraphicExportInput(HmiDeviceRef, kw_only=True):
    """Where to write a graphic's image (a file, or a folder to write ``<name>.<format>`` into)."""

    graphic_name: str
    export_path: str
    overwrite: bool = False


class GraphicRef(HmiDeviceRef, kw_only=True):
    """A project graphic, asked for through an HMI panel."""

    graphic_name: str


class GraphicExportResult(CamelStruct):
    """Where a graphic was written."""

    name: str
    format: str
    export_path: str
    size: int


def _image(d: GraphicImportInput) -> tuple[str, bytes, str]:
    """(name, bytes, format) of an import, checked before the backend sees it.

    Raises:
        ValidationError: ``GRAPHIC_TOO_LARGE``, ``UNSUPPORTED_GRAPHIC``, ``GRAPHIC_TYPE_MISMATCH``, ``INVALID_NAME``.
    """
    path = Path(d.import_file_path)
    if path.stat().st_size > MAX_GRAPHIC_BYTES:  # refused before it is read
        raise e.ValidationError(f"{path.name} is {path.stat().st_size} bytes; a project graphic may have at most "
                                f"{MAX_GRAPHIC_BYTES}.", code=codes.GRAPHIC_TOO_LARGE)
    data = path.read_bytes()
    fmt = sniff_graphic(data, path.name)
    if path.suffix.lower() != EXTENSIONS[fmt]:
        named = path.suffix or "without an extension"
        raise e.ValidationError(f"{path.name} is a {fmt.upper()} image but named {named}; name it *{EXTENSIONS[fmt]}.",
                                code=codes.GRAPHIC_TYPE_MISMATCH,
                                details={"format": fmt})
    name = d.name or path.stem
    check_graphic_name(name)
    return name, data, fmt


def _import(ctx: OperationContext, d: GraphicImportInput) -> HmiProjectGraphicInfo:
    name, data, _ = _image(d)
    return ctx.backend.hmi_graphics.import_hmi_project_graphic(d.device_name, name, data, overwrite=d.overwrite,
                                                  source=Path(d.import_file_path).name)


def _existing(ctx: OperationContext, device: str, name: str) -> HmiProjectGraphicInfo | None:
    graphics = ctx.backend.hmi_graphics.list_hmi_project_graphics(device)
    return next((g for g in graphics if g.name.casefold() == name.casefold()), None)


def _preview_import(ctx: OperationContext, d: GraphicImportInput) -> Preview:
    name, data, fmt = _image(d)
    existing = _existing(ctx, d.device_name, name)
    if existing is not None and not d.overwrite:
        raise e.AlreadyExistsError(f"The project graphic '{existing.name}' exists. Send overwrite=true to replace it.",
                                   code=codes.GRAPHIC_EXISTS, details={"name": existing.name})
    action = "overwrite" if existing else "create"
    return plan(f"Would {action} the project graphic '{existing.name if existing else name}' ({fmt.upper()}, "
                f"{len(data)} bytes).", [PlannedChange(action=action, kind="projectGraphic",
                                                       name=existing.name if existing else name)])


def _export(ctx: OperationContext, d: GraphicExportInput, *, create: bool = True) -> Any:
    graphic = ctx.backend.hmi_graphics.export_hmi_project_graphic(d.device_name, d.graphic_name)
    suffix = EXTENSIONS[graphic.format]
    if not create:
        from engineering_api.domain.blocks.support import export_target

        change, what = file_change(export_target(d.export_path, graphic.name, suffix, d.overwrite), d.overwrite)
        return plan(f"Would export the project graphic '{graphic.name}' and {what}.", [change] if change else [])
    target = target_file(d.export_path, graphic.name, suffix, d.overwrite)
    if target.suffix.lower() != suffix:
        raise e.ValidationError(f"The export file must end in {suffix} (the image is {graphic.format.upper()}).",
                                code=codes.PATH_REJECTED, details={"field": "exportPath"})
    target.write_bytes(graphic.data)
    return GraphicExportResult(name=graphic.name, format=graphic.format, export_path=str(target),
                               size=len(graphic.data))


def _delete(ctx: OperationContext, d: GraphicRef) -> dict[str, str]:
    ctx.backend.hmi_graphics.delete_hmi_project_graphic(d.device_name, d.graphic_name)
    return {"deleted": d.graphic_name}


def _preview_delete(ctx: OperationContext, d: GraphicRef) -> Preview:
    existing = _existing(ctx, d.device_name, d.graphic_name)
    if existing is None:
        raise e.NotFoundError(f"The project has no graphic '{d.graphic_name}'.", code=codes.GRAPHIC_NOT_FOUND,
                              details={"name": d.graphic_name})
    return plan(f"Would delete the project graphic '{existing.name}'.",
                [PlannedChange(action="delete", kind="projectGraphic", name=existing.name)])


GRAPHICS = f"{HMI}/project-graphics"

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="hmi.project-graphics.import", summary="Import a project graphic (PNG, SVG or EMF).", section=SECTION,
        handler=_import, input=GraphicImportInput, output=HmiProjectGraphicInfo,
        route=RouteSpec("POST", f"{GRAPHICS}/actions/import"), errors=_ERRORS, destructive=True,
        files={"import_file_path": FileRule(extensions=tuple(EXTENSIONS.values()), must_exist=True,
                                            allow_directory=False)},
        preview=_preview_import, example={"importFilePath": "images/Lamp_on.png", "name": "Lamp_on"},
        description="The type is read from the bytes (PNG, SVG without DTD, EMF) and must match the extension; at "
                    "most 8 MiB. A name taken: 409 GRAPHIC_EXISTS unless overwrite=true. Over Openness: 501 "
                    "NO_OPENNESS_EQUIVALENT.",
    ),
    Operation(
        name="hmi.project-graphics.export", summary="Export a project graphic's image to a file.", section=SECTION,
        handler=_export, input=GraphicExportInput, output=GraphicExportResult,
        route=RouteSpec("POST", f"{GRAPHICS}/{{graphicName}}/actions/export"), errors=_ERRORS, destructive=True,
        files={"export_path": FileRule(writes=True)}, preview=lambda ctx, d: _export(ctx, d, create=False),
        example={"exportPath": "images"},
        description="The image as imported, <name>.png|svg|emf; an existing file is kept unless overwrite. Unknown "
                    "graphic: 404 GRAPHIC_NOT_FOUND. Over Openness: 501 NO_OPENNESS_EQUIVALENT.",
    ),
    Operation(
        name="hmi.project-graphics.delete", summary="Delete a project graphic.", section=SECTION, handler=_delete,
        input=GraphicRef, output=dict[str, str], route=RouteSpec("DELETE", f"{GRAPHICS}/{{graphicName}}"),
        errors=NEEDS_HMI, destructive=True, preview=_preview_delete,
        description="MultiLingualGraphic.Delete(); graphic lists that name it are left as they are. "
                    "Unknown graphic: 404 GRAPHIC_NOT_FOUND.",
    ),
)
