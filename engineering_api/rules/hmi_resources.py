"""What both adapters read from classic HMI scripts, text lists and graphic lists (their SimaticML), and which
project-library types are HMI types.
"""

from __future__ import annotations

from engineering_api.backend.areas.hmi_resources import (
    HmiGraphicListEntry,
    HmiGraphicListInfo,
    HmiScriptInfo,
    HmiTextListEntry,
    HmiTextListInfo,
)
from engineering_api.backend.errors import ValidationError
from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl

__all__ = ("HMI_LIBRARY_TYPES", "graphic_list_info", "not_a_classic_panel", "script_info", "text_list_info")

HMI_LIBRARY_TYPES = {
    # Openness' library type classes of classic WinCC (generator stubs of Siemens.Engineering 15.1:
    # Siemens.Engineering.Hmi.Faceplate.FaceplateLibraryType, Hmi.RuntimeScripting.VBScriptLibraryType and
    # CScriptLibraryType; openness_bridge/README.md, HMI sources) -> the kind the wire names.
    "FaceplateLibraryType": "Faceplate", "VBScriptLibraryType": "VBScript", "CScriptLibraryType": "CScript",
}


def not_a_classic_panel(device: str) -> ValidationError:
    """The refusal of a VB script type (or its instance) on a WinCC Unified panel, which runs JavaScript only."""
    return ValidationError(f"'{device}' is a WinCC Unified panel: it runs JavaScript, not VB scripts, so it has no VB "
                           "script types or instances of them.", code="NOT_A_CLASSIC_PANEL",
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
