"""Classic HMI devices over Openness, the ``hmi`` area: screens, HMI tag tables, connections and user folders of an
``HmiTarget``, the HMI compile.

A panel's software is reached like a PLC's (``DeviceItem.GetService<SoftwareContainer>().Software``) and is an
``Siemens.Engineering.Hmi.HmiTarget`` for WinCC Comfort/Advanced/Basic panels, an
``Siemens.Engineering.HmiUnified.HmiSoftware`` for Unified ones (answered 501 ``UNIFIED_NOT_SUPPORTED``: Unified
screens have no SimaticML export). The classic object model exposes names only (a screen's number and size, a
tag's data type, connection and PLC tag, a connection's driver are only in the exported SimaticML), so listings
export each object into a scratch folder and read it with :mod:`simatic_xml.hmi`. Imports are checked with TIA's
rules first (:mod:`engineering_api.rules.hmi`, so the codes are the fake's), then run
``ScreenComposition.Import`` / ``TagTableComposition.Import`` / ``ConnectionComposition.Import`` with
``ImportOptions.Override`` only when replacing, in one ``_change`` transaction. Sources: docs/openness-members.md,
section "HMI".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from engineering_api.backend.areas.hmi import (
    HmiConnectionInfo,
    HmiExport,
    HmiPort,
    HmiScreenInfo,
    HmiTagInfo,
    HmiTagTableInfo,
)
from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, NotSupportedError, ValidationError
from engineering_api.backend.models import CompileResult
from engineering_api.errors import codes
from engineering_api.rules.folders import folder_parts, target_folder
from engineering_api.rules.hmi import check_screen, check_tags, read_import, screen_number
from engineering_api.rules.hmi_resources import check_faceplates, faceplate_references
from openness_bridge.hmi_folders import SYSTEM_FOLDERS, create_folder, folder_paths, user_folder
from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.hmi import HmiFolderKind
    from engineering_api.backend.areas.hmi_resources import HmiLibraryTypeInfo
    from openness_bridge.hmi_access import HmiAccess

__all__ = ("BridgeHmi",)

_Info = TypeVar("_Info")


def _walk(folder: Any, composition: str) -> Iterator[Any]:
    """Every object of ``composition`` (``Screens``, ``TagTables``) in a system folder and its user folders."""
    for _, obj in _walk_paths(folder, composition):
        yield obj


def _walk_paths(folder: Any, composition: str, path: str = "") -> Iterator[tuple[str, Any]]:
    """(user folder path ``a/b``, object) for every object of ``composition``, the folder's own first."""
    for obj in getattr(folder, composition):
        yield path, obj
    for sub in folder.Folders:
        yield from _walk_paths(sub, composition, f"{path}/{sub.Name}" if path else str(sub.Name))


def _screen_info(doc: sx.HmiDocument, folder: str = "") -> HmiScreenInfo:
    root = doc.root
    return HmiScreenInfo(name=root.name, number=screen_number(doc) or 0, width=int(root.attr("Width") or 0),
                         height=int(root.attr("Height") or 0), item_count=len(sx.screen_items(root)), folder=folder)


def _table_info(doc: sx.HmiDocument, folder: str = "") -> HmiTagTableInfo:
    name = doc.root.name
    return HmiTagTableInfo(name=name, folder=folder, tags=[
        HmiTagInfo(name=t.name, data_type=t.link("DataType") or t.link("HmiDataType") or "",
                   connection=t.link("Connection") or "", plc_tag=t.link("ControllerTag") or "", tag_table=name,
                   acquisition_cycle=t.link("AcquisitionCycle") or "")
        for t in doc.root.objects(sx.TAG)])


def _connection_info(doc: sx.HmiDocument) -> HmiConnectionInfo:
    partner, kind = sx.connection_info(doc.root)
    return HmiConnectionInfo(name=doc.root.name, partner=partner, type=kind)


def _exists(kind: str, code: str, name: str, device: str) -> AlreadyExistsError:
    return AlreadyExistsError(
        f"The {kind} '{name}' exists in '{device}'. Send overwrite=true to replace it (TIA's ImportOptions.Override).",
        code=code, details={"name": name})


