"""Classic HMI VB scripts, text lists, graphic lists and HMI library types over Openness (the ``hmi_resources`` area).

``HmiTarget.VBScriptFolder`` (``VBScripts`` and user ``Folders``), ``HmiTarget.TextLists`` and
``HmiTarget.GraphicLists`` hold SimaticML-exportable objects (``VBScript.Export``, ``TextList.Export``,
``GraphicList.Export``; ``…Composition.Import(FileInfo, ImportOptions)``); like screens, the object model exposes
names only, so listings export each object and read it with :mod:`simatic_xml.hmi_lists`. Project graphics:
:mod:`openness_bridge.hmi_graphics`; HMI library types are the
``ProjectLibrary.TypeFolder`` types (and its ``Folders``) whose class is one of
:data:`engineering_api.rules.hmi_resources.HMI_LIBRARY_TYPES`, with ``Versions``. Sources: docs/openness-members.md,
section "HMI" (H1, H6, H7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.hmi import HmiExport
from engineering_api.backend.areas.hmi_resources import (
    HmiGraphicListInfo,
    HmiLibraryTypeInfo,
    HmiResourcesPort,
    HmiScriptInfo,
    HmiTextListInfo,
)
from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.rules.hmi import read_import
from engineering_api.rules.hmi_resources import (
    HMI_LIBRARY_TYPES,
    HMI_RESOURCE_KINDS,
    graphic_list_info,
    script_info,
    text_list_info,
)
from openness_bridge.hmi_access import vb_scripts
from openness_bridge.library_support import version_numbers
from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from openness_bridge.hmi_access import HmiAccess

__all__ = ("BridgeHmiResources",)

_MEMBERS = {
    # kind (engineering_api.rules.hmi_resources.HMI_RESOURCE_KINDS) -> the Openness class its errors name
    "scripts": "VBScript", "text_lists": "TextList", "graphic_lists": "GraphicList",
}


class BridgeHmiResources(HmiResourcesPort):
    """The bridge's ``hmi_resources`` area: scripts, text and graphic lists of the panels ``access`` finds (the
    Openness session and the panels' software), and the project library's HMI types."""

    def __init__(self, access: HmiAccess) -> None:
        self._access, self._session = access, access.session

    def _objects(self, target: Any, kind: str) -> list[tuple[str, Any]]:
        if kind == "scripts":
            return vb_scripts(target.VBScriptFolder)
        return [("", o) for o in (target.TextLists if kind == "text_lists" else target.GraphicLists)]

    def _composition(self, target: Any, kind: str) -> Any:
        return {"scripts": lambda: target.VBScriptFolder.VBScripts, "text_lists": lambda: target.TextLists,
                "graphic_lists": lambda: target.GraphicLists}[kind]()

    def _docs(self, device: str, kind: str) -> list[tuple[str, sx.HmiDocument]]:
        def run() -> list[tuple[str, sx.HmiDocument]]:
            target = self._access.hmi_target(device)
            return [(path, sx.read_hmi(self._session.export_bytes(obj)))
                    for path, obj in self._objects(target, kind)]

        return self._session.call(f"{_MEMBERS[kind]}.Export", run)

    def _export(self, device: str, kind: str, name: str) -> HmiExport:
        _, label, code = HMI_RESOURCE_KINDS[kind]
        member = _MEMBERS[kind]

        def run() -> HmiExport:
            target = self._access.hmi_target(device)
            obj = next((o for _, o in self._objects(target, kind) if str(o.Name).casefold() == name.casefold()), None)
            if obj is None:
                raise NotFoundError(f"The {label} '{name}' was not found in '{device}'.", code=f"{code}_NOT_FOUND",
                                    details={"name": name})
            return HmiExport(name=str(obj.Name), data=self._session.export_bytes(obj))

        return self._session.call(f"{member}.Export", run)

    def _import(self, device: str, kind: str, data: bytes, overwrite: bool, source: str) -> sx.HmiDocument:
        element, label, code = HMI_RESOURCE_KINDS[kind]
        member = _MEMBERS[kind]
        doc = read_import(data, element, source, self._session.version)

        def run() -> sx.HmiDocument:
            target = self._access.hmi_target(device)
            existing = next((o for _, o in self._objects(target, kind)
                             if str(o.Name).casefold() == doc.root.name.casefold()), None)
            if existing is not None and not overwrite:
                raise AlreadyExistsError(
                    f"The {label} '{existing.Name}' exists in '{device}'. Send overwrite=true to replace it (TIA's "
                    "ImportOptions.Override).", code=f"{code}_EXISTS", details={"name": str(existing.Name)})
            self._session.import_bytes(self._composition(target, kind), data,
                               override=existing is not None)
            return doc

        return self._session.change(f"{member}Composition.Import", run, invocation=ValidationError)

    def list_hmi_scripts(self, device: str) -> list[HmiScriptInfo]:
        return [script_info(doc, path) for path, doc in self._docs(device, "scripts")]

    def export_hmi_script(self, device: str, name: str) -> HmiExport:
        return self._export(device, "scripts", name)

    def import_hmi_script(self, device: str, data: bytes, *, overwrite: bool = False,
                          source: str = "document") -> HmiScriptInfo:
        return script_info(self._import(device, "scripts", data, overwrite, source))

    def list_hmi_text_lists(self, device: str) -> list[HmiTextListInfo]:
        return [text_list_info(doc) for _, doc in self._docs(device, "text_lists")]

    def export_hmi_text_list(self, device: str, name: str) -> HmiExport:
        return self._export(device, "text_lists", name)

    def import_hmi_text_list(self, device: str, data: bytes, *, overwrite: bool = False,
                             source: str = "document") -> HmiTextListInfo:
        return text_list_info(self._import(device, "text_lists", data, overwrite, source))

    def list_hmi_graphic_lists(self, device: str) -> list[HmiGraphicListInfo]:
        return [graphic_list_info(doc) for _, doc in self._docs(device, "graphic_lists")]

    def import_hmi_graphic_list(self, device: str, data: bytes, *, overwrite: bool = False,
                                source: str = "document") -> HmiGraphicListInfo:
        return graphic_list_info(self._import(device, "graphic_lists", data, overwrite, source))

    def list_hmi_library_types(self) -> list[HmiLibraryTypeInfo]:
        def walk(folder: Any, path: str) -> list[HmiLibraryTypeInfo]:
            found = []
            for item in folder.Types:
                kind = HMI_LIBRARY_TYPES.get(str(item.GetType().Name))
                if kind is not None:
                    versions, default, in_work = version_numbers(item)
                    found.append(HmiLibraryTypeInfo(name=str(item.Name), kind=kind, folder=path, versions=versions,
                                                    default_version=default, in_work_version=in_work))
            for sub in folder.Folders:
                found += walk(sub, f"{path}/{sub.Name}" if path else str(sub.Name))
            return found

        return self._session.call("ProjectLibrary.TypeFolder",
                          lambda: walk(self._session.project().ProjectLibrary.TypeFolder, ""))
