"""Licence, client telemetry, the loopback local key and unknown routes, as the VS Code client calls them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import assert_error, data

EVENT = {"eventName": "VSCode_ListBlocks", "extensionVersion": "1.0.3", "vscodeVersion": "1.96.0", "success": True,
         "durationMs": 42, "mode": "REST", "commandCategory": "blocks"}


# ----- licence -----------------------------------------------------------------------------------------
def test_license_is_open_with_every_feature(client, viewer_headers):
    body = data(client.get("/api/license/features", headers=viewer_headers))
    assert body["edition"] == "open" and body["isValid"] is True
    assert body["features"] and all(f["enabled"] is True for f in body["features"])
    assert {"key", "name", "description", "enabled"} <= set(body["features"][0])
    # The client shows its test view, source control and AI tools only for these keys.
    assert {"hasTestHarness", "hasVcs", "assistant"} <= {f["key"] for f in body["features"]}
    assert "pipelines" in {f["key"] for f in body["features"]}
    assert_error(client.get("/api/license/features"), 401)


# ----- telemetry ---------------------------------------------------------------------------------------
def _settings(client: Any, admin: dict[str, str], **changes: Any) -> dict[str, Any]:
    return data(client.put("/api/settings/compatibility", json=changes, headers=admin))


def test_telemetry_is_accepted_and_dropped_by_default(client, viewer_headers, admin_headers):
    body = data(client.post("/api/telemetry/client-events", json=EVENT, headers=viewer_headers))
    assert body == {"accepted": True, "stored": False}
    assert data(client.get("/api/telemetry/client-events", headers=admin_headers))["total"] == 0
    # not audited: one row per client call would bury the real changes
    audit = data(client.get("/api/audit", params={"pathPrefix": "/api/telemetry"}, headers=admin_headers))
    assert audit["records"] == []


def test_telemetry_kept_locally_when_an_admin_turns_it_on_and_bounded(client, viewer_headers, admin_headers):
    settings = _settings(client, admin_headers, telemetryStore=True, telemetryMaxEvents=3)
    assert settings["telemetryStore"] is True and settings["localKeyEnabled"] is False
    pascal = {k[0].upper() + k[1:]: v for k, v in EVENT.items()}  # the client may send any case
    for i in range(5):
        body = data(client.post("/api/telemetry/client-events", json={**pascal, "EventName": f"e{i}", "Extra": 1},
                                headers=viewer_headers))
        assert body["stored"] is True
    kept = data(client.get("/api/telemetry/client-events", headers=admin_headers))
    assert kept["total"] == 3
    assert [e["event"]["eventName"] for e in kept["events"]] == ["e4", "e3", "e2"]
    assert kept["events"][0]["event"]["durationMs"] == 42
    viewer = [k["keyId"] for k in data(client.get("/api/security/keys", headers=admin_headers))
              if k["role"] == "viewer" and not k["revokedAt"]]
    assert [e["keyId"] for e in kept["events"]] == viewer * 3  # each event names the key that sent it
    assert data(client.delete("/api/telemetry/client-events", headers=admin_headers))["deleted"] == 3


def test_telemetry_bad_input_and_roles(client, viewer_headers, engineer_headers):
    assert_error(client.post("/api/telemetry/client-events", json={"success": True}, headers=viewer_headers), 422)
    assert_error(client.post("/api/telemetry/client-events", json={**EVENT, "durationMs": -1}, headers=viewer_headers),
                 422)
    assert_error(client.post("/api/telemetry/client-events", json=EVENT), 401)
    assert_error(client.get("/api/telemetry/client-events", headers=engineer_headers), 403)
    assert_error(client.delete("/api/telemetry/client-events", headers=engineer_headers), 403)


def test_compat_settings_are_admin_only_and_validated(client, engineer_headers, admin_headers):
    assert_error(client.get("/api/settings/compatibility", headers=engineer_headers), 403)
    assert_error(client.put("/api/settings/compatibility", json={"localKeyEnabled": True}, headers=engineer_headers),
                 403)
    assert_error(client.put("/api/settings/compatibility", json={"localKeyRole": "admin"}, headers=admin_headers), 422)
    assert_error(client.put("/api/settings/compatibility", json={"telemetryMaxEvents": 0}, headers=admin_headers), 422)
    assert data(client.get("/api/settings/compatibility", headers=admin_headers)) == {
        "localKeyEnabled": False, "localKeyRole": "engineer", "telemetryStore": False, "telemetryMaxEvents": 10000}


# ----- local key ---------------------------------------------------------------------------------------
@pytest.fixture
def from_address(app):
    """Sets the client address the app sees (the test client's is ``testclient``)."""
    original = app.asgi_handler
    address = {"value": "127.0.0.1"}

    async def with_client(scope, receive, send):
        if scope["type"] == "http":
            scope["client"] = (address["value"], 50000)
        await original(scope, receive, send)

    app.asgi_handler = with_client
    yield address
    app.asgi_handler = original


def test_local_key_is_off_by_default(client, from_address):
    assert_error(client.get("/api/auth/local-key", headers={"Host": "localhost:9000"}), 404, "LOCAL_KEY_DISABLED")


def test_local_key_for_a_loopback_client_once_turned_on(client, admin_headers, from_address):
    _settings(client, admin_headers, localKeyEnabled=True)
    local = {"Host": "localhost:9000"}
    body = client.get("/api/auth/local-key", headers=local).json()
    key = body["data"]["apiKey"]
    assert body["apiKey"] == key  # where T-IA Connect's client reads it: a flat apiKey (or response.data.apiKey)
    assert body["success"] is True and body["data"]["role"] == "engineer"
    # the key works, with the engineer role, and the same key is handed out again
    assert client.get("/api/license/features", headers={"X-API-Key": key}).status_code == 200
    assert_error(client.get("/api/settings", headers={"X-API-Key": key}), 403)
    assert data(client.get("/api/auth/local-key", headers=local))["apiKey"] == key
    audit = data(client.get("/api/audit", params={"pathPrefix": "/api/auth/local-key"}, headers=admin_headers))
    outcomes = [r["outcome"] for r in audit["records"]]
    assert outcomes == ["local key handed out", "local key created and handed out"]
    assert all(r["keyId"] == body["data"]["keyId"] for r in audit["records"])
    # changing the role revokes the old key; turning it off revokes the new one
    _settings(client, admin_headers, localKeyRole="viewer")
    assert_error(client.get("/api/license/features", headers={"X-API-Key": key}), 401)
    viewer_key = data(client.get("/api/auth/local-key", headers=local))["apiKey"]
    assert viewer_key != key
    _settings(client, admin_headers, localKeyEnabled=False)
    assert_error(client.get("/api/license/features", headers={"X-API-Key": viewer_key}), 401)
    assert_error(client.get("/api/auth/local-key", headers=local), 404, "LOCAL_KEY_DISABLED")


@pytest.mark.parametrize(("address", "headers"), [
    ("192.168.1.20", {"Host": "localhost"}),
    ("127.0.0.1", {"Host": "localhost", "X-Forwarded-For": "10.0.0.5"}),
    ("127.0.0.1", {"Host": "localhost", "Forwarded": "for=10.0.0.5"}),
    ("127.0.0.1", {"Host": "localhost", "X-Real-IP": "10.0.0.5"}),
    ("127.0.0.1", {"Host": "testserver.local"}),
])
def test_local_key_refuses_anything_not_straight_from_this_machine(client, admin_headers, from_address, address,
                                                                   headers):
    _settings(client, admin_headers, localKeyEnabled=True)
    from_address["value"] = address
    assert_error(client.get("/api/auth/local-key", headers=headers), 403, "LOCAL_KEY_LOOPBACK_ONLY")
    from_address["value"] = "127.0.0.1"
    audit = data(client.get("/api/audit", params={"pathPrefix": "/api/auth/local-key"}, headers=admin_headers))
    assert [r["status"] for r in audit["records"]] == [403]


def test_local_key_over_ipv6_loopback(client, admin_headers, from_address):
    _settings(client, admin_headers, localKeyEnabled=True)
    from_address["value"] = "::1"
    assert data(client.get("/api/auth/local-key", headers={"Host": "[::1]:9000"}))["apiKey"].startswith("eapi_")


# ----- unknown routes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_routes_answer_401_without_a_valid_key(client, viewer_headers, method):
    assert_error(client.request(method, "/api/no/such/route"), 401, "UNAUTHORIZED")
    assert_error(client.request(method, "/api/no/such/route", headers={"X-API-Key": "eapi_wrong"}), 401)
    assert_error(client.request(method, "/api/no/such/route", headers=viewer_headers), 404, "ROUTE_NOT_FOUND")
    assert_error(client.request(method, "/nothing-here", headers=viewer_headers), 404)


def test_a_404_from_a_route_is_still_a_404(client, viewer_headers):
    assert_error(client.get("/api/jobs/unknown", headers=viewer_headers), 404, "JOB_NOT_FOUND")
    assert client.get("/api/health").status_code == 200


def test_key_changes_run_off_the_event_loop(app, client, admin_headers, from_address, monkeypatch):
    """A key change waits for its notification on PostgreSQL (up to seconds): the key routes, the settings that
    revoke the local key and the local key itself change keys in a worker thread, so no other request waits on the
    event loop meanwhile (before: each ran on the loop)."""
    import asyncio

    keys = app.state.services.keys
    on_loop: list[tuple[str, bool]] = []

    def running_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def recorded(name: str, change: Any) -> Any:
        def run(*args: Any) -> Any:
            on_loop.append((name, running_loop()))
            return change(*args)
        return run

    monkeypatch.setattr(keys, "create", recorded("create", keys.create))
    monkeypatch.setattr(keys, "revoke", recorded("revoke", keys.revoke))
    made = data(client.post("/api/security/keys", json={"name": "ci", "role": "viewer"}, headers=admin_headers), 201)
    data(client.delete(f"/api/security/keys/{made['key']['keyId']}", headers=admin_headers))
    _settings(client, admin_headers, localKeyEnabled=True)
    data(client.get("/api/auth/local-key", headers={"Host": "localhost:9000"}))
    _settings(client, admin_headers, localKeyEnabled=False)  # revokes the local key
    assert on_loop == [("create", False), ("revoke", False), ("create", False), ("revoke", False)]
