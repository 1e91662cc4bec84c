"""The fake's VB scripts, text lists, graphic lists, project graphics and HMI library types of classic panels.

The fake's ``hmi_resources`` area. Scripts and lists are SimaticML documents in
:class:`fakes.hmi.HmiTarget`, created through imports (a new panel has none, as in TIA). What the fake does
not keep it says so. HMI library types are the project library's types of an HMI kind: VB script types made of a
panel's VB scripts (:mod:`fakes.library_hmi`; faceplates are not modelled). Project graphics:
:mod:`fakes.hmi_graphics_ops`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.hmi import HmiExport
from engineering_api.backend.areas.hmi_resources import (
    HmiGraphicListInfo,
    HmiLibraryTypeInfo,
    HmiResourcesPort,
    HmiScriptInfo,
    HmiTextListInfo,
)
from engineering_api.rules.hmi import read_import
from engineering_api.rules.hmi_resources import HMI_RESOURCE_KINDS, graphic_list_info, script_info, text_list_info
from fakes.hmi import export_document, replaced_document, store_document
from fakes.library_hmi import HMI_KINDS, hmi_type_info
from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.library import LibraryTypeInfo
    from fakes.hmi import HmiTarget
    from fakes.hmi_access import HmiAccess

__all__ = ("FakeHmiResources",)

class FakeHmiResources(HmiResourcesPort):
    """The fake's ``hmi_resources`` area: scripts, text and graphic lists and HMI library types.

    Args:
        access: the session and the classic panels' targets (shared with the ``hmi`` area).
        library_types: the project library's types (the library area's ``list_library_types``).
        guard_program: ``guard_program(device, change)`` runs a change of a device's program and refuses it when it
            changed a write-protected instance of a released library type (the library area's guard); a VB script
            can be such an instance.
    """

    def __init__(
        self, access: HmiAccess, *, library_types: Callable[[], list[LibraryTypeInfo]],
        guard_program: Callable[[str, Callable[[], HmiScriptInfo]], HmiScriptInfo],
    ) -> None:
        self._access = access
        self._session = access.session
        self._library_types = library_types
        self._guard_program = guard_program

    def _export_doc(self, device: str, attr: str, name: str) -> HmiExport:
        _, label, code = HMI_RESOURCE_KINDS[attr]
        objects = getattr(self._access.read_target(device), attr)
        return export_document(objects, name, label, f"{code}_NOT_FOUND", device)

    def _import_doc(self, device: str, attr: str, data: bytes, overwrite: bool, source: str) -> sx.HmiDocument:
        element, label, code = HMI_RESOURCE_KINDS[attr]
        doc = read_import(data, element, source, self._session.project().version)
        with self._session.change() as project:
            target: HmiTarget = self._access.panel(project, device)[1]
            objects: dict[str, sx.HmiDocument] = getattr(target, attr)
            existing = replaced_document(objects, doc.root.name, overwrite, label, f"{code}_EXISTS", device)
            store_document(objects, doc, existing)
        return doc

    def list_hmi_scripts(self, device: str) -> list[HmiScriptInfo]:
        return [script_info(doc) for doc in self._access.read_target(device).scripts.values()]

    def export_hmi_script(self, device: str, name: str) -> HmiExport:
        return self._export_doc(device, "scripts", name)

    def import_hmi_script(self, device: str, data: bytes, *, overwrite: bool = False,
                          source: str = "document") -> HmiScriptInfo:
        # A VB script may be an instance of a released library type, write-protected: the library guards it.
        return self._guard_program(device, lambda: script_info(
            self._import_doc(device, "scripts", data, overwrite, source)))

    def list_hmi_text_lists(self, device: str) -> list[HmiTextListInfo]:
        return [text_list_info(doc) for doc in self._access.read_target(device).text_lists.values()]

    def export_hmi_text_list(self, device: str, name: str) -> HmiExport:
        return self._export_doc(device, "text_lists", name)

    def import_hmi_text_list(self, device: str, data: bytes, *, overwrite: bool = False,
                             source: str = "document") -> HmiTextListInfo:
        return text_list_info(self._import_doc(device, "text_lists", data, overwrite, source))

    def list_hmi_graphic_lists(self, device: str) -> list[HmiGraphicListInfo]:
        return [graphic_list_info(doc) for doc in self._access.read_target(device).graphic_lists.values()]

    def import_hmi_graphic_list(self, device: str, data: bytes, *, overwrite: bool = False,
                                source: str = "document") -> HmiGraphicListInfo:
        return graphic_list_info(self._import_doc(device, "graphic_lists", data, overwrite, source))

    def list_hmi_library_types(self) -> list[HmiLibraryTypeInfo]:
        # The project library's types of an HMI kind (fakes.library_hmi), with their versions and instances.
        types = self._library_types()
        return [hmi_type_info(t) for t in types if t.kind in HMI_KINDS]
