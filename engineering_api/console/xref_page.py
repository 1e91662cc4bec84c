"""The console's cross-reference page: where a tag, DB member, block or PLC data type is used, each use linked to
its network on the block's page (the service's ``cross-references.object`` operation, as REST)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from engineering_api.backend.errors import EngineeringError
from engineering_api.console.calls import plain_message, run
from engineering_api.console.pages import page
from engineering_api.lib.responses import status_for
from engineering_api.lib.security import principal_of
from engineering_api.services import services_of

__all__ = ("ROUTES",)


@get("/console/devices/{device:str}/cross-references", include_in_schema=False)
async def cross_references_page(request: Request[Any, Any, Any], device: FromPath[str],
                                name: FromQuery[str] = "") -> Template:
    """The form, and for ``name`` each block and network that uses it with the access."""
    name = name.strip()
    if not name:
        return page(request, "xref.html", device=device, query="", result=None, error=None)
    try:
        result = await run(services_of(request), principal_of(request), "cross-references.object",
                           deviceName=device, objectName=name)
    except EngineeringError as exc:  # an unknown name is an answer of this page, said at the form
        return page(request, "xref.html", status_for(exc), device=device, query=name, result=None,
                    error=plain_message(exc.message))
    return page(request, "xref.html", device=device, query=name, result=result, error=None)


ROUTES = [cross_references_page]
