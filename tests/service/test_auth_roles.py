"""Every route is guarded: generated over the app's own route table, so new routes are covered too."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from engineering_api.config import Settings
from engineering_api.lib.middleware import required_role
from tests.conftest import shared_app
from tests.service.conftest import key_for, make_client

if TYPE_CHECKING:
    from collections.abc import Iterator

    from litestar.testing import TestClient

_PUBLIC = {("GET", "/api/health"), ("GET", "/api/health/ping"), ("GET", "/api/docs/sections"),
           ("GET", "/api/auth/local-key")}
_OFF_BY_DEFAULT = {("GET", "/api/auth/local-key")}
"""Public, but 404 until an admin turns it on (and then only for loopback clients; tests/api/test_compat_api.py)."""


def _routes() -> list[tuple[str, str, str | None]]:
    """The route table, read from the worker's shared app: the first test that asks for ``client`` gets the same
    app rather than building it a second time (building one costs seconds of CPU)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as scratch, shared_app(Settings.from_env(data_dir=Path(scratch))) as app:
        found = []
        for route in app.routes:
            for handler in getattr(route, "route_handlers", ()):
                for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                    if not route.path.startswith("/api"):
                        continue
                    if handler.opt.get("runtime") is not None:  # bearer tokens, not keys: tests/api/test_runtime_*
                        continue
                    role = required_role(method, handler.opt)
                    found.append((method, route.path, role.value if role else None))
        app.state.services.db.close()
    return found


ROUTES = sorted(_routes())  # Litestar orders the handlers of one path at random; xdist workers must agree
READS_BY_POST = {("POST", "/api/catalog/actions/find-sync"), ("POST", "/api/catalog/actions/find"),
                 ("POST", "/api/catalog/actions/search-sync"), ("POST", "/api/catalog/actions/search"),
                 ("POST", "/api/catalog/search"),
                 ("POST", "/api/devices/{deviceName:str}/blocks/{blockName:str}/export"),
                 ("POST", "/api/design-spec/generate"), ("POST", "/api/simulation/tags/batch-read"),
                 ("POST", "/api/assistant/chat"), ("POST", "/api/assistant/chat-sync"),
                 ("POST", "/api/assistant/stop"),
                 ("POST", "/api/telemetry/client-events"),
                 ("POST", "/api/source-control/export-preview"), ("POST", "/api/source-control/export-preview-sync"),
                 ("POST", "/api/project/library/types/actions/compare")}
"""Lookups, generation and PLC tag reads that take a JSON body but change and write nothing, so viewers may
use them.
(generate-only can write ``outputPath``, so it needs the engineer role.) The assistant's chat and stop are open to
viewers too: a viewer's assistant gets and runs only read tools (the tools apply the key's role). Every client sends
its telemetry events, which change nothing but an optional local log. A source-control export preview compares
the project with HEAD and commits nothing. A library type compare only reads the versions and the instance."""
MUTATING = [(m, p, r) for m, p, r in ROUTES if m != "GET" and r is not None and (m, p) not in READS_BY_POST]
GUARDED = [(m, p, r) for m, p, r in ROUTES if r is not None]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_route_table_is_complete() -> None:
    assert len(ROUTES) >= 77  # the 72 reference routes of issue 2 and our own extras
    assert {(m, p) for m, p, r in ROUTES if r is None} == _PUBLIC
    assert len(MUTATING) >= 40
    # Only those lookups are open to viewers among the non-GET routes.
    assert {(m, p) for m, p, r in ROUTES if m != "GET" and r == "viewer"} == READS_BY_POST


@pytest.fixture(name="guard_client", scope="module")
def fx_guard_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the per-route guard checks below: the guard answers 401/403 before any handler runs, so
    these requests change nothing a later one could see (building an app per route would dominate)."""
    with make_client(tmp_path_factory.mktemp("guard") / "var") as client:
        yield client


@pytest.mark.parametrize(("method", "path", "role"), MUTATING, ids=[f"{m} {p}" for m, p, _ in MUTATING])
def test_viewer_gets_403_on_every_mutating_route(guard_client: TestClient, method: str, path: str, role: str) -> None:
    client = guard_client
    response = client.request(method, _concrete(path), headers=key_for(client, "viewer"), json={})
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["success"] is False and body["code"] == "FORBIDDEN" and body["status"] == 403
    assert "viewer" in body["message"]


@pytest.mark.parametrize(("method", "path", "role"), GUARDED, ids=[f"{m} {p}" for m, p, _ in GUARDED])
def test_missing_key_gets_401_everywhere_but_health(
    guard_client: TestClient, method: str, path: str, role: str
) -> None:
    response = guard_client.request(method, _concrete(path), json={} if method != "GET" else None)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize(("method", "path"), sorted(_PUBLIC - _OFF_BY_DEFAULT))
def test_public_routes_need_no_key(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 200
    assert response.json()["success"] is True


def test_wrong_key_is_401_not_403(client: TestClient) -> None:
    response = client.get("/api/projects", headers={"X-API-Key": "eapi_not-a-key"})
    assert response.status_code == 401
    assert response.json()["message"] == "The API key is not valid"


def test_admin_routes_refuse_engineers(client: TestClient) -> None:
    engineer = key_for(client, "engineer")
    for method, path in (("GET", "/api/settings"), ("POST", "/api/settings"), ("GET", "/api/audit")):
        response = client.request(method, path, headers=engineer, json={} if method == "POST" else None)
        assert response.status_code == 403, path
        assert "admin" in response.json()["message"]


def test_viewer_can_read(client: TestClient) -> None:
    viewer = key_for(client, "viewer")
    response = client.get("/api/instance/status", headers=viewer)
    assert response.status_code == 200
    assert response.json()["data"]["connected"] is True


def test_revoked_key_stops_working_at_once(client: TestClient) -> None:
    services = client.app.state.services
    info, secret = services.keys.create("short-lived", "engineer")
    headers = {"X-API-Key": secret}
    assert client.get("/api/projects", headers=headers).status_code == 200
    services.keys.revoke(info.key_id)
    assert client.get("/api/projects", headers=headers).status_code == 401


def test_keys_are_stored_hashed(client: TestClient, admin: dict[str, str]) -> None:
    secret = admin["X-API-Key"]
    rows = client.app.state.services.db.all("SELECT * FROM api_keys")
    stored = " ".join(str(v) for row in rows for v in dict(row).values())
    assert secret not in stored
    assert secret[:10] in stored  # only the display prefix


def test_first_start_writes_admin_key_with_mode_0600(client: TestClient, data_dir) -> None:
    secret_file = data_dir / "api.secret"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert secret_file.read_text().startswith("eapi_")
