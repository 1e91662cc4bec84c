"""The fake's classic HMI device (``HmiTarget``): screens, HMI tag tables and connections, kept as SimaticML.

A Comfort or Basic panel added from the catalog gets what TIA gives a new one: the start screen
``Root screen`` (number 1, the panel's resolution) and the empty ``Default tag table``; connections come
later (TIA creates one when the panel is connected to a PLC in "Devices & networks" or in the Connections
editor; here through an import). Every object is held as its :class:`simatic_xml.hmi.HmiDocument`, so an
export is the stored document and a saved project holds files TIA could import
(``Devices/<device>/HMI/{Screens,Tags,Connections,Scripts,TextLists,GraphicLists}/<name>.xml``, written and read by
:mod:`fakes.hmi_storage`). VB scripts,
text lists and graphic lists come only through imports (a new panel has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engineering_api.backend.areas.hmi import DEFAULT_TAG_TABLE
from engineering_api.backend.areas.hmi import HmiExport
from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, NotSupportedError, ValidationError
from engineering_api.errors import codes
from simatic_xml import hmi as sx

if TYPE_CHECKING:

    from fakes.model import Device

__all__ = (
    "HmiTarget", "check_hmi", "export_document", "find_document", "hmi_target", "is_unified",
    "panel_size", "replaced_document", "store_document",
)

_SIZES = {
    # Display resolutions from Siemens' data sheets of the panels in engineering_api/rules/catalog/data/hmi.json.
    "6AV2 124-0GC01-0AX0": (800, 480), "6AV2 124-1GC01-0AX0": (800, 480), "6AV2 124-0JC01-0AX0": (800, 480),
    "6AV2 124-0MC01-0AX0": (1280, 800), "6AV2 124-0QC02-0AX0": (1280, 800), "6AV2 124-0UC02-0AX0": (1366, 768),
    "6AV2 124-0XC02-0AX0": (1920, 1080), "6AV2 123-2GB03-0AX0": (800, 480), "6AV2 123-2GA03-0AX0": (800, 480),
    "6AV2 123-2JB03-0AX0": (800, 480), "6AV2 123-2MB03-0AX0": (1280, 800),
}
ROOT_SCREEN = "Root screen"


@dataclass
class HmiTarget:
    """The HMI software of a classic panel; names are unique case-insensitively, order is the project tree's."""

    screens: dict[str, sx.HmiDocument] = field(default_factory=dict)
    tag_tables: dict[str, sx.HmiDocument] = field(default_factory=dict)
    connections: dict[str, sx.HmiDocument] = field(default_factory=dict)
    scripts: dict[str, sx.HmiDocument] = field(default_factory=dict)
    """VB scripts (``Hmi.RuntimeScripting.VBScript``)."""
    text_lists: dict[str, sx.HmiDocument] = field(default_factory=dict)
    graphic_lists: dict[str, sx.HmiDocument] = field(default_factory=dict)
    folders: dict[str, list[str]] = field(default_factory=lambda: {"screens": [], "tags": []})
    """User folders below "Screens" and "HMI tags" as paths (``a``, ``a/b``), parents first."""
    placed: dict[str, dict[str, str]] = field(default_factory=lambda: {"screens": {}, "tags": {}})
    """The user folder of each screen and tag table in one (stored name → path); the others are at the top."""


def find_document(objects: dict[str, sx.HmiDocument], name: str) -> str | None:
    """The stored key for ``name`` (TIA's names are unique case-insensitively)."""
    return next((k for k in objects if k.lower() == name.lower()), None)


def store_document(objects: dict[str, sx.HmiDocument], doc: sx.HmiDocument, existing: str | None) -> None:
    """Put ``doc`` in place of ``existing`` (keeping its position in the project tree) or at the end."""
    name = doc.root.name
    if existing is None:
        objects[name] = doc
        return
    items = [(name, doc) if k == existing else (k, v) for k, v in objects.items()]
    objects.clear()
    objects.update(items)


def replaced_document(objects: dict[str, sx.HmiDocument], name: str, overwrite: bool, label: str, code: str,
                      device: str) -> str | None:
    """The stored name of the object an import of ``name`` replaces, None for a new one.

    Raises:
        AlreadyExistsError: ``code`` (e.g. ``SCREEN_EXISTS``): the object exists and ``overwrite`` is off.
    """
    existing = find_document(objects, name)
    if existing is not None and not overwrite:
        raise AlreadyExistsError(f"The {label} '{existing}' exists in '{device}'. Send overwrite=true to replace it "
                                 "(TIA's ImportOptions.Override).", code=code, details={"name": existing})
    return existing


def export_document(objects: dict[str, sx.HmiDocument], name: str, label: str, code: str, device: str) -> HmiExport:
    """One object's SimaticML.

    Raises:
        NotFoundError: ``code`` (e.g. ``SCREEN_NOT_FOUND``): no object of that name.
    """
    key = find_document(objects, name)
    if key is None:
        raise NotFoundError(f"The {label} '{name}' was not found in '{device}'.", code=code, details={"name": name})
    return HmiExport(name=key, data=sx.to_bytes(objects[key]))


def panel_size(device: Device) -> tuple[int, int]:
    """The panel's display resolution (width, height); 800×480 for a panel missing from the table."""
    return _SIZES.get(device.order_number, (800, 480))


def check_hmi(device: Device) -> None:
    """The device is an HMI panel.

    Raises:
        ValidationError: ``NOT_AN_HMI``.
    """
    if device.device_kind != "hmi":
        raise ValidationError(
            f"The device '{device.name}' is a {device.category or device.device_kind}, not an HMI panel; it has no "
            "screens, HMI tags or connections.", code=codes.NOT_AN_HMI)


def is_unified(device: Device) -> bool:
    """Whether the panel is a WinCC Unified one (its catalog family says so: ``MTP700 Unified Comfort``)."""
    return "unified" in device.family.lower()


def hmi_target(device: Device, version: str) -> HmiTarget:
    """The device's HMI software, created as TIA creates a new panel's on first use.

    Raises:
        ValidationError: ``NOT_AN_HMI``.
        NotSupportedError: ``UNIFIED_NOT_SUPPORTED``.
    """
    check_hmi(device)
    if is_unified(device):
        raise NotSupportedError(
            f"'{device.name}' is a WinCC Unified panel ({device.family}). Unified objects have no SimaticML in "
            "Openness (they are an object model, served by the Unified routes and documents).",
            code=codes.UNIFIED_NOT_SUPPORTED)
    if device.hmi is None:
        width, height = panel_size(device)
        device.hmi = HmiTarget(
            screens={ROOT_SCREEN: sx.new_screen(ROOT_SCREEN, 1, width, height, version)},
            tag_tables={DEFAULT_TAG_TABLE: sx.new_tag_table(DEFAULT_TAG_TABLE, version)},
        )
    target: HmiTarget = device.hmi  # the model keeps a classic panel's target or a Unified panel's model
    return target


# ----- files --------------------------------------------------------------------------------------
