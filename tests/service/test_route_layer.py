"""The guard is a route's one layer (engineering_api.lib.middleware.GuardMiddleware): the app's gzip and the runtime
API's XML answers are made by it and used only for the requests they change, and a request whose ``send`` nothing
wraps calls the route under Litestar's per-route exception layer. These tests hold what a client sees on each path
to what it saw when those were layers of every request (the gzip answers themselves: tests/console/
test_console_compression.py; the XML answers: tests/api/test_runtime_formats.py)."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any

import pytest
from litestar.middleware._internal.exceptions import ExceptionHandlerMiddleware
from litestar.routes import HTTPRoute

from engineering_api.console import compression
from engineering_api.lib.metrics import STATE_KEY as METRICS
from engineering_api.lib.middleware import GuardMiddleware

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import TestClient

__all__ = ()

Headers = dict[str, str]


def _metric(client: TestClient[Litestar], needle: str) -> float:
    """The sum of the request counts whose labels hold ``needle``, as /metrics would show them."""
    text = client.app.state[METRICS].exposition().decode()
    lines = [line for line in text.splitlines()
             if line.startswith("engineering_api_requests_total{") and needle in line]
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines)


def test_a_route_has_one_guard_over_the_route_under_its_exception_layer(client: TestClient[Litestar]) -> None:
    app = client.app
    for method, path in (("GET", "/api/projects/devices"), ("GET", "/api/health"), ("GET", "/api/jobs/abc"),
                         ("POST", "/api/projects/actions/save"), ("GET", "/api/runtime/tags")):
        route_app = app.asgi_router.handle_routing(path=path, method=method)[0]
        assert isinstance(route_app, GuardMiddleware), (path, route_app)
        assert isinstance(route_app.app, ExceptionHandlerMiddleware)  # what a request with a wrapped send calls
        assert not isinstance(route_app._plain, (GuardMiddleware, ExceptionHandlerMiddleware))


@pytest.mark.parametrize("encoding", ["identity", "gzip, deflate"])  # curl's and wrk's answer; httpx's
def test_a_failing_read_is_answered_by_the_apps_exception_layer_as_before(
    client: TestClient[Litestar], admin: Headers, encoding: str,
) -> None:
    wanted = 'route="/api/projects/devices",status="409"'
    before = _metric(client, wanted)
    # no project open: the handler raises
    answer = client.get("/api/projects/devices", headers={**admin, "accept-encoding": encoding})
    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "NO_PROJECT_OPEN"
    assert len(answer.headers["x-request-id"]) == 32
    assert _metric(client, wanted) == before + 1


def test_a_request_without_gzip_never_enters_the_gzip_layer(
    client: TestClient[Litestar], admin: Headers, monkeypatch: pytest.MonkeyPatch,
) -> None:
    entered: list[str] = []
    original = compression._ConsoleCompression.__call__

    async def counted(self: Any, scope: Any, receive: Any, send: Any) -> None:
        entered.append(scope["path"])
        await original(self, scope, receive, send)

    monkeypatch.setattr(compression._ConsoleCompression, "__call__", counted)
    plain = client.get("/api/health", headers={**admin, "accept-encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert entered == []
    asked = client.get("/api/health", headers={**admin, "accept-encoding": "gzip"})
    assert asked.status_code == 200 and entered == ["/api/health"]  # small: it stays plain, but gzip decided


def test_a_listing_read_by_a_gzip_client_is_called_directly_and_compressed_when_large(
    client: TestClient[Litestar], admin: Headers, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Browsers, httpx and the vendor's client send ``Accept-Encoding: gzip``: their listing reads skip Litestar's
    steps as a plain client's do (web/_litestar/direct_route.py), and the gzip layer around the direct call still
    compresses an answer past its threshold (devices added until the listing is that large: the direct call asks the
    layer for its threshold once per route, so a threshold patched later would not be seen)."""
    client.post("/api/projects/actions/create-sync", json={"name": "Gzip"}, headers=admin)
    client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": "6ES7 516-3AN02-0AB0",
                                                                "name": "PLC_1"}, headers=admin)
    served_by_litestar: list[str] = []
    original = HTTPRoute._get_response_for_request

    async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        served_by_litestar.append(self.path)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(HTTPRoute, "_get_response_for_request", counted)
    plain = client.get("/api/projects/devices", headers={**admin, "accept-encoding": "identity"})
    small = client.get("/api/projects/devices", headers={**admin, "accept-encoding": "gzip, deflate"})
    assert plain.status_code == small.status_code == 200
    assert "content-encoding" not in small.headers and small.json()["data"] == plain.json()["data"]
    for number in range(2, 40):
        if len(plain.content) >= compression.REST_MINIMUM:
            break
        client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": "6ES7 516-3AN02-0AB0",
                                                                    "name": f"PLC_{number}"}, headers=admin)
        plain = client.get("/api/projects/devices", headers={**admin, "accept-encoding": "identity"})
    assert len(plain.content) >= compression.REST_MINIMUM
    with client.stream("GET", "/api/projects/devices", headers={**admin, "accept-encoding": "gzip, deflate"}) as big:
        raw = b"".join(big.iter_raw())
        assert big.status_code == 200 and big.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in big.headers["vary"] and len(big.headers["x-request-id"]) == 32
    assert json.loads(gzip.decompress(raw))["data"] == plain.json()["data"]
    assert "/api/projects/devices" not in served_by_litestar  # the devices added went through Litestar


def test_the_guards_refusal_of_a_runtime_route_is_still_xml(client: TestClient[Litestar]) -> None:
    answer = client.get("/api/runtime/tags", headers={"accept": "application/xml"})  # no token: the guard refuses
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+xml")
    assert answer.text.lstrip().startswith("<")
    assert len(answer.headers["x-request-id"]) == 32
