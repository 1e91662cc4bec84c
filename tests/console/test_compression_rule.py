"""The gzip layer's rule, over generated answers (engineering_api/console/compression.py): what is compressed for a
client that accepts gzip is decided from the route, the path and the answer's first ``Content-Type`` and
``Content-Length`` (header names in any case), as the module says; the answers of real routes:
tests/console/test_console_compression.py."""

from __future__ import annotations

import asyncio
import gzip
import itertools
from types import SimpleNamespace
from typing import Any

import pytest

from engineering_api.console.compression import COMPRESSED, REST_MINIMUM, compression_config

__all__ = ()

CONFIG = compression_config()
ROUTES = {  # (path, the route's opt)
    "console page": ("/console/plc", {COMPRESSED: True}),
    "REST answer": ("/api/devices/PLC_1/blocks", {}),
    "runtime answer": ("/api/runtime/tags", {}),
    "other route": ("/schema/openapi.json", {}),
}
TYPES = [b"application/json", b"text/event-stream", b"text/html; charset=utf-8"]
SIZES = [100, 600, REST_MINIMUM - 1, REST_MINIMUM, 3 * REST_MINIMUM]
LENGTHS = ["exact", "missing", "not a number", "a second one after the first"]


def _expected(route: str, content_type: bytes, size: int, length: str) -> bool:
    """The module's rule, written out: the console's routes and REST answers (not the runtime's), never an event
    stream, a REST answer only with a known length of at least REST_MINIMUM; and Litestar's minimum size."""
    path, opt = ROUTES[route]
    console = bool(opt.get(COMPRESSED))
    if not console and not (path.startswith("/api/") and not path.startswith("/api/runtime")):
        return False
    if content_type.startswith(b"text/event-stream"):
        return False
    if not console and (length in ("missing", "not a number") or size < REST_MINIMUM):
        return False
    return size >= CONFIG.minimum_size


def _headers(content_type: bytes, size: int, length: str, upper: bool) -> list[tuple[bytes, bytes]]:
    name = (lambda n: n.upper()) if upper else (lambda n: n)
    headers = [(name(b"content-type"), content_type)]
    if length == "not a number":
        headers.append((name(b"content-length"), b"many"))
    elif length != "missing":
        headers.append((name(b"content-length"), str(size).encode()))
        if length == "a second one after the first":
            headers.append((name(b"content-length"), b"1"))
    return headers


async def _answer(route: str, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[dict[str, Any], bytes]:
    async def route_app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    path, opt = ROUTES[route]
    scope = {"type": "http", "method": "GET", "path": path, "headers": [(b"accept-encoding", b"gzip, deflate")],
             "route_handler": SimpleNamespace(opt=opt), "state": {}}
    layer: Any = CONFIG.middleware_class(app=route_app, config=CONFIG)  # the app's own layer, on a bare ASGI scope
    await layer(scope, None, send)
    start = sent[0]
    return {k.decode().lower(): v.decode() for k, v in start["headers"]}, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize(("route", "content_type", "size", "length", "upper"), list(itertools.product(
    ROUTES, TYPES, SIZES, LENGTHS, (False, True))))
def test_an_answer_is_compressed_exactly_when_the_rule_says(
    route: str, content_type: bytes, size: int, length: str, upper: bool,
) -> None:
    body = (b"<p>network</p>" * (size // 14 + 1))[:size]
    headers, sent = asyncio.run(_answer(route, _headers(content_type, size, length, upper), body))
    compressed = headers.get("content-encoding") == "gzip"
    assert compressed == _expected(route, content_type, size, length), headers
    assert (gzip.decompress(sent) if compressed else sent) == body


def _timeless(body: bytes) -> bytes:
    """A gzip member with its header's MTIME (bytes 4-7, RFC 1952 2.3.1: the time it was written) zeroed, so two
    compressions of one answer compare equal in every other byte across a second's turn; other bodies as sent."""
    return body[:4] + bytes(4) + body[8:] if body[:2] == b"\x1f\x8b" and len(body) >= 10 else body


async def _sent(route: str, method: str, body: bytes, length: int | None) -> tuple[list[dict[str, Any]], bool]:
    """The messages of a JSON answer of exactly known length sent by the layer: through its own call (``length``
    None) or through :meth:`answer_send` with the length of the body as sent, as a listing's direct call asks it
    (web/_litestar/direct_route.py); and whether the send used was the client's own."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append({**message, "headers": list(message.get("headers", ()))} if "headers" in message
                    else {**message, "body": _timeless(message.get("body", b""))})

    async def route_app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body, "more_body": False})

    path, opt = ROUTES[route]
    scope = {"type": "http", "method": method, "path": path, "headers": [(b"accept-encoding", b"gzip")],
             "route_handler": SimpleNamespace(opt=opt), "state": {}}
    layer: Any = CONFIG.middleware_class(app=route_app, config=CONFIG)
    if length is None:
        await layer(scope, None, send)
        return sent, False
    chosen = layer.answer_send(scope, send, length)
    await route_app(scope, None, chosen)
    return sent, chosen is send


@pytest.mark.parametrize(("route", "method", "size"), list(itertools.product(
    ROUTES, ("GET", "HEAD"), [*SIZES, CONFIG.minimum_size - 1, CONFIG.minimum_size])))
def test_an_answer_of_known_length_is_sent_as_the_layer_sends_it_and_a_plain_one_unwrapped(
    route: str, method: str, size: int,
) -> None:
    body = (b'{"data":"' + b"x" * size)[:size]
    through_layer, _ = asyncio.run(_sent(route, method, body, None))
    asked, unwrapped = asyncio.run(_sent(route, method, body, 0 if method == "HEAD" else size))
    assert asked == through_layer
    compressed = any(name == b"content-encoding" for name, _ in through_layer[0]["headers"])
    assert unwrapped == (not compressed)  # an answer the rule sends plain passes no wrapped send


@pytest.mark.parametrize("route", ROUTES)
def test_the_length_a_route_sends_plain_is_the_rule_s_own(route: str) -> None:
    """``plain_below``, asked once per route by a listing's direct call instead of :meth:`answer_send` per answer,
    never sends plain an answer of JSON the layer compresses: below it the layer gives the client's own send, and on
    a route whose answers are compressed it gives a wrapped one from there on (every length around each threshold)."""
    path, opt = ROUTES[route]
    handler = SimpleNamespace(opt=opt)

    async def send(message: Any) -> None: ...

    async def route_app(scope: Any, receive: Any, send: Any) -> None: ...

    layer: Any = CONFIG.middleware_class(app=route_app, config=CONFIG)
    below = layer.plain_below(handler)

    scope = {"type": "http", "method": "GET", "path": path, "route_handler": handler}
    for length in sorted({0, 1, *(n + d for n in (CONFIG.minimum_size, REST_MINIMUM, below) for d in (-1, 0, 1)),
                          *SIZES}):
        chosen = layer.answer_send(scope, send, length)
        if length < below:  # the module's rule written out (_expected) sends it plain too
            assert chosen is send and not _expected(route, b"application/json", length, "exact"), length
        elif _expected(route, b"application/json", length, "exact"):
            assert chosen is not send, length
