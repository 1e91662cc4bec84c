"""Issue 12, failure 13: every operation documents its problem+json answers, and the document describes itself honestly.

Every operation lists ``application/problem+json`` for its errors (Litestar's own 400 says ``application/json``
unless told), 401 on the hand-written routes, 421 everywhere, and ``GET /schema`` as answering the document, not
a JSON *string*. These tests read the served document and ask the running app for the guard answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.lib.responses import PROBLEM_JSON

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import TestClient

PUBLIC = {("GET", "/api/health"), ("GET", "/api/health/ping"), ("GET", "/api/docs/sections")}
"""The routes that need no key (README, wire contract)."""


@pytest.fixture(name="schema")
def fx_schema(client: TestClient[Litestar]) -> dict[str, Any]:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "responses" in op
    ]


def _concrete(path: str) -> str:
    """A request path for a templated route (any name will do: the guards answer before the handler)."""
    return path.replace("{", "x").replace("}", "")


def test_every_error_answer_is_documented_as_problem_json(schema: dict[str, Any]) -> None:
    undocumented = [
        (method, path, status, sorted(response.get("content") or {}))
        for method, path, op in _operations(schema)
        for status, response in op["responses"].items()
        if status[0] in "45" and set(response.get("content") or {}) != {PROBLEM_JSON}
        and not (path in MCP_TRANSPORTS and _sdk_error(status, response))
    ]
    assert undocumented == []


MCP_TRANSPORTS = ("/mcp", "/mcp/messages")
"""Behind the guard, the MCP SDK answers these itself: JSON-RPC errors (``application/json``) or short plain text."""


def _sdk_error(status: str, response: dict[str, Any]) -> bool:
    """Besides the guard's problem documents, only the SDK's JSON-RPC or text form."""
    content = set(response.get("content") or {})
    return content <= {PROBLEM_JSON, "application/json", "text/plain"} and bool(content - {PROBLEM_JSON})
