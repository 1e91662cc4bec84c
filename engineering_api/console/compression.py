"""Gzip for the console's pages when the browser asks for it (``Accept-Encoding: gzip``): a block page of many
networks is hundreds of kilobytes of SVG, which gzip shrinks several times over.

Litestar's :class:`~litestar.config.compression.CompressionConfig` would be app-wide, a middleware layer on every
route; :func:`console_compression` is a middleware of the console's router and assets only. The REST, MCP and
runtime routes keep their bytes as they are (the runtime's XML conversion reads their bodies after the handler) and
pay nothing for it, and server-sent event streams are never compressed: gzip would hold each event back until
enough data followed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from litestar.config.compression import CompressionConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware

if TYPE_CHECKING:
    from litestar.enums import CompressionEncoding
    from litestar.types import Message, Scope, Send

__all__ = ("console_compression",)


class _ConsoleCompression(CompressionMiddleware):
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


def console_compression() -> DefineMiddleware:
    """The console's compression: gzip when the client accepts it (see the module)."""
    return DefineMiddleware(_ConsoleCompression, config=CompressionConfig(backend="gzip", gzip_compress_level=6))
