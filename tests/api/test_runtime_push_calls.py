"""The push calls are operations of the one registry (runtime.pushes.*): each change is on the audit trail with
the admin key that made it, a read and a dry run are not, and none is an MCP tool (a push carries a target's
credentials)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.app import registry
from engineering_api.mcp.tools import ToolCatalog
from tests.conftest import data

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import TestClient

Headers = dict[str, str]
BODY: dict[str, Any] = {
    "name": "Shift start", "schedule": {"shifts": ["06:00", "14:00", "22:00"], "timezone": "Europe/Berlin"},
    "format": "json", "template": '{"shiftStart": "${periodStart}"}',
    "target": {"url": "http://127.0.0.1:9/erp", "auth": {"type": "bearer", "token": "erp-s3cr3t"}},
}


def test_every_change_to_a_push_is_audited_with_the_admin_key_and_reads_are_not(
    client: TestClient[Litestar], admin_headers: Headers,
) -> None:
    push_id = data(client.post("/api/runtime/pushes", json=BODY, headers=admin_headers), 201)["pushId"]
    one = f"/api/runtime/pushes/{push_id}"
    data(client.put(one, json={**BODY, "name": "Shift begin"}, headers=admin_headers))
    data(client.get(one, headers=admin_headers))
    data(client.get(f"/api/runtime/pushes/{push_id}/deliveries", headers=admin_headers))
    data(client.post(f"/api/runtime/pushes/{push_id}/dry-run", json={"periodEnd": "2026-01-05T13:00:00Z"},
                     headers=admin_headers))
    data(client.post(f"/api/runtime/pushes/{push_id}/deliveries/resend", json={"periodEnd": "2026-01-05T13:00:00Z"},
                     headers=admin_headers), 202)
    data(client.delete(one, headers=admin_headers))
    audited = data(client.get("/api/audit", params={"pathPrefix": "/api/runtime/pushes"}, headers=admin_headers))
    # the resend's delivery runs in the background: on a loaded machine its attempt (audited by the scheduler, at the
    # delivery's own path) can come before the DELETE; the calls' rows are the ones made through REST
    scheduled = [r for r in audited["records"] if r["via"] == "scheduler"]
    assert all(r["path"].startswith(f"{one}/deliveries/") and r["keyId"] is None for r in scheduled), scheduled
    calls = [r for r in audited["records"] if r["via"] != "scheduler"]
    rows = [(r["method"], r["path"], r["status"]) for r in reversed(calls)]
    assert rows == [("POST", "/api/runtime/pushes", 201), ("PUT", one, 200), ("POST", f"{one}/deliveries/resend", 202),
                    ("DELETE", one, 200)]
    assert [r["outcome"] for r in reversed(calls)] == ["succeeded", "succeeded", "accepted", "succeeded"]
    assert {r["role"] for r in calls} == {"admin"}
    assert len({r["keyId"] for r in calls}) == 1 and calls[0]["keyId"]
    assert "erp-s3cr3t" not in client.get("/api/audit", headers=admin_headers).text


def test_push_calls_are_declared_and_no_mcp_tool() -> None:
    calls = {c.name: c for c in registry().runtime_calls() if c.name.startswith("runtime.pushes.")}
    assert sorted(calls) == ["runtime.pushes.create", "runtime.pushes.delete", "runtime.pushes.deliveries.list",
                             "runtime.pushes.deliveries.resend", "runtime.pushes.dry-run", "runtime.pushes.get",
                             "runtime.pushes.list", "runtime.pushes.update"]
    assert {n for n, c in calls.items() if c.mutating} == {
        "runtime.pushes.create", "runtime.pushes.update", "runtime.pushes.delete", "runtime.pushes.deliveries.resend"}
    assert all(c.required_role.value == "admin" and c.no_mcp_tool for c in calls.values())
    tools = {spec.operation.name for spec in ToolCatalog(registry()).tools() if spec.operation is not None}
    assert not tools & set(calls)
