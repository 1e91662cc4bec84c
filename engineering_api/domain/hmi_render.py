"""``GET /api/devices/{deviceName}/hmi/screens/{screenName}/image``: an HMI screen as PNG, without TIA.

The screen is exported through the port (the stored SimaticML on the fake, ``Screen.Export`` over Openness) and
drawn by :mod:`engineering_api.rules.hmi_render`; its I/O fields and appearance animations show the current values
of their HMI tags (symbolic I/O fields the entry of their text list for it; graphic views their project graphic), read
as ``GET …/hmi/tags/values`` reads them (:mod:`engineering_api.domain.hmi_values`: from the PLCSim instance the
partner PLC was downloaded to; ``###`` where a tag has no value). The answer is ``image/png`` rather than the
JSON envelope, so the route is written by hand over the registry's operation (as the catalog image is); errors
are the other HMI routes' (404 ``DEVICE_NOT_FOUND``/``SCREEN_NOT_FOUND``, 422 ``NOT_AN_HMI``, 501
``UNIFIED_NOT_SUPPORTED`` where an adapter cannot read a Unified panel) and 422 ``SCREEN_NOT_RENDERABLE`` for a
screen without a drawable size. Viewer role. A WinCC Unified screen, which has no SimaticML, is drawn from the
panel's object model (:mod:`engineering_api.rules.hmi_render_unified`), its I/O fields showing live values alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, Response, get
from litestar.params import FromPath

from engineering_api.backend import errors as e
from engineering_api.domain.hmi_tree import NEEDS_HMI, SECTION, ScreenRef
from engineering_api.domain.hmi_unified_view import unified_or
from engineering_api.domain.hmi_values import device_tags, read_values
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext
from engineering_api.lib.responses import problem_responses
from engineering_api.rules.hmi_render import item_picture, item_tags, render_screen, screen_items_deep
from simatic_xml import SimaticMLError
from simatic_xml import hmi as sx

if TYPE_CHECKING:
    from engineering_api.backend.areas.hmi_unified import UnifiedHmi
    from engineering_api.services import Services

__all__ = ("ROUTES", "SCREEN_IMAGE", "screen_png")



def screen_png(ctx: OperationContext, d: ScreenRef) -> bytes:
    """The screen drawn with its tags' live values.

    Raises:
        NotFoundError: ``DEVICE_NOT_FOUND``, ``SCREEN_NOT_FOUND``.
        ValidationError: ``NOT_AN_HMI``; ``SCREEN_NOT_RENDERABLE`` (no size, or larger than 4096 pixels a side;
            or an export that is not a screen document).
        NotSupportedError: ``UNIFIED_NOT_SUPPORTED``.
    """
    return unified_or(ctx, d.device_name, lambda: _classic_png(ctx, d), lambda model: _unified_png(ctx, d, model))


def _classic_png(ctx: OperationContext, d: ScreenRef) -> bytes:
    """A classic screen from its SimaticML (the export refuses a Unified panel first, which :func:`unified_or` takes
    as its turn)."""
    exported = ctx.backend.hmi.export_hmi_screen(d.device_name, d.screen_name)
    try:
        doc = sx.read_hmi(exported.data, expect=sx.SCREEN)
    except SimaticMLError as exc:
        raise e.ValidationError(f"The screen '{exported.name}' cannot be drawn: {exc}",
                                code=codes.SCREEN_NOT_RENDERABLE) from None
    bound = {tag.lower() for item in screen_items_deep(doc.root) for tag in item_tags(item)}
    tags = [t for t in device_tags(ctx, d.device_name) if t.name.lower() in bound] if bound else []
    values = {v.name: v.value for v in read_values(ctx, d.device_name, tags) if v.error is None}
    symbolic = any(i.element == "Hmi.Screen.SymbolicIOField" for i in screen_items_deep(doc.root))
    lists = {t.name: t.entries
             for t in ctx.backend.hmi_resources.list_hmi_text_lists(d.device_name)} if symbolic else {}
    pictures = {name for name in (item_picture(i) for i in screen_items_deep(doc.root)) if name}
    try:
        return render_screen(doc, values, lists, _graphics(ctx, d.device_name, pictures))
    except ValueError as exc:
        raise e.ValidationError(f"The screen '{exported.name}' cannot be drawn: {exc}.",
                                code=codes.SCREEN_NOT_RENDERABLE) from None


def _unified_png(ctx: OperationContext, d: ScreenRef, model: UnifiedHmi) -> bytes:
    """A Unified screen from the panel's object model (:mod:`engineering_api.rules.hmi_render_unified`, loaded with the
    first Unified screen drawn: a start does not pay for it)."""
    from engineering_api.rules.hmi_render_unified import render_unified_screen

    screen = next((s for s in model.screens if s.name.lower() == d.screen_name.lower()), None)
    if screen is None:
        raise e.NotFoundError(f"The screen '{d.screen_name}' was not found in '{d.device_name}'.",
                              code=codes.SCREEN_NOT_FOUND, details={"name": d.screen_name})
    bound = {item.tag.lower() for item in screen.items if item.tag}
    tags = [t for t in device_tags(ctx, d.device_name) if t.name.lower() in bound] if bound else []
    values = {v.name: v.value for v in read_values(ctx, d.device_name, tags) if v.error is None}
    try:
        return render_unified_screen(screen, values)
    except ValueError as exc:
        raise e.ValidationError(f"The screen '{screen.name}' cannot be drawn: {exc}.",
                                code=codes.SCREEN_NOT_RENDERABLE) from None


def _graphics(ctx: OperationContext, device: str, names: set[str]) -> dict[str, bytes]:
    """The images of the project graphics the screen's graphic views show; one that is missing, or that the adapter
    cannot hand out (Openness exchanges graphics only as SimaticML), is left out and its view outlined."""
    found: dict[str, bytes] = {}
    for name in sorted(names):
        try:
            found[name] = ctx.backend.hmi_graphics.export_hmi_project_graphic(device, name).data
        except (e.NotFoundError, e.NotSupportedError):
            continue
    return found


SCREEN_IMAGE: Operation[ScreenRef, bytes] = Operation(
    name="hmi.screens.image", summary="Draw an HMI screen to PNG, its I/O fields showing their tags' live values.",
    section=SECTION, handler=screen_png, input=ScreenRef, output=bytes, mutating=False, errors=NEEDS_HMI,
)
"""Served by the hand-written route below: it answers with an image, not the JSON envelope."""


@get(
    "/api/devices/{deviceName:str}/hmi/screens/{screenName:str}/image", operation_id="GetHmiScreenImage",
    tags=[SECTION], media_type="image/png",
    responses=problem_responses("viewer", params=True, worker=True, errors=NEEDS_HMI),
)
async def screen_image(request: Request[Any, Any, Any], deviceName: FromPath[str],
                       screenName: FromPath[str]) -> Response[bytes]:
    """An HMI screen drawn to PNG without TIA (classic from its SimaticML, Unified from its object model): rectangles,
    ellipses, lines, texts, buttons and I/O fields with their colours, positions and sizes; each I/O field shows
    the current value of its HMI tag, read from the simulated PLC the tag's connection leads to (``###`` when
    there is none). Items it cannot draw are outlined in grey with their type."""
    services: Services = request.app.state.services
    png = await services.jobs.run_inline(SCREEN_IMAGE, ScreenRef(device_name=deviceName, screen_name=screenName))
    return Response(content=png, media_type="image/png", headers={"Cache-Control": "no-store"})


ROUTES = (screen_image,)
