"""Drawing a classic (WinCC Comfort/Advanced/Basic) screen to PNG without TIA, from its SimaticML.

The screen document (``Hmi.Screen.Screen``, :mod:`simatic_xml.hmi`) holds everything the picture needs: the
screen's size and ``BackColor``, and per item its element (``Hmi.Screen.Rectangle``, ``TextField``, ``IOField``,
``Button``...), ``Left``/``Top``/``Width``/``Height``, colours as TIA writes them (``"255, 255, 255"``:
``BackColor``, ``ForeColor``, ``BorderColor``), ``BackFillStyle`` (``Solid``/``Transparent``), ``BorderWidth``,
``CornerRadius``, ``HorizontalAlignment``/``VerticalAlignment``, the font size (``MultiLingualFont`` →
``FontItem``/``FontSize``) and the text (``MultilingualText``). An appearance animation
(``Hmi.Dynamic.RangeAppearanceAnimation``: a ``TagElementTrigger`` naming the HMI tag, ``Hmi.Dynamic.Range``
entries with ``LowerLimit``/``UpperLimit`` and the ``BackColor``/``ForeColor`` to take, as public V15–V19 screen
generators write it) colours the item by its tag's current value: a lamp turns green when its bit is 1. Group
members are drawn after their group. An I/O field shows the current value of the HMI
tag its ``ProcessValue`` is bound to, formatted by its ``FormatPattern`` (``s999``: signed, ``0.00``: two
decimals) and ``DataFormat`` (``Decimal``, ``Hexadecimal``, ``Binary``, ``String``); a value nobody can read is
drawn ``###``. A symbolic I/O field shows the entry of its text list (``LinkList``/``TextList``) for the value; a
graphic view its project graphic (``LinkList``/``Picture``; PNG, JPEG, BMP or GIF, stretched with ``AutoSizing``
``StretchPicture``, else at its own size; SVG and EMF are outlined with the graphic's name).
Attribute names and the colour format are those of public V15–V21 screen exports (see
:mod:`simatic_xml.hmi`). Items are drawn layer by layer, in document order (TIA's z-order). Items this module has
no drawing for are outlined in grey with their type, so nothing on the screen silently disappears; items with
``Visible`` false are left out, as Runtime hides them.

Fonts: Pillow's bundled font (``ImageFont.load_default``) at the item's size, not the panel's Tahoma/Siemens
Sans, so text widths differ a little from Runtime's. The rendering is deterministic for one Pillow version.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.rules.hmi_draw import (
    BLACK,
    MAX_SIDE,
    WHITE,
    StyledItem,
    check_size,
    color_of,
    draw_box,
    draw_clipped,
    draw_ellipse,
    draw_outline,
    int_of,
    to_png,
)
from engineering_api.rules.hmi_items import animation_tag, item_tags, screen_items_deep, tag_name
from engineering_api.rules.hmi_unified_lists import ListEntry
from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from PIL import Image, ImageDraw

__all__ = ("NO_VALUE", "TextListEntry", "format_value", "item_picture", "item_tags", "list_text", "render_screen",
           "screen_items_deep",
           "tag_name")

NO_VALUE = "###"
"""What an I/O field shows when its tag's value cannot be read (no simulated PLC, internal tag, read error)."""
def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _appearance(item: sx.HmiObject, values: Mapping[str, Any]) -> dict[str, str]:
    """The colours an appearance animation gives the item for its tag's current value: the first ``Hmi.Dynamic.Range``
    whose ``LowerLimit``..``UpperLimit`` holds it sets ``BackColor``/``ForeColor`` (none without a value)."""
    for animation in item.objects("Hmi.Dynamic.RangeAppearanceAnimation"):
        tag = animation_tag(animation)
        value = _number(values.get(tag.lower())) if tag else None
        if value is None:
            continue
        for entry in animation.objects("Hmi.Dynamic.Range"):
            low, high = entry.attr("LowerLimit"), entry.attr("UpperLimit")
            try:
                inside = float(low or "-inf") <= value <= float(high or "inf")
            except ValueError:
                continue
            if inside:
                return {k: v for k in ("BackColor", "ForeColor") if (v := entry.attr(k))}
    return {}


class TextListEntry(ListEntry, Protocol):
    """What :func:`list_text` reads of a text list entry (``HmiTextListEntry``): its range and its text."""

    @property
    def text(self) -> str: ...


def list_text(entries: Sequence[TextListEntry], value: Any) -> str | None:
    """The text a text list shows for ``value``: the entry whose value or range (``rangeFrom``..``rangeTo``) holds
    it, else the default entry; None when neither (or no numeric value)."""
    number = _number(value)
    fallback: str | None = None
    for entry in entries:
        if entry.default:
            fallback = entry.text
            continue
        try:
            low = float(entry.range_from) if entry.range_from is not None else None
            high = float(entry.range_to) if entry.range_to is not None else low
        except ValueError:
            continue
        if number is not None and low is not None and high is not None and low <= number <= high:
            return entry.text
    return fallback if number is not None else None


def item_picture(item: sx.HmiObject) -> str | None:
    """The project graphic a graphic view shows (``LinkList``/``Picture``, as classic screen exports write it)."""
    picture = item.link("Picture") if item.element == "Hmi.Screen.GraphicView" else None
    return tag_name(picture) if picture else None


