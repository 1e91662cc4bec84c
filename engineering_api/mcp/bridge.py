"""``engineering-api mcp --url``: stdin/stdout relayed to a running server's MCP endpoint.

* The key is checked first (``GET /mcp/info``). A refused key or an unreachable server is said once on stderr, and
  every request the client sends is answered with a JSON-RPC error naming the cause (the SDK's client otherwise
  shows only "Server returned an error response"), until the client closes stdin.
* When stdin closes, the requests already relayed are answered first; then the bridge exits.
* Nothing follows ``initialize`` to the server before its answer came back: the streamable HTTP transport sends
  each request on a task of its own and stamps it with the session id it holds at that moment, so a client that
  writes ``initialize``, ``notifications/initialized`` and ``tools/list`` at once (editors and assistants do) would
  otherwise race the session into existence and hear ``Missing session ID``.
"""

from __future__ import annotations

import sys
from typing import Any

import anyio

__all__ = ("REFUSED", "bridge")

REFUSED = -32001
"""The JSON-RPC error code of every request while the server cannot be used (an implementation-defined server
error of JSON-RPC 2.0's -32000..-32099 range)."""
_PROBE_TIMEOUT_S = 30.0


def _say(text: str) -> None:
    print(f"engineering-api mcp: {text}", file=sys.stderr, flush=True)


def _server_root(url: str) -> str:
    base = url.partition("?")[0].rstrip("/")
    for tail in ("/mcp/sse", "/mcp"):
        if base.endswith(tail):
            return base[: -len(tail)]
    return base


async def _refusal(url: str, headers: dict[str, str]) -> str | None:
    """Why the server at ``url`` cannot serve this key, or None when it can."""
    import httpx2

    root = _server_root(url)
    try:
        async with httpx2.AsyncClient(headers=headers, timeout=_PROBE_TIMEOUT_S) as http:
            answer = await http.get(f"{root}/mcp/info")
    except httpx2.HTTPError as exc:
        return f"cannot reach the server at {root} ({type(exc).__name__}: {exc}); is it running?"
    if answer.status_code in (401, 403):
        try:
            said = str(answer.json().get("message") or "")
        except ValueError:
            said = ""
        return (f"the server at {root} refused the API key ({answer.status_code}{': ' + said if said else ''}); "
                "check ENGINEERING_API_KEY or --api-key")
    return None


async def _refuse(reason: str) -> None:
    """Answer every request on stdin with the reason, until stdin closes."""
    import mcp_types as types
    from mcp.server.stdio import stdio_server
    from mcp.shared.message import SessionMessage

    async with stdio_server() as (local_read, local_write), local_write:  # closed: stdio's writer then finishes
        async for item in local_read:
            if isinstance(item, Exception) or not isinstance(item.message, types.JSONRPCRequest):
                continue
            error = types.JSONRPCError(jsonrpc="2.0", id=item.message.id,
                                       error=types.ErrorData(code=REFUSED, message=reason))
            await local_write.send(SessionMessage(error))


async def bridge(url: str, key: str) -> int:
    """Relay stdio to the server at ``url`` until stdin closes and every relayed request is answered; 2 when the
    server refused the key or could not be reached."""
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.server.stdio import stdio_server
    import httpx2

    headers = {"X-API-Key": key, "X-Client-Id": "engineering-api-mcp-bridge"}
    reason = await _refusal(url, headers)
    if reason is not None:
        _say(reason)
        await _refuse(reason)
        return 2
    base, _, query = url.partition("?")
    base = base.rstrip("/")
    async with stdio_server() as (local_read, local_write), local_write:  # closed: stdio's writer then finishes
        with anyio.CancelScope() as remote:  # the remote transport's own shutdown is not waited for
            if base.endswith("/sse"):
                async with sse_client(url, headers=headers) as (remote_read, remote_write):
                    await _relay(local_read, local_write, remote_read, remote_write)
                    remote.cancel()
            else:
                endpoint = base + ("" if base.endswith("/mcp") else "/mcp") + (f"?{query}" if query else "")
                async with httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=300)) as http, \
                        streamable_http_client(endpoint, http_client=http) as (remote_read, remote_write):
                    await _relay(local_read, local_write, remote_read, remote_write)
                    remote.cancel()
    return 0


async def _relay(local_read: Any, local_write: Any, remote_read: Any, remote_write: Any) -> None:
    """Forward messages both ways until the client has closed stdin and every request it sent is answered (or the
    server ends the session)."""
    import mcp_types as types

    waiting: set[Any] = set()
    """Ids of the client's requests relayed and not answered yet."""
    stdin_open = True
    done = anyio.Event()
    opening: dict[str, Any] = {}
    """The id of the ``initialize`` relayed (under "id") and the event its answer sets (under "answered")."""

    def settle() -> None:
        if not stdin_open and not waiting:
            done.set()

    async def outbound() -> None:
        nonlocal stdin_open
        async for item in local_read:
            if isinstance(item, Exception):  # a frame that did not parse: say so on stderr, keep going
                _say(str(item))
                continue
            if isinstance(item.message, types.JSONRPCRequest):
                waiting.add(item.message.id)
            await remote_write.send(item)
            if isinstance(item.message, types.JSONRPCRequest) and item.message.method == "initialize":
                opening.update(id=item.message.id, answered=anyio.Event())
                await opening["answered"].wait()  # the session exists (or was refused) before anything follows
        stdin_open = False
        settle()

    async def inbound() -> None:
        async for item in remote_read:
            if isinstance(item, Exception):
                _say(str(item))
                continue
            await local_write.send(item)
            if isinstance(item.message, (types.JSONRPCResponse, types.JSONRPCError)):
                waiting.discard(item.message.id)
                if opening and item.message.id == opening["id"]:
                    opening["answered"].set()
                settle()
        done.set()  # the server ended the session: nothing more will be answered

    async with anyio.create_task_group() as group:
        group.start_soon(outbound)
        group.start_soon(inbound)
        await done.wait()
        if waiting:
            _say(f"{len(waiting)} request(s) were not answered before the server ended the session")
        group.cancel_scope.cancel()

