"""A listing's handler called directly by the guard (engineering_api.lib.direct_route) answers what Litestar's own
route handling answers: the same status, headers and body for an envelope, Litestar's own response for any other
answer, and no direct call for a route Litestar has work for (parameters, hooks, layered headers, guards)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from litestar import Litestar, Response, get
from litestar.datastructures import ResponseHeader

from engineering_api.lib.direct_route import direct_handler
from engineering_api.lib.responses import ok

if TYPE_CHECKING:
    from litestar.testing import TestClient

__all__ = ()

Headers = dict[str, str]


@get("/envelope")
async def envelope() -> Response[Any]:
    return ok({"name": "PLC_1"}, "listed", headers={"X-Job-Id": "j1"})


@get("/plain")
async def plain() -> Response[Any]:
    return Response({"a": 1}, headers={"X-Kind": "plain"}, status_code=203)


@get("/dict")
async def as_dict() -> dict[str, int]:
    return {"b": 2}


@get("/param/{name:str}")
async def with_param(name: str) -> Response[Any]:
    return ok(name)


async def _before(request: Any) -> None:
    return None


@get("/hooked", before_request=_before)
async def hooked() -> Response[Any]:
    return ok(None)


@get("/headed", response_headers=[ResponseHeader(name="X-Layered", value="1")])
async def headed() -> Response[Any]:
    return ok(None)


@get("/synced", sync_to_thread=False)
def synced() -> Response[Any]:
    return ok(None)


# logging_config=None: Litestar's default would set up the "litestar" logger of the whole test process
APP = Litestar([envelope, plain, as_dict, with_param, hooked, headed, synced], openapi_config=None, logging_config=None)


def _route_app(path: str) -> Any:
    return APP.asgi_router.handle_routing(path=path, method="GET")[0]


def _answer(asgi: Any, path: str) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"localhost")], "litestar_app": APP, "app": APP, "state": {}, "path_params": {},
             "http_version": "1.1", "scheme": "http", "root_path": "", "client": ("127.0.0.1", 1)}
    asyncio.run(asgi(scope, receive, send))
    for message in sent:  # the envelope's timestamp is the only part that may differ between two answers
        if message["type"] == "http.response.body":
            message["body"] = message["body"].split(b',"timestamp"')[0]
    return sent


def test_a_listings_direct_answer_is_litestars_answer() -> None:
    for path in ("/envelope", "/plain", "/dict"):
        route = _route_app(path)
        direct = direct_handler(route, "GET")
        assert direct is not None, path
        assert _answer(direct, path) == _answer(route, path), path


def test_routes_litestar_has_work_for_are_not_called_directly() -> None:
    for path in ("/param/{name:str}", "/hooked", "/headed", "/synced"):
        concrete = path.replace("{name:str}", "x")
        assert direct_handler(_route_app(concrete), "GET") is None, path
    assert direct_handler(_route_app("/envelope"), "POST") is None  # no handler for the method
    assert direct_handler(lambda scope, receive, send: None, "GET") is None  # not a route's handle


def test_the_apps_listing_routes_are_called_directly(client: TestClient[Litestar], admin: Headers) -> None:
    guard = client.app.asgi_router.handle_routing(path="/api/projects/devices", method="GET")[0]
    assert client.get("/api/projects/devices", headers=admin).status_code == 409  # no project: the rule is made
    assert guard._rules["GET"].direct is not None
    job = client.app.asgi_router.handle_routing(path="/api/jobs/abc", method="GET")[0]
    client.get("/api/jobs/abc", headers=admin)
    assert job._rules["GET"].direct is None  # a path parameter: Litestar extracts it
