"""What both adapters read from classic HMI scripts, text lists and graphic lists (their SimaticML), which
project-library types are HMI types, and TIA's rule for faceplate instances on imported screens.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from engineering_api.backend.areas.hmi_resources import (
    HmiGraphicListEntry,
    HmiGraphicListInfo,
    HmiLibraryTypeInfo,
    HmiScriptInfo,
    HmiTextListEntry,
    HmiTextListInfo,
)
from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.rules.library import parse_version
from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ("FACEPLATE_INSTANCE", "HMI_LIBRARY_TYPES", "HMI_RESOURCE_KINDS", "HmiResourceKind", "check_faceplates",
           "faceplate_references", "graphic_list_info", "not_a_classic_panel", "script_info", "text_list_info")

HMI_LIBRARY_TYPES = {
    # Openness' library type classes of classic WinCC (generator stubs of Siemens.Engineering 15.1:
    # Siemens.Engineering.Hmi.Faceplate.FaceplateLibraryType, Hmi.RuntimeScripting.VBScriptLibraryType and
    # CScriptLibraryType; docs/openness-members.md, HMI sources) -> the kind the wire names.
    "FaceplateLibraryType": "Faceplate", "VBScriptLibraryType": "VBScript", "CScriptLibraryType": "CScript",
}


class HmiResourceKind(NamedTuple):
    """A kind of classic-panel object kept as one SimaticML document each (VB script, text list, graphic list)."""

    element: str
    """The document's root element (``Hmi.RuntimeScripting.VBScript``, ...)."""
    label: str
    """How messages name one ("VB script")."""
    code: str
    """The prefix of its error codes (``SCRIPT`` -> ``SCRIPT_NOT_FOUND``, ``SCRIPT_EXISTS``)."""


HMI_RESOURCE_KINDS = {
    # the kind's name in both adapters (the fake's HmiTarget attribute) -> the kind
    "scripts": HmiResourceKind(sx.VB_SCRIPT, "VB script", "SCRIPT"),
    "text_lists": HmiResourceKind(sx.TEXT_LIST, "text list", "TEXT_LIST"),
    "graphic_lists": HmiResourceKind(sx.GRAPHIC_LIST, "graphic list", "GRAPHIC_LIST"),
}


FACEPLATE_INSTANCE = "Hmi.Screen.FaceplateInstance"
"""A faceplate instance on a classic screen. Siemens' Openness manual, "Exporting/importing screens with faceplate
instances" (as summarised in Czarnak/totally-integrated-claude, skills/tia-hmi-operations/references/screens.md
§14-15): its ``FaceplateTypeName`` names the type and version (``Faceplate_1 V 0.0.2``; a type in library folders
``Folder_1@$@SubFolder_1@$@Faceplate_1 V 0.0.2``); ``ObjectName`` and ``FaceplateTypeName`` are mandatory in an
import, which throws when the named type does not exist in the project."""
_FOLDER_SEPARATOR = "@$@"
_TYPE_VERSION = re.compile(r"^(?P<path>\S(?:.*\S)?) V (?P<version>\d{1,5}\.\d{1,5}\.\d{1,5})$")


def faceplate_references(doc: sx.HmiDocument) -> list[tuple[str, str, str, str]]:
    """(instance ``ObjectName``, the type's library folder ``a/b``, type name, version) of every faceplate
    instance on a screen.

    Raises:
        ValidationError: ``INVALID_SIMATICML``: an instance without ``ObjectName`` or with no ``<type> V x.y.z``.
    """
    found = []
    for item in sx.screen_items(doc.root):
        if item.element != FACEPLATE_INSTANCE:
            continue
        name, reference = item.attr("ObjectName"), (item.attr("FaceplateTypeName") or "").strip()
        match = _TYPE_VERSION.match(reference)
        if not name or match is None:
            raise ValidationError(f"A faceplate instance of the screen '{doc.root.name}' has no ObjectName or no "
                                  f"FaceplateTypeName of the form '<type> V x.y.z' ({reference!r}); both are "
                                  "mandatory in an import.", code=codes.INVALID_SIMATICML)
        *folders, type_name = match["path"].split(_FOLDER_SEPARATOR)
        found.append((name, "/".join(folders), type_name, match["version"]))
    return found


def check_faceplates(doc: sx.HmiDocument, types: Iterable[HmiLibraryTypeInfo]) -> None:
    """Every faceplate instance of the screen ``doc`` names a faceplate type version of the project library
    (``types``: its HMI types), as TIA requires before it imports the screen.

    Raises:
        ValidationError: ``INVALID_SIMATICML``; ``FACEPLATE_TYPE_NOT_FOUND`` naming the instance and its type.
    """
    faceplate = HMI_LIBRARY_TYPES["FaceplateLibraryType"]
    have = {(t.folder.casefold(), t.name.casefold(), parse_version(v)) for t in types if t.kind == faceplate
            for v in t.versions}
    for name, folder, type_name, version in faceplate_references(doc):
        if (folder.casefold(), type_name.casefold(), parse_version(version)) not in have:
            where = f"{folder}/{type_name}" if folder else type_name
            raise ValidationError(
                f"The faceplate instance '{name}' of the screen '{doc.root.name}' uses the faceplate type '{where}' "
                f"V {version}, which the project library does not have; TIA imports a screen only when the types "
                "of its faceplate instances are in the project.", code=codes.FACEPLATE_TYPE_NOT_FOUND,
                details={"objectName": name, "typeName": type_name, "folder": folder, "versionNumber": version})


def not_a_classic_panel(device: str) -> ValidationError:
    """The refusal of a VB script type (or its instance) on a WinCC Unified panel, which runs JavaScript only."""
    return ValidationError(f"'{device}' is a WinCC Unified panel: it runs JavaScript, not VB scripts, so it has no VB "
                           "script types or instances of them.", code=codes.NOT_A_CLASSIC_PANEL,
                           details={"deviceName": device})


def script_info(doc: sx.HmiDocument, folder: str = "") -> HmiScriptInfo:
    """The listed shape of a VB script document."""
    code = hl.script_code(doc.root)
    return HmiScriptInfo(name=doc.root.name, type=hl.script_type(doc.root), folder=folder,
                         line_count=len(code.splitlines()))


def text_list_info(doc: sx.HmiDocument) -> HmiTextListInfo:
    """A text list with its entries."""
    entries = [HmiTextListEntry(range_from=x.range_from, range_to=x.range_to, default=x.default, text=x.text or "")
               for x in hl.list_entries(doc.root)]
    return HmiTextListInfo(name=doc.root.name, list_range=doc.root.attr("ListRange") or "",
                           entry_count=len(entries), entries=entries)


def graphic_list_info(doc: sx.HmiDocument) -> HmiGraphicListInfo:
    """A graphic list with its entries."""
    entries = [HmiGraphicListEntry(range_from=x.range_from, range_to=x.range_to, default=x.default,
                                   graphic=x.graphic or "") for x in hl.list_entries(doc.root)]
    return HmiGraphicListInfo(name=doc.root.name, list_range=doc.root.attr("ListRange") or "",
                              entry_count=len(entries), entries=entries)
