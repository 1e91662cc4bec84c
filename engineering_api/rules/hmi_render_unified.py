"""A WinCC Unified screen drawn to PNG from the panel's object model, as :mod:`.hmi_render` draws a classic one.

Unified screens have no SimaticML; their items come from the object model (``HmiScreen.ScreenItems``: class, box,
text, the HMI tag of ``ProcessValue``). Each item class is drawn as the classic item of the same kind with that
kind's default style (a Unified style sheet is not modelled): rectangles, ellipses and circles, texts, buttons
with their text, and I/O fields showing the current value of their tag (``###`` without one). Other classes
are outlined in grey with their class name, as unknown classic items are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.rules.hmi_draw import (
    WHITE,
    StyledItem,
    check_size,
    draw_box,
    draw_clipped,
    draw_ellipse,
    draw_outline,
    to_png,
)
from engineering_api.rules.hmi_render import NO_VALUE, format_value
from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from collections.abc import Mapping

    from engineering_api.backend.areas.hmi_unified import UnifiedScreen, UnifiedScreenItem

__all__ = ("UNIFIED_KINDS", "render_unified_screen")

UNIFIED_KINDS = {
    "HmiRectangle": "Rectangle", "HmiEllipse": "Ellipse", "HmiCircle": "Circle", "HmiText": "TextField",
    "HmiButton": "Button", "HmiIOField": "IOField",
}
"""Unified item classes drawn as the classic kind of the same look."""


def _as_classic(item: UnifiedScreenItem, kind: str) -> StyledItem:
    box: list[tuple[str, str | sx.RawXml | None]] = [("Left", str(item.left)), ("Top", str(item.top)),
                                                     ("Width", str(item.width)), ("Height", str(item.height))]
    return StyledItem(sx.HmiObject(element=f"Hmi.Screen.{kind}", attributes=box))


def render_unified_screen(screen: UnifiedScreen, values: Mapping[str, Any] | None = None) -> bytes:
    """The screen as a PNG of its width × height; ``values`` maps HMI tag names (any case) to the values their
    I/O fields show.

    Raises:
        ValueError: the screen has no size, or one larger than 4096 pixels a side.
    """
    width, height = screen.width, screen.height
    check_size(screen.name, width, height)
    lowered = {name.lower(): value for name, value in (values or {}).items()}
    from PIL import Image, ImageDraw  # Pillow is imported by the first drawing, not at the server's start

    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    for item in screen.items:
        kind = UNIFIED_KINDS.get(item.type)
        if kind is None:
            box = (item.left, item.top, item.left + max(item.width, 1) - 1, item.top + max(item.height, 1) - 1)
            draw_outline(draw, box, item.type)
            continue
        classic = _as_classic(item, kind)
        if kind == "IOField":
            text = format_value(lowered.get(item.tag.lower())) if item.tag else ""
            text = text or (NO_VALUE if item.tag else "")
        else:
            text = item.text
        if kind in ("Ellipse", "Circle"):
            draw_ellipse(draw, classic)
        else:
            draw_clipped(image, classic, lambda d: draw_box(d, classic, text))  # painted before the loop goes on
    return to_png(image)
