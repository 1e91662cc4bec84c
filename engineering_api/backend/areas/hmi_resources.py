"""The rest of a classic HMI device: VB scripts, text lists, graphic lists, HMI library types.

The port area ``hmi_resources`` (beside ``hmi``, :class:`engineering_api.backend.areas.hmi.HmiPort`). VB scripts,
text lists and graphic lists are kept and exchanged as their SimaticML (``Hmi.RuntimeScripting.VBScript``,
``Hmi.TextGraphicList.TextList``/``GraphicList``, :mod:`simatic_xml.hmi_lists`), one object per file as
Openness exports them; an object of the same name is replaced only with ``overwrite`` (``ImportOptions.Override``).
Project graphics are the project's (``Project.Graphics``, "Languages & resources"), not a device's: the
``hmi_graphics`` area, :class:`~engineering_api.backend.areas.hmi_graphics.HmiGraphicsPort`. HMI library types are the
project library's HMI types (faceplates, VB scripts as types).

Common errors as :class:`~engineering_api.backend.areas.hmi.HmiPort`: ``DEVICE_NOT_FOUND``, ``NOT_AN_HMI``,
``UNIFIED_NOT_SUPPORTED``, ``NoProjectOpenError``, ``PortalUnavailableError``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from engineering_api.backend.areas.hmi_records import HmiExport
from engineering_api.backend.areas.library import TypeInstance
from engineering_api.lib.schema import CamelStruct

__all__ = ("HmiGraphicListEntry", "HmiGraphicListInfo", "HmiLibraryTypeInfo", "HmiResourcesPort", "HmiScriptInfo",
           "HmiTextListEntry", "HmiTextListInfo")


class HmiScriptInfo(CamelStruct):
    """A VB script of a Comfort/Advanced panel (WinCC Unified's JavaScript is not modelled)."""

    name: str
    type: str = ""
    """``Sub`` or ``Function``."""
    language: str = "VBScript"
    folder: str = ""
    """The user folder below "Scripts > VB scripts" (``a/b``), empty for the root."""
    line_count: int = 0


class HmiTextListEntry(CamelStruct):
    """A text list entry: the value (range) it stands for and its text (first language); ``default`` for the
    entry shown for any other value."""

    range_from: str | None = None
    range_to: str | None = None
    default: bool = False
    text: str = ""


class HmiTextListInfo(CamelStruct):
    """A text list: ``listRange`` ``Decimal`` (values or ranges), ``Bit`` (0/1) or ``BitNumber``."""

    name: str
    list_range: str = ""
    entry_count: int = 0
    entries: list[HmiTextListEntry] = []


class HmiGraphicListEntry(CamelStruct):
    """A graphic list entry: the value (range) and the project graphic shown for it."""

    range_from: str | None = None
    range_to: str | None = None
    default: bool = False
    graphic: str = ""


class HmiGraphicListInfo(CamelStruct):
    """A graphic list with its entries."""

    name: str
    list_range: str = ""
    entry_count: int = 0
    entries: list[HmiGraphicListEntry] = []


class HmiLibraryTypeInfo(CamelStruct):
    """An HMI type of the project library: its kind (``Faceplate``, ``VBScript``…), folder and versions (lowest
    first), which of them is the default and which is in work, and its instances on the project's panels."""

    name: str
    kind: str
    folder: str = ""
    versions: list[str] = []
    default_version: str | None = None
    in_work_version: str | None = None
    instances: list[TypeInstance] = []
    """On the fake: a VB script type's instances are the panels' scripts of its name; a faceplate type's are the
    screens' faceplate instances naming it (``Screen/Object``). Over Openness empty: not searched on panels."""


class HmiResourcesPort(ABC):
    """VB scripts, text and graphic lists of classic panels, and the project library's HMI types."""

    @abstractmethod
    def list_hmi_scripts(self, device: str) -> list[HmiScriptInfo]:
        """Every VB script of the device (the "VB scripts" folder and its user folders)."""

    @abstractmethod
    def export_hmi_script(self, device: str, name: str) -> HmiExport:
        """A VB script's SimaticML.

        Raises:
            NotFoundError: ``SCRIPT_NOT_FOUND``.
        """

    @abstractmethod
    def import_hmi_script(self, device: str, data: bytes, *, overwrite: bool = False,
                          source: str = "document") -> HmiScriptInfo:
        """Create (with ``overwrite`` replace) a VB script from SimaticML.

        Raises:
            ValidationError: ``INVALID_SIMATICML``, ``NEWER_VERSION``.
            AlreadyExistsError: ``SCRIPT_EXISTS`` without ``overwrite``.
        """

    @abstractmethod
    def list_hmi_text_lists(self, device: str) -> list[HmiTextListInfo]:
        """Every text list of the device with its entries."""

    @abstractmethod
    def export_hmi_text_list(self, device: str, name: str) -> HmiExport:
        """A text list's SimaticML.

        Raises:
            NotFoundError: ``TEXT_LIST_NOT_FOUND``.
        """

    @abstractmethod
    def import_hmi_text_list(self, device: str, data: bytes, *, overwrite: bool = False,
                             source: str = "document") -> HmiTextListInfo:
        """Create (with ``overwrite`` replace) a text list from SimaticML.

        Raises:
            ValidationError: ``INVALID_SIMATICML``, ``NEWER_VERSION``.
            AlreadyExistsError: ``TEXT_LIST_EXISTS`` without ``overwrite``.
        """

    @abstractmethod
    def list_hmi_graphic_lists(self, device: str) -> list[HmiGraphicListInfo]:
        """Every graphic list of the device with its entries."""

    @abstractmethod
    def import_hmi_graphic_list(self, device: str, data: bytes, *, overwrite: bool = False,
                                source: str = "document") -> HmiGraphicListInfo:
        """Create (with ``overwrite`` replace) a graphic list from SimaticML.

        Raises:
            ValidationError: ``INVALID_SIMATICML``, ``NEWER_VERSION``.
            AlreadyExistsError: ``GRAPHIC_LIST_EXISTS`` without ``overwrite``.
        """

    @abstractmethod
    def list_hmi_library_types(self) -> list[HmiLibraryTypeInfo]:
        """The HMI types of the project library (empty while it holds none); PLC types are not listed."""
