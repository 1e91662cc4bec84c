"""API documentation generated from the handlers' own docstrings (through the OpenAPI document)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from litestar._openapi.plugin import OpenAPIPlugin  # the app's own document cache; Litestar exports no other name

from engineering_api.lib.openapi_requests import optional_request_defaults
from engineering_api.web._litestar.route_map import MappedLitestar
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from litestar import Litestar, Request

__all__ = ("ApiDocs", "DocHit", "DocSection", "openapi_document", "openapi_document_built", "openapi_document_ready")

_BUILDING = threading.Lock()


def openapi_document(app: Litestar) -> dict[str, Any]:
    """The app's OpenAPI document as plain data, built once per app and shared by ``/schema/openapi.json``,
    discovery and the docs search.

    Building it costs about two seconds of CPU and routes do not change while the app runs, so it is built by the
    first request that needs it, in a thread (:func:`openapi_document_ready`): never at start-up, where it would
    slow the first requests of every CI job for a document few of them read, and never on the event loop, where
    it would hold every other request (T-IA Connect's client gives up on its 1 s telemetry posts). The lock makes
    concurrent first requests wait for one build instead of starting several.
    """
    plugin = app.plugins.get(OpenAPIPlugin)
    with _BUILDING:  # uncontended once built: the plugin keeps the document, which /schema/openapi.json serves
        if isinstance(app, MappedLitestar):  # the generation changes handlers' parameters: their models first
            app.openapi_prepared()
        return optional_request_defaults(plugin.provide_openapi_schema())


async def openapi_document_ready(app: Litestar) -> dict[str, Any]:
    """:func:`openapi_document` for a request: the first one builds it in a worker thread, so the event loop goes
    on serving other requests meanwhile."""
    if (document := app.state.get(_BUILT)) is None:
        if isinstance(app, MappedLitestar):
            # On the event loop, before the thread's generation changes handlers' parameters: a first request on
            # the loop making its model from half-changed parameters would keep a wrong model (a 422 for every call
            # of its route) until restart. Once made here, no model is made on the loop again (~0.07 s, once).
            app.openapi_prepared()
        document = app.state[_BUILT] = await anyio.to_thread.run_sync(openapi_document, app)
    return document


async def openapi_document_built(request: Request[Any, Any, Any]) -> None:
    """``before_request`` of the ``/schema`` routes: Litestar's own handler answers from the plugin's document,
    which this has built off the event loop."""
    await openapi_document_ready(request.app)


_BUILT = "openapi_document"
_WORD = re.compile(r"[a-z0-9]+")


class DocRoute(CamelStruct):
    """One route in a section."""

    method: str
    path: str
    summary: str
    operation_id: str
    description: str = ""


class DocSection(CamelStruct):
    """A documentation section: the routes of one reference section."""

    name: str
    route_count: int
    text: str = ""
    routes: list[DocRoute] = []


class DocHit(CamelStruct):
    """A search hit (T-IA Connect: ``{Section, Snippet, Relevance}``)."""

    section: str
    snippet: str
    relevance: float
    method: str = ""
    path: str = ""


@dataclass
class ApiDocs:
    """Sections built once from the OpenAPI document."""

    title: str
    intro: str
    sections_by_name: dict[str, list[DocRoute]] = field(default_factory=dict)

    @classmethod
    def from_openapi(cls, schema: dict[str, Any]) -> ApiDocs:
        """Group operations by tag, in path order."""
        docs = cls(title=schema["info"]["title"], intro=schema["info"].get("description") or "")
        for path, item in schema.get("paths", {}).items():
            for method, op in item.items():
                if method not in ("get", "post", "put", "delete", "patch"):
                    continue
                for tag in op.get("tags") or ["Other"]:
                    docs.sections_by_name.setdefault(tag, []).append(
                        DocRoute(
                            method=method.upper(), path=path, summary=op.get("summary") or "",
                            operation_id=op.get("operationId", ""), description=op.get("description") or "",
                        )
                    )
        return docs

    def _section_text(self, name: str, routes: list[DocRoute]) -> str:
        lines = [name, "=" * len(name)]
        for r in routes:
            lines.append(f"- {r.method} {r.path} — {r.summary}")
            if r.description and r.description != r.summary:
                lines.append(f"    {r.description.strip()}")
        return "\n".join(lines)

    def sections(self) -> list[DocSection]:
        """Every section without its text."""
        return [DocSection(name=n, route_count=len(r)) for n, r in self.sections_by_name.items()]

    def section(self, name: str) -> DocSection | None:
        """One section with its text and routes (name matched case-insensitively)."""
        for n, routes in self.sections_by_name.items():
            if n.lower() == name.lower() or n.lower().replace(" ", "-") == name.lower():
                return DocSection(name=n, route_count=len(routes), text=self._section_text(n, routes), routes=routes)
        return None

    def full_text(self) -> str:
        """Everything in one text document."""
        header = (f"{self.title}\n\n{self.intro}\n\nAuthentication: send X-API-Key on every call except GET "
                  "/api/health.\n")
        return header + "\n\n".join(self._section_text(n, r) for n, r in self.sections_by_name.items()) + "\n"

    def search(self, query: str, limit: int = 20) -> list[DocHit]:
        """Routes whose path, summary or description match the query words, best first."""
        words = _WORD.findall(query.lower())
        if not words:
            return []
        hits = []
        for name, routes in self.sections_by_name.items():
            for r in routes:
                haystack = f"{name} {r.path} {r.summary} {r.description} {r.operation_id}".lower()
                matched = sum(1 for w in words if w in haystack)
                if matched:
                    relevance = matched / len(words) + (0.25 if query.lower() in haystack else 0.0)
                    hits.append(
                        DocHit(section=name, snippet=f"{r.method} {r.path} — {r.summary}",
                               relevance=round(relevance, 3),
                               method=r.method, path=r.path)
                    )
        hits.sort(key=lambda h: (-h.relevance, h.path))
        return hits[:limit]
