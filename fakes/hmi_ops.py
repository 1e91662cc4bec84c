"""The fake's ``hmi`` area: screens, HMI tag tables, connections and user folders of classic panels, the HMI compile.

The objects are SimaticML documents in :class:`fakes.hmi.HmiTarget`; imports check TIA's rules before
anything changes (see :mod:`engineering_api.backend.areas.hmi`) and run in the project transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import msgspec

from engineering_api.backend.areas.hmi import (
    HmiConnectionInfo,
    HmiExport,
    HmiPort,
    HmiScreenInfo,
    HmiTagInfo,
    HmiTagTableInfo,
)
from engineering_api.errors import codes
from engineering_api.rules.folders import folder_parts
from engineering_api.rules.hmi import check_screen, check_tags, read_import, screen_number
from engineering_api.rules.hmi_compile import HmiSources, Station, check_hmi, compile_result
from engineering_api.rules.hmi_compile_unified import check_unified
from engineering_api.rules.hmi_resources import check_faceplates, faceplate_references
from fakes.hmi import (
    export_document,
    is_unified,
    panel_size,
    replaced_document,
    store_document,
)
from fakes.hmi_folders import create_folder, folder_of, place, stored_folder
from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.blocks import BlockInfo
    from engineering_api.backend.areas.hmi import HmiFolderKind
    from engineering_api.backend.areas.hmi_resources import HmiLibraryTypeInfo
    from engineering_api.backend.areas.hmi_unified import UnifiedHmi
    from engineering_api.backend.areas.tags import TagInfo
    from engineering_api.backend.models import CompileResult
    from fakes.hmi import HmiTarget
    from fakes.hmi_access import HmiAccess
    from fakes.model import Device

__all__ = ("FakeHmi", "connection_info", "screen_info", "tag_info")

_Info = TypeVar("_Info", HmiScreenInfo, HmiTagTableInfo)


def screen_info(doc: sx.HmiDocument) -> HmiScreenInfo:
    """The listed shape of a screen document."""
    root = doc.root
    return HmiScreenInfo(name=root.name, number=_int(root.attr("Number")), width=_int(root.attr("Width")),
                         height=_int(root.attr("Height")), item_count=len(sx.screen_items(root)))


def tag_info(tag: sx.HmiObject, table: str) -> HmiTagInfo:
    """The listed shape of an HMI tag."""
    return HmiTagInfo(name=tag.name, data_type=tag.link("DataType") or tag.link("HmiDataType") or "",
                      connection=tag.link("Connection") or "", plc_tag=tag.link("ControllerTag") or "",
                      tag_table=table, acquisition_cycle=tag.link("AcquisitionCycle") or "")


def table_info(doc: sx.HmiDocument) -> HmiTagTableInfo:
    """A tag table with its tags."""
    name = doc.root.name
    return HmiTagTableInfo(name=name, tags=[tag_info(t, name) for t in doc.root.objects(sx.TAG)])


def connection_info(doc: sx.HmiDocument) -> HmiConnectionInfo:
    """The listed shape of a connection."""
    partner, kind = sx.connection_info(doc.root)
    return HmiConnectionInfo(name=doc.root.name, partner=partner, type=kind)


def _placed(target: HmiTarget, kind: HmiFolderKind, objects: dict[str, sx.HmiDocument],
            info: Callable[[sx.HmiDocument], _Info]) -> list[_Info]:
    """Each of a panel's screens or tag tables (``kind``) as ``info`` lists it, with the user folder it is in."""
    return [msgspec.structs.replace(info(doc), folder=folder_of(target, kind, name)) for name, doc in objects.items()]


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


