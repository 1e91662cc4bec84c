"""Records shared by the classic HMI port areas (:mod:`~engineering_api.backend.areas.hmi`,
:mod:`~engineering_api.backend.areas.hmi_resources`, :mod:`~engineering_api.backend.areas.hmi_graphics`).

They sit below those modules so that each area can name the others' records without importing it; each area
re-exports the records it answers with.
"""

from __future__ import annotations

from engineering_api.lib.schema import CamelStruct

__all__ = ("HmiExport", "HmiProjectGraphicInfo")


class HmiExport(CamelStruct):
    """An exported object: its name and its SimaticML document."""

    name: str
    data: bytes


class HmiProjectGraphicInfo(CamelStruct):
    """A project graphic (``MultiLingualGraphic``): its name, and where the adapter knows them its image format
    (``png``, ``svg``, ``emf``) and size in bytes (over Openness: names only)."""

    name: str
    format: str = ""
    size: int = 0
