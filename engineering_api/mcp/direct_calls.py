"""``tools/call`` answered by a server middleware, without the SDK validating and dumping again the result the
handler built itself.

For every spec method the SDK's runner validates the handler's result against the negotiated version's model
and dumps it again (``mcp_types.methods.serialize_server_result``, "the sieve"). For a tool result that walks the
structured content twice with pydantic: ~70-80 us of a ~550 us ``blocks_list`` call over 20 blocks, in process
(``bench/profile_mcp.py``), the largest single step the server adds to the REST route. Every tool result here
comes from one function, :func:`~engineering_api.mcp.server.to_result`, whose keys are ``content``,
``structuredContent``, ``isError`` and ``resultType``; the sieve's whole effect on that shape is to drop
``resultType`` before protocol 2026-07-28, and a test holds that true for every protocol version the SDK knows
(``tests/mcp/test_mcp_wire_result.py``), so it fails when the SDK's surfaces change.

The SDK's own mechanism does the rest: a server middleware may answer a request without ``call_next``, and "is
trusted to return its own well-formed result" (``mcp.server.runner``). The middleware does what the runner does
before the handler (the version's request validation, the initialization gate, the params model) and hands
anything it is not sure of to ``call_next``: a malformed request, a version outside :data:`SHAPES`, a
handshake connection whose ``initialize`` has not been recorded. The SDK then answers it, errors included, exactly as
without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp_types import SERVER_INFO_META_KEY
from mcp_types import methods as spec_methods
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import ValidationError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from mcp.server import Server, ServerRequestContext
    from mcp.server.context import CallNext, HandlerResult, ServerMiddleware

__all__ = ("SHAPES", "direct_tool_calls", "shaped")

SHAPES = frozenset({"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"})
"""Protocol versions answered directly: each one the test has compared with the SDK's sieve (a version the SDK
adds later keeps the SDK's path until it is listed here)."""

def shaped(result: dict[str, Any], version: str, server_info: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A :func:`~engineering_api.mcp.server.to_result` dict in the wire form of ``version``: what the SDK's sieve
    and its 2026-era ``serverInfo`` stamp make of it (``server_info`` gives a fresh copy of the stamp)."""
    if version in MODERN_PROTOCOL_VERSIONS:
        return {**result, "_meta": {SERVER_INFO_META_KEY: server_info()}}
    return {key: value for key, value in result.items() if key != "resultType"}


def direct_tool_calls(
    server: Server[Any],
    handler: Callable[[ServerRequestContext[Any, Any], types.CallToolRequestParams], Awaitable[dict[str, Any]]],
) -> ServerMiddleware[Any]:
    """A server middleware answering a well-formed ``tools/call`` with ``handler(ctx, params)`` shaped by
    :func:`shaped`; every other request, and any call it is not sure of, goes on to ``call_next``."""

    stamp: list[dict[str, Any]] = []

    def server_info() -> dict[str, Any]:
        # The SDK deep-copies its stamp for every answer so that no caller can change the next one; the answer
        # built here is encoded and dropped unchanged, so a copy of one taken once does (the server's name and
        # version: plain strings).
        if not stamp:
            stamp.append(server.server_info_stamp)
        return dict(stamp[0])

    async def answer(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        version = ctx.protocol_version
        if ctx.method != "tools/call" or version not in SHAPES or ctx.request_id is None:
            return await call_next(ctx)
        # The runner's gate: a handshake connection serves requests once initialize recorded the client; a
        # 2026-07-28 connection is born ready. A bare notifications/initialized also opens it: the SDK decides.
        if version not in MODERN_PROTOCOL_VERSIONS and ctx.session.client_params is None:
            return await call_next(ctx)
        try:
            spec_methods.validate_client_request("tools/call", version, ctx.params)
            params = types.CallToolRequestParams.model_validate({} if ctx.params is None else ctx.params,
                                                                by_name=False)
        except (ValidationError, KeyError, ValueError):
            return await call_next(ctx)  # the SDK answers it with its own error
        return shaped(await handler(ctx, params), version, server_info)

    return answer
