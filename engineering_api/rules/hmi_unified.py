"""TIA's rules for a WinCC Unified panel's object model, shared by the fake and the bridge, and the exchange document.

Openness has no SimaticML for Unified screens, so the panel's objects are exchanged as our own JSON document
(``format: engineering-api.hmi-unified``, ``formatVersion: 1``; the fields of
:class:`engineering_api.backend.areas.hmi_unified.UnifiedHmi`). :func:`read_document` parses one safely (size limit,
typed decoding, no evaluation of anything in it); :func:`merge` puts a (partial) model into the panel's with TIA's
rules: names unique case-insensitively (screens in the device, items in their screen, tags across every tag table,
tag tables, connections, script modules), an object of the same name replaced only with ``overwrite`` (an existing
tag table keeps its other tags: what comes in is added to it), every tag's connection and every item's tag must
exist; text and graphic lists follow :mod:`engineering_api.rules.hmi_unified_lists`. JavaScript is stored as
written: no parser here knows WinCC Unified's full ECMAScript level, so none judges it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

import msgspec

from engineering_api.backend.areas.hmi_unified import (
    UNIFIED_FORMAT,
    UnifiedEvent,
    UnifiedHmi,
    UnifiedScreen,
    UnifiedTag,
    UnifiedTagTable,
)
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.hmi_unified_lists import check_graphics, validate_lists

__all__ = ("DEFAULT_TAG_TABLE", "MAX_DOCUMENT_BYTES", "SCREEN_ITEM_TYPES", "check_delete", "encode_document", "merge",
           "read_document", "subset", "tag_list", "validate", "without")

DEFAULT_TAG_TABLE = "Default tag table"
"""The tag table ``HmiSoftware.Tags.Create(name)`` puts a tag in when no table is named."""

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
"""The largest exchange document accepted (a panel with thousands of items is a few MiB)."""

SCREEN_ITEM_TYPES = frozenset({
    # Siemens.Engineering.HmiUnified.UI.Shapes / .Widgets / .Controls classes (V21 Openness help, "ScreenItems"):
    "HmiRectangle", "HmiCircle", "HmiEllipse", "HmiCircleSegment", "HmiEllipseSegment", "HmiPolygon", "HmiLine",
    "HmiPolyline", "HmiCircularArc", "HmiEllipticalArc", "HmiText", "HmiGraphicView",
    "HmiButton", "HmiIOField", "HmiSymbolicIOField", "HmiBar", "HmiGauge", "HmiSlider", "HmiClock", "HmiTextBox",
    "HmiLabel", "HmiListBox", "HmiCheckBoxGroup", "HmiRadioButtonGroup", "HmiToggleSwitch", "HmiTouchArea",
    "HmiAlarmIndicator", "HmiAlarmControl", "HmiTrendControl", "HmiWebControl", "HmiScreenWindow",
})

_NAME_MAX = 128
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f\"]")
_EVENT = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_COORDINATE = 32767


def _invalid(message: str, **details: Any) -> ValidationError:
    return ValidationError(message, code=codes.INVALID_UNIFIED_DOCUMENT, details=details or None)


def read_document(data: bytes, source: str) -> UnifiedHmi:
    """Parse an exchange document; 422 ``INVALID_UNIFIED_DOCUMENT`` for anything else.

    Raises:
        ValidationError: ``INVALID_UNIFIED_DOCUMENT`` (too large, not JSON, wrong shape, format or version, or a
            rule of :func:`validate`).
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _invalid(f"{source} is {len(data)} bytes; the limit is {MAX_DOCUMENT_BYTES}.", source=source)
    try:
        model = msgspec.json.decode(data, type=UnifiedHmi, strict=True)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
        raise _invalid(f"{source} is not a Unified HMI document: {exc}", source=source) from None
    if model.format != UNIFIED_FORMAT or model.format_version != 1:
        raise _invalid(f"{source} has format {model.format!r} version {model.format_version}; expected "
                       f"{UNIFIED_FORMAT!r} version 1.", source=source)
    validate(model)
    return model


