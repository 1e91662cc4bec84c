"""HMI reference routes beyond screens and tags: VB scripts, text lists, graphic lists, project graphics, HMI
library types and the Unified routes.

``GET …/hmi/scripts/tree`` and ``…/hmi/scripts/{scriptName}/content`` (VB scripts of Comfort/Advanced panels),
``GET …/hmi/text-lists`` and ``…/hmi/text-lists/{listName}/xml`` (the list's SimaticML, ``Hmi.TextGraphicList.
TextList``), ``GET …/hmi/graphic-lists``, ``GET …/hmi/project-graphics`` (the project's graphics; their import,
export and delete are :mod:`engineering_api.domain.hmi_graphics`), the project library's HMI types (``GET
/api/hmi/library-types/detailed``, ``…/hmi/library-types/{typeName}``), ``GET /api/hmi/unified/summary`` (every HMI
device of the project with its kind and object counts) and ``GET …/hmi/unified/tags/tree`` (a Unified panel's tag
tables and tags; a classic panel 422 ``NOT_A_UNIFIED_PANEL``). A Unified panel's scripts are
its global JavaScript modules; its text and graphic lists come from its object model
(:mod:`engineering_api.domain.hmi_unified`), exported and imported as the Unified JSON document (``.json``).
Scripts and lists come in through imports (``POST …/hmi/scripts|text-lists|graphic-lists/actions/import``, engineer,
``overwrite`` to replace, with dry runs) since a new panel has none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi_graphics import HmiProjectGraphicInfo
from engineering_api.backend.areas.hmi_resources import (
    HmiGraphicListInfo,
    HmiLibraryTypeInfo,
    HmiScriptInfo,
    HmiTextListInfo,
)
from engineering_api.domain.hmi_tree import (
    NEEDS_HMI,
    HMI,
    SECTION,
    FolderNode,
    HmiDevice,
    HmiDeviceRef,
    HmiTagTree,
    NoInput,
    SkippedDevice,
    folder_tree,
    panel_read,
    tag_tree,
)
from engineering_api.domain.hmi_graphics import OPERATIONS as GRAPHIC_OPERATIONS
from engineering_api.domain.hmi_unified import OPERATIONS as UNIFIED_OPERATIONS
from engineering_api.domain.hmi_unified import import_part, preview_part, unified_export
from engineering_api.domain.hmi_unified_view import graphic_lists, panel_kind, scripts, text_lists, unified_or
from engineering_api.errors import codes
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan
from engineering_api.lib.schema import CamelStruct

__all__ = ("OPERATIONS",)

_IMPORT_FILE = {"import_file_path": FileRule(extensions=(".xml",), must_exist=True, allow_directory=False)}
_LIST_IMPORT_FILE = {"import_file_path": FileRule(extensions=(".xml", ".json"), must_exist=True,
                                                  allow_directory=False)}
_UNIFIED_PARTS = {"import_hmi_text_list": "text_lists", "import_hmi_graphic_list": "graphic_lists"}
"""The import methods a Unified panel answers from its object model, and the part of the document each takes."""


class ScriptRef(HmiDeviceRef):
    """A VB script of an HMI panel."""

    script_name: str


class TextListRef(HmiDeviceRef):
    """A text list of an HMI panel."""

    list_name: str


class LibraryTypeRef(HmiDeviceRef):
    """An HMI type of the project library, asked for through an HMI panel."""

    type_name: str


class ImportInput(HmiDeviceRef, kw_only=True):
    """A SimaticML file inside the roots; ``overwrite`` replaces an object of the same name."""

    import_file_path: str
    overwrite: bool = False


class ScriptFolderNode(FolderNode):
    """A folder of the "VB scripts" tree with its scripts and subfolders."""

    scripts: list[HmiScriptInfo] = []
    folders: list[ScriptFolderNode] = []


class HmiScriptTree(HmiDevice):
    """A panel's VB scripts as TIA's project tree shows them (Scripts > VB scripts)."""

    script_count: int
    root: ScriptFolderNode


class HmiScriptContent(HmiScriptInfo, kw_only=True):
    """A VB script with its code."""

    device_name: str
    content: str


class HmiProjectGraphics(HmiDevice):
    """The project graphics, with the device asked through."""

    graphics: list[HmiProjectGraphicInfo] = []


class HmiLibraryTypes(CamelStruct):
    """The project library's HMI types; ``note`` says how one is made when the list is empty."""

    types: list[HmiLibraryTypeInfo] = []
    note: str = ""


