"""Drawing HMI screen items with Pillow: the boxes, texts and outlines both screen renderers share.

:mod:`engineering_api.rules.hmi_render` draws classic screens from their SimaticML and
:mod:`engineering_api.rules.hmi_render_unified` draws WinCC Unified screens as the classic kinds of the same look;
both style an item with :class:`StyledItem` (the document's attributes over TIA's defaults for the kind) and paint
it with :func:`draw_box` on a clipped tile (:func:`draw_clipped`), so a text never spills over its neighbours.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

__all__ = (
    "BLACK", "GREY", "KIND_DEFAULTS", "MAX_SIDE", "WHITE", "ShiftedDraw", "StyledItem", "check_size", "color_of",
    "draw_box",
    "draw_clipped", "draw_ellipse", "draw_outline", "int_of", "to_png",
)

WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (150, 150, 150)
FONT_SIZE = 13
MAX_SIDE = 4096
"""A larger screen (or a hostile document) is refused rather than allocated."""

# TIA's defaults for a new item of each kind where the document leaves an attribute out (WinCC's "Default" style).
KIND_DEFAULTS: dict[str, dict[str, str]] = {
    "Rectangle": {"BackFillStyle": "Solid", "BackColor": "255, 255, 255", "BorderColor": "0, 0, 0", "BorderWidth": "1"},
    "Ellipse": {"BackFillStyle": "Solid", "BackColor": "255, 255, 255", "BorderColor": "0, 0, 0", "BorderWidth": "1"},
    "Circle": {"BackFillStyle": "Solid", "BackColor": "255, 255, 255", "BorderColor": "0, 0, 0", "BorderWidth": "1"},
    "TextField": {"BackFillStyle": "Transparent", "ForeColor": "0, 0, 0", "BorderWidth": "0",
                  "HorizontalAlignment": "Left"},
    "IOField": {"BackFillStyle": "Solid", "BackColor": "255, 255, 255", "ForeColor": "0, 0, 0",
                "BorderColor": "0, 0, 0", "BorderWidth": "1", "HorizontalAlignment": "Right"},
    "SymbolicIOField": {"BackFillStyle": "Solid", "BackColor": "255, 255, 255", "ForeColor": "0, 0, 0",
                        "BorderColor": "0, 0, 0", "BorderWidth": "1", "HorizontalAlignment": "Left"},
    "Button": {"BackFillStyle": "Solid", "BackColor": "239, 240, 241", "ForeColor": "0, 0, 0",
               "BorderColor": "71, 73, 87", "BorderWidth": "1", "HorizontalAlignment": "Center"},
    "Line": {"LineColor": "0, 0, 0", "LineWidth": "1"},
}


def color_of(text: str | None, default: tuple[int, int, int] | None) -> tuple[int, int, int] | None:
    """``"255, 0, 0"`` (TIA's form) or ``#FF0000``; ``default`` when absent or not a colour."""
    if not text:
        return default
    text = text.strip()
    try:
        if text.startswith("#") and len(text) == 7:
            return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)
        parts = [int(p) for p in text.split(",")]
    except ValueError:
        return default
    if len(parts) == 4:  # ARGB, as some versions write it: the alpha first
        parts = parts[1:]
    if len(parts) != 3 or any(not 0 <= p <= 255 for p in parts):
        return default
    return parts[0], parts[1], parts[2]


def int_of(text: str | None, default: int = 0) -> int:
    try:
        return int(float(text)) if text is not None and text.strip() else default
    except ValueError:
        return default


class StyledItem:
    """An item's attributes with TIA's defaults for its kind (a classic kind: ``Rectangle``, ``IOField``...)."""

    def __init__(self, obj: sx.HmiObject, animated: Mapping[str, str] | None = None) -> None:
        self.obj = obj
        self.kind = obj.element.removeprefix("Hmi.Screen.")
        self._defaults = KIND_DEFAULTS.get(self.kind, {})
        self._animated = dict(animated or {})
        """Attributes an animation sets for the tags' current values; they win over the document's."""

    def attr(self, name: str) -> str | None:
        if name in self._animated:
            return self._animated[name]
        value = self.obj.attr(name)
        return value if value is not None else self._defaults.get(name)

    def box(self) -> tuple[int, int, int, int]:
        left, top = int_of(self.attr("Left")), int_of(self.attr("Top"))
        radius = int_of(self.attr("Radius"))
        width = int_of(self.attr("Width"), 2 * radius)
        height = int_of(self.attr("Height"), 2 * radius)
        return left, top, left + max(width, 1) - 1, top + max(height, 1) - 1

    def fill(self) -> tuple[int, int, int] | None:
        if (self.attr("BackFillStyle") or "Solid").lower() == "transparent":
            return None
        return color_of(self.attr("BackColor"), WHITE)

    def border(self) -> tuple[tuple[int, int, int] | None, int]:
        width = int_of(self.attr("BorderWidth"), 0)
        return (color_of(self.attr("BorderColor"), BLACK) if width > 0 else None), width

    def font(self) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        size = FONT_SIZE
        for font in self.obj.objects("Hmi.Globalization.MultiLingualFont"):
            for entry in font.objects("Hmi.Globalization.FontItem"):
                size = int_of(entry.attr("FontSize"), size) or size
                break
        from PIL import ImageFont  # Pillow is imported by the first drawing, not at the server's start

        return ImageFont.load_default(size=max(6, min(size, 200)))


