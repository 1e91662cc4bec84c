"""SimaticML of classic HMI text lists, graphic lists and VB scripts: typed views and new objects.

The documents are read and written by :mod:`simatic_xml.hmi` (the same object tree, nothing dropped); this
module reads what the service lists and builds new ones as TIA writes them. Openness exports them one object per
file (``TextList.Export``, ``GraphicList.Export``, ``VBScript.Export``) and imports them into
``HmiTarget.TextLists`` / ``.GraphicLists`` / ``.VBScriptFolder.VBScripts``.

Where the format comes from (public documents studied, none copied):

* Text lists, ``Hmi.TextGraphicList.TextList`` with ``ListRange`` (``Decimal``, ``Bit``, ``BitNumber``) and
  ``Name``, an optional ``MultilingualText`` ``Comment`` and ``Hmi.TextGraphicList.TextListEntry`` children
  (``CompositionName="Entries"``: ``DefaultEntry``, ``EntryType`` ``SingleValue``/``Range``, ``From``, ``To``, and
  a ``MultilingualText`` ``Text`` whose item text is escaped markup ``<body><p>…</p></body>``): notes of an
  Openness tool's authors comparing a V20 export (found with ``find_string("<Hmi.TextGraphicList.TextListEntry
  ID=")``), and fluffware/TIAEKtool's text-list builder (``DefaultEntry``, ``EntryType SingleValue``).
  One public generator writes ``RangeFrom``/``RangeTo`` instead; both are read, ``From``/``To`` written.
* Graphic lists, ``Hmi.TextGraphicList.GraphicList`` → ``Hmi.TextGraphicList.GraphicListEntry`` with the same
  range attributes and the project graphic as an open link ``Graphic`` (one public generator; **not confirmed**
  by an export).
* VB scripts, ``Hmi.RuntimeScripting.VBScript`` with ``Name`` and ``Type`` (``Sub``/``Function``) and the code: a
  public converter's tests (``<Hmi.RuntimeScripting.VBScript``, ``<Type>Sub</Type>``, the code in the
  document). The element holding the code is **not confirmed** by an export; it is kept as ``ScriptCode``, and a
  document naming it otherwise is still read (the longest other text attribute).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import safe
from .hmi import GRAPHIC_LIST, TEXT_LIST, VB_SCRIPT, HmiDocument, HmiLink, HmiObject, RawXml, renumber

__all__ = ("ListEntry", "list_entries", "new_graphic_list", "new_text_list", "new_vb_script", "script_code",
           "script_type", "text_of")

_OPEN_LINK = "@OpenLink"
_ENTRY = {TEXT_LIST: "Hmi.TextGraphicList.TextListEntry", GRAPHIC_LIST: "Hmi.TextGraphicList.GraphicListEntry"}
_SCRIPT_META = {"Name", "Type", "ReturnType", "Comment", "ParametersList"}


@dataclass
class ListEntry:
    """One entry of a text or graphic list: the value range, whether it is the default, its text or graphic."""

    range_from: str | None
    range_to: str | None
    default: bool
    text: str | None = None
    graphic: str | None = None


def text_of(value: str | RawXml | None) -> str:
    """A multilingual text item's text without its markup (``<body><p>On</p></body>`` → ``On``), escaped or not."""
    if value is None:
        return ""
    xml = value.xml if isinstance(value, RawXml) else value
    if "<" not in xml:
        return xml
    try:
        return "".join(safe.parse_untrusted(f"<t>{xml}</t>".encode()).getroot().itertext())
    except (safe.UnsafeXmlError, safe.XmlSyntaxError):
        return xml


def _first_text(obj: HmiObject, composition: str) -> str | None:
    for text in obj.objects("MultilingualText"):
        if text.composition != composition:
            continue
        for item in text.objects("MultilingualTextItem"):
            for key, value in item.attributes or ():
                if key == "Text":
                    return text_of(value)
    return None


def _attr(obj: HmiObject, *names: str) -> str | None:
    return next((obj.attr(n) for n in names if obj.attr(n) is not None), None)


def list_entries(root: HmiObject) -> list[ListEntry]:
    """The entries of a text list or graphic list, in document order."""
    entries = []
    for entry in root.objects(_ENTRY[root.element]):
        entries.append(ListEntry(
            range_from=_attr(entry, "From", "RangeFrom"), range_to=_attr(entry, "To", "RangeTo"),
            default=(entry.attr("DefaultEntry") or "").lower() == "true",
            text=_first_text(entry, "Text") if root.element == TEXT_LIST else None,
            graphic=entry.link("Graphic") if root.element == GRAPHIC_LIST else None))
    return entries


def script_type(root: HmiObject) -> str:
    """``Sub`` or ``Function`` (empty when the document does not say)."""
    return root.attr("Type") or ""


def script_code(root: HmiObject) -> str:
    """A VB script's code: ``ScriptCode``, else the longest text attribute that is not a known property."""
    code = root.attr("ScriptCode")
    if code is not None:
        return code
    others = [v for k, v in root.attributes or () if k not in _SCRIPT_META and isinstance(v, str)]
    return max(others, key=len, default="")


def _multilingual(composition: str, text: str, culture: str) -> HmiObject:
    item = HmiObject("MultilingualTextItem", composition="Items",
                     attributes=[("Culture", culture), ("Text", f"<body><p>{_escape(text)}</p></body>")])
    return HmiObject("MultilingualText", composition=composition, children=[item])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _entry(element: str, value: tuple[int, int] | None, *, text: str | None = None, graphic: str | None = None,
           culture: str = "en-US") -> HmiObject:
    low, high = value if value is not None else (None, None)
    entry = HmiObject(element, composition="Entries", attributes=[
        ("DefaultEntry", "true" if value is None else "false"),
        ("EntryType", "Range" if low != high else "SingleValue"),
        ("From", None if low is None else str(low)), ("To", None if high is None else str(high)),
    ])
    if text is not None:
        entry.children = [_multilingual("Text", text, culture)]
    if graphic is not None:
        entry.links = [HmiLink("Graphic", _OPEN_LINK, graphic)]
    return entry


def new_text_list(name: str, version: str, entries: list[tuple[tuple[int, int] | None, str]],
                  *, list_range: str = "Decimal", culture: str = "en-US") -> HmiDocument:
    """A text list: ``entries`` are ``((from, to), text)``, a None range the default entry."""
    root = HmiObject(TEXT_LIST, attributes=[("ListRange", list_range), ("Name", name)],
                     children=[_entry(_ENTRY[TEXT_LIST], r, text=t, culture=culture) for r, t in entries] or None)
    doc = HmiDocument(version, root)
    renumber(doc)
    return doc


def new_graphic_list(name: str, version: str, entries: list[tuple[tuple[int, int] | None, str]],
                     *, list_range: str = "Decimal") -> HmiDocument:
    """A graphic list: ``entries`` are ``((from, to), project graphic)``, a None range the default entry."""
    root = HmiObject(GRAPHIC_LIST, attributes=[("ListRange", list_range), ("Name", name)],
                     children=[_entry(_ENTRY[GRAPHIC_LIST], r, graphic=g) for r, g in entries] or None)
    doc = HmiDocument(version, root)
    renumber(doc)
    return doc


def new_vb_script(name: str, version: str, code: str, *, kind: str = "Sub") -> HmiDocument:
    """A VB script (``Sub`` or ``Function``) with its code."""
    root = HmiObject(VB_SCRIPT, attributes=[("Name", name), ("ScriptCode", code), ("Type", kind)])
    doc = HmiDocument(version, root)
    renumber(doc)
    return doc
