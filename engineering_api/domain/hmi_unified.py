"""WinCC Unified panels: creating and deleting screens, tags, connections and JavaScript modules, and the exchange
document.

Openness builds a Unified panel through its object model (``HmiSoftware.Screens.Create(name)``,
``ScreenItems.Create<T>(name)``, ``Tags.Create(name, table)``, ``Connections.Create(name)``, ``Delete()``), so the
panel gets create routes a classic panel has not (classic WinCC has no ``Screens.Create``; its objects come in as
SimaticML): ``POST …/hmi/screens|tags|connections|scripts`` and ``DELETE …/hmi/screens/{s}``, ``…/tags/{t}``,
``…/tag-tables/{t}``, ``…/connections/{c}``, ``…/scripts/{s}``, ``…/text-lists/{l}``, ``…/graphic-lists/{g}``
(engineer; a classic panel 422 ``NOT_A_UNIFIED_PANEL``).
The whole model reads as ``GET …/hmi/unified`` and travels as our own JSON document (``format:
engineering-api.hmi-unified``; Openness exports none for Unified screens): ``POST …/hmi/unified/actions/export
{exportPath}`` and ``…/actions/import {importFilePath, overwrite}``; the classic export and import routes of screens,
tags, connections, text lists and graphic lists take the same document (``.json``) for a Unified panel, one object
per file (:mod:`engineering_api.domain.hmi_resources` serves the lists' routes). TIA's rules are
:mod:`engineering_api.rules.hmi_unified`'s: unique names (409 ``SCREEN_EXISTS``, ``TAG_EXISTS``… without
``overwrite``), a tag's connection and an item's tag must exist (422 ``CONNECTION_NOT_FOUND``, ``TAG_NOT_FOUND``), a
malformed document 422 ``INVALID_UNIFIED_DOCUMENT``, a graphic list entry's project graphic must exist (422
``GRAPHIC_NOT_FOUND``, :mod:`engineering_api.rules.hmi_unified_lists`). JavaScript is stored and listed as written,
not judged.
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi import HmiExport
from engineering_api.backend.areas.hmi_unified import (
    UnifiedConnection,
    UnifiedHmi,
    UnifiedScreen,
    UnifiedScriptModule,
    UnifiedTag,
    UnifiedKind,
    UnifiedTagTable,
)
from engineering_api.domain.blocks.support import target_file
from engineering_api.domain.common import ExportedFile
from engineering_api.domain.hmi_tree import NEEDS_HMI, HMI, SECTION, HmiDeviceRef, panel_read
from engineering_api.domain.hmi_unified_view import readable
from engineering_api.errors import codes
from engineering_api.jobs.operations import FileRule, Operation, OperationContext, RouteSpec
from engineering_api.jobs.preview import PlannedChange, Preview, file_change, plan
from engineering_api.rules.hmi_unified import (
    DEFAULT_TAG_TABLE,
    check_delete,
    encode_document,
    merge,
    read_document,
)
from engineering_api.rules.project_texts import ProjectTexts, refuse_unstorable_texts

__all__ = ("OPERATIONS", "import_part", "preview_part", "unified_export")

_CHANGES = (*NEEDS_HMI, e.AlreadyExistsError)
_PARTS = {"screens": ("screen", "SCREEN_NOT_FOUND"), "tag_tables": ("tag table", "TAG_TABLE_NOT_FOUND"),
          "connections": ("connection", "CONNECTION_NOT_FOUND"), "text_lists": ("text list", "TEXT_LIST_NOT_FOUND"),
          "graphic_lists": ("graphic list", "GRAPHIC_LIST_NOT_FOUND")}


class CreateScreenInput(UnifiedScreen, ProjectTexts, kw_only=True):
    """A screen with its items and events; width and height 0 take the panel's."""

    device_name: str
    overwrite: bool = False


class CreateTagInput(HmiDeviceRef, kw_only=True):
    """An HMI tag in a tag table (created when missing, in ``tagTableFolder``)."""

    name: str
    """Name of the new HMI tag."""
    data_type: str
    tag_table: str = DEFAULT_TAG_TABLE
    """The HMI tag table to put the tag in, created when missing (default: Default tag table)."""
    tag_table_folder: str = ""
    """Tag table group path (a/b) of a table that is created; empty for the top level."""
    connection: str = ""
    """The HMI connection the tag reads through; empty makes an internal tag."""
    plc_tag: str = ""
    """The PLC tag (or DB member, e.g. "DB_Motor".speed) the tag is bound to through connection."""
    overwrite: bool = False


class CreateConnectionInput(UnifiedConnection, ProjectTexts, kw_only=True):
    """A connection to a partner PLC."""

    device_name: str
    overwrite: bool = False