def _picture(data: bytes, box: tuple[int, int, int, int], stretch: bool) -> Image.Image | None:
    """The image fitted to ``box`` (stretched, or at its own size), or None when it cannot be drawn (SVG and EMF,
    damaged data, or more pixels than a screen may have)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.width > MAX_SIDE or picture.height > MAX_SIDE:
                return None
            image = picture.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    width, height = box[2] - box[0] + 1, box[3] - box[1] + 1
    return image.resize((width, height)) if stretch else image.crop((0, 0, min(width, image.width),
                                                                     min(height, image.height)))


def format_value(value: Any, pattern: str | None = None, data_format: str | None = None) -> str:
    """The text an I/O field shows for ``value``: TIA's ``FormatPattern`` for decimals (``s`` signed, ``9``
    digits, ``0.00`` decimals; leading zeros only with a ``0`` pattern), ``Hexadecimal``/``Binary`` data formats,
    strings as they are, booleans as 1/0 (an I/O field shows a Bool tag's value as a number)."""
    if value is None:
        return NO_VALUE
    kind = (data_format or "Decimal").lower()
    if isinstance(value, bool):
        value = int(value)
    if kind == "string" or isinstance(value, str):
        return str(value)
    if not isinstance(value, (int, float)):
        return str(value)
    if kind == "hexadecimal":
        return format(int(value) & 0xFFFFFFFFFFFFFFFF, "X")
    if kind == "binary":
        return format(int(value) & 0xFFFFFFFFFFFFFFFF, "b")
    spec = (pattern or "").strip()
    if not spec:
        return format(value, "g") if isinstance(value, float) else str(value)
    signed = spec.lower().startswith("s")
    whole, _, fraction = (spec[1:] if signed else spec).partition(".")
    text = f"{abs(value):.{len(fraction)}f}"
    if whole.startswith("0"):  # a 0 pattern keeps leading zeros ("0000" shows 0042)
        head, dot, tail = text.partition(".")
        text = head.zfill(len(whole)) + dot + tail
    if value < 0:
        return f"-{text}"
    return f"+{text}" if signed else text


def _draw_item(image: Image.Image, draw: ImageDraw.ImageDraw, obj: sx.HmiObject, values: Mapping[str, Any],
               text_lists: Mapping[str, Sequence[Any]], graphics: Mapping[str, bytes]) -> None:
    item = StyledItem(obj, _appearance(obj, values))
    if (item.attr("Visible") or "true").lower() == "false":
        return
    kind = item.kind
    if kind == "Group":
        return  # its members follow it in screen_items_deep
    if kind in ("Rectangle", "TextField", "Button"):
        draw_clipped(image, item, lambda d: draw_box(d, item, sx.item_text(obj)))
    elif kind in ("IOField", "SymbolicIOField"):
        tag = sx.item_tag(obj)
        value = values.get(tag_name(tag).lower()) if tag else None
        text = format_value(value, item.attr("FormatPattern"), item.attr("DataFormat")) if tag else ""
        entries = text_lists.get((obj.link("TextList") or "").lower()) if kind == "SymbolicIOField" else None
        if entries is not None and value is not None:
            text = list_text(entries, value) or ""
        draw_clipped(image, item, lambda d: draw_box(d, item, text))
    elif kind == "GraphicView":
        name = item_picture(obj)
        data = graphics.get(name.lower()) if name else None
        box = item.box()
        picture = _picture(data, box,
                           (item.attr("AutoSizing") or "StretchPicture") == "StretchPicture") if data else None
        if picture is None:
            draw_outline(draw, box, name or kind)
        else:
            image.paste(picture, box[:2], picture)
    elif kind in ("Ellipse", "Circle"):
        draw_ellipse(draw, item)
    elif kind == "Line":
        x0, y0 = int_of(item.attr("StartLeft"),
                        int_of(item.attr("Left"))), int_of(item.attr("StartTop"), int_of(item.attr("Top")))
        x1 = int_of(item.attr("EndLeft"), x0 + int_of(item.attr("Width")))
        y1 = int_of(item.attr("EndTop"), y0 + int_of(item.attr("Height")))
        draw.line((x0, y0, x1, y1), fill=color_of(item.attr("LineColor") or item.attr("ForeColor"), BLACK),
                  width=max(1, int_of(item.attr("LineWidth"), 1)))
    else:
        draw_outline(draw, item.box(), kind)


def render_screen(doc: sx.HmiDocument, values: Mapping[str, Any] | None = None,
                  text_lists: Mapping[str, Sequence[Any]] | None = None,
                  graphics: Mapping[str, bytes] | None = None) -> bytes:
    """The screen as a PNG of its ``Width`` × ``Height``; ``values`` maps HMI tag names (any case) to the values
    their I/O fields show (a tag missing from it shows :data:`NO_VALUE`); ``text_lists`` maps text list names to
    their entries (``range_from``, ``range_to``, ``default``, ``text``), which symbolic I/O fields show;
    ``graphics`` maps project graphic names to their images, which graphic views show.

    Raises:
        ValueError: the screen has no size, or one larger than 4096 pixels a side.
    """
    root = doc.root
    width, height = int_of(root.attr("Width")), int_of(root.attr("Height"))
    check_size(root.name, width, height)
    lowered = {name.lower(): value for name, value in (values or {}).items()}
    from PIL import Image, ImageDraw  # Pillow is imported by the first drawing, not at the server's start

    image = Image.new("RGB", (width, height), color_of(root.attr("BackColor"), WHITE))
    draw = ImageDraw.Draw(image)
    lists = {name.lower(): entries for name, entries in (text_lists or {}).items()}
    pictures = {name.lower(): data for name, data in (graphics or {}).items()}
    for obj in screen_items_deep(root, visible_only=True):
        _draw_item(image, draw, obj, lowered, lists, pictures)
    return to_png(image)
