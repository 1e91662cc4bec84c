"""How the classic HMI routes answer for a WinCC Unified panel: from its object model instead of SimaticML.

The classic port methods refuse a Unified panel with ``UNIFIED_NOT_SUPPORTED`` (its objects have no SimaticML);
:func:`unified_or` then reads the panel's model (:meth:`~engineering_api.backend.areas.hmi_unified.HmiUnifiedPort.
read_unified_hmi`) and the converters below give the same listed shapes, so ``GET …/hmi/screens|tags|connections``,
the text and graphic lists, the trees and the summary serve both kinds of panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi import HmiConnectionInfo, HmiScreenInfo, HmiTagInfo, HmiTagTableInfo
from engineering_api.backend.areas.hmi_resources import HmiGraphicListInfo, HmiScriptInfo, HmiTextListInfo
from engineering_api.backend.areas.hmi_unified import UnifiedHmi, UnifiedScreen, UnifiedTagTable
from engineering_api.errors import codes

__all__ = ("connections", "graphic_lists", "is_unified_refusal", "panel_kind", "readable", "screen_info", "scripts",
           "tag_tables", "text_lists", "unified_or")

T = TypeVar("T")


def is_unified_refusal(exc: Exception) -> bool:
    """Whether a classic port method refused because the panel is a Unified one."""
    return isinstance(exc, e.NotSupportedError) and exc.code == codes.UNIFIED_NOT_SUPPORTED


def unified_or(ctx: Any, device: str, classic: Callable[[], T], unified: Callable[[UnifiedHmi], T]) -> T:
    """``classic()``, or for a Unified panel ``unified(<its model>)``."""
    try:
        return classic()
    except e.NotSupportedError as exc:
        if not is_unified_refusal(exc):
            raise
    return unified(ctx.backend.hmi_unified.read_unified_hmi(device))


def panel_kind(ctx: Any, device: str) -> tuple[str, UnifiedHmi | None]:
    """(``unified``, its model) or (``classic``, None) for an HMI panel.

    Raises:
        ValidationError: ``NOT_AN_HMI``.
        NotFoundError: ``DEVICE_NOT_FOUND``.
    """
    try:
        return "unified", ctx.backend.hmi_unified.read_unified_hmi(device)
    except e.ValidationError as exc:
        if exc.code != codes.NOT_A_UNIFIED_PANEL:
            raise
    return "classic", None


def screen_info(screen: UnifiedScreen) -> HmiScreenInfo:
    """A Unified screen as listed (Unified screens have no number in this model: 0)."""
    return HmiScreenInfo(name=screen.name, number=0, width=screen.width, height=screen.height,
                         item_count=len(screen.items), folder=screen.folder)


def _table(table: UnifiedTagTable) -> HmiTagTableInfo:
    return HmiTagTableInfo(name=table.name, folder=table.folder, tags=[
        HmiTagInfo(name=t.name, data_type=t.data_type, connection=t.connection, plc_tag=t.plc_tag, tag_table=table.name)
        for t in table.tags])


def tag_tables(model: UnifiedHmi) -> list[HmiTagTableInfo]:
    """The tag tables with their tags."""
    return [_table(t) for t in model.tag_tables]


def connections(model: UnifiedHmi) -> list[HmiConnectionInfo]:
    """The connections (``type`` is the communication driver)."""
    return [HmiConnectionInfo(name=c.name, partner=c.partner, type=c.communication_driver) for c in model.connections]


def scripts(model: UnifiedHmi) -> list[HmiScriptInfo]:
    """The global JavaScript modules (a module whose code the adapter cannot read has 0 lines)."""
    return [HmiScriptInfo(name=m.name, type="Module", language="JavaScript",
                          line_count=len(m.code.splitlines()) if m.code else 0) for m in model.script_modules]


def readable(model: UnifiedHmi, attr: str) -> list[Any]:
    """The model's objects of ``attr``.

    Raises:
        NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` (the adapter cannot read them: the bridge's text and graphic
            lists).
    """
    objects: list[Any] | None = getattr(model, attr)
    if objects is None:
        raise e.NotSupportedError(
            f"The {attr.replace('_', ' ')} of the Unified panel '{model.device_name}' cannot be read over Openness: no "
            "public source shows the members of HmiTextList/HmiGraphicList entries.", code=codes.NO_OPENNESS_EQUIVALENT)
    return objects


def text_lists(model: UnifiedHmi) -> list[HmiTextListInfo]:
    """The text lists with their entries, as a classic panel's are listed.

    Raises:
        NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` (see :func:`readable`).
    """
    return [HmiTextListInfo(name=t.name, list_range=t.list_range, entry_count=len(t.entries), entries=t.entries)
            for t in readable(model, "text_lists")]


def graphic_lists(model: UnifiedHmi) -> list[HmiGraphicListInfo]:
    """The graphic lists with their entries.

    Raises:
        NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` (see :func:`readable`).
    """
    return [HmiGraphicListInfo(name=g.name, list_range=g.list_range, entry_count=len(g.entries), entries=g.entries)
            for g in readable(model, "graphic_lists")]