class HmiDeviceSummary(HmiDevice):
    """One HMI device: its kind and how many objects of each sort it has."""

    kind: str
    """``classic`` (WinCC Comfort/Advanced/Basic) or ``unified``."""
    screens: int = 0
    tag_tables: int = 0
    tags: int = 0
    connections: int = 0
    scripts: int = 0
    text_lists: int = 0
    graphic_lists: int = 0


class HmiSummary(CamelStruct):
    """Every HMI device of the project; devices whose HMI cannot be read are listed under ``skipped``."""

    device_count: int
    devices: list[HmiDeviceSummary] = []
    skipped: list[SkippedDevice] = []


def _script_tree(ctx: OperationContext, d: HmiDeviceRef) -> HmiScriptTree:
    found, root = unified_or(ctx, d.device_name,
                             lambda: (ctx.backend.hmi_resources.list_hmi_scripts(d.device_name), "VB scripts"),
                             lambda model: (scripts(model), "Global modules"))
    return HmiScriptTree(device_name=d.device_name, script_count=len(found),
                         root=folder_tree(ScriptFolderNode, root, "scripts", found))


def _module_content(model: Any, d: ScriptRef) -> HmiScriptContent:
    module = next((m for m in model.script_modules if m.name.casefold() == d.script_name.casefold()), None)
    if module is None:
        raise e.NotFoundError(f"The script module '{d.script_name}' was not found in '{d.device_name}'.",
                              code=codes.SCRIPT_NOT_FOUND, details={"name": d.script_name})
    if module.code is None:
        raise e.NotSupportedError(f"The code of the script module '{module.name}' cannot be read: Openness keeps it "
                                  "only in HmiSoftware.Scripts.Export files, whose layout no public source shows.",
                                  code=codes.NO_OPENNESS_EQUIVALENT)
    info = scripts(msgspec.structs.replace(model, script_modules=[module]))[0]
    return HmiScriptContent(name=info.name, type=info.type, language=info.language, line_count=info.line_count,
                            device_name=d.device_name, content=module.code)


def _script_content(ctx: OperationContext, d: ScriptRef) -> HmiScriptContent:
    return unified_or(ctx, d.device_name, lambda: _vb_content(ctx, d), lambda model: _module_content(model, d))


def _vb_content(ctx: OperationContext, d: ScriptRef) -> HmiScriptContent:
    from engineering_api.rules.hmi_resources import script_info
    from simatic_xml import hmi as sx
    from simatic_xml import hmi_lists as hl

    exported = ctx.backend.hmi_resources.export_hmi_script(d.device_name, d.script_name)
    doc = sx.read_hmi(exported.data, expect=sx.VB_SCRIPT)
    info = script_info(doc)
    folder = next((s.folder for s in ctx.backend.hmi_resources.list_hmi_scripts(d.device_name)
                   if s.name == exported.name), "")
    return HmiScriptContent(name=info.name, type=info.type, language=info.language, folder=folder,
                            line_count=info.line_count, device_name=d.device_name, content=hl.script_code(doc.root))


def _text_list_xml(ctx: OperationContext, d: TextListRef) -> str:
    exported = unified_or(ctx, d.device_name,
                          lambda: ctx.backend.hmi_resources.export_hmi_text_list(d.device_name, d.list_name),
                          lambda model: unified_export(model, "text_lists", d.list_name))
    return exported.data.decode("utf-8")


def _text_lists(ctx: OperationContext, d: HmiDeviceRef) -> list[HmiTextListInfo]:
    return unified_or(ctx, d.device_name, lambda: ctx.backend.hmi_resources.list_hmi_text_lists(d.device_name),
                      text_lists)