class CreateScriptInput(UnifiedScriptModule, ProjectTexts, kw_only=True):
    """A global JavaScript module."""

    device_name: str
    overwrite: bool = False


class ObjectRef(HmiDeviceRef, kw_only=True):
    """One object of a Unified panel (the path names the kind)."""

    screen_name: str = ""
    tag_name: str = ""
    tag_table_name: str = ""
    connection_name: str = ""
    script_name: str = ""
    list_name: str = ""


class DocumentExportInput(HmiDeviceRef, kw_only=True):
    """Where to write the panel's document (a file, or a folder to write ``<device>.json`` into)."""

    export_path: str
    overwrite: bool = False


class DocumentImportInput(HmiDeviceRef, kw_only=True):
    """A Unified exchange document inside the roots; ``overwrite`` replaces objects of the same name."""

    import_file_path: str
    overwrite: bool = False


class DocumentExportResult(ExportedFile):
    """Where the document was written."""


# ----- helpers shared with the classic routes ---------------------------------------------------------

def unified_export(model: UnifiedHmi, part: str, name: str) -> HmiExport:
    """One screen, tag table, connection, text list or graphic list as an exchange document (what the classic
    export routes write).

    Raises:
        NotFoundError: ``SCREEN_NOT_FOUND``, ``TAG_TABLE_NOT_FOUND``, ``CONNECTION_NOT_FOUND``,
            ``TEXT_LIST_NOT_FOUND``, ``GRAPHIC_LIST_NOT_FOUND``.
    """
    label, code = _PARTS[part]
    found = next((o for o in readable(model, part) if o.name.casefold() == name.casefold()), None)
    if found is None:
        raise e.NotFoundError(f"The {label} '{name}' was not found in '{model.device_name}'.", code=code,
                              details={"name": name})
    only: dict[str, Any] = {part: [found]}
    document = UnifiedHmi(device_name=model.device_name, **only)
    return HmiExport(name=found.name, data=encode_document(document))


def _part_of(path: Path, part: str | None) -> UnifiedHmi:
    """The document at ``path``; with ``part`` only that kind of object (which it must have).

    Its texts are refused as a request's are (:mod:`engineering_api.rules.project_texts`): the routes that make the
    same objects refuse them.
    """
    document = read_document(path.read_bytes(), path.name)
    refuse_unstorable_texts(document)
    if part is None:
        return document
    if not getattr(document, part):
        raise e.ValidationError(f"{path.name} has no {_PARTS[part][0]} to import.", code=codes.INVALID_UNIFIED_DOCUMENT)
    return UnifiedHmi(device_name=document.device_name, **{part: getattr(document, part)})


def import_part(ctx: OperationContext, device: str, path: Path, part: str | None, overwrite: bool) -> Any:
    """Import a document (or its ``part``) into a Unified panel; the classic routes answer the first object."""
    done = ctx.backend.hmi_unified.apply_unified_hmi(device, _part_of(path, part), overwrite=overwrite)
    if part is None:
        return done
    from engineering_api.domain import hmi_unified_view as view

    listers: dict[str, Callable[[], list[Any]]] = {"screens": lambda: [view.screen_info(s) for s in done.screens],
              "tag_tables": lambda: view.tag_tables(done), "connections": lambda: view.connections(done),
              "text_lists": lambda: view.text_lists(done),
              "graphic_lists": lambda: view.graphic_lists(done)}
    listed = listers[part]()
    return listed[0]


def _plan(ctx: OperationContext, device: str, incoming: UnifiedHmi, overwrite: bool, source: str) -> Preview:
    """What putting ``incoming`` into the panel would create or overwrite (the same refusals as doing it)."""
    current = ctx.backend.hmi_unified.read_unified_hmi(device)
    graphics = [g.name
                for g in ctx.backend.hmi_graphics.list_hmi_project_graphics(device)] if incoming.graphic_lists else []
    merge(current, incoming, overwrite=overwrite, device=device, graphics=graphics)
    changes: list[PlannedChange] = []
    for attr, kind in (("screens", "screen"), ("tag_tables", "tagTable"), ("connections", "connection"),
                       ("script_modules", "scriptModule"), ("text_lists", "textList"),
                       ("graphic_lists", "graphicList")):
        existing = {o.name.casefold() for o in getattr(current, attr) or ()}
        for obj in getattr(incoming, attr) or ():
            action = "overwrite" if obj.name.casefold() in existing and kind != "tagTable" else "create"
            if kind == "tagTable" and obj.name.casefold() in existing:
                action = "update"
            changes.append(PlannedChange(action=action, kind=kind, name=obj.name, device=device))
    what = ", ".join(f"{c.action} {c.kind} '{c.name}'" for c in changes) or "change nothing"
    return plan(f"Would {what} in {device} from {source}.", changes)


