"""The guard is a route's one layer (engineering_api.lib.middleware.GuardMiddleware): the app's gzip and the runtime
API's XML answers are made by it and used only for the requests they change, and a request whose ``send`` nothing
wraps calls the route under Litestar's per-route exception layer. These tests hold what a client sees on each path
to what it saw when those were layers of every request (the gzip answers themselves: tests/console/
test_console_compression.py; the XML answers: tests/api/test_runtime_formats.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.middleware._internal.exceptions import ExceptionHandlerMiddleware

from engineering_api.console import compression
from engineering_api.lib.metrics import STATE_KEY as METRICS
from engineering_api.lib.middleware import GuardMiddleware

if TYPE_CHECKING:
    import pytest
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


def test_a_failing_read_is_answered_by_the_apps_exception_layer_as_before(
    client: TestClient[Litestar], admin: Headers,
) -> None:
    wanted = 'route="/api/projects/devices",status="409"'
    before = _metric(client, wanted)
    answer = client.get("/api/projects/devices", headers=admin)  # no project open: the handler raises
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


def test_the_guards_refusal_of_a_runtime_route_is_still_xml(client: TestClient[Litestar]) -> None:
    answer = client.get("/api/runtime/tags", headers={"accept": "application/xml"})  # no token: the guard refuses
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+xml")
    assert answer.text.lstrip().startswith("<")
    assert len(answer.headers["x-request-id"]) == 32