class FakeHmi(HmiPort):
    """The fake's ``hmi`` area: screens, HMI tag tables, connections and user folders (:mod:`fakes.hmi_folders`) of
    classic panels, and the HMI compile of classic and Unified panels.

    Args:
        access: the session and the classic panels' targets (shared with the ``hmi_resources`` area).
        plc_tags: every PLC tag of a PLC (the tags area's ``list_all_tags``), which HMI tags may bind to.
        plc_blocks: the blocks of a PLC (the blocks area's ``list_blocks``); HMI tags may bind to its data blocks.
        hmi_library_types: the project library's HMI types (the ``hmi_resources`` area's ``list_hmi_library_types``),
            which a screen's faceplate instances must name.
        unified_model: a Unified panel's object model (the ``hmi_unified`` area's ``read_unified_hmi``), which the
            compile checks.
    """

    def __init__(
        self, access: HmiAccess, *, plc_tags: Callable[[str], list[TagInfo]],
        plc_blocks: Callable[[str], list[BlockInfo]], hmi_library_types: Callable[[], list[HmiLibraryTypeInfo]],
        unified_model: Callable[[str], UnifiedHmi],
    ) -> None:
        self._access = access
        self._session = access.session
        self._plc_tags = plc_tags
        self._plc_blocks = plc_blocks
        self._hmi_library_types = hmi_library_types
        self._unified_model = unified_model

    def _import_placed(self, device: str, doc: sx.HmiDocument, kind: HmiFolderKind, folder: str, overwrite: bool,
                       label: str, code: str, check: Callable[[Device, HmiTarget, str | None], None]) -> str:
        """Store ``doc`` among the panel's screens or tag tables (``kind``) in the user folder ``folder``, once
        ``check`` (the device, its target, the stored name of the object replaced) accepts it; returns the folder as
        stored.

        Raises:
            NotFoundError: ``FOLDER_NOT_FOUND``.
            AlreadyExistsError: ``code`` (``SCREEN_EXISTS``, ``TAG_TABLE_EXISTS``) without ``overwrite``.
        """
        with self._session.change() as project:
            found, target = self._access.panel(project, device)
            folder = stored_folder(target, kind, folder)
            objects = target.screens if kind == "screens" else target.tag_tables
            existing = replaced_document(objects, doc.root.name, overwrite, label, code, device)
            check(found, target, existing)
            store_document(objects, doc, existing)
            place(target, kind, doc.root.name, folder, replaced=existing)
        return folder

    def list_hmi_screens(self, device: str) -> list[HmiScreenInfo]:
        target = self._access.read_target(device)
        return _placed(target, "screens", target.screens, screen_info)

    def export_hmi_screen(self, device: str, name: str) -> HmiExport:
        return export_document(self._access.read_target(device).screens, name, "screen", codes.SCREEN_NOT_FOUND, device)

    def import_hmi_screen(self, device: str, data: bytes, *, overwrite: bool = False,
                          source: str = "document", folder: str = "") -> HmiScreenInfo:
        doc = read_import(data, sx.SCREEN, source, self._session.project().version)
        if faceplate_references(doc):  # the types of its faceplate instances must be in the project library
            self._access.read_target(device)  # the device's errors first
            check_faceplates(doc, self._hmi_library_types())

        def check(found: Device, target: HmiTarget, existing: str | None) -> None:
            numbers = {k: screen_number(v) for k, v in target.screens.items() if k != existing}
            check_screen(doc, numbers, panel_size(found))

        folder = self._import_placed(device, doc, "screens", folder, overwrite, "screen", codes.SCREEN_EXISTS, check)
        return msgspec.structs.replace(screen_info(doc), folder=folder)

    def list_hmi_tag_tables(self, device: str) -> list[HmiTagTableInfo]:
        target = self._access.read_target(device)
        return _placed(target, "tags", target.tag_tables, table_info)

    def export_hmi_tag_table(self, device: str, name: str) -> HmiExport:
        return export_document(self._access.read_target(device).tag_tables, name, "tag table",
                               codes.TAG_TABLE_NOT_FOUND,
                               device)

    def import_hmi_tag_table(self, device: str, data: bytes, *, overwrite: bool = False,
                             source: str = "document", folder: str = "") -> HmiTagTableInfo:
        doc = read_import(data, sx.TAG_TABLE, source, self._session.project().version)

        def check(found: Device, target: HmiTarget, existing: str | None) -> None:
            elsewhere = {t.name.lower(): table for table, other in target.tag_tables.items() if table != existing
                         for t in other.root.objects(sx.TAG)}
            check_tags(doc, {k.lower() for k in target.connections}, elsewhere)

        folder = self._import_placed(device, doc, "tags", folder, overwrite, "tag table", codes.TAG_TABLE_EXISTS, check)
        return msgspec.structs.replace(table_info(doc), folder=folder)

    def list_hmi_folders(self, device: str, kind: HmiFolderKind) -> list[str]:
        return list(self._access.read_target(device).folders[kind])

    def create_hmi_folder(self, device: str, kind: HmiFolderKind, path: str) -> str:
        parts = folder_parts(path)
        with self._session.change() as project:
            return create_folder(self._access.panel(project, device)[1], kind, parts, device)

    def list_hmi_connections(self, device: str) -> list[HmiConnectionInfo]:
        return [connection_info(doc) for doc in self._access.read_target(device).connections.values()]

    def export_hmi_connection(self, device: str, name: str) -> HmiExport:
        return export_document(self._access.read_target(device).connections, name, "connection",
                               codes.CONNECTION_NOT_FOUND, device)

    def import_hmi_connection(self, device: str, data: bytes, *, overwrite: bool = False,
                              source: str = "document") -> HmiConnectionInfo:
        doc = read_import(data, sx.CONNECTION, source, self._session.project().version)
        with self._session.change() as project:
            _, target = self._access.panel(project, device)
            existing = replaced_document(target.connections, doc.root.name, overwrite, "connection",
                                         codes.CONNECTION_EXISTS, device)
            store_document(target.connections, doc, existing)
        return connection_info(doc)

    def compile_hmi(self, device: str) -> CompileResult:
        project = self._session.project()
        found = self._session.device(project, device)
        if is_unified(found):
            stations = [self._station(d) for d in project.devices.values()]
            return compile_result(found.name, check_unified(self._unified_model(found.name), stations))
        found, target = self._access.panel(project, device)
        sources = HmiSources(list(target.screens.values()), list(target.tag_tables.values()),
                             list(target.connections.values()), list(target.scripts.values()),
                             list(target.text_lists.values()))
        return compile_result(found.name, check_hmi(sources, [self._station(d) for d in project.devices.values()]))

    def _station(self, device: Device) -> Station:
        """A project device for the HMI compile; a PLC with the names of its tags and data blocks."""
        if device.device_kind != "plc":
            return Station(device.name, device.device_kind, device.family)
        tags = {t.name.lower() for t in self._plc_tags(device.name)}
        blocks = {b.name.lower() for b in self._plc_blocks(device.name) if b.block_type.endswith("DB")}
        return Station(device.name, "plc", device.family, frozenset(tags | blocks))