def preview_part(ctx: OperationContext, device: str, path: Path, part: str | None, overwrite: bool) -> Preview:
    """The dry run of :func:`import_part`."""
    return _plan(ctx, device, _part_of(path, part), overwrite, path.name)


# ----- create and delete ------------------------------------------------------------------------------

def _screen(d: CreateScreenInput) -> UnifiedHmi:
    return UnifiedHmi(screens=[UnifiedScreen(name=d.name, folder=d.folder, width=d.width, height=d.height,
                                             items=d.items, events=d.events)])


def _tag(d: CreateTagInput) -> UnifiedHmi:
    tag = UnifiedTag(name=d.name, data_type=d.data_type, connection=d.connection, plc_tag=d.plc_tag)
    return UnifiedHmi(tag_tables=[UnifiedTagTable(name=d.tag_table, folder=d.tag_table_folder, tags=[tag])])


def _connection(d: CreateConnectionInput) -> UnifiedHmi:
    return UnifiedHmi(connections=[UnifiedConnection(name=d.name, partner=d.partner,
                                                     communication_driver=d.communication_driver)])


def _script(d: CreateScriptInput) -> UnifiedHmi:
    return UnifiedHmi(script_modules=[UnifiedScriptModule(name=d.name, code=d.code)])


def _creator(build: Any, attr: str) -> tuple[Any, Any]:
    def handler(ctx: OperationContext, d: Any) -> Any:
        return getattr(ctx.backend.hmi_unified.apply_unified_hmi(d.device_name, build(d), overwrite=d.overwrite),
                       attr)[0]

    def preview(ctx: OperationContext, d: Any) -> Preview:
        return _plan(ctx, d.device_name, build(d), d.overwrite, "the request")

    return handler, preview


_DELETES: tuple[tuple[UnifiedKind, str, str, str], ...] = (
    # kind, path segment, path parameter, label
    ("screen", "screens", "screen_name", "screen"),
    ("tag", "tags", "tag_name", "HMI tag"),
    ("tagTable", "tag-tables", "tag_table_name", "tag table"),
    ("connection", "connections", "connection_name", "connection"),
    ("scriptModule", "scripts", "script_name", "script module"),
    ("textList", "text-lists", "list_name", "text list"),
    ("graphicList", "graphic-lists", "list_name", "graphic list"),
)


def _deleter(kind: UnifiedKind, param: str, label: str) -> tuple[Any, Any]:
    def handler(ctx: OperationContext, d: ObjectRef) -> dict[str, str]:
        ctx.backend.hmi_unified.delete_unified_object(d.device_name, kind, getattr(d, param))
        return {"deleted": getattr(d, param)}

    def preview(ctx: OperationContext, d: ObjectRef) -> Preview:
        stored = check_delete(ctx.backend.hmi_unified.read_unified_hmi(d.device_name), kind, getattr(d, param),
                              d.device_name)
        return plan(f"Would delete the {label} '{stored}' of {d.device_name}.",
                    [PlannedChange(action="delete", kind=kind, name=stored, device=d.device_name)])

    return handler, preview


def _export_document(ctx: OperationContext, d: DocumentExportInput, *, create: bool = True) -> Any:
    data = encode_document(ctx.backend.hmi_unified.read_unified_hmi(d.device_name))
    if create:
        target = target_file(d.export_path, d.device_name, ".json", d.overwrite)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return DocumentExportResult(name=d.device_name, export_path=str(target), size=len(data))
    from engineering_api.domain.blocks.support import export_target

    change, what = file_change(export_target(d.export_path, d.device_name, ".json", d.overwrite), d.overwrite)
    return plan(f"Would export the Unified HMI document of {d.device_name} and {what}.", [change] if change else [])


