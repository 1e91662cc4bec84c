"""API documentation generated from the handlers' own docstrings (through the OpenAPI document)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from litestar import Litestar

__all__ = ("ApiDocs", "DocHit", "DocSection", "openapi_document")

_BUILDING = threading.Lock()


def openapi_document(app: Litestar) -> dict[str, Any]:
    """The app's OpenAPI document as plain data, built once per app and shared by discovery and the docs search.

    Building it costs about a second of CPU; routes do not change while the app runs. ``engineering-api serve``
    builds it in a thread at start-up (:mod:`engineering_api.asgi`), so no request waits for it on the event loop;
    the lock makes a request that comes first wait for that build instead of starting a second one.
    """
    document = app.state.get("openapi_document")
    if document is None:
        with _BUILDING:
            document = app.state.get("openapi_document")
            if document is None:
                document = app.state["openapi_document"] = app.openapi_schema.to_schema()
    return document

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
        header = f"{self.title}\n\n{self.intro}\n\nAuthentication: send X-API-Key on every call except GET /api/health.\n"
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
                        DocHit(section=name, snippet=f"{r.method} {r.path} — {r.summary}", relevance=round(relevance, 3),
                               method=r.method, path=r.path)
                    )
        hits.sort(key=lambda h: (-h.relevance, h.path))
        return hits[:limit]
