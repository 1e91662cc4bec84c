"""Gzip for the console's pages when the browser asks for it (``Accept-Encoding: gzip``): a block page of many
networks is hundreds of kilobytes of SVG, which gzip shrinks several times over.

Litestar's :class:`~litestar.config.compression.CompressionConfig` is app-wide; its middleware here compresses
only routes whose ``opt`` holds :data:`COMPRESSED` (the console's router and assets). The REST, MCP and runtime
routes keep their bytes as they are (the runtime's XML conversion reads their bodies after the handler), and
server-sent event streams are never compressed: gzip would hold each event back until enough data followed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from litestar.config.compression import CompressionConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.compression import CompressionMiddleware

if TYPE_CHECKING:
    from litestar.enums import CompressionEncoding
    from litestar.types import Message, Receive, Scope, Send

__all__ = ("COMPRESSED", "compression_config")

COMPRESSED = "console_compressed"
"""The ``opt`` key of the routes whose responses are compressed when the client accepts it."""


class _ConsoleCompression(CompressionMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["route_handler"].opt.get(COMPRESSED):
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def create_compression_send_wrapper(
        self, send: Send, compression_encoding: Literal[CompressionEncoding.BROTLI, CompressionEncoding.GZIP] | str,
        scope: Scope,
    ) -> Send:
        compressing = super().create_compression_send_wrapper(send, compression_encoding, scope)
        streaming = False

        async def send_wrapper(message: Message) -> None:
            nonlocal streaming
            if message["type"] == "http.response.start":
                content_type = MutableScopeHeaders(message).get("content-type") or ""
                streaming = content_type.startswith("text/event-stream")
            await (send if streaming else compressing)(message)

        return send_wrapper


def compression_config() -> CompressionConfig:
    """The app's compression: gzip, for the console's routes only (see the module)."""
    return CompressionConfig(backend="gzip", gzip_compress_level=6, middleware_class=_ConsoleCompression)
