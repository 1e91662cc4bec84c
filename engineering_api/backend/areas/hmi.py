"""HMI devices of WinCC Comfort/Advanced (classic ``HmiTarget``): screens, HMI tag tables, connections.

The port area and its wire models. What TIA keeps of an HMI device is modelled as its SimaticML
(:mod:`simatic_xml.hmi`): screens (``Hmi.Screen.Screen``, with a number unique in the device and the
panel's width and height), tag tables (``Hmi.Tag.TagTable``; a tag is internal or bound through a
connection to a PLC tag) and connections (``Hmi.Communication.Connection`` to a partner PLC).

TIA's rules (both adapters): an import refuses malformed or hostile XML and a document of another kind
(``INVALID_SIMATICML``) or one exported by a newer TIA version than the project's (``NEWER_VERSION``), a screen
whose size is not the panel's (``SCREEN_SIZE_MISMATCH``) or whose number another screen has
(``SCREEN_NUMBER_NOT_UNIQUE``), and a tag whose connection the device does not have
(``CONNECTION_NOT_FOUND``, TIA's "Connection X of the Y tag was not found."). An object of the same name is
replaced only with ``overwrite`` (Openness' ``ImportOptions.Override``; without it TIA refuses the import).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Literal

from engineering_api.backend.areas.hmi_records import HmiExport
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from engineering_api.backend.models import CompileResult

__all__ = ("DEFAULT_TAG_TABLE", "HmiConnectionInfo", "HmiExport", "HmiFolderKind", "HmiPort", "HmiScreenInfo",
           "HmiTagInfo", "HmiTagTableInfo")

HmiFolderKind = Literal["screens", "tags"]
"""Which system folder a user folder is in: "Screens" or "HMI tags"."""

DEFAULT_TAG_TABLE = "Default tag table"
"""The tag table every classic HMI device has (``TagSystemFolder.DefaultTagTable``)."""


class HmiScreenInfo(CamelStruct):
    """A screen as listed (T-IA Connect's ``HmiScreenInfo``: Name, Number, Width, Height)."""

    name: str
    number: int
    width: int
    height: int
    item_count: int = 0
    folder: str = ""
    """The user folder below "Screens" (``a/b``), empty for the root."""


class HmiTagInfo(CamelStruct):
    """An HMI tag (T-IA Connect's ``HmiTagInfo``: Name, DataType, Connection, PlcTag); internal tags have
    an empty connection and PLC tag."""

    name: str
    data_type: str
    connection: str = ""
    plc_tag: str = ""
    tag_table: str = ""
    acquisition_cycle: str = ""


class HmiTagTableInfo(CamelStruct):
    """A tag table and its tags."""

    name: str
    tags: list[HmiTagInfo] = []
    folder: str = ""
    """The user folder below "HMI tags" (``a/b``), empty for the root."""


class HmiConnectionInfo(CamelStruct):
    """A connection (T-IA Connect's ``HmiConnectionInfo``: Name, Partner, Type)."""

    name: str
    partner: str = ""
    type: str = ""
    """The communication driver as TIA names it (``SIMATIC S7 1500``)."""


class HmiPort(ABC):
    """Screens, tag tables, connections and user folders of a classic HMI device (Comfort/Advanced/Basic panels), and
    the HMI compile. Scripts, text and graphic lists and HMI library types are the ``hmi_resources`` area
    (:class:`~engineering_api.backend.areas.hmi_resources.HmiResourcesPort`), project graphics the ``hmi_graphics``
    area (:class:`~engineering_api.backend.areas.hmi_graphics.HmiGraphicsPort`), WinCC Unified panels' object model
    the ``hmi_unified`` area (:class:`~engineering_api.backend.areas.hmi_unified.HmiUnifiedPort`).

    Common errors: ``NotFoundError`` (``DEVICE_NOT_FOUND``); ``ValidationError`` (``NOT_AN_HMI``: the device
    is not an HMI panel); ``NotSupportedError`` (``UNIFIED_NOT_SUPPORTED``: a WinCC Unified panel, whose
    objects have no SimaticML; the domain then answers from the Unified model); ``NoProjectOpenError``;
    ``PortalUnavailableError``.
    """

    @abstractmethod
    def list_hmi_screens(self, device: str) -> list[HmiScreenInfo]:
        """Every screen of the device, in the order of its screen folder."""

    @abstractmethod
    def export_hmi_screen(self, device: str, name: str) -> HmiExport:
        """A screen's SimaticML.

        Raises:
            NotFoundError: ``SCREEN_NOT_FOUND``.
        """

    @abstractmethod
    def import_hmi_screen(self, device: str, data: bytes, *, overwrite: bool = False,
                          source: str = "document", folder: str = "") -> HmiScreenInfo:
        """Create (with ``overwrite`` replace) a screen from SimaticML, in the user folder ``folder`` (``a/b``; empty:
        the "Screens" folder itself; a replaced screen moves there).

        Raises:
            ValidationError: ``INVALID_SIMATICML``, ``NEWER_VERSION``, ``SCREEN_SIZE_MISMATCH``,
                ``SCREEN_NUMBER_NOT_UNIQUE``.
            AlreadyExistsError: ``SCREEN_EXISTS`` without ``overwrite``.
            NotFoundError: ``FOLDER_NOT_FOUND``.
        """

    @abstractmethod
    def list_hmi_tag_tables(self, device: str) -> list[HmiTagTableInfo]:
        """Every tag table with its tags (the default tag table first)."""

    @abstractmethod
    def export_hmi_tag_table(self, device: str, name: str) -> HmiExport:
        """A tag table's SimaticML.

        Raises:
            NotFoundError: ``TAG_TABLE_NOT_FOUND``.
        """

    @abstractmethod
    def import_hmi_tag_table(self, device: str, data: bytes, *, overwrite: bool = False,
                             source: str = "document", folder: str = "") -> HmiTagTableInfo:
        """Create (with ``overwrite`` replace) a tag table from SimaticML, in the user folder ``folder`` (``a/b``;
        empty: the "HMI tags" folder itself).

        Raises:
            ValidationError: ``INVALID_SIMATICML``, ``NEWER_VERSION``, ``CONNECTION_NOT_FOUND`` (a tag's connection).
            AlreadyExistsError: ``TAG_TABLE_EXISTS`` without ``overwrite``; ``TAG_EXISTS`` (a tag name another
                table of the device has: HMI tag names are unique in the device).
            NotFoundError: ``FOLDER_NOT_FOUND``.
        """

    @abstractmethod
    def list_hmi_folders(self, device: str, kind: HmiFolderKind) -> list[str]:
        """The user folders below "Screens" (``screens``) or "HMI tags" (``tags``) as paths (``a``, ``a/b``), each
        parent before its subfolders (``ScreenFolder.Folders`` / ``TagFolder.Folders``, recursively)."""

    @abstractmethod
    def create_hmi_folder(self, device: str, kind: HmiFolderKind, path: str) -> str:
        """Create the user folder ``path`` (``a/b``: missing parents too; ``…Folders.Create(name)``); returns the path
        as stored.

        Raises:
            ValidationError: ``INVALID_FOLDER`` (an empty part or a name no file system takes, as for PLC folders).
            AlreadyExistsError: ``FOLDER_EXISTS`` (the whole path exists; names are compared ignoring case).
        """

    @abstractmethod
    def list_hmi_connections(self, device: str) -> list[HmiConnectionInfo]:
        """Every connection of the device."""

    @abstractmethod
    def export_hmi_connection(self, device: str, name: str) -> HmiExport:
        """A connection's SimaticML.

        Raises:
            NotFoundError: ``CONNECTION_NOT_FOUND``.
        """

    @abstractmethod
    def import_hmi_connection(self, device: str, data: bytes, *, overwrite: bool = False,
                              source: str = "document") -> HmiConnectionInfo:
        """Create (with ``overwrite`` replace) a connection from SimaticML.

        Raises:
            ValidationError: ``INVALID_SIMATICML``, ``NEWER_VERSION``.
            AlreadyExistsError: ``CONNECTION_EXISTS`` without ``overwrite``.
        """

    @abstractmethod
    def compile_hmi(self, device: str) -> CompileResult:
        """Compile the HMI device's software, as TIA's ``HmiTarget.GetService<ICompilable>().Compile()`` does:
        TIA's result tree, and on the fake every finding in ``diagnostics`` (unbound or dangling HMI tags,
        connections to missing or non-matching PLCs, screen items and scripts naming missing objects; see
        :mod:`engineering_api.rules.hmi_compile`). Findings are results, not exceptions.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_AN_HMI``.
            NotSupportedError: ``UNIFIED_NOT_SUPPORTED``.
        """
