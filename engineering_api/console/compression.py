"""Gzip when the client asks for it (``Accept-Encoding: gzip``): the console's pages (a block page of many networks
is hundreds of kilobytes of SVG, which gzip shrinks several times over) and large REST answers (a block's
``…/content`` is its whole SimaticML, 700 KB for a big LAD block).

Litestar's :class:`~litestar.config.compression.CompressionConfig` is app-wide; its middleware here compresses
routes whose ``opt`` holds :data:`COMPRESSED` (the console's router and assets) and REST answers under ``/api/``
of at least :data:`REST_MINIMUM` bytes whose length is known (a streamed download keeps its bytes). The runtime
routes (``/api/runtime``) and MCP keep their bytes as they are (the runtime's XML conversion reads their bodies
after the handler), and server-sent event streams are never compressed: gzip would hold each event back until
enough data followed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from litestar.config.compression import CompressionConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.compression import CompressionMiddleware

if TYPE_CHECKING:
    from litestar.enums import CompressionEncoding
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ("COMPRESSED", "REST_MINIMUM", "compression_config")

COMPRESSED = "console_compressed"
"""The ``opt`` key of the routes whose responses are compressed when the client accepts it."""
REST_MINIMUM = 16 * 1024
"""A REST answer smaller than this is sent as it is: gzip saves little on it and costs a round of work."""
_REST = "/api/"
_UNCOMPRESSED_REST = ("/api/runtime",)
"""REST routes whose bodies are rewritten after the handler (the runtime API's XML answers)."""


def _rest(scope: Scope) -> bool:
    """A REST request whose answer may be compressed: the client takes gzip (checked here first, so a client
    that does not pays nothing for the compression middleware)."""
    path = str(scope.get("path") or "")
    if not path.startswith(_REST) or path.startswith(_UNCOMPRESSED_REST):
        return False
    for name, value in scope["headers"]:  # a loop, not any(<generator>): a generator is a call per header
        if name == b"accept-encoding" and b"gzip" in value:
            return True
    return False


class _Gzip(CompressionMiddleware):
    """Litestar's gzip, with the console's choice of what stays plain (:meth:`create_compression_send_wrapper`)."""

    def create_compression_send_wrapper(
        self, send: Send, compression_encoding: Literal[CompressionEncoding.BROTLI, CompressionEncoding.GZIP] | str,
        scope: Scope,
    ) -> Send:
        compressing = super().create_compression_send_wrapper(send, compression_encoding, scope)
        rest = not scope["route_handler"].opt.get(COMPRESSED)
        plain = False

        async def send_wrapper(message: Message) -> None:
            nonlocal plain
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders(message)
                plain = (headers.get("content-type") or "").startswith("text/event-stream")
                if rest and not plain:
                    length = headers.get("content-length") or ""
                    plain = not length.isdigit() or int(length) < REST_MINIMUM
            await (send if plain else compressing)(message)

        return send_wrapper


class _ConsoleCompression:
    """The app's compression layer (``CompressionConfig.middleware_class``): a request that cannot be compressed
    goes straight to the route; the others through :class:`_Gzip`.

    Not a subclass of Litestar's middleware: every subclass of its ``AbstractMiddleware`` has its call wrapped in a
    check of exclusion patterns and scopes (three calls on every request of every route), which this layer, with
    no exclusions, does not need before it knows whether to compress."""

    __slots__ = ("_gzip", "app")

    def __init__(self, app: ASGIApp, config: CompressionConfig) -> None:
        self.app = app
        self._gzip = _Gzip(app=app, config=config)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["route_handler"].opt.get(COMPRESSED) or _rest(scope)):
            await self._gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def compression_config() -> CompressionConfig:
    """The app's compression: gzip, for the console's routes and large REST answers (see the module)."""
    return CompressionConfig(backend="gzip", gzip_compress_level=6,
                             middleware_class=_ConsoleCompression)  # type: ignore[arg-type]  # see the class
