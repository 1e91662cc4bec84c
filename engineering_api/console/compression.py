"""Gzip when the client asks for it (``Accept-Encoding: gzip``): the console's pages (a block page of many networks
is hundreds of kilobytes of SVG, which gzip shrinks several times over) and large REST answers (a block's
``…/content`` is its whole SimaticML, 700 KB for a big LAD block).

The layer is a Litestar :class:`~litestar.config.compression.CompressionConfig`'s middleware class, which the
guard (``engineering_api.lib.middleware``) puts around each route and calls only for a client that accepts gzip.
It compresses routes whose ``opt`` holds :data:`COMPRESSED` (the console's router and assets, and the OpenAPI
document's ``/schema`` router) and REST answers
under ``/api/`` of at least :data:`REST_MINIMUM` bytes whose length is known (a streamed download keeps its
bytes). The runtime routes (``/api/runtime``) and MCP keep their bytes as they are (the runtime's XML conversion
reads their bodies after the handler), and server-sent event streams are never compressed: gzip would hold each
event back until enough data followed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from litestar.config.compression import CompressionConfig
from litestar.enums import CompressionEncoding
from litestar.middleware.compression import CompressionMiddleware

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.handlers import BaseRouteHandler
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ("COMPRESSED", "REST_MINIMUM", "compression_config", "gzip_layer")

COMPRESSED = "console_compressed"
"""The ``opt`` key of the routes whose responses are compressed when the client accepts it."""
REST_MINIMUM = 16 * 1024
"""A REST answer smaller than this is sent as it is: gzip saves little on it and costs a round of work."""
_REST = "/api/"
_UNCOMPRESSED_REST = ("/api/runtime",)
"""REST routes whose bodies are rewritten after the handler (the runtime API's XML answers)."""
_GZIP = CompressionEncoding.GZIP


def _rest_plain(length: int | None) -> bool:
    """Whether a REST answer of ``length`` bytes is sent as it is: a small one (:data:`REST_MINIMUM`), or one whose
    length is not known (a streamed download keeps its bytes)."""
    return length is None or length < REST_MINIMUM


class _Gzip(CompressionMiddleware):
    """Litestar's gzip, with the console's choice of what stays plain (:meth:`create_compression_send_wrapper`)."""

    def create_compression_send_wrapper(
        self, send: Send, compression_encoding: Literal[CompressionEncoding.BROTLI, CompressionEncoding.GZIP] | str,
        scope: Scope,
    ) -> Send:
        rest = not scope["route_handler"].opt.get(COMPRESSED)
        # Litestar's compressing send, made only once the answer's start says it is compressed: making it opens a
        # gzip stream (a zlib state of some 256 KiB) that a small or streamed answer never uses
        compressing: Send | None = None

        def send_wrapper(message: Message) -> Awaitable[None]:
            # a plain function handing on the chosen send's awaitable: no coroutine of its own per message
            nonlocal compressing
            if message["type"] == "http.response.start":
                content_type, length = None, None  # the first of each, as a header object reads them
                for name, value in message.get("headers", ()):  # one pass, no header object per answer
                    name = name.lower()
                    if name == b"content-type" and content_type is None:
                        content_type = value
                    elif name == b"content-length" and length is None:
                        length = value
                plain = (content_type or b"").startswith(b"text/event-stream")
                if rest and not plain:
                    plain = _rest_plain(int(length) if length is not None and length.isdigit() else None)
                if not plain:
                    compressing = super(_Gzip, self).create_compression_send_wrapper(
                        send, compression_encoding, scope)
            return (compressing or send)(message)

        return send_wrapper


class _ConsoleCompression:
    """The app's gzip layer, put by the guard around a route and called only for a client that accepts gzip
    (``engineering_api.lib.middleware.GuardMiddleware`` reads ``Accept-Encoding`` in its one pass over the
    headers): a request whose answer cannot be compressed goes straight to the route, the others through
    :class:`_Gzip`'s ``send``. A listing's direct call (``engineering_api.web._litestar.direct_route``) asks
    :meth:`answer_send` instead, once its answer's length is known: an answer the rule sends plain then passes
    no layer at all.

    Not a subclass of Litestar's middleware, and :class:`_Gzip` is not called as one: every subclass of its
    ``AbstractMiddleware`` has its call wrapped in a check of exclusion patterns and scopes, and its
    ``CompressionMiddleware`` reads ``Accept-Encoding`` again; this layer has no exclusions, and the guard has
    already decided."""

    __slots__ = ("_gzip", "_minimum", "app")

    def __init__(self, app: ASGIApp, config: CompressionConfig) -> None:
        self.app = app
        self._gzip = _Gzip(app=app, config=config)
        self._minimum = config.minimum_size
        """Litestar's own threshold: no answer shorter than this is compressed, on any route."""

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # a plain function handing on the route's awaitable: no coroutine of its own per request
        return self.app(scope, receive, self.answer_send(scope, send) if scope["type"] == "http" else send)

    def plain_below(self, route_handler: BaseRouteHandler) -> int:
        """The length under which an answer of JSON on ``route_handler``'s route is sent plain: Litestar's threshold
        on the console's routes, else :data:`REST_MINIMUM` too (:func:`_rest_plain`'s rule for a known length).
        Asked once per route by a listing's direct call, which then needs no call per answer."""
        if route_handler.opt.get(COMPRESSED):
            return self._minimum
        return max(self._minimum, REST_MINIMUM)

    def answer_send(self, scope: Scope, send: Send, length: int | None = None) -> Send:
        """``send`` for an answer to this request that the rule sends plain, else the compressing ``send`` (which
        decides from the answer's ``Content-Type`` and ``Content-Length``, see the module). ``length``, when
        known, is the length of the body as sent (none for HEAD) of an answer of JSON: one that stays plain
        then passes no wrapped ``send`` at all."""
        if length is not None and length < self.plain_below(scope["route_handler"]):
            return send
        if not scope["route_handler"].opt.get(COMPRESSED):
            # REST answers but the runtime API's (whose bodies are rewritten after the handler)
            path = scope.get("path", "")
            if not path.startswith(_REST) or path.startswith(_UNCOMPRESSED_REST):
                return send
        return self._gzip.create_compression_send_wrapper(send, _GZIP, scope)


def compression_config() -> CompressionConfig:
    """The app's compression: gzip, for the console's routes and large REST answers (see the module).

    Made for the guard, which decides from ``Accept-Encoding`` before it calls the layer: given to Litestar as an
    app's ``compression_config`` it would compress for clients that do not accept gzip."""
    return CompressionConfig(backend="gzip", gzip_compress_level=6,
                             middleware_class=_ConsoleCompression)  # type: ignore[arg-type]  # see the class


def gzip_layer() -> Callable[[ASGIApp], _ConsoleCompression]:
    """The app's gzip (:func:`compression_config`) made around a route: what the guard is given."""
    config = compression_config()
    return lambda route: _ConsoleCompression(route, config)