def _replaced(docs: list[tuple[Any, sx.HmiDocument]], doc: sx.HmiDocument, overwrite: bool, label: str, code: str,
              device: str) -> Any | None:
    """The object among (object, its export) ``docs`` that importing ``doc`` replaces, None for a new one.

    Raises:
        AlreadyExistsError: ``code`` (``SCREEN_EXISTS``, ``TAG_TABLE_EXISTS``): it exists and ``overwrite`` is off.
    """
    existing = next((o for o, d in docs if d.root.name.casefold() == doc.root.name.casefold()), None)
    if existing is not None and not overwrite:
        raise _exists(label, code, str(existing.Name), device)
    return existing


class BridgeHmi(HmiPort):
    """The bridge's ``hmi`` area: classic panels' screens, tag tables, connections and user folders
    (:mod:`openness_bridge.hmi_folders`), the HMI compile.

    Args:
        access: the Openness session and the panels' software.
        compile_result: a ``CompilerResult`` as the port's :class:`~engineering_api.backend.models.CompileResult`
            (the compile area's reading, shared with the PLC compile).
        hmi_library_types: the project library's HMI types (the ``hmi_resources`` area's ``list_hmi_library_types``),
            which a screen's faceplate instances must name.
    """

    def __init__(self, access: HmiAccess, *, compile_result: Callable[[Any], CompileResult],
                 hmi_library_types: Callable[[], list[HmiLibraryTypeInfo]]) -> None:
        self._access = access
        self._session = access.session
        self._compile_result = compile_result
        self._hmi_library_types = hmi_library_types

    def _hmi_docs(self, objects: Any) -> list[tuple[Any, sx.HmiDocument]]:
        """(object, its exported document) for each object."""
        return [(obj, sx.read_hmi(self._session.export_bytes(obj))) for obj in objects]

    @staticmethod
    def _named(objects: Any, name: str) -> Any | None:
        return next((o for o in objects if str(o.Name).casefold() == name.casefold()), None)

    def _listed(self, device: str, system_folder: str, composition: str, info: Callable[[sx.HmiDocument, str], _Info],
                call: str) -> list[_Info]:
        """Every object of ``composition`` in the panel's system folder and its user folders, each as ``info`` reads
        its export (with its folder path)."""
        def run() -> list[_Info]:
            folder = getattr(self._access.hmi_target(device), system_folder)
            return [info(sx.read_hmi(self._session.export_bytes(obj)), path)
                    for path, obj in _walk_paths(folder, composition)]

        return self._session.call(call, run)

    def _exported(self, device: str, name: str, objects: Callable[[Any], Any], label: str, code: str,
                  call: str) -> HmiExport:
        """The export of the object ``name`` among ``objects(target)``; NotFoundError ``code`` when none has it."""
        def run() -> HmiExport:
            found = self._named(objects(self._access.hmi_target(device)), name)
            if found is None:
                raise NotFoundError(f"The {label} '{name}' was not found in '{device}'.", code=code)
            return HmiExport(name=str(found.Name), data=self._session.export_bytes(found))

        return self._session.call(call, run)

    # ----- screens -------------------------------------------------------------------------------
    def list_hmi_screens(self, device: str) -> list[HmiScreenInfo]:
        return self._listed(device, "ScreenFolder", "Screens", _screen_info, "Screen.Export")

    def export_hmi_screen(self, device: str, name: str) -> HmiExport:
        return self._exported(device, name, lambda target: _walk(target.ScreenFolder, "Screens"), "screen",
                              codes.SCREEN_NOT_FOUND, "Screen.Export")

    def import_hmi_screen(self, device: str, data: bytes, *, overwrite: bool = False,
                          source: str = "document", folder: str = "") -> HmiScreenInfo:
        doc = read_import(data, sx.SCREEN, source, self._session.version)
        if faceplate_references(doc):  # checked first, as the fake does: TIA throws on a type it lacks
            self._session.call("HmiTarget", lambda: self._access.hmi_target(device))  # its errors first
            check_faceplates(doc, self._hmi_library_types())

        def run() -> HmiScreenInfo:
            target = self._access.hmi_target(device)
            into = user_folder(target, "screens", folder)
            folder_path = target_folder(folder)
            screens = self._hmi_docs(_walk(target.ScreenFolder, "Screens"))
            existing = _replaced(screens, doc, overwrite, "screen", codes.SCREEN_EXISTS, device)
            # every screen of a classic panel has the device's size (TIA refuses others), so any one tells it
            sizes = {(int(d.root.attr("Width") or 0), int(d.root.attr("Height") or 0)) for _, d in screens}
            numbers = {d.root.name: screen_number(d) for o, d in screens if o is not existing}
            check_screen(doc, numbers, next(iter(sizes)) if len(sizes) == 1 else None)
            self._session.import_bytes(into.Screens, data, override=existing is not None)
            return _screen_info(doc, folder_path)

        return self._session.change("ScreenComposition.Import", run, invocation=ValidationError)

    # ----- tag tables ----------------------------------------------------------------------------
    def list_hmi_tag_tables(self, device: str) -> list[HmiTagTableInfo]:
        return self._listed(device, "TagFolder", "TagTables", _table_info, "TagTable.Export")

    def export_hmi_tag_table(self, device: str, name: str) -> HmiExport:
        return self._exported(device, name, lambda target: _walk(target.TagFolder, "TagTables"), "tag table",
                              codes.TAG_TABLE_NOT_FOUND, "TagTable.Export")

    def import_hmi_tag_table(self, device: str, data: bytes, *, overwrite: bool = False,
                             source: str = "document", folder: str = "") -> HmiTagTableInfo:
        doc = read_import(data, sx.TAG_TABLE, source, self._session.version)

        def run() -> HmiTagTableInfo:
            target = self._access.hmi_target(device)
            into = user_folder(target, "tags", folder)
            tables = self._hmi_docs(_walk(target.TagFolder, "TagTables"))
            existing = _replaced(tables, doc, overwrite, "tag table", codes.TAG_TABLE_EXISTS, device)
            elsewhere = {t.name.lower(): d.root.name for o, d in tables if o is not existing
                         for t in d.root.objects(sx.TAG)}
            check_tags(doc, {str(c.Name).lower() for c in target.Connections}, elsewhere)
            self._session.import_bytes(into.TagTables, data, override=existing is not None)
            return _table_info(doc, target_folder(folder))

        return self._session.change("TagTableComposition.Import", run, invocation=ValidationError)

    # ----- user folders --------------------------------------------------------------------------
    def list_hmi_folders(self, device: str, kind: HmiFolderKind) -> list[str]:
        return self._session.call(f"{SYSTEM_FOLDERS[kind]}.Folders",
                                  lambda: folder_paths(self._access.hmi_target(device), kind))

    def create_hmi_folder(self, device: str, kind: HmiFolderKind, path: str) -> str:
        parts = folder_parts(path)
        return self._session.change(f"{SYSTEM_FOLDERS[kind]}.Folders.Create",
                                    lambda: create_folder(self._access.hmi_target(device), kind, parts, device))

    # ----- connections ---------------------------------------------------------------------------
    def list_hmi_connections(self, device: str) -> list[HmiConnectionInfo]:
        def run() -> list[HmiConnectionInfo]:
            return [_connection_info(doc) for _, doc in self._hmi_docs(self._access.hmi_target(device).Connections)]

        return self._session.call("Connection.Export", run)

    def export_hmi_connection(self, device: str, name: str) -> HmiExport:
        return self._exported(device, name, lambda target: target.Connections, "connection", codes.CONNECTION_NOT_FOUND,
                              "Connection.Export")

    def import_hmi_connection(self, device: str, data: bytes, *, overwrite: bool = False,
                              source: str = "document") -> HmiConnectionInfo:
        doc = read_import(data, sx.CONNECTION, source, self._session.version)

        def run() -> HmiConnectionInfo:
            connections = self._access.hmi_target(device).Connections
            existing = self._named(connections, doc.root.name)
            if existing is not None and not overwrite:
                raise _exists("connection", codes.CONNECTION_EXISTS, str(existing.Name), device)
            self._session.import_bytes(connections, data, override=existing is not None)
            return _connection_info(doc)

        return self._session.change("ConnectionComposition.Import", run, invocation=ValidationError)

    # ----- compile ---------------------------------------------------------------------------------
    def compile_hmi(self, device: str) -> CompileResult:
        # Siemens, TIA Portal Openness V21 "Functions for accessing HMI device data": an HMI device compiles
        # through hmiTarget.GetService<ICompilable>().Compile(); the result tree is mapped as the PLC's is.
        def run() -> CompileResult:
            target = self._access.hmi_target(device)
            compilable = self._session.service(target,
                                               self._session.namespace("Siemens.Engineering.Compiler").ICompilable)
            if compilable is None:
                raise NotSupportedError(f"The HMI device '{device}' offers no ICompilable service.",
                                        code=codes.NO_OPENNESS_EQUIVALENT)
            return self._compile_result(compilable.Compile())

        return self._session.call("ICompilable.Compile", run)
