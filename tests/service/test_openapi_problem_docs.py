"""Issue 12, failure 13: every operation documents its problem+json answers, and the document describes itself honestly.

The old document left ``application/problem+json`` out on 131 operations (Litestar's own 400 said
``application/json``), 401 out on 13 hand-written routes, 421 out everywhere, and listed ``GET /schema`` as
answering a JSON *string*. These tests read the served document and ask the running app for the guard answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.backend.errors import ConflictError, NotFoundError
from engineering_api.lib.responses import PROBLEM_JSON, problem_responses
from tests.conftest import assert_error
from tests.service.conftest import key_for

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
    ]
    assert undocumented == []


def test_every_operation_documents_the_guard_answers(schema: dict[str, Any]) -> None:
    missing = []
    for method, path, op in _operations(schema):
        documented = set(op["responses"])
        wanted = {"403", "421", "500"}
        if (method, path) not in PUBLIC:
            wanted |= {"401", "429"}
        if "requestBody" in op:
            wanted |= {"400", "413", "422"}
        if op.get("parameters"):
            wanted |= {"400", "422"}
        if wanted - documented:
            missing.append((method, path, sorted(wanted - documented)))
    assert missing == []


def test_the_schema_routes_are_not_described_as_operations(
    client: TestClient[Litestar], schema: dict[str, Any]
) -> None:
    # They were listed as answering `application/vnd.oai.openapi+json` with `{"type": "string"}`, and sent an object.
    assert [path for path in schema["paths"] if not path.startswith("/api")] == []
    served = client.get("/schema/openapi.json")
    assert served.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    assert isinstance(served.json(), dict) and served.json()["openapi"].startswith("3.1")


def test_a_foreign_host_gets_the_documented_421_on_every_route(
    client: TestClient[Litestar], schema: dict[str, Any]
) -> None:
    for method, path, op in _operations(schema):
        response = client.request(method, _concrete(path), headers={"Host": "rebind.example"})
        assert_error(response, 421, "HOST_NOT_ALLOWED")
        assert response.headers["content-type"] == PROBLEM_JSON
        assert "421" in op["responses"], (method, path)


def test_a_missing_key_gets_the_documented_401_on_every_keyed_route(
    client: TestClient[Litestar], schema: dict[str, Any]
) -> None:
    for method, path, op in _operations(schema):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, _concrete(path))
        assert_error(response, 401)
        assert "401" in op["responses"], (method, path)


def test_a_viewer_gets_the_documented_403_where_a_higher_role_is_needed(
    client: TestClient[Litestar], schema: dict[str, Any]
) -> None:
    viewer_headers = key_for(client, "viewer")
    refused = 0
    for method, path, op in _operations(schema):
        if method == "GET" and path not in ("/api/settings", "/api/audit"):
            continue  # reads are open to viewers, and answering them would run the handler
        response = client.request(method, _concrete(path), headers=viewer_headers)
        if response.status_code == 403:
            refused += 1
            assert "403" in op["responses"], (method, path)
    assert refused > 100


def test_a_malformed_body_gets_a_documented_problem_answer(
    client: TestClient[Litestar], schema: dict[str, Any], admin: dict[str, str]
) -> None:
    op = schema["paths"]["/api/settings"]["post"]
    response = client.post("/api/settings", content=b"{not json", headers={**admin, "Content-Type": "application/json"})
    assert response.status_code in (400, 422), response.text
    assert str(response.status_code) in op["responses"]
    assert response.headers["content-type"] == PROBLEM_JSON


def test_execute_sync_documents_every_domain_status(schema: dict[str, Any]) -> None:
    # It runs any operation, so it can answer any domain error's status.
    documented = set(schema["paths"]["/api/jobs/execute-sync"]["post"]["responses"])
    assert {"404", "409", "422", "423", "501", "503", "504"} <= documented


def test_problem_responses_follow_the_route_kind() -> None:
    public = problem_responses(None)
    assert set(public) == {403, 421, 500}
    admin_body = problem_responses("admin", body=True, worker=True, errors=(NotFoundError, ConflictError))
    assert set(admin_body) == {400, 401, 403, 404, 409, 413, 421, 422, 429, 500, 503, 504}
    assert "admin" in (admin_body[403].description or "")
    assert all(spec.media_type == PROBLEM_JSON for spec in admin_body.values())
    assert set(problem_responses("viewer", params=True)) == {400, 401, 403, 421, 422, 429, 500}


def test_the_job_event_stream_is_documented_as_server_sent_events(schema: dict[str, Any]) -> None:
    # It was documented as application/json, which a stream of `event:`/`data:` lines is not.
    answer = schema["paths"]["/api/jobs/{jobId}/events"]["get"]["responses"]["200"]
    assert set(answer["content"]) == {"text/event-stream"}


@pytest.mark.parametrize(("path", "component"), [
    ("/api/health", "GetHealthResponse"), ("/api/health/ping", "PingResponse"),
    ("/api/instance/version", "GetApiVersionResponse"), ("/api/command/list", "ListCommandsResponse"),
    ("/api/jobs/{jobId}", "GetJobResponse"), ("/api/jobs", "ListJobsResponse"),
    ("/api/command/info/{route}", "GetCommandInfoResponse"),
])
def test_hand_written_reads_document_their_payload(schema: dict[str, Any], path: str, component: str) -> None:
    # An untyped `{}` success schema let any body pass the gate's schema check.
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": f"#/components/schemas/{component}"}
    assert schema["components"]["schemas"][component]["properties"]["data"]
