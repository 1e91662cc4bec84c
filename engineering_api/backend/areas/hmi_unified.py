"""WinCC Unified panels (``Siemens.Engineering.HmiUnified.HmiSoftware``) through their object model.

Unified screens have no SimaticML in Openness: a panel's software is an object model (``HmiSoftware.Screens`` with
``ScreenItems`` and ``EventHandlers``, ``TagTables`` with ``Tags``, ``Connections``, ``Scripts``; Siemens' TIA
Portal Information System, Openness help "Functions for accessing the data of an HMI Unified device (RT Unified)",
and the sources in docs/openness-members.md, "HMI Unified"). The port reads the whole model at once
(:meth:`HmiUnifiedPort.read_unified_hmi`), creates or replaces objects from a (partial) model
(:meth:`~HmiUnifiedPort.apply_unified_hmi`, what the create routes and the JSON import use) and deletes one object
(:meth:`~HmiUnifiedPort.delete_unified_object`). The wire models below are also the exchange document
(``engineering-api.hmi-unified``, :mod:`engineering_api.rules.hmi_unified`).

TIA's rules (both adapters, :mod:`engineering_api.rules.hmi_unified`): names are unique case-insensitively (screens
in the device, items in their screen, tags across all tag tables of the device); a tag's connection must exist
(``CONNECTION_NOT_FOUND``); an object of the same name is replaced only with ``overwrite``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Literal

from engineering_api.backend.areas.hmi_resources import HmiGraphicListEntry, HmiTextListEntry
from engineering_api.lib.schema import CamelStruct

__all__ = ("UNIFIED_FORMAT", "HmiUnifiedPort", "UnifiedConnection", "UnifiedEvent", "UnifiedGraphicList", "UnifiedHmi",
           "UnifiedKind", "UnifiedScreen", "UnifiedScreenItem", "UnifiedScriptModule", "UnifiedTag", "UnifiedTagTable",
           "UnifiedTextList")

UNIFIED_FORMAT = "engineering-api.hmi-unified"
"""The ``format`` of the exchange document (our own: Openness exports no document for Unified screens)."""

UnifiedKind = Literal["screen", "tagTable", "tag", "connection", "scriptModule", "textList", "graphicList"]


class UnifiedEvent(CamelStruct, kw_only=True):
    """A JavaScript event handler of a screen or screen item (``EventHandlers.Create(<event type>)`` and its
    ``Script``: ``ScriptCode``, ``GlobalDefinitionAreaScriptCode``)."""

    event: str
    """The event type as Openness names it (``Tapped``, ``Loaded``…)."""
    script_code: str = ""
    """The handler's JavaScript, run when the event fires."""
    global_definition_area_script_code: str = ""
    """JavaScript of the handler's global definition area (declarations shared by the screen's handlers)."""


class UnifiedScreenItem(CamelStruct, kw_only=True):
    """A screen item (``ScreenItems.Create<T>(name)``) with its box, text and the HMI tag it shows."""

    name: str
    """Name of the item, unique on its screen."""
    type: str
    """The Openness class (``HmiButton``, ``HmiIOField``, ``HmiText``, ``HmiRectangle``…)."""
    left: int = 0
    """Distance of the item's left edge from the screen's, in pixels."""
    top: int = 0
    """Distance of the item's top edge from the screen's, in pixels."""
    width: int = 100
    """Width of the item, in pixels (default 100)."""
    height: int = 40
    """Height of the item, in pixels (default 40)."""
    text: str = ""
    """The text the item shows (a button's label, a text field's words); empty for none."""
    tag: str = ""
    """The HMI tag whose value the item shows (its ``ProcessValue`` tag dynamization); empty for none."""
    events: list[UnifiedEvent] = []
    """The item's event handlers."""


class UnifiedScreen(CamelStruct, kw_only=True):
    """A screen (``HmiScreen``) in its screen group path (``a/b``, empty for the root)."""

    name: str
    """Name of the screen."""
    folder: str = ""
    width: int = 0
    """0 takes the panel's width."""
    height: int = 0
    """Height of the screen, in pixels; 0 takes the panel's height."""
    items: list[UnifiedScreenItem] = []
    """The screen items (buttons, I/O fields, texts...) to place on the screen."""
    events: list[UnifiedEvent] = []
    """The screen's event handlers (Loaded...)."""


class UnifiedTag(CamelStruct, kw_only=True):
    """An HMI tag (``HmiTag``): internal when ``connection`` is empty, else bound to ``plcTag``."""

    name: str
    data_type: str
    connection: str = ""
    plc_tag: str = ""


class UnifiedTagTable(CamelStruct, kw_only=True):
    """A tag table (``HmiTagTable``) in its tag table group path (``a/b``)."""

    name: str
    folder: str = ""
    tags: list[UnifiedTag] = []


