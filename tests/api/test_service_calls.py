"""The server's own calls (settings, keys, audit, docs, health, the assistant's settings, the client-compatibility
routes) are service calls of the one registry: their changes are audited and keyed like every other change, and a
retry after a lost answer does not make the change again (engineering_api.web.call_routes)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import registry
from engineering_api.lib.idempotency import REPLAYED_HEADER
from engineering_api.lib.redact import REDACTED
from tests.conftest import assert_error, data

Headers = dict[str, str]
KEYS = "/api/security/keys"


def _keys_named(client: TestClient[Any], headers: Headers, name: str) -> list[dict[str, Any]]:
    return [key for key in data(client.get(KEYS, headers=headers)) if key["name"] == name]


def test_a_retried_key_creation_makes_one_key_and_does_not_show_its_secret_again(
        client: TestClient[Any], admin_headers: Headers) -> None:
    keyed = {**admin_headers, "Idempotency-Key": "new-ci-key"}
    first = client.post(KEYS, json={"name": "ci", "role": "viewer"}, headers=keyed)
    made = data(first, 201)
    assert made["secret"] and REPLAYED_HEADER not in first.headers
    again = client.post(KEYS, json={"name": "ci", "role": "viewer"}, headers=keyed)
    assert again.status_code == 201 and again.headers[REPLAYED_HEADER] == "true"
    replayed = again.json()["data"]
    assert replayed["key"] == made["key"]
    assert replayed["secret"] == REDACTED  # the secret is shown once: it is not stored with the answer
    assert len(_keys_named(client, admin_headers, "ci")) == 1
    # the first answer's secret works; the same key with another body is refused and creates nothing
    assert client.get("/api/instance/version", headers={"X-API-Key": made["secret"]}).status_code == 200
    assert_error(client.post(KEYS, json={"name": "ci2", "role": "viewer"}, headers=keyed), 422,
                 "IDEMPOTENCY_KEY_REUSED")
    assert not _keys_named(client, admin_headers, "ci2")


def test_a_retried_revocation_answers_the_first_revocation(client: TestClient[Any], admin_headers: Headers) -> None:
    made = data(client.post(KEYS, json={"name": "gone", "role": "viewer"}, headers=admin_headers), 201)
    keyed = {**admin_headers, "Idempotency-Key": "revoke-gone"}
    path = f"{KEYS}/{made['key']['keyId']}"
    first = client.delete(path, headers=keyed)
    assert data(first)["revokedAt"]
    again = client.delete(path, headers=keyed)
    assert again.headers[REPLAYED_HEADER] == "true" and again.json() == first.json()
    # without the key, a second revocation is the domain's answer (no such active key), not a replay
    plain = client.delete(path, headers=admin_headers)
    assert plain.status_code == 404 and REPLAYED_HEADER not in plain.headers


def test_a_settings_change_is_audited_and_keyed(client: TestClient[Any], admin_headers: Headers) -> None:
    keyed = {**admin_headers, "Idempotency-Key": "telemetry-on"}
    path = "/api/settings/compatibility"
    first = client.put(path, json={"telemetryStore": True}, headers=keyed)
    assert data(first)["telemetryStore"] is True
    again = client.put(path, json={"telemetryStore": True}, headers=keyed)
    assert again.headers[REPLAYED_HEADER] == "true"
    rows = client.app.state.services.db.all("SELECT status, outcome FROM audit WHERE path = ? ORDER BY id", (path,))
    assert [(r["status"], r["outcome"]) for r in rows] == [(200, "succeeded"), (200, "replayed")]


@pytest.mark.parametrize("path", ["/api/system/browse-file", "/api/system/browse-project", "/api/system/browse-folder"])
def test_a_browse_dialog_is_501_on_a_headless_server_and_names_the_next_step(
        client: TestClient[Any], engineer_headers: Headers, path: str) -> None:
    body = assert_error(client.get(path, headers=engineer_headers), 501, "HEADLESS")
    assert path.rsplit("-", 1)[1] in body["detail"] and "fileRoots" in body["detail"]


def test_service_calls_are_kept_apart_and_every_change_is_keyed() -> None:
    operations = registry()
    calls = operations.service_calls()
    assert {"security.keys.create", "system.settings.save", "health.ping"} <= {c.name for c in calls}
    assert not any(c.service for c in operations) and operations.get("security.keys.create") is None
    for call in calls:
        options = call.route_options()
        assert ("idempotent" in options) == call.mutating, call.name
        assert call.public == options.get("public", False), call.name


def test_a_retried_settings_save_reads_its_raw_body_and_is_replayed(client: TestClient[Any],
                                                                     admin_headers: Headers) -> None:
    """The save reads its raw body itself (to name each field that is not changeable) behind the guard that read
    it first for the key."""
    keyed = {**admin_headers, "Idempotency-Key": "rate-limit"}
    first = client.post("/api/settings", json={"rateLimitPerMinute": 777}, headers=keyed)
    assert data(first)["rateLimitPerMinute"] == 777
    again = client.post("/api/settings", json={"rateLimitPerMinute": 777}, headers=keyed)
    assert again.headers[REPLAYED_HEADER] == "true" and again.json() == first.json()
    refused = client.post("/api/settings", json={"dataDir": "/elsewhere"}, headers={**admin_headers,
                                                                                    "Idempotency-Key": "fixed"})
    assert_error(refused, 422, "SETTING_NOT_CHANGEABLE")
