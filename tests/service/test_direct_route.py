"""A listing's handler called directly by the guard (engineering_api.web._litestar.direct_route) answers what
Litestar's own route handling answers: the same status, headers and body for an envelope, Litestar's own response for
any other answer, and no direct call for a route Litestar has work for (parameters, hooks, layered headers, guards)."""

from __future__ import annotations

import asyncio
import gzip
from typing import TYPE_CHECKING, Any

from litestar import Litestar, Response, get
from litestar.datastructures import ResponseHeader

from engineering_api.console.compression import REST_MINIMUM, gzip_layer
from engineering_api.web._litestar.direct_route import direct_handlers
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


BIG = "x" * REST_MINIMUM
"""Past the gzip layer's threshold for REST answers."""


@get("/api/big")
async def big_envelope() -> Response[Any]:
    return ok(BIG)


@get("/api/big-plain")
async def big_plain() -> Response[Any]:
    return Response({"data": BIG})


@get("/api/small")
async def small_envelope() -> Response[Any]:
    return ok("small")


# logging_config=None: Litestar's default would set up the "litestar" logger of the whole test process
APP = Litestar([envelope, plain, as_dict, with_param, hooked, headed, synced, big_envelope, big_plain, small_envelope],
               openapi_config=None, logging_config=None)


def _route_app(path: str) -> Any:
    return APP.asgi_router.handle_routing(path=path, method="GET")[0]


def _answer(asgi: Any, path: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"localhost"), *headers], "litestar_app": APP, "app": APP, "state": {},
             "path_params": {}, "http_version": "1.1", "scheme": "http", "root_path": "", "client": ("127.0.0.1", 1),
             "route_handler": APP.asgi_router.handle_routing(path=path, method="GET")[1]}
    asyncio.run(asgi(scope, receive, send))
    compressed = any(name.lower() == b"content-encoding" for name, _ in sent[0]["headers"])
    for message in sent:  # the envelope's timestamp is the only part that may differ between two answers
        if message["type"] == "http.response.body":
            body = gzip.decompress(message["body"]) if compressed else message["body"]
            message["body"] = body.split(b',"timestamp"')[0]
    if compressed:  # the compressed length follows the timestamp's digits
        sent[0]["headers"] = [(n, b"?" if n.lower() == b"content-length" else v) for n, v in sent[0]["headers"]]
    return sent


def test_a_listings_direct_answer_is_litestars_answer() -> None:
    for path in ("/envelope", "/plain", "/dict"):
        route = _route_app(path)
        direct = direct_handlers(route, "GET")
        assert direct is not None and direct[1] is None, path  # no gzip layer given, no gzip client's app
        assert _answer(direct[0], path) == _answer(route, path), path


def test_a_gzip_clients_direct_answer_is_the_gzip_layers_answer() -> None:
    """For a client that accepts gzip, a listing's direct call answers what the app's gzip layer made around
    Litestar's route answers: compressed past the REST threshold (an envelope or any other answer), plain below it
    and off the REST paths."""
    layer = gzip_layer()
    accepts = ((b"accept-encoding", b"gzip, deflate"),)
    for path in ("/envelope", "/plain", "/dict", "/api/big", "/api/big-plain", "/api/small"):
        route = _route_app(path)
        gzipped = layer(route)
        direct = direct_handlers(route, "GET", gzipped)
        assert direct is not None and direct[1] is not None, path
        answer = _answer(direct[1], path, accepts)
        assert answer == _answer(gzipped, path, accepts), path
        compressed = any(name == b"content-encoding" for name, _ in answer[0]["headers"])
        assert compressed == path.startswith("/api/big"), path


def test_routes_litestar_has_work_for_are_not_called_directly() -> None:
    for path in ("/param/{name:str}", "/hooked", "/headed", "/synced"):
        concrete = path.replace("{name:str}", "x")
        assert direct_handlers(_route_app(concrete), "GET", gzip_layer()(_route_app(concrete))) is None, path
    assert direct_handlers(_route_app("/envelope"), "POST") is None  # no handler for the method
    assert direct_handlers(lambda scope, receive, send: None, "GET") is None  # not a route's handle


def test_the_apps_listing_routes_are_called_directly(client: TestClient[Litestar], admin: Headers) -> None:
    guard = client.app.asgi_router.handle_routing(path="/api/projects/devices", method="GET")[0]
    assert client.get("/api/projects/devices", headers=admin).status_code == 409  # no project: the rule is made
    assert guard._rules["GET"].direct is not None and guard._rules["GET"].direct_gzip is not None
    job = client.app.asgi_router.handle_routing(path="/api/jobs/abc", method="GET")[0]
    client.get("/api/jobs/abc", headers=admin)
    assert job._rules["GET"].direct is None  # a path parameter: Litestar extracts it
