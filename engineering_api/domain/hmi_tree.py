"""HMI reference routes that follow from the screen and tag model: screen tree, screen details, tag trees.

``GET …/hmi/screens/tree`` and ``…/hmi/tags/tree`` give a panel's "Screens" and "HMI tags" folders as trees (user
folders, empty ones too, or a Unified panel's screen and tag table groups, with their screens or tag tables; a
classic panel's user folders are made with ``POST …/hmi/screens|tags/folders {folderPath}``); ``GET
…/hmi/screens/{screenName}/details`` a screen with its items (type, position, size, bound HMI tag, text), read
from the screen's SimaticML or a Unified panel's object model; ``GET /api/hmi/tags/tree`` the tag trees of every HMI
device of the project, with the devices it cannot show and why. Reads, for the viewer role; errors as the other HMI
routes (404 ``DEVICE_NOT_FOUND``/``SCREEN_NOT_FOUND``, 422 ``NOT_AN_HMI``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi import HmiFolderKind, HmiScreenInfo, HmiTagTableInfo
from engineering_api.backend.areas.hmi_unified import UnifiedEvent, UnifiedHmi
from engineering_api.domain.hmi_unified_view import screen_info, tag_tables, unified_or
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.project_texts import ProjectTexts
from simatic_xml import hmi as sx

__all__ = ("NEEDS_HMI", "OPERATIONS", "SECTION", "FolderNode", "HmiDevice", "HmiDeviceRef", "folder_tree",
           "list_folders", "list_screens", "list_tag_tables", "panel_read")

SECTION = "HMI Screens"
HMI = "/api/devices/{deviceName}/hmi"
NEEDS_HMI = (e.NotFoundError, e.ValidationError, e.NotSupportedError, e.NoProjectOpenError, e.PortalUnavailableError)


def panel_read(name: str, summary: str, path: str, handler: Callable[[OperationContext, Any], Any], input: type,
               output: Any, *, description: str = "") -> Operation[Any, Any]:
    """A read of one HMI panel: ``GET {HMI}/{path}`` in the HMI section, refusing as every panel read does
    (:data:`NEEDS_HMI`: no such device, not an HMI panel, not supported for its kind, no project, no portal)."""
    return read(name, SECTION, summary, f"{HMI}/{path}", handler, input, output, errors=NEEDS_HMI,
                description=description)


class HmiDevice(CamelStruct):
    """An HMI panel by name; what answers about one panel extends it."""

    device_name: str


class HmiDeviceRef(HmiDevice, ProjectTexts):
    """An HMI panel by name, asked for; what asks about one panel extends it (an answer extends :class:`HmiDevice`:
    a reply is never a request's input)."""


class ScreenRef(HmiDeviceRef):
    """A screen of an HMI panel."""

    screen_name: str


class FolderInput(HmiDeviceRef, kw_only=True):
    """A user folder path (``a/b``) to create."""

    folder_path: str


class FolderCreated(HmiDevice):
    """The folder as stored."""

    folder_path: str


class NoInput(CamelStruct):
    """No parameters."""


class FolderNode(CamelStruct):
    """A folder of a panel's project tree ("Screens", "HMI tags", "VB scripts"): its name and path (``a/b``, empty for
    the system folder itself); each tree's node adds its objects and subfolders."""

    name: str
    path: str = ""


class ScreenFolderNode(FolderNode):
    """A folder of the "Screens" tree with its screens and subfolders."""

    screens: list[HmiScreenInfo] = []
    folders: list[ScreenFolderNode] = []


class TagFolderNode(FolderNode):
    """A folder of the "HMI tags" tree with its tag tables (and their tags) and subfolders."""

    tag_tables: list[HmiTagTableInfo] = []
    folders: list[TagFolderNode] = []


class HmiScreenTree(HmiDevice):
    """A panel's screens as TIA's project tree shows them."""

    screen_count: int
    root: ScreenFolderNode


class HmiTagTree(HmiDevice):
    """A panel's HMI tags, by tag table, as TIA's project tree shows them."""

    tag_table_count: int
    tag_count: int
    root: TagFolderNode


class SkippedDevice(HmiDevice):
    """An HMI device the cross-device tree leaves out, and why."""

    code: str
    reason: str


class HmiTagForest(CamelStruct):
    """The tag trees of every classic HMI device of the project."""

    devices: list[HmiTagTree] = []
    skipped: list[SkippedDevice] = []


class HmiScreenItem(CamelStruct):
    """One item of a screen: its TIA type (``IOField``, ``Button``…), position and size, bound tag and text."""

    name: str
    type: str
    left: int | None = None
    top: int | None = None
    width: int | None = None
    height: int | None = None
    tag: str | None = None
    """The HMI tag whose value the item shows (``ProcessValue``)."""
    text: str | None = None
    layer: int = 0
    events: list[UnifiedEvent] = []
    """A Unified item's JavaScript event handlers (classic items: none)."""


class HmiScreenDetails(HmiScreenInfo, kw_only=True):
    """A screen with its items and the HMI tags they use."""

    device_name: str
    items: list[HmiScreenItem] = []
    tags: list[str] = []
    """The HMI tags the items are bound to, in order of first use."""


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.strip().lstrip("-").isdigit() else None


def _node(kind: type[Any], path: str, name: str, field: str) -> Any:
    return kind(name=name, path=path, **{field: []})


def folder_tree(kind: type[Any], root_name: str, field: str, objects: list[Any],
          folders: tuple[str, ...] | list[str] = ()) -> Any:
    """Folder nodes from the user folders (``folders``, empty ones too) and the objects' ``folder`` paths (``a/b``),
    folders in first-seen order."""
    root = _node(kind, "", root_name, field)
    nodes = {"": root}

    def node(path: str) -> Any:
        parts = path.split("/") if path else []
        for depth in range(1, len(parts) + 1):
            sub = "/".join(parts[:depth])
            if sub not in nodes:
                nodes[sub] = _node(kind, sub, parts[depth - 1], field)
                nodes["/".join(parts[:depth - 1])].folders.append(nodes[sub])
        return nodes[path]

    for path in folders:
        node(path.strip("/"))
    for obj in objects:
        getattr(node(obj.folder.strip("/")), field).append(obj)
    return root


def list_folders(ctx: OperationContext, device: str, kind: HmiFolderKind) -> list[str]:
    """A classic panel's user folders of ``kind`` (a Unified panel's groups show through its objects)."""
    return unified_or(ctx, device, lambda: ctx.backend.hmi.list_hmi_folders(device, kind), lambda model: [])


def list_screens(ctx: OperationContext, device: str) -> list[HmiScreenInfo]:
    """The screens of a classic or a Unified panel."""
    return unified_or(ctx, device, lambda: ctx.backend.hmi.list_hmi_screens(device),
                      lambda model: [screen_info(s) for s in model.screens])


def list_tag_tables(ctx: OperationContext, device: str) -> list[HmiTagTableInfo]:
    """The tag tables (with their tags) of a classic or a Unified panel."""
    return unified_or(ctx, device, lambda: ctx.backend.hmi.list_hmi_tag_tables(device), tag_tables)


def screen_tree(ctx: OperationContext, d: HmiDeviceRef) -> HmiScreenTree:
    screens = list_screens(ctx, d.device_name)
    return HmiScreenTree(device_name=d.device_name, screen_count=len(screens),
                         root=folder_tree(ScreenFolderNode, "Screens", "screens", screens,
                                    list_folders(ctx, d.device_name, "screens")))


def tag_tree(ctx: OperationContext, device: str) -> HmiTagTree:
    tables = list_tag_tables(ctx, device)
    return HmiTagTree(device_name=device, tag_table_count=len(tables), tag_count=sum(len(t.tags) for t in tables),
                      root=folder_tree(TagFolderNode, "HMI tags", "tag_tables", tables,
                                       list_folders(ctx, device, "tags")))


def tag_forest(ctx: OperationContext, _: NoInput) -> HmiTagForest:
    forest = HmiTagForest()
    for device in ctx.backend.devices.list_devices():
        if device.device_kind != "hmi":
            continue
        try:
            forest.devices.append(tag_tree(ctx, device.name))
        except (e.NotSupportedError, e.ValidationError) as exc:
            forest.skipped.append(SkippedDevice(device_name=device.name, code=exc.code, reason=exc.message))
    return forest


def _unified_details(model: UnifiedHmi, d: ScreenRef) -> HmiScreenDetails:
    screen = next((s for s in model.screens if s.name.casefold() == d.screen_name.casefold()), None)
    if screen is None:
        raise e.NotFoundError(f"The screen '{d.screen_name}' was not found in '{d.device_name}'.",
                              code=codes.SCREEN_NOT_FOUND, details={"name": d.screen_name})
    items = [HmiScreenItem(name=i.name, type=i.type, left=i.left, top=i.top, width=i.width, height=i.height,
                           tag=i.tag or None, text=i.text or None, events=i.events) for i in screen.items]
    return HmiScreenDetails(name=screen.name, number=0, width=screen.width, height=screen.height,
                            item_count=len(items), folder=screen.folder, device_name=d.device_name, items=items,
                            tags=list(dict.fromkeys(i.tag for i in screen.items if i.tag)))


def screen_details(ctx: OperationContext, d: ScreenRef) -> HmiScreenDetails:
    return unified_or(ctx, d.device_name, lambda: _classic_details(ctx, d), lambda model: _unified_details(model, d))


def _classic_details(ctx: OperationContext, d: ScreenRef) -> HmiScreenDetails:
    exported = ctx.backend.hmi.export_hmi_screen(d.device_name, d.screen_name)
    doc = sx.read_hmi(exported.data, expect=sx.SCREEN)
    info = next((s for s in list_screens(ctx, d.device_name) if s.name == exported.name), None)
    items: list[HmiScreenItem] = []
    for index, layer in enumerate(doc.root.objects("Hmi.Screen.ScreenLayer")):
        number = _int(layer.attr("Index"))
        for item in layer.objects():
            if item.composition != "ScreenItems":
                continue
            items.append(HmiScreenItem(
                name=item.name, type=item.element.removeprefix("Hmi.Screen."), left=_int(item.attr("Left")),
                top=_int(item.attr("Top")), width=_int(item.attr("Width")), height=_int(item.attr("Height")),
                tag=sx.item_tag(item), text=sx.item_text(item), layer=number if number is not None else index))
    tags = list(dict.fromkeys(i.tag for i in items if i.tag))
    root = doc.root
    return HmiScreenDetails(
        name=root.name, number=_int(root.attr("Number")) or 0, width=_int(root.attr("Width")) or 0,
        height=_int(root.attr("Height")) or 0, item_count=len(items), folder=info.folder if info else "",
        device_name=d.device_name, items=items, tags=tags)


def _folder_operation(kind: HmiFolderKind, label: str, example: str) -> Operation[Any, Any]:
    return Operation(
        name=f"hmi.{kind}.folders.create", summary=f"Create a user folder below '{label}' of a classic HMI panel.",
        section=SECTION, handler=lambda ctx, d: FolderCreated(
            device_name=d.device_name,
            folder_path=ctx.backend.hmi.create_hmi_folder(d.device_name, kind, d.folder_path)),
        input=FolderInput, output=FolderCreated, route=RouteSpec("POST", f"{HMI}/{kind}/folders"),
        errors=(*NEEDS_HMI, e.AlreadyExistsError), example={"folderPath": example},
        description=f"{'ScreenFolder' if kind == 'screens' else 'TagFolder'}.Folders.Create per missing level (a/b "
                    "creates a and b); the whole path taken: 409 FOLDER_EXISTS; a name no file system takes: 422 "
                    f"INVALID_FOLDER. Put {'screens' if kind == 'screens' else 'tag tables'} in it with the import's "
                    "folderPath. A Unified panel's groups come with its objects (their folder).",
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    _folder_operation("screens", "Screens", "Process/Line 1"),
    _folder_operation("tags", "HMI tags", "Motors"),
    panel_read(
        "hmi.screens.tree", "Get the full screen tree hierarchy for an HMI device.", "screens/tree",
        screen_tree, HmiDeviceRef, HmiScreenTree,
        description="The 'Screens' folder: user folders (a Unified panel's screen groups) with their screens (name, "
                    "number, size).",
    ),
    panel_read(
        "hmi.screens.details", "Get detailed information about a specific HMI screen.", "screens/{screenName}/details",
        screen_details, ScreenRef, HmiScreenDetails,
        description="The screen's number and size and each item (type, position, size, bound HMI tag, text), read "
                    "from its SimaticML. Unknown screen: 404 SCREEN_NOT_FOUND.",
    ),
    panel_read(
        "hmi.tags.tree", "Get the HMI tags tree of a device, by tag table (WinCC Comfort/Advanced).", "tags/tree",
        lambda ctx, d: tag_tree(ctx, d.device_name), HmiDeviceRef, HmiTagTree,
    ),
    read("hmi.tags.tree-all", SECTION, "Get a cross-device HMI tags tree (all devices combined).", "/api/hmi/tags/tree",
         tag_forest, NoInput, HmiTagForest, errors=(e.NoProjectOpenError, e.PortalUnavailableError),
         description="The tag tree of every HMI device of the open project, classic and Unified; a device whose tags "
                     "cannot be read is listed under 'skipped' with the reason."),
)