def _graphic_lists(ctx: OperationContext, d: HmiDeviceRef) -> list[HmiGraphicListInfo]:
    return unified_or(ctx, d.device_name, lambda: ctx.backend.hmi_resources.list_hmi_graphic_lists(d.device_name),
                      graphic_lists)


def _project_graphics(ctx: OperationContext, d: HmiDeviceRef) -> HmiProjectGraphics:
    return HmiProjectGraphics(device_name=d.device_name,
                              graphics=ctx.backend.hmi_graphics.list_hmi_project_graphics(d.device_name))


_EMPTY_LIBRARY = ("The project library holds no HMI types (faceplates, VB script types). A classic panel's VB script "
                  "becomes one with POST /api/project/library/types/versions {action: create, deviceName: <panel>, "
                  "objectName: <script>}; over Openness the list is read from ProjectLibrary.TypeFolder.")


def _library_types(ctx: OperationContext, _: NoInput) -> HmiLibraryTypes:
    types = ctx.backend.hmi_resources.list_hmi_library_types()
    return HmiLibraryTypes(types=types, note="" if types else _EMPTY_LIBRARY)


def _library_type(ctx: OperationContext, d: LibraryTypeRef) -> HmiLibraryTypeInfo:
    ctx.backend.hmi.list_hmi_screens(d.device_name)  # the device is a classic HMI panel (its errors first)
    types = ctx.backend.hmi_resources.list_hmi_library_types()
    found = next((t for t in types if t.name.lower() == d.type_name.lower()), None)
    if found is None:
        known = ", ".join(t.name for t in types) or "none: " + _EMPTY_LIBRARY
        raise e.NotFoundError(f"The project library has no HMI type '{d.type_name}' (HMI types: {known})",
                              code=codes.LIBRARY_TYPE_NOT_FOUND, details={"typeName": d.type_name})
    return found


def _summary(ctx: OperationContext, _: NoInput) -> HmiSummary:
    summary = HmiSummary(device_count=0)
    for device in ctx.backend.devices.list_devices():
        if device.device_kind != "hmi":
            continue
        summary.device_count += 1
        name = device.name
        try:
            kind, model = panel_kind(ctx, name)
            if model is not None:
                summary.devices.append(HmiDeviceSummary(
                    device_name=name, kind=kind, screens=len(model.screens), tag_tables=len(model.tag_tables),
                    tags=sum(len(t.tags) for t in model.tag_tables), connections=len(model.connections),
                    scripts=len(model.script_modules), text_lists=len(model.text_lists or ()),
                    graphic_lists=len(model.graphic_lists or ())))
                continue
            tables = ctx.backend.hmi.list_hmi_tag_tables(name)
            summary.devices.append(HmiDeviceSummary(
                device_name=name, kind="classic", screens=len(ctx.backend.hmi.list_hmi_screens(name)),
                tag_tables=len(tables), tags=sum(len(t.tags) for t in tables),
                connections=len(ctx.backend.hmi.list_hmi_connections(name)),
                scripts=len(ctx.backend.hmi_resources.list_hmi_scripts(name)),
                text_lists=len(ctx.backend.hmi_resources.list_hmi_text_lists(name)),
                graphic_lists=len(ctx.backend.hmi_resources.list_hmi_graphic_lists(name))))
        except (e.NotSupportedError, e.ValidationError) as exc:
            summary.skipped.append(SkippedDevice(device_name=name, code=exc.code, reason=exc.message))
    return summary


def _unified_tags(ctx: OperationContext, d: HmiDeviceRef) -> HmiTagTree:
    if panel_kind(ctx, d.device_name)[0] != "unified":
        raise e.ValidationError(
            f"'{d.device_name}' is a classic (WinCC Comfort/Advanced) panel, not a Unified one; its tags are at "
            f"GET /api/devices/{d.device_name}/hmi/tags/tree.", code=codes.NOT_A_UNIFIED_PANEL)
    return tag_tree(ctx, d.device_name)


