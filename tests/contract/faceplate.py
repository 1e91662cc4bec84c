"""A screen holding a faceplate, for the HMI library type contract tests."""

from __future__ import annotations

from simatic_xml import hmi as sx

__all__ = ("faceplate_screen",)


def faceplate_screen(reference: str | None, version: str = "V19") -> bytes:
    """A screen ``Valves`` with the faceplate instance ``Valve_1`` of ``reference`` (``<type> V x.y.z``), as TIA
    ``version`` exports it (the fake's V19 by default: tests/api uses it too)."""
    item = sx.new_item("FaceplateInstance", "Valve_1", 10, 10, 120, 80)
    if reference is not None:
        item.set_attr("FaceplateTypeName", reference)
    return sx.to_bytes(sx.new_screen("Valves", 2, 800, 480, version, [item]))