def _text_position(draw: ShiftedDraw, box: tuple[int, int, int, int], text: str, font: Any,
                   horizontal: str, vertical: str, margin: int) -> tuple[float, float]:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    width, height = right - left, bottom - top
    x0, y0, x1, y1 = box
    x: float
    y: float
    if horizontal.lower() == "right":
        x = x1 - margin - width
    elif horizontal.lower() == "center":
        x = (x0 + x1 - width) / 2
    else:
        x = x0 + margin
    if vertical.lower() == "top":
        y = y0 + margin
    elif vertical.lower() == "bottom":
        y = y1 - margin - height
    else:
        y = (y0 + y1 - height) / 2
    return x - left, y - top


def draw_box(draw: ShiftedDraw, item: StyledItem, text: str | None) -> None:
    """A filled, bordered box with a text in it: rectangles, text fields, I/O fields, buttons."""
    box = item.box()
    color, width = item.border()
    radius = int_of(item.attr("CornerRadius"), 0)
    fill = item.fill()
    if fill is not None or color is not None:
        draw.rounded_rectangle(box, radius=radius, fill=fill, outline=color, width=width or 1) if radius else \
            draw.rectangle(box, fill=fill, outline=color, width=width or 1)
    if text:
        font = item.font()
        margin = width + 2
        x, y = _text_position(draw, box, text, font, item.attr("HorizontalAlignment") or "Left",
                              item.attr("VerticalAlignment") or "Middle", margin)
        # Clipped to the item, as Runtime clips a text that does not fit
        draw.text((x, y), text, fill=color_of(item.attr("ForeColor"), BLACK), font=font)


def draw_clipped(image: Image.Image, item: StyledItem, paint: Callable[[ShiftedDraw], None]) -> None:
    """Paint an item on its own tile and paste it, so its text never spills over its neighbours."""
    x0, y0, x1, y1 = item.box()
    x0c, y0c = max(x0, 0), max(y0, 0)
    x1c, y1c = min(x1, image.width - 1), min(y1, image.height - 1)
    if x1c < x0c or y1c < y0c:
        return
    from PIL import ImageDraw

    tile = image.crop((x0c, y0c, x1c + 1, y1c + 1))
    draw = ImageDraw.Draw(tile)
    # the item's coordinates shifted into the tile
    shifted = ShiftedDraw(draw, x0c, y0c)
    paint(shifted)
    image.paste(tile, (x0c, y0c))


class ShiftedDraw:
    """An ImageDraw whose coordinates are the screen's, drawing onto a tile that starts at (dx, dy): what
    :func:`draw_clipped` hands its painter."""

    def __init__(self, draw: ImageDraw.ImageDraw, dx: int, dy: int) -> None:
        self._draw, self._dx, self._dy = draw, dx, dy

    def _box(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return box[0] - self._dx, box[1] - self._dy, box[2] - self._dx, box[3] - self._dy

    def rectangle(self, box: tuple[int, int, int, int], **kwargs: Any) -> None:
        self._draw.rectangle(self._box(box), **kwargs)

    def rounded_rectangle(self, box: tuple[int, int, int, int], **kwargs: Any) -> None:
        self._draw.rounded_rectangle(self._box(box), **kwargs)

    def textbbox(self, xy: tuple[float, float], text: str, **kwargs: Any) -> tuple[float, float, float, float]:
        return self._draw.textbbox(xy, text, **kwargs)

    def text(self, xy: tuple[float, float], text: str, **kwargs: Any) -> None:
        self._draw.text((xy[0] - self._dx, xy[1] - self._dy), text, **kwargs)


def draw_ellipse(draw: ImageDraw.ImageDraw, item: StyledItem) -> None:
    """An ellipse or circle filling the item's box, with its border."""
    color, width = item.border()
    draw.ellipse(item.box(), fill=item.fill(), outline=color, width=width or 1)


def draw_outline(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], label: str) -> None:
    """A grey outline named ``label``: what is drawn for an item there is no drawing for, so nothing on the screen
    silently disappears."""
    draw.rectangle(box, outline=GREY, width=1)
    from PIL import ImageFont

    draw.text((box[0] + 2, box[1] + 2), label, fill=GREY, font=ImageFont.load_default(size=10))


def check_size(name: str, width: int, height: int) -> None:
    """Raises ValueError for a screen without a size, or larger than :data:`MAX_SIDE` pixels a side."""
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ValueError(f"the screen '{name}' is {width}x{height}; a screen is drawn when both sides are "
                         f"1..{MAX_SIDE} pixels")


def to_png(image: Image.Image) -> bytes:
    """The image as PNG bytes (no optimisation: the same bytes for the same picture and Pillow version)."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