def _importer(method: str) -> Any:
    def handler(ctx: OperationContext, d: ImportInput) -> Any:
        path = Path(d.import_file_path)
        if method in _UNIFIED_PARTS and panel_kind(ctx, d.device_name)[0] == "unified":
            return import_part(ctx, d.device_name, path, _UNIFIED_PARTS[method], d.overwrite)
        return getattr(ctx.backend.hmi_resources, method)(d.device_name, path.read_bytes(), overwrite=d.overwrite,
                                                      source=path.name)

    return handler


def _camel(code: str) -> str:
    """``TEXT_LIST`` → ``textList``: the kind a planned change names."""
    first, *rest = code.lower().split("_")
    return first + "".join(part.title() for part in rest)


def _preview(element: str, label: str, kind: str, listed: str, method: str) -> Any:
    """An import's dry run: what it creates or overwrites; the same refusals as the import."""

    def preview(ctx: OperationContext, d: ImportInput) -> Preview:
        from engineering_api.rules.hmi import read_document

        path = Path(d.import_file_path)
        if method in _UNIFIED_PARTS and panel_kind(ctx, d.device_name)[0] == "unified":
            return preview_part(ctx, d.device_name, path, _UNIFIED_PARTS[method], d.overwrite)
        doc = read_document(path.read_bytes(), element, path.name)
        name = doc.root.name
        listing = getattr(ctx.backend.hmi_resources, listed)(d.device_name)
        existing = next((x.name for x in listing if x.name.lower() == name.lower()), None)
        if existing is not None and not d.overwrite:
            raise e.AlreadyExistsError(f"The {label} '{existing}' exists in '{d.device_name}'. Send overwrite=true to "
                                       "replace it (TIA's ImportOptions.Override).",
                                       code=f"{kind.upper()}_EXISTS", details={"name": existing})
        action = "overwrite" if existing else "create"
        what = f"overwrite the {label} '{existing}'" if existing else f"create the {label} '{name}'"
        return plan(f"Would {what} in {d.device_name} from {path.name}.",
                    [PlannedChange(action=action, kind=_camel(kind), name=existing or name, device=d.device_name)])

    return preview


