"""Swagger UI at ``/swagger`` with its assets served from the installed package (plants are offline)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import swagger_ui_bundle
from litestar import MediaType, Response, get
from litestar.static_files import create_static_files_router

if TYPE_CHECKING:
    from litestar import Router
    from litestar.handlers import HTTPRouteHandler

__all__ = ("swagger_routes",)

_ASSETS = Path(swagger_ui_bundle.swagger_ui_path)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>engineering-api · Swagger UI</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/swagger/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/swagger/assets/swagger-ui-bundle.js"></script>
<script src="/swagger/assets/swagger-ui-standalone-preset.js"></script>
<script src="/swagger/init.js"></script>
</body></html>
"""

# Scripts only from this server (the initialiser is a file of its own, not inline); Swagger UI sets inline styles
# and draws some icons as data: URIs. The empty data: favicon spares the browser a /favicon.ico that would need a key.
_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
           "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# Nearly 500 operations: expanded at once they take a browser seconds to draw and again at every click, so the
# sections open on demand and the filter box finds an operation by its section (tag).
_INIT = """window.ui = SwaggerUIBundle({
  url: "/schema/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout",
  persistAuthorization: true, docExpansion: "none", filter: true
});
"""


@get("/swagger", include_in_schema=False, opt={"public": True})
async def swagger_page() -> Response[str]:
    """The Swagger UI page."""
    # Litestar appends the response's charset (utf-8) to a text/* media type itself: naming it here sent it twice
    return Response(_PAGE, media_type=MediaType.HTML, headers={"Content-Security-Policy": _POLICY})


@get("/swagger/init.js", include_in_schema=False, opt={"public": True})
async def swagger_init() -> Response[str]:
    """The Swagger UI initialiser, pointing at our OpenAPI document."""
    return Response(_INIT, media_type="application/javascript")


def swagger_routes() -> list[HTTPRouteHandler | Router]:
    """The page, its initialiser and the static assets."""
    assets = create_static_files_router(
        path="/swagger/assets", directories=[_ASSETS], include_in_schema=False, opt={"public": True},
        name="swagger-assets",
    )
    return [swagger_page, swagger_init, assets]
