"""The ``-sync`` twins through HTTP: a completed long operation answers its result (a pipeline run too), and a retry
with the same ``Idempotency-Key`` gets the first call's outcome without doing the work again, on every ``-sync``
route as on the async ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.conftest import assert_error, data

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import TestClient

Headers = dict[str, str]
PIPELINE = {
    "name": "Build", "trigger": "manual", "variables": {"deviceName": "PLC_1"}, "onFailure": "stop",
    "steps": [{"name": "Compile", "action": "devices.compile-hardware", "params": {"deviceName": "${deviceName}"}},
              {"name": "List", "action": "blocks.list", "params": {"deviceName": "${deviceName}"}}],
}


def _executions(client: TestClient[Litestar], headers: Headers) -> list[dict[str, Any]]:
    return data(client.get("/api/pipelines/executions", params={"name": "Build"}, headers=headers))


def test_run_sync_of_a_completed_pipeline_answers_the_execution_and_a_retry_runs_nothing(
    client: TestClient[Litestar], engineer_headers: Headers, cpu: dict[str, Any],
) -> None:
    data(client.post("/api/pipelines", json=PIPELINE, headers=engineer_headers))
    keyed = {**engineer_headers, "Idempotency-Key": "run-1"}
    first = client.post("/api/pipelines/Build/run-sync", headers=keyed)
    execution = data(first)
    assert execution["status"] == "Completed" and len(execution["stepResults"]) == 2
    assert first.json()["message"] == "pipeline Build completed: 2/2 steps"
    again = client.post("/api/pipelines/Build/run-sync", headers=keyed)
    assert data(again)["id"] == execution["id"] and again.headers["x-job-id"] == first.headers["x-job-id"]
    assert [e["id"] for e in _executions(client, engineer_headers)] == [execution["id"]]
    other = client.post("/api/pipelines/Build/run-sync", json={"variables": {"deviceName": "PLC_2"}}, headers=keyed)
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED")


def test_execute_sync_of_a_pipeline_run_answers_it_once(
    client: TestClient[Litestar], engineer_headers: Headers, cpu: dict[str, Any],
) -> None:
    data(client.post("/api/pipelines", json=PIPELINE, headers=engineer_headers))
    body = {"operation": "pipelines.run", "parameters": {"name": "Build"}}
    keyed = {**engineer_headers, "Idempotency-Key": "exec-1"}
    answers = [client.post("/api/jobs/execute-sync", json=body, headers=keyed) for _ in range(2)]
    assert answers[0].json()["message"] == "pipeline Build completed: 2/2 steps"
    assert data(answers[0])["id"] == data(answers[1])["id"]
    assert len(_executions(client, engineer_headers)) == 1


def test_a_short_change_retried_with_its_key_is_done_once(
    client: TestClient[Litestar], engineer_headers: Headers, cpu: dict[str, Any],
) -> None:
    """A tag table create is short (no job of its own): with a key, its retry answers the first outcome, not 409."""
    route = "/api/devices/PLC_1/tag-tables/actions/create-sync"
    keyed = {**engineer_headers, "Idempotency-Key": "table-1"}
    first = data(client.post(route, json={"name": "Motors"}, headers=keyed))
    assert data(client.post(route, json={"name": "Motors"}, headers=keyed)) == first
    body = {"operation": "tag-tables.create", "parameters": {"deviceName": "PLC_1", "name": "Valves"}}
    keyed = {**engineer_headers, "Idempotency-Key": "table-2"}
    assert data(client.post("/api/jobs/execute-sync", json=body, headers=keyed)) == \
        data(client.post("/api/jobs/execute-sync", json=body, headers=keyed))
    tables = data(client.get("/api/devices/PLC_1/tag-tables", headers=engineer_headers))
    names = [t["name"] for t in tables]
    assert names.count("Motors") == 1 and names.count("Valves") == 1
    # Without a key, a repeat is a new request, as before.
    assert_error(client.post(route, json={"name": "Motors"}, headers=engineer_headers), 409)


def test_every_sync_route_takes_an_idempotency_key(client: TestClient[Litestar]) -> None:
    schema = client.get("/schema/openapi.json").json()
    sync_routes = [(path, method, spec) for path, item in schema["paths"].items() if path.endswith("-sync")
                   for method, spec in item.items() if method != "options"]
    assert len(sync_routes) > 30
    missing = [f"{method.upper()} {path}" for path, method, spec in sync_routes
               if not any(p.get("in") == "header" and p.get("name") == "Idempotency-Key"
                          for p in spec.get("parameters", []))]
    assert missing == []