class UnifiedConnection(CamelStruct, kw_only=True):
    """A connection (``HmiConnection``: ``Partner``, ``CommunicationDriver``)."""

    name: str
    """Name of the connection."""
    partner: str = ""
    """Name of the partner PLC (device) in the project; empty leaves the connection without a partner."""
    communication_driver: str = ""
    """Communication driver as TIA names it, e.g. SIMATIC S7 1500, SIMATIC S7 1200 or SIMATIC S7 300/400."""


class UnifiedScriptModule(CamelStruct, kw_only=True):
    """A global JavaScript module (``HmiSoftware.Scripts``, ``HmiScriptModule``)."""

    name: str
    """Name of the script module."""
    code: str | None = ""
    """The module's JavaScript; None where the adapter cannot read it (the bridge: Openness has no member for it)."""


class UnifiedTextList(CamelStruct, kw_only=True):
    """A text list (``HmiSoftware.HmiTextLists``, ``TextGraphicList.HmiTextList``): ``listRange`` ``Decimal``
    (values or ranges), ``Bit`` (0/1) or ``BitNumber`` (bit 0..31); each entry a value (``rangeFrom``, with
    ``rangeTo`` a range) and its text, or the ``default`` entry shown for any other value."""

    name: str
    list_range: str = "Decimal"
    entries: list[HmiTextListEntry] = []


class UnifiedGraphicList(CamelStruct, kw_only=True):
    """A graphic list (``HmiSoftware.HmiGraphicLists``, ``TextGraphicList.HmiGraphicList``): each entry a value
    (range) and the project graphic shown for it."""

    name: str
    list_range: str = "Decimal"
    entries: list[HmiGraphicListEntry] = []


class UnifiedHmi(CamelStruct, kw_only=True):
    """A Unified panel's object model, or part of one (an import or a create)."""

    format: str = UNIFIED_FORMAT
    format_version: int = 1
    device_name: str = ""
    screens: list[UnifiedScreen] = []
    tag_tables: list[UnifiedTagTable] = []
    connections: list[UnifiedConnection] = []
    script_modules: list[UnifiedScriptModule] = []
    text_lists: list[UnifiedTextList] | None = []
    """None where the adapter cannot read them (the bridge: no public source shows the entries' Openness members)."""
    graphic_lists: list[UnifiedGraphicList] | None = []


class HmiUnifiedPort(ABC):
    """A WinCC Unified panel's object model.

    Common errors: ``NotFoundError`` (``DEVICE_NOT_FOUND``); ``ValidationError`` (``NOT_AN_HMI``;
    ``NOT_A_UNIFIED_PANEL``: a classic panel, whose objects are SimaticML); ``NoProjectOpenError``;
    ``PortalUnavailableError``.
    """

    @abstractmethod
    def read_unified_hmi(self, device: str) -> UnifiedHmi:
        """The panel's screens (with items and events), tag tables (with tags), connections, script modules, text
        lists and graphic lists."""

    @abstractmethod
    def apply_unified_hmi(self, device: str, model: UnifiedHmi, *, overwrite: bool = False) -> UnifiedHmi:
        """Create every object of ``model`` in the panel (with ``overwrite`` replace those of the same name) in one
        change; nothing changes when a rule refuses. Returns the objects as created.

        Raises:
            ValidationError: ``INVALID_UNIFIED_DOCUMENT`` (a bad name, type or value, a list entry without its
                value or text, overlapping values), ``CONNECTION_NOT_FOUND`` (a tag's connection), ``TAG_NOT_FOUND``
                (an item's tag), ``GRAPHIC_NOT_FOUND`` (a graphic list entry's project graphic).
            AlreadyExistsError: ``SCREEN_EXISTS``, ``TAG_TABLE_EXISTS``, ``TAG_EXISTS``, ``CONNECTION_EXISTS``,
                ``SCRIPT_EXISTS``, ``TEXT_LIST_EXISTS``, ``GRAPHIC_LIST_EXISTS`` without ``overwrite``.
            NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` (the bridge cannot write a script module's code).
        """

    @abstractmethod
    def delete_unified_object(self, device: str, kind: UnifiedKind, name: str) -> None:
        """Delete one object (``Delete()``); a tag table goes with its tags.

        Raises:
            NotFoundError: ``SCREEN_NOT_FOUND``, ``TAG_TABLE_NOT_FOUND``, ``TAG_NOT_FOUND``, ``CONNECTION_NOT_FOUND``,
                ``SCRIPT_NOT_FOUND``, ``TEXT_LIST_NOT_FOUND``, ``GRAPHIC_LIST_NOT_FOUND``.
            ConflictError: ``CONNECTION_IN_USE`` (tags use it), ``DEFAULT_TAG_TABLE`` (the default tag table stays).
        """