def _operations() -> tuple[Operation[Any, Any], ...]:
    from simatic_xml import hmi as sx

    imports = (
        ("hmi.scripts.import", "scripts", "import_hmi_script", HmiScriptInfo, sx.VB_SCRIPT, "VB script", "SCRIPT",
         "list_hmi_scripts", "An Hmi.RuntimeScripting.VBScript document (Sub or Function with its code)."),
        ("hmi.text-lists.import", "text-lists", "import_hmi_text_list", HmiTextListInfo, sx.TEXT_LIST, "text list",
         "TEXT_LIST", "list_hmi_text_lists", "An Hmi.TextGraphicList.TextList document, as GET …/xml returns it."),
        ("hmi.graphic-lists.import", "graphic-lists", "import_hmi_graphic_list", HmiGraphicListInfo, sx.GRAPHIC_LIST,
         "graphic list", "GRAPHIC_LIST", "list_hmi_graphic_lists", "An Hmi.TextGraphicList.GraphicList document."),
    )
    return (
        panel_read(
            "hmi.scripts.tree", "Get the HMI scripts tree structure.", "scripts/tree",
            _script_tree, HmiDeviceRef, HmiScriptTree,
            description="The 'VB scripts' folder of a classic panel: user folders with their scripts (Sub or "
                        "Function, line count); a Unified panel's global JavaScript modules.",
        ),
        panel_read(
            "hmi.scripts.content", "Get the source code content of a specific HMI script.",
            "scripts/{scriptName}/content",
            _script_content, ScriptRef, HmiScriptContent,
            description="The VB script's code, read from its SimaticML, or a Unified global module's JavaScript. "
                        "Unknown script: 404 SCRIPT_NOT_FOUND.",
        ),
        panel_read(
            "hmi.text-lists.list", "List all HMI text lists.", "text-lists",
            _text_lists, HmiDeviceRef, list[HmiTextListInfo],
            description="Each text list with its range kind and entries (value range, text in "
                        "the first language, default entry); a Unified panel's from its model.",
        ),
        panel_read(
            "hmi.text-lists.xml", "Export a specific HMI text list as XML.", "text-lists/{listName}/xml",
            _text_list_xml, TextListRef, str,
            description="The list's SimaticML (Hmi.TextGraphicList.TextList) as TextList.Export writes it; data is "
                        "the XML text. A Unified panel's list: the Unified JSON document with that list only "
                        "(importable again). Unknown list: 404 TEXT_LIST_NOT_FOUND.",
        ),
        panel_read(
            "hmi.graphic-lists.list", "List all HMI graphic lists.", "graphic-lists",
            _graphic_lists, HmiDeviceRef, list[HmiGraphicListInfo],
            description="Each graphic list with its entries (value range, project graphic); a "
                        "Unified panel's from its model.",
        ),
        panel_read(
            "hmi.project-graphics.list", "List all HMI project graphics.", "project-graphics",
            _project_graphics, HmiDeviceRef, HmiProjectGraphics,
            description="The project's graphics with their format and size (over Openness Project.Graphics, names "
                        "only); import, export and delete: …/project-graphics/actions/import, …/{graphicName}.",
        ),
        panel_read(
            "hmi.library-types.get", "Get details of a specific HMI library type.", "library-types/{typeName}",
            _library_type, LibraryTypeRef, HmiLibraryTypeInfo,
            description="An HMI type of the project library (faceplate, VB script type) with its versions, default and "
                        "in-work version and instances on the project's panels; 404 LIBRARY_TYPE_NOT_FOUND naming "
                        "the HMI types there are (a PLC type is not one). Made, versioned and deleted through "
                        "/api/project/library/types (a classic panel's VB script becomes a VBScript type).",
        ),
        read("hmi.library-types.detailed", SECTION, "Get all HMI library types with full details across all devices.",
             "/api/hmi/library-types/detailed", _library_types, NoInput, HmiLibraryTypes,
             errors=(e.NoProjectOpenError, e.PortalUnavailableError),
             description="The project library's HMI types with their versions and instances; an empty list carries a "
                         "note saying how one is made."),
        read("hmi.unified.summary", SECTION, "Get a unified summary of all HMI configurations across devices.",
             "/api/hmi/unified/summary", _summary, NoInput, HmiSummary,
             errors=(e.NoProjectOpenError, e.PortalUnavailableError),
             description="Every HMI device with its kind (classic or unified) and object counts; a device whose HMI "
                         "cannot be read is listed under 'skipped' with the reason."),
        panel_read(
            "hmi.unified.tags.tree", "Get the unified HMI tags tree for a specific device.", "unified/tags/tree",
            _unified_tags, HmiDeviceRef, HmiTagTree,
            description="A WinCC Unified panel's tags (HmiSoftware.TagTables and their groups, each tag's data type, "
                        "connection and PLC tag); a classic panel: 422 NOT_A_UNIFIED_PANEL (its tags are at "
                        "…/hmi/tags/tree).",
        ),
        *(Operation(
            name=name, summary=f"Import an HMI {label} from a SimaticML file.", section=SECTION,
            handler=_importer(method), input=ImportInput, output=output,
            route=RouteSpec("POST", f"{HMI}/{path}/actions/import"),
            files=_LIST_IMPORT_FILE if method in _UNIFIED_PARTS else _IMPORT_FILE,
            errors=(*NEEDS_HMI, e.AlreadyExistsError), example={"importFilePath": "export/States.xml"},
            description=f"{text} An existing {label} of that name is replaced only with overwrite=true (TIA's "
                        "ImportOptions.Override)." + (f" A Unified panel takes the Unified JSON document (.json) with "
                        f"its {label}s." if method in _UNIFIED_PARTS else ""),
            destructive=True, preview=_preview(element, label, kind, listed, method),
        ) for name, path, method, output, element, label, kind, listed, text in imports),
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (*_operations(), *UNIFIED_OPERATIONS, *GRAPHIC_OPERATIONS)