def encode_document(model: UnifiedHmi) -> bytes:
    """The document as written by an export: indented JSON, so it diffs well under version control."""
    return msgspec.json.format(msgspec.json.encode(model), indent=2) + b"\n"


def _name(kind: str, name: str) -> None:
    if not name.strip() or name != name.strip() or len(name) > _NAME_MAX or _BAD_NAME.search(name):
        raise _invalid(f"{kind} name {name!r} is not valid: 1..{_NAME_MAX} characters, no leading or trailing "
                       "blanks, no control characters or '\"'.", name=name)


def _folder(kind: str, folder: str) -> None:
    for part in folder.split("/") if folder else ():
        _name(f"The {kind} folder", part)


def _unique(kind: str, names: Iterable[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise _invalid(f"The document names the {kind} '{name}' twice (names are unique ignoring case).", name=name)
        seen.add(name.casefold())


def _events(owner: str, events: list[UnifiedEvent]) -> None:
    for event in events:
        if not _EVENT.match(event.event):
            raise _invalid(f"{owner}: event {event.event!r} is not an event type name (Tapped, Loaded…).",
                           event=event.event)
    _unique(f"event of {owner}", (e.event for e in events))


def _screen(screen: UnifiedScreen) -> None:
    _name("The screen", screen.name)
    _folder("screen", screen.folder)
    if not (0 <= screen.width <= _COORDINATE and 0 <= screen.height <= _COORDINATE):
        raise _invalid(f"The screen '{screen.name}' has an impossible size {screen.width}x{screen.height}.")
    _events(f"screen '{screen.name}'", screen.events)
    for item in screen.items:
        _name(f"An item of '{screen.name}'", item.name)
        if item.type not in SCREEN_ITEM_TYPES:
            raise _invalid(f"The item '{item.name}' of '{screen.name}' has the type {item.type!r}, which is not a "
                           f"Unified screen item class (one of {', '.join(sorted(SCREEN_ITEM_TYPES))}).",
                           type=item.type)
        box = (item.left, item.top, item.width, item.height)
        if not all(-_COORDINATE <= v <= _COORDINATE for v in box) or item.width < 0 or item.height < 0:
            raise _invalid(f"The item '{item.name}' of '{screen.name}' has an impossible box {box}.")
        _events(f"item '{item.name}'", item.events)
    _unique(f"item of '{screen.name}'", (i.name for i in screen.items))


def validate(model: UnifiedHmi) -> None:
    """Names, types, boxes and uniqueness inside one document (references are checked by :func:`merge`).

    Raises:
        ValidationError: ``INVALID_UNIFIED_DOCUMENT``.
    """
    for screen in model.screens:
        _screen(screen)
    for table in model.tag_tables:
        _name("The tag table", table.name)
        _folder("tag table", table.folder)
        for tag in table.tags:
            _name(f"A tag of '{table.name}'", tag.name)
            if not tag.data_type.strip():
                raise _invalid(f"The tag '{tag.name}' has no data type.", name=tag.name)
            if tag.plc_tag and not tag.connection:
                raise _invalid(f"The tag '{tag.name}' names the PLC tag '{tag.plc_tag}' but no connection.",
                               name=tag.name)
    for connection in model.connections:
        _name("The connection", connection.name)
    for module in model.script_modules:
        _name("The script module", module.name)
        if module.code is None:
            raise _invalid(f"The script module '{module.name}' has no code.", name=module.name)
    _unique("screen", (s.name for s in model.screens))
    _unique("tag table", (t.name for t in model.tag_tables))
    _unique("tag", (tag.name for t in model.tag_tables for tag in t.tags))
    _unique("connection", (c.name for c in model.connections))
    _unique("script module", (m.name for m in model.script_modules))
    validate_lists(model, _name, _unique)


def _replace(kind: str, code: str, current: list[Any], incoming: list[Any], overwrite: bool, device: str) -> list[Any]:
    """``current`` with ``incoming`` put in: a same-named object replaced in place (only with ``overwrite``)."""
    result = list(current)
    for obj in incoming:
        index = next((i for i, old in enumerate(result) if old.name.casefold() == obj.name.casefold()), None)
        if index is None:
            result.append(obj)
        elif not overwrite:
            raise AlreadyExistsError(f"The {kind} '{result[index].name}' exists in '{device}'. Send overwrite=true to "
                                     "replace it.", code=code, details={"name": result[index].name})
        else:
            result[index] = obj
    return result


def _tables(current: list[UnifiedTagTable], incoming: list[UnifiedTagTable], overwrite: bool,
            device: str) -> list[UnifiedTagTable]:
    where = {tag.name.casefold(): (t.name, tag.name) for t in current for tag in t.tags}
    result = {t.name.casefold(): t for t in current}
    for table in incoming:
        for tag in table.tags:
            found = where.get(tag.name.casefold())
            if found is not None and (not overwrite or found[0].casefold() != table.name.casefold()):
                raise AlreadyExistsError(
                    f"The tag '{found[1]}' exists in the tag table '{found[0]}' of '{device}' (HMI tag names are "
                    "unique in the device)" + ("" if not overwrite else "; overwrite replaces it only in its own table")
                    + ".", code=codes.TAG_EXISTS, details={"name": found[1], "tagTable": found[0]})
        old = result.get(table.name.casefold())
        if old is None:
            result[table.name.casefold()] = table
        else:
            tags = _replace("tag", codes.TAG_EXISTS, old.tags, table.tags, overwrite, device)
            result[table.name.casefold()] = UnifiedTagTable(name=old.name, folder=old.folder, tags=tags)
    return list(result.values())


def merge(current: UnifiedHmi, incoming: UnifiedHmi, *, overwrite: bool, device: str,
          graphics: Collection[str] = ()) -> UnifiedHmi:
    """The panel's model with ``incoming`` put in, after TIA's checks (nothing is changed here); ``graphics`` are
    the project graphics a graphic list entry may name.

    Raises:
        ValidationError: ``INVALID_UNIFIED_DOCUMENT``, ``CONNECTION_NOT_FOUND``, ``TAG_NOT_FOUND``,
            ``GRAPHIC_NOT_FOUND``.
        AlreadyExistsError: ``SCREEN_EXISTS``, ``TAG_EXISTS``, ``CONNECTION_EXISTS``, ``SCRIPT_EXISTS``,
            ``TEXT_LIST_EXISTS``, ``GRAPHIC_LIST_EXISTS``.
    """
    validate(incoming)
    check_graphics(incoming, graphics, device)
    result = UnifiedHmi(
        device_name=current.device_name,
        screens=_replace("screen", codes.SCREEN_EXISTS, current.screens, incoming.screens, overwrite, device),
        tag_tables=_tables(current.tag_tables, incoming.tag_tables, overwrite, device),
        connections=_replace("connection", codes.CONNECTION_EXISTS, current.connections, incoming.connections,
                             overwrite,
                             device),
        script_modules=_replace("script module", codes.SCRIPT_EXISTS, current.script_modules, incoming.script_modules,
                                overwrite, device),
        text_lists=_replace("text list", codes.TEXT_LIST_EXISTS, current.text_lists or [], incoming.text_lists or [],
                            overwrite, device),
        graphic_lists=_replace("graphic list", codes.GRAPHIC_LIST_EXISTS, current.graphic_lists or [],
                               incoming.graphic_lists or [], overwrite, device),
    )
    connections = {c.name.casefold() for c in result.connections}
    for table in result.tag_tables:
        for tag in table.tags:
            if tag.connection and tag.connection.casefold() not in connections:
                raise ValidationError(f"Connection {tag.connection} of the {tag.name} tag was not found.",
                                      code=codes.CONNECTION_NOT_FOUND, details={"tag": tag.name})
    tags = {tag.name.casefold() for t in result.tag_tables for tag in t.tags}
    for screen in incoming.screens:
        for item in screen.items:
            if item.tag and item.tag.casefold() not in tags:
                raise ValidationError(f"The item '{item.name}' of the screen '{screen.name}' shows the HMI tag "
                                      f"'{item.tag}', which '{device}' does not have.", code=codes.TAG_NOT_FOUND,
                                      details={"item": item.name, "tag": item.tag})
    return result


_KINDS = {
    # kind -> (label, not-found code, attribute of UnifiedHmi)
    "screen": ("screen", codes.SCREEN_NOT_FOUND, "screens"),
    "tagTable": ("tag table", codes.TAG_TABLE_NOT_FOUND, "tag_tables"),
    "connection": ("connection", codes.CONNECTION_NOT_FOUND, "connections"),
    "scriptModule": ("script module", codes.SCRIPT_NOT_FOUND, "script_modules"),
    "textList": ("text list", codes.TEXT_LIST_NOT_FOUND, "text_lists"),
    "graphicList": ("graphic list", codes.GRAPHIC_LIST_NOT_FOUND, "graphic_lists"),
}


def check_delete(model: UnifiedHmi, kind: str, name: str, device: str) -> str:
    """The stored name of the object to delete, after TIA's checks.

    Raises:
        NotFoundError: ``SCREEN_NOT_FOUND``, ``TAG_TABLE_NOT_FOUND``, ``TAG_NOT_FOUND``, ``CONNECTION_NOT_FOUND``,
            ``SCRIPT_NOT_FOUND``, ``TEXT_LIST_NOT_FOUND``, ``GRAPHIC_LIST_NOT_FOUND``.
        ConflictError: ``DEFAULT_TAG_TABLE``, ``CONNECTION_IN_USE`` (as the PLC's default tag table and a type in
            use: the object's state, not the request, refuses it).
    """
    if kind == "tag":
        found = next((tag.name for t in model.tag_tables for tag in t.tags if tag.name.casefold() == name.casefold()),
                     None)
        if found is None:
            raise NotFoundError(f"The HMI tag '{name}' was not found in '{device}'.", code=codes.TAG_NOT_FOUND,
                                details={"name": name})
        return found
    label, code, attr = _KINDS[kind]
    objects: list[Any] = getattr(model, attr) or []
    stored: str | None = next((o.name for o in objects if o.name.casefold() == name.casefold()), None)
    if stored is None:
        raise NotFoundError(f"The {label} '{name}' was not found in '{device}'.", code=code, details={"name": name})
    if kind == "tagTable" and stored.casefold() == DEFAULT_TAG_TABLE.casefold():
        raise ConflictError(f"The '{DEFAULT_TAG_TABLE}' of '{device}' cannot be deleted (TIA keeps it).",
                            code=codes.DEFAULT_TAG_TABLE)
    if kind == "connection":
        users = [tag.name for t in model.tag_tables for tag in t.tags if tag.connection.casefold() == name.casefold()]
        if users:
            raise ConflictError(f"The connection '{stored}' is used by the tags {', '.join(users)}; delete or rebind "
                                "them first.", code=codes.CONNECTION_IN_USE, details={"tags": users})
    return stored


def without(model: UnifiedHmi, kind: str, name: str) -> UnifiedHmi:
    """``model`` less the object ``name`` (as :func:`check_delete` returned it)."""
    if kind == "tag":
        tables = [UnifiedTagTable(name=t.name, folder=t.folder, tags=[x for x in t.tags if x.name != name])
                  for t in model.tag_tables]
        return msgspec.structs.replace(model, tag_tables=tables)
    attr = _KINDS[kind][2]
    return msgspec.structs.replace(model, **{attr: [o for o in getattr(model, attr) or () if o.name != name]})


def tag_list(model: UnifiedHmi) -> list[tuple[UnifiedTagTable, UnifiedTag]]:
    """(table, tag) for every tag, in table order."""
    return [(t, tag) for t in model.tag_tables for tag in t.tags]


def subset(model: UnifiedHmi, incoming: UnifiedHmi) -> UnifiedHmi:
    """The objects of ``model`` that ``incoming`` names (what a create or an import reports back)."""
    def pick(attr: str) -> list[Any]:
        wanted = {o.name.casefold() for o in getattr(incoming, attr) or ()}
        return [o for o in getattr(model, attr) or () if o.name.casefold() in wanted]

    return UnifiedHmi(device_name=model.device_name, screens=pick("screens"), tag_tables=pick("tag_tables"),
                      connections=pick("connections"), script_modules=pick("script_modules"),
                      text_lists=pick("text_lists"), graphic_lists=pick("graphic_lists"))
