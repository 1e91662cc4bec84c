"""WinCC Unified panels over Openness: the ``Siemens.Engineering.HmiUnified`` object model.

``HmiSoftware.Screens`` / ``ScreenGroups`` (``HmiScreenGroup.Screens``, ``.Groups``) hold ``HmiScreen``s (``Name``,
``Width``, ``Height``, ``ScreenItems``, ``EventHandlers``); a screen item is created with
``ScreenItems.Create<T>(name)`` and has ``Left``/``Top``/``Width``/``Height``, the tag it shows is a
``Dynamizations.Create<TagDynamization>("ProcessValue")`` whose ``Tag`` names it, and an event is
``EventHandlers.Create(<Type>EventType.<event>)`` with ``Script.ScriptCode`` / ``GlobalDefinitionAreaScriptCode``.
``HmiSoftware.TagTables`` / ``TagTableGroups`` hold ``HmiTagTable``s whose ``Tags`` (``Name``, ``DataType``,
``Connection``, ``PlcTag``) are created with ``HmiSoftware.Tags.Create(name, tableName)``; ``Connections`` hold
``HmiConnection``s (``Partner``, ``CommunicationDriver``). Objects go with ``Delete()``. TIA's rules are checked
first (:mod:`engineering_api.rules.hmi_unified`, the fake's codes), then the creates run in one ``_change``.

What a version lacks, by the real assemblies' metadata (:mod:`openness_bridge.api_reference`): screen and tag table
groups (``ScreenGroups``, ``TagTableGroups``) exist from V18 and script modules (``Scripts``) from V19, so an older
version reads no groups or modules and refuses a folder with 501 ``NOT_IN_THIS_TIA_VERSION``; ``HmiScriptModule`` has
no ``Delete`` in V19; ``Left``/``Top``/``Width``/``Height`` belong to items with a box (``IHmiBoxFeature``), not to
every ``HmiScreenItemBase``. ``HmiConnection.Partner``, ``Node`` and ``Station`` are get-only in V17-V19 and
``HmiConnectionComposition.Create`` takes only a name: no public source shows how Openness sets a connection's
partner, so a connection with a partner is applied only where TIA already has it with that partner (it is kept, its
driver set); any other answers 501 ``NO_OPENNESS_EQUIVALENT`` before anything changes (connect the panel to the PLC
in TIA's network view first). A connection without a partner is created as before.

Script modules (``HmiSoftware.Scripts``, ``HmiScriptModule``) are listed by name: their code is only in the files
``Scripts.Export`` writes, whose layout no public source shows, so it reads as ``None`` and writing a module answers
501 ``NO_OPENNESS_EQUIVALENT``. An item's text is not read or written (it is multilingual markup whose exact shape
is not confirmed). Text and graphic lists (``HmiSoftware.HmiTextLists``/``HmiGraphicLists``, V21) read as ``None``
and are not written (501 ``NO_OPENNESS_EQUIVALENT``): no public source shows their entries' members; one is deleted
by name (``Find(name).Delete()``).
Sources: docs/openness-members.md, section "HMI Unified".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.backend.areas.hmi_unified import (
    HmiUnifiedPort,
    UnifiedConnection,
    UnifiedEvent,
    UnifiedHmi,
    UnifiedKind,
    UnifiedScreen,
    UnifiedScreenItem,
    UnifiedScriptModule,
    UnifiedTag,
    UnifiedTagTable,
)
from engineering_api.backend.errors import NotFoundError, NotSupportedError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.hmi_unified import check_delete, merge, subset
from openness_bridge.api_reference import has_member, require_member

if TYPE_CHECKING:
    from openness_bridge.hmi_access import HmiAccess

__all__ = ("BridgeHmiUnified",)

# Where the real V17-V19 metadata puts screen item classes: HmiScreenWindow is in UI.Screens, beside HmiScreen.
_ITEM_NAMESPACES = ("Siemens.Engineering.HmiUnified.UI.Widgets", "Siemens.Engineering.HmiUnified.UI.Shapes",
                    "Siemens.Engineering.HmiUnified.UI.Controls", "Siemens.Engineering.HmiUnified.UI.Screens")
_ENUMS = "Siemens.Engineering.HmiUnified.UI.Enum"
_TAG_DYNAMIZATION = "Siemens.Engineering.HmiUnified.UI.Dynamization"  # not .Tag (V21 IntelliSense catalogue)


def _grouped(objects: Any, groups: Any, composition: str, path: str = "") -> Iterator[tuple[str, Any]]:
    """(group path ``a/b``, object) for the objects of a composition and of its groups, recursively."""
    for obj in objects:
        yield path, obj
    for group in groups:
        sub = f"{path}/{group.Name}" if path else str(group.Name)
        yield from _grouped(getattr(group, composition), group.Groups, composition, sub)


def _events(owner: Any) -> list[UnifiedEvent]:
    # Some item classes have no events at all (HmiLabel has no EventHandlers in the real V17-V19 metadata).
    handlers = getattr(owner, "EventHandlers", None)
    if handlers is None:
        return []
    return [UnifiedEvent(event=str(h.EventType), script_code=str(h.Script.ScriptCode or ""),
                         global_definition_area_script_code=str(h.Script.GlobalDefinitionAreaScriptCode or ""))
            for h in handlers]


def _box(item: Any, side: str) -> int:
    """``Left``/``Top``/``Width``/``Height`` of an item with a box (``IHmiBoxFeature``), 0 for one without (a line)."""
    value = getattr(item, side, None)
    return 0 if value is None else int(value)


def _item(item: Any) -> UnifiedScreenItem:
    binding = item.Dynamizations.Find("ProcessValue")
    tag = str(binding.Tag) if binding is not None and hasattr(binding, "Tag") else ""
    return UnifiedScreenItem(name=str(item.Name), type=str(item.GetType().Name), left=_box(item, "Left"),
                             top=_box(item, "Top"), width=_box(item, "Width"), height=_box(item, "Height"), tag=tag,
                             events=_events(item))


def _require_partner_held(connection: UnifiedConnection, existing: UnifiedConnection | None) -> None:
    """Refuse ``connection`` when it names a partner TIA does not already hold for it (``existing``: the connection
    of that name as just read; one it holds is kept). That partner cannot be written: ``HmiConnection.Partner`` is
    get-only in the real V17-V19 metadata (``Node`` and ``Station`` too) and ``HmiConnectionComposition.Create(name)``
    takes no partner: 501 NO_OPENNESS_EQUIVALENT."""
    if not connection.partner:
        return
    held = "" if existing is None else existing.partner
    if held == connection.partner:
        return
    raise NotSupportedError(
        f"The connection {connection.name!r} to {connection.partner!r} cannot be made through Openness: "
        "HmiConnection.Partner is read-only in TIA Portal's Openness API and HmiConnectionComposition.Create takes "
        "only a name. Connect the panel to the PLC in TIA Portal's network view (TIA then makes the connection with "
        "its partner), then apply again: a connection whose partner TIA already has is kept. Nothing was changed.",
        code=codes.NO_OPENNESS_EQUIVALENT,
        details={"connection": connection.name, "partner": connection.partner, "tiaPartner": held},
    )


def _no_lists() -> NotSupportedError:
    # HmiSoftware.HmiTextLists/HmiGraphicLists exist from V21 (U7), but no public source shows their entries' members.
    return NotSupportedError("Text and graphic lists of a Unified panel are not reached over Openness: no public "
                             "source shows the members of HmiTextList/HmiGraphicList entries (V20 has no "
                             "HmiGraphicLists at all); create them in TIA Portal.", code=codes.NO_OPENNESS_EQUIVALENT)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class BridgeHmiUnified(HmiUnifiedPort):
    """The bridge's ``hmi_unified`` area: WinCC Unified panels as their object model, found through ``access`` (the
    Openness session and the panels' software)."""

    def __init__(self, access: HmiAccess) -> None:
        self._access, self._session = access, access.session

    def _screens(self, software: Any) -> Iterator[tuple[str, Any]]:
        """Every screen with its group path; V17 has no screen groups (``HmiSoftware.ScreenGroups`` from V18)."""
        groups = software.ScreenGroups if has_member(self._session.version, "HmiSoftware", "ScreenGroups") else []
        return _grouped(software.Screens, groups, "Screens")

    def _tag_tables(self, software: Any) -> Iterator[tuple[str, Any]]:
        """Every tag table with its group path; V17 has no tag table groups (``TagTableGroups`` from V18)."""
        groups = (software.TagTableGroups if has_member(self._session.version, "HmiSoftware", "TagTableGroups")
                  else [])
        return _grouped(software.TagTables, groups, "TagTables")

    def _modules(self, software: Any) -> list[Any]:
        """The global script modules; V17 and V18 have no ``HmiSoftware.Scripts``, so none can be listed there."""
        return list(software.Scripts) if has_member(self._session.version, "HmiSoftware", "Scripts") else []

    def _read(self, device: str, software: Any, connections: Iterable[Any] | None = None) -> UnifiedHmi:
        """The panel as TIA holds it; ``connections``: its ``HmiConnection``s when the caller has them already."""
        screens = [UnifiedScreen(name=str(s.Name), folder=path, width=int(s.Width), height=int(s.Height),
                                 items=[_item(i) for i in s.ScreenItems], events=_events(s))
                   for path, s in self._screens(software)]
        tables = [UnifiedTagTable(name=str(t.Name), folder=path, tags=[
            UnifiedTag(name=str(x.Name), data_type=_text(x.DataType), connection=_text(x.Connection),
                       plc_tag=_text(x.PlcTag)) for x in t.Tags])
            for path, t in self._tag_tables(software)]
        connections = [UnifiedConnection(name=str(c.Name), partner=_text(c.Partner),
                                         communication_driver=_text(c.CommunicationDriver))
                       for c in (software.Connections if connections is None else connections)]
        modules = [UnifiedScriptModule(name=str(m.Name), code=None) for m in self._modules(software)]
        # Text and graphic lists: None, not [] (the panel may have some; their entries cannot be read, U7).
        return UnifiedHmi(device_name=device, screens=screens, tag_tables=tables, connections=connections,
                          script_modules=modules, text_lists=None, graphic_lists=None)

    def read_unified_hmi(self, device: str) -> UnifiedHmi:
        return self._session.call("HmiSoftware.Screens",
                          lambda: self._read(device, self._access.hmi_software(device)))

    # ----- writing -------------------------------------------------------------------------------
    def _item_type(self, name: str) -> Any:
        for namespace in _ITEM_NAMESPACES:
            try:
                found = getattr(importlib.import_module(namespace), name, None)
            except ImportError:  # a namespace this TIA Portal's assemblies do not have
                continue
            if found is not None:
                return found
        raise NotSupportedError(f"This TIA Portal's Openness has no screen item class {name}.",
                                code=codes.NO_OPENNESS_EQUIVALENT, details={"type": name})

    def _add_events(self, owner: Any, type_name: str, events: list[UnifiedEvent]) -> None:
        if not events:
            return  # nothing to look up: a class without events (HmiLabel: no HmiLabelEventType in V17-V19) is fine
        enum = getattr(importlib.import_module(_ENUMS), f"{type_name}EventType", None)
        if enum is None or getattr(owner, "EventHandlers", None) is None:
            raise NotSupportedError(f"{type_name} has no events in this TIA Portal's Openness (no "
                                    f"{type_name}EventType); remove its events or script it in TIA Portal.",
                                    code=codes.NO_OPENNESS_EQUIVALENT, details={"type": type_name})
        for event in events:
            value = getattr(enum, event.event, None)
            if value is None:
                raise ValidationError(f"{type_name} has no event {event.event!r}.", code=codes.INVALID_UNIFIED_DOCUMENT,
                                      details={"event": event.event})
            handler = owner.EventHandlers.Find(value) or owner.EventHandlers.Create(value)
            handler.Script.ScriptCode = event.script_code
            handler.Script.GlobalDefinitionAreaScriptCode = event.global_definition_area_script_code

    def _folder(self, software: Any, groups: str, folder: str) -> Any:
        """The group composition owner for ``a/b`` (created as needed), or None for the root.

        Raises:
            NotSupportedError: ``NOT_IN_THIS_TIA_VERSION`` for a folder where the version has no such groups (V17).
        """
        if not folder:
            return None
        require_member(self._session.version, "HmiSoftware", groups, f"A folder of {groups.removesuffix('Groups')}s")
        owner = None
        composition = getattr(software, groups)
        for part in folder.split("/") if folder else ():
            owner = composition.Find(part) or composition.Create(part)
            composition = owner.Groups
        return owner

    def _create_screen(self, software: Any, screen: UnifiedScreen, overwrite: bool) -> None:
        existing = next((s for _, s in self._screens(software)
                         if str(s.Name).casefold() == screen.name.casefold()), None)
        if existing is not None and overwrite:
            existing.Delete()
        group = self._folder(software, "ScreenGroups", screen.folder)
        made = (group.Screens if group is not None else software.Screens).Create(screen.name)
        if screen.width and screen.height:
            made.Width, made.Height = screen.width, screen.height
        self._add_events(made, "HmiScreen", screen.events)
        dynamization = getattr(importlib.import_module(_TAG_DYNAMIZATION), "TagDynamization")
        for item in screen.items:
            created = made.ScreenItems.Create[self._item_type(item.type)](item.name)
            if hasattr(created, "Left"):  # an item with a box (IHmiBoxFeature); a line has none
                created.Left, created.Top = item.left, item.top
                created.Width, created.Height = item.width or created.Width, item.height or created.Height
            if item.tag:
                created.Dynamizations.Create[dynamization]("ProcessValue").Tag = item.tag
            self._add_events(created, item.type, item.events)

    def _create_tags(self, software: Any, table: UnifiedTagTable, overwrite: bool) -> None:
        group = self._folder(software, "TagTableGroups", table.folder)
        tables = group.TagTables if group is not None else software.TagTables
        if software.TagTables.Find(table.name) is None and tables.Find(table.name) is None:
            tables.Create(table.name)
        for tag in table.tags:
            existing = software.Tags.Find(tag.name)
            if existing is not None and overwrite:
                existing.Delete()
            made = software.Tags.Create(tag.name, table.name)
            made.DataType = tag.data_type
            if tag.connection:
                made.Connection = tag.connection
                made.PlcTag = tag.plc_tag

    def apply_unified_hmi(self, device: str, model: UnifiedHmi, *, overwrite: bool = False) -> UnifiedHmi:
        if model.script_modules:
            raise NotSupportedError(
                "Openness reaches a Unified script module's code only through HmiSoftware.Scripts.Export/Import files, "
                "whose layout no public source shows; create global modules in TIA Portal.",
                code=codes.NO_OPENNESS_EQUIVALENT)
        if model.text_lists or model.graphic_lists:
            raise _no_lists()

        def run() -> UnifiedHmi:
            software = self._access.hmi_software(device)
            # The connections are read once, and found by name as TIA compares them (case-insensitively, as the
            # checks of rules.hmi_unified do): not asked for again with Find, whose case rule Openness does not state.
            tia = {str(c.Name).casefold(): c for c in software.Connections}
            current = self._read(device, software, tia.values())
            held = {c.name.casefold(): c for c in current.connections}
            # A connection TIA holds as asked (its partner made in the network view) is already there: not new.
            fresh = [c for c in model.connections if not (c.partner and held.get(c.name.casefold()) == c)]
            checked = msgspec.structs.replace(model, connections=fresh)
            merge(current, checked, overwrite=overwrite, device=device)  # TIA's checks first
            for connection in fresh:  # before any change
                _require_partner_held(connection, held.get(connection.name.casefold()))
            for connection in fresh:
                self._connect(software, connection, tia.get(connection.name.casefold()))
            for table in model.tag_tables:
                self._create_tags(software, table, overwrite)
            for screen in model.screens:
                self._create_screen(software, screen, overwrite)
            return subset(self._read(device, software), model)

        return self._session.change("HmiSoftware.Screens.Create", run, invocation=ValidationError)

    def _connect(self, software: Any, connection: UnifiedConnection, existing: Any | None) -> None:
        """Create (or replace) a connection without a partner, or set the driver of the one TIA already has with the
        requested partner (``existing``, :func:`_require_partner_held` refused every other before anything
        changed)."""
        if connection.partner:
            assert existing is not None  # held with its partner, else refused
            if str(existing.CommunicationDriver) != connection.communication_driver:
                existing.CommunicationDriver = connection.communication_driver
            return
        if existing is not None:
            existing.Delete()
        made = software.Connections.Create(connection.name)
        made.CommunicationDriver = connection.communication_driver

    def _delete_list(self, device: str, kind: UnifiedKind, name: str) -> None:
        """A text or graphic list by name: ``HmiTextLists``/``HmiGraphicLists.Find(name).Delete()`` (U1, U7)."""
        composition, code = {"textList": ("HmiTextLists", codes.TEXT_LIST_NOT_FOUND),
                             "graphicList": ("HmiGraphicLists", codes.GRAPHIC_LIST_NOT_FOUND)}[kind]

        require_member(self._session.version, "HmiSoftware", composition, f"Deleting a {kind}")

        def run() -> None:
            lists = getattr(self._access.hmi_software(device), composition, None)
            if lists is None:  # V20 has no HmiGraphicLists (U7)
                raise _no_lists()
            found = lists.Find(name)
            if found is None:
                label = "text list" if kind == "textList" else "graphic list"
                raise NotFoundError(f"The {label} '{name}' was not found in '{device}'.", code=code,
                                    details={"name": name})
            found.Delete()

        self._session.change(f"{composition}.Delete", run, invocation=ValidationError)

    def delete_unified_object(self, device: str, kind: UnifiedKind, name: str) -> None:
        if kind in ("textList", "graphicList"):
            self._delete_list(device, kind, name)
            return
        if kind == "scriptModule":  # no HmiSoftware.Scripts before V19, and no HmiScriptModule.Delete in V19
            require_member(self._session.version, "HmiSoftware", "Scripts", "Deleting a script module")
            require_member(self._session.version, "HmiScriptModule", "Delete", "Deleting a script module")

        def run() -> None:
            software = self._access.hmi_software(device)
            stored = check_delete(self._read(device, software), kind, name, device)
            if kind == "tag":
                software.Tags.Find(stored).Delete()
                return
            walks: dict[str, Callable[[], Iterator[tuple[str, Any]]]] = {
                "screen": lambda: self._screens(software),
                "tagTable": lambda: self._tag_tables(software),
                "connection": lambda: (("", c) for c in software.Connections),
                "scriptModule": lambda: (("", m) for m in self._modules(software))}
            next(o for _, o in walks[kind]() if str(o.Name) == stored).Delete()

        self._session.change(f"{kind}.Delete", run, invocation=ValidationError)
