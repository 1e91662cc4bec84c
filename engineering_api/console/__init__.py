"""The web console at ``/``: the project, its blocks drawn in LAD, FBD, SCL, STL and GRAPH, the running PLC, jobs,
tests and diffs, in a browser, from this server alone (no CDN, no build step; plant networks are offline).

Pages are Jinja templates rendered by Litestar; the little script there is (search, live values over SSE) is a
static file of this package, so the Content-Security-Policy allows scripts from this server only. Every form
carries Litestar's CSRF token; the session cookie is HttpOnly and SameSite=Strict (:mod:`.auth`).
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.enums import MediaType
from litestar import Router
from litestar.config.csrf import CSRFConfig
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

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from jinja2 import Template as JinjaTemplate
    from litestar.plugins.jinja import JinjaTemplateEngine

__all__ = ("COMPRESSED", "POLICY", "compression_config", "console_routes", "gzip_layer", "template_config")

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
    from jinja2 import filters as jinja_filters  # loaded with the engine, by then

    return str(jinja_filters.do_urlencode(value))


class _ConsoleTemplates:
    """Litestar's Jinja engine over the console's templates, made when the first page is rendered: Jinja and
    Litestar's plugin for it (25 modules, ~15 ms of CPU) are not loaded by a server start that serves no page.
    Every ``urlencode`` in the templates encodes one path segment."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._engine: JinjaTemplateEngine | None = None
        self._callables: list[tuple[str, Callable[..., Any]]] = []
        self._lock = threading.Lock()  # pages render on the event loop and in worker threads

    def _made(self) -> JinjaTemplateEngine:
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    from litestar.plugins.jinja import JinjaTemplateEngine

                    from engineering_api.console.render.usage_rows import tag_rows, tag_use_rows, usage_rows

                    made = JinjaTemplateEngine(directory=self._directory)
                    made.engine.filters["urlencode"] = _urlencode
                    made.engine.filters["segment"] = segment
                    made.engine.globals.update(tag_rows=tag_rows, tag_use_rows=tag_use_rows, usage_rows=usage_rows)
                    for key, template_callable in self._callables:
                        made.register_template_callable(key, template_callable)
                    self._engine = made
                engine = self._engine
        return engine

    def get_template(self, template_name: str) -> JinjaTemplate:
        return self._made().get_template(template_name)

    def render_string(self, template_string: str, context: Mapping[str, Any]) -> str:
        return self._made().render_string(template_string, context)

    def register_template_callable(self, key: str, template_callable: Callable[..., Any]) -> None:
        with self._lock:
            if self._engine is None:
                self._callables.append((key, template_callable))
                return
        self._engine.register_template_callable(key, template_callable)


def template_config() -> TemplateConfig[Any]:
    """The console's templates (the app has no others), with the engine made at the first page rendered."""
    return TemplateConfig(instance=_ConsoleTemplates(_HERE / "templates"))


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
