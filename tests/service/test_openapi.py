"""The OpenAPI document: every generated route typed, documented and unique."""

from __future__ import annotations

import json
import subprocess
import threading
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tools.openapi_document import openapi_document
from tests.lib.shared_corpus import SHARED

if TYPE_CHECKING:
    from litestar.testing import TestClient



@pytest.fixture(name="schema", scope="module")
def fx_schema() -> dict[str, Any]:
    return openapi_document()  # what `engineering-api openapi` prints (that program: tests/service/test_cli.py)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, item in schema["paths"].items() for m, op in item.items() if "operationId" in op]


def test_it_is_openapi_3_1_with_the_api_key_scheme(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.1")
    assert schema["components"]["securitySchemes"]["ApiKey"] == {"type": "apiKey", "name": "X-API-Key", "in": "header"}


def test_operation_ids_are_explicit_and_unique(schema: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(schema)]
    assert len(ids) == len(set(ids))
    assert all(i[0].isupper() for i in ids)


def test_head_served_by_a_get_is_not_an_operation_of_its_own(schema: dict[str, Any], app: Any) -> None:
    """Every GET route answers HEAD with its GET's handler (lib/head_requests.py): the document names the GET once,
    as route_coverage.py and the generated clients read it, and each HEAD the app serves is a documented GET's."""
    assert [path for path, item in schema["paths"].items() if "head" in item] == []
    for route in app.routes:
        entry = getattr(route, "route_handler_map", {}).get("HEAD")
        if entry is not None and entry[0].resolve_include_in_schema():
            assert route.route_handler_map["GET"][0] is entry[0], route.path
            assert "get" in schema["paths"][route.path_format], route.path


def test_every_operation_has_a_summary_and_documented_errors(schema: dict[str, Any]) -> None:
    for method, path, op in _operations(schema):
        assert op.get("summary"), (method, path)
        if path not in ("/api/health", "/api/health/ping", "/api/docs/sections", "/api/auth/local-key"):
            assert "401" in op["responses"], (method, path)


def test_generated_routes_carry_typed_bodies_examples_and_envelopes(schema: dict[str, Any]) -> None:
    op = schema["paths"]["/api/projects/devices/actions/add-sync"]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["allOf"][0]["$ref"].endswith("DevicesAddRequest")
    assert body["examples"][0]["orderNumber"], "request example missing"
    assert body["description"].startswith("A device from the catalog")
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    envelope = schema["components"]["schemas"][ok.rsplit("/", 1)[-1]]
    assert set(envelope["properties"]) == {"success", "message", "data", "timestamp"}
    assert envelope["properties"]["data"]["$ref"].endswith("DeviceInfo")
    for status in ("404", "409", "422", "503"):
        assert op["responses"][status]["content"]["application/problem+json"]["schema"]["$ref"].endswith("ErrorBody")


def test_async_routes_answer_202_with_a_job(schema: dict[str, Any]) -> None:
    op = schema["paths"]["/api/projects/devices/actions/add"]["post"]
    assert "202" in op["responses"] and "200" not in op["responses"]
    ref = op["responses"]["202"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["properties"]["data"]["$ref"].endswith("JobAccepted")


def test_issue_2_sections_are_fully_served(schema: dict[str, Any], tmp_path: Path) -> None:
    tool = SHARED / "tools" / "route_coverage.py"
    if not tool.exists():
        pytest.skip(f"reference tools not found at {tool}")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(schema))
    out = subprocess.run([sys.executable, str(tool), str(spec)], capture_output=True, text=True, check=True).stdout
    for section, count in (("Health & Status", 6), ("TIA Portal Management", 7), ("Project Operations", 17),
                           ("Devices", 28), ("Async Jobs", 2), ("System API", 10), ("Discovery", 2)):
        assert f"{count:4d}/{count:<4d} {section}" in out, out


def test_swagger_ui_is_served_locally(client: TestClient) -> None:
    page = client.get("/swagger")
    assert page.status_code == 200 and "/swagger/assets/swagger-ui-bundle.js" in page.text
    assert "http" not in page.text.split("<body>", 1)[1]  # no CDN
    assert client.get("/swagger/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/schema/openapi.json").json()["openapi"].startswith("3.1")


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.parametrize("path", ["/schema/openapi.json", "/api/docs/sections"])
async def test_the_first_request_for_the_document_holds_no_other_request(
    settings: Any, monkeypatch: pytest.MonkeyPatch, anyio_backend: str, path: str
) -> None:
    """The document is built by the first request that needs it, off the event loop: a request that comes
    meanwhile is answered before the build ends (the build here lasts until it has been)."""
    import anyio.to_thread
    from litestar._openapi.plugin import OpenAPIPlugin
    import httpx

    from engineering_api.app import create_app

    app = create_app(settings)
    plugin = app.plugins.get(OpenAPIPlugin)
    assert plugin._openapi_schema is None, "built at start-up"
    building, answered, waits = threading.Event(), threading.Event(), []
    build = OpenAPIPlugin.provide_openapi_schema

    def held_build(self: OpenAPIPlugin) -> dict[str, Any]:
        building.set()
        waits.append(answered.wait(timeout=20))  # False: nothing was answered while the document was built
        return build(self)

    monkeypatch.setattr(OpenAPIPlugin, "provide_openapi_schema", held_build)  # the plugin has __slots__
    # The app on this test's event loop (Litestar's test clients run it on a loop of their own, one request at a
    # time from here).
    asgi_app: Any = app  # the ASGI boundary: Litestar types its events narrower than httpx's transport does
    transport = httpx.ASGITransport(app=asgi_app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client, \
            anyio.create_task_group() as group:
        documents: list[int] = []

        async def fetch_document() -> None:
            documents.append((await client.get(path)).status_code)

        group.start_soon(fetch_document)
        assert await anyio.to_thread.run_sync(building.wait, 20)
        assert (await client.get("/api/health")).status_code == 200
        answered.set()
    assert documents == [200] and waits and all(waits)