def _operations() -> tuple[Operation[Any, Any], ...]:
    creates = (
        ("hmi.screens.create", "screens", "Create a screen of a WinCC Unified panel.", CreateScreenInput, _screen,
         "screens", UnifiedScreen, {"name": "Overview", "items": [
             {"name": "Speed", "type": "HmiIOField", "left": 20, "top": 20, "width": 120, "height": 30,
              "tag": "Speed"}]},
         "HmiSoftware.Screens.Create with ScreenItems.Create<T> per item (type: the Openness class, HmiButton, "
         "HmiIOField, HmiText…), the HMI tag each item shows and JavaScript event handlers (stored as written)."),
        ("hmi.tags.create", "tags", "Create an HMI tag of a WinCC Unified panel.", CreateTagInput, _tag, "tag_tables",
         UnifiedTagTable, {"name": "Speed", "dataType": "Int", "connection": "HMI_Connection_1",
                           "plcTag": "Motor_DB.Speed"},
         "HmiSoftware.Tags.Create(name, tagTable); the table is created when missing. Tag names are unique in the "
         "device (409 TAG_EXISTS); the connection must exist (422 CONNECTION_NOT_FOUND). Answers the tag table."),
        ("hmi.connections.create", "connections", "Create a connection of a WinCC Unified panel.",
         CreateConnectionInput, _connection, "connections", UnifiedConnection,
         {"name": "HMI_Connection_1", "partner": "PLC_1", "communicationDriver": "SIMATIC S7 1500"},
         "HmiSoftware.Connections.Create with Partner and CommunicationDriver."),
        ("hmi.scripts.create", "scripts", "Create a global JavaScript module of a WinCC Unified panel.",
         CreateScriptInput, _script, "script_modules", UnifiedScriptModule,
         {"name": "Helpers", "code": "export function clamp(v, lo, hi) {\n  return Math.min(Math.max(v, lo), hi);\n}"},
         "A global module (HmiSoftware.Scripts); the JavaScript is stored as written. Over Openness the module's code "
         "cannot be written: 501 NO_OPENNESS_EQUIVALENT."),
    )
    ops: list[Operation[Any, Any]] = []
    for name, path, summary, input_type, build, attr, output, example, text in creates:
        handler, preview = _creator(build, attr)
        ops.append(Operation(
            name=name, summary=summary, section=SECTION, handler=handler, input=input_type, output=output,
            route=RouteSpec("POST", f"{HMI}/{path}"), errors=_CHANGES, example=example, destructive=True,
            preview=preview, description=f"{text} A same-named object is replaced only with overwrite=true; a "
                                         "classic panel: 422 NOT_A_UNIFIED_PANEL."))
    for kind, path, param, label in _DELETES:
        handler, preview = _deleter(kind, param, label)
        placeholder = "".join(w.title() if i else w for i, w in enumerate(param.split("_")))
        ops.append(Operation(
            name=f"hmi.{path}.delete", summary=f"Delete a {label} of a WinCC Unified panel.", section=SECTION,
            handler=handler, input=ObjectRef, output=dict[str, str],
            route=RouteSpec("DELETE", f"{HMI}/{path}/{{{placeholder}}}"), errors=(*NEEDS_HMI, e.ConflictError),
            destructive=True, preview=preview,
            description=f"The {label}'s Delete() (a tag table goes with its tags; the default tag table stays: 409 "
                        "DEFAULT_TAG_TABLE; a connection tags use: 409 CONNECTION_IN_USE). A classic panel: 422 "
                        "NOT_A_UNIFIED_PANEL."))
    ops += [
        panel_read(
            "hmi.unified.get", "Get a WinCC Unified panel's object model.", "unified",
            lambda ctx, d: ctx.backend.hmi_unified.read_unified_hmi(d.device_name), HmiDeviceRef, UnifiedHmi,
            description="Screens with items and event scripts, tag tables with tags, connections and global modules, "
                        "as the exchange document (format engineering-api.hmi-unified).",
        ),
        Operation(
            name="hmi.unified.export", summary="Export a WinCC Unified panel's object model to a JSON document.",
            section=SECTION, handler=_export_document, input=DocumentExportInput, output=DocumentExportResult,
            route=RouteSpec("POST", f"{HMI}/unified/actions/export"), files={"export_path": FileRule(writes=True)},
            errors=_CHANGES, example={"exportPath": "export/HMI_U.json"}, destructive=True,
            preview=lambda ctx, d: _export_document(ctx, d, create=False),
            description="Openness has no SimaticML for Unified screens; the document is this service's own, "
                        "importable again (…/unified/actions/import). An existing file is kept unless overwrite.",
        ),
        Operation(
            name="hmi.unified.import", summary="Import a WinCC Unified JSON document into a Unified panel.",
            section=SECTION, handler=lambda ctx, d: import_part(ctx, d.device_name, Path(d.import_file_path), None,
                                                                d.overwrite),
            input=DocumentImportInput, output=UnifiedHmi, route=RouteSpec("POST", f"{HMI}/unified/actions/import"),
            files={"import_file_path": FileRule(extensions=(".json",), must_exist=True, allow_directory=False)},
            errors=_CHANGES, example={"importFilePath": "export/HMI_U.json", "overwrite": False}, destructive=True,
            preview=lambda ctx, d: preview_part(ctx, d.device_name, Path(d.import_file_path), None, d.overwrite),
            description="Creates every object of the document in one change (422 INVALID_UNIFIED_DOCUMENT for a "
                        "malformed one; nothing changes when a rule refuses). Same-named objects are replaced only "
                        "with overwrite=true; an existing tag table keeps its other tags.",
        ),
    ]
    return tuple(ops)


OPERATIONS: tuple[Operation[Any, Any], ...] = _operations()
