"""The web console at ``/``: the project, its blocks drawn in LAD, FBD, SCL, STL and GRAPH, the running PLC, jobs,
tests and diffs, in a browser, from this server alone (no CDN, no build step; plant networks are offline).

Pages are Jinja templates rendered by Litestar; the little script there is (search, live values over SSE) is a
static file of this package, so the Content-Security-Policy allows scripts from this server only. Every form
carries Litestar's CSRF token; the session cookie is HttpOnly and SameSite=Strict (:mod:`.auth`).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from jinja2 import filters as jinja_filters
from litestar.enums import MediaType
from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.datastructures import ResponseHeader
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, TooManyRequestsException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from engineering_api.console import auth, git_log, jobs, pages, plc, runtime_page, tags_page, tests_page, xref_page
from engineering_api.console.compression import COMPRESSED, compression_config, gzip_layer
from engineering_api.lib.encoded_paths import segment

__all__ = ("POLICY", "compression_config", "console_routes", "gzip_layer", "template_config")

_HERE = Path(__file__).parent

POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
"""Scripts, styles and data only from this server; no inline script or style, no framing, forms post here only."""

_HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=POLICY),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),  # no-referrer makes Chromium post Origin: null
    ResponseHeader(name="Cache-Control", value="no-store"),
    ResponseHeader(name="X-Frame-Options", value="DENY"),
]


def _urlencode(value: Any) -> str:
    """Jinja's ``urlencode`` for a path segment: a string gets every reserved character encoded, ``/`` too (Jinja's
    own leaves ``/``, so a name such as ``../cpu`` added segments to a console link); other values as Jinja does."""
    if isinstance(value, str):
        return segment(value)
    return str(jinja_filters.do_urlencode(value))


def _with_segment_filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["urlencode"] = _urlencode
    engine.engine.filters["segment"] = segment


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """The console's templates (the app has no others); every ``urlencode`` in them encodes one path segment."""
    return TemplateConfig(directory=_HERE / "templates", engine=JinjaTemplateEngine,
                          engine_callback=_with_segment_filters)


def _signed_out(request: Any, exc: NotAuthorizedException) -> Any:
    if request.method == "GET" and not request.headers.get("accept", "").startswith("text/event-stream"):
        return Redirect("/", status_code=303)
    return Template("signin.html", media_type=MediaType.HTML, status_code=401,
                    context={"error": "Your session has ended; sign in again."})


def _refused(request: Any, exc: PermissionDeniedException | TooManyRequestsException) -> Template:
    status = 429 if isinstance(exc, TooManyRequestsException) else 403
    if request.method not in ("GET", "HEAD"):  # a refused change is audited, as the REST guard does
        auth.audit(request, status)
    return Template("error.html", media_type=MediaType.HTML, status_code=status, context={
        "title": "Not allowed", "error": exc.detail, "code": "RATE_LIMITED" if status == 429 else "FORBIDDEN",
        "principal": request.scope.get("user"), "can_write": False,
    })


def console_routes() -> list[Any]:
    """The console router (session guard, CSRF on every form, strict CSP) and its static assets."""
    csrf = CSRFConfig(secret=secrets.token_hex(32), cookie_name=auth.CSRF_COOKIE, cookie_httponly=True,
                      cookie_samesite="strict", header_name="x-csrftoken")
    router = Router(
        path="/",
        route_handlers=[pages.landing, auth.sign_in, auth.sign_out, pages.project_page, pages.block_page,
                        pages.compile_block, pages.udt_page, pages.download_simaticml, pages.download_scl,
                        *jobs.ROUTES, *plc.ROUTES,
                        *git_log.ROUTES, *tests_page.ROUTES, *runtime_page.ROUTES,
                        *xref_page.ROUTES, *tags_page.ROUTES],
        guards=[auth.console_guard],
        # the audit inside the CSRF check: a refused token never reaches the guard, which writes the record
        middleware=[DefineMiddleware(CSRFMiddleware, config=csrf), auth.audit_completion],
        # public to the REST guard (no X-API-Key here): console_guard authenticates by session and audits changes
        opt={"public": True, "audit": False, COMPRESSED: True},
        response_headers=_HEADERS,
        exception_handlers={NotAuthorizedException: _signed_out, PermissionDeniedException: _refused,
                            TooManyRequestsException: _refused},
        include_in_schema=False,
    )
    assets = create_static_files_router(
        path="/console/static", directories=[_HERE / "static"], include_in_schema=False,
        opt={"public": True, COMPRESSED: True},
        name="console-assets",
    )
    return [router, assets]
