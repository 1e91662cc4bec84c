"""MCP sessions: the client named on every transport, both spellings of the SSE session parameter, a cap on the
sessions one key holds, and malformed bodies answered as JSON-RPC parse errors."""

from __future__ import annotations

import functools
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import mcp_types as types
import pytest
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from engineering_api.mcp.runtime import MAX_SESSIONS_PER_KEY
from engineering_api.mcp.sessions import McpSession, SessionRegistry
from tests import live_http
from tests.mcp.conftest import Live
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.anyio

CLIENT = types.Implementation(name="pytest-assistant", version="4.2")
_ACCEPT = {"Accept": "application/json, text/event-stream"}



@asynccontextmanager
async def _named(transport: str, live: Live, role: str) -> Any:
    headers = live.headers(role)
    if transport == "http":
        async with httpx2.AsyncClient(headers=headers, timeout=HANG_GUARD_S) as http, \
                streamable_http_client(f"{live.base}/mcp", http_client=http) as (read, write), \
                ClientSession(read, write, client_info=CLIENT) as session:
            await session.initialize()
            yield session
    elif transport == "sse":
        async with sse_client(f"{live.base}/mcp/sse", headers=headers) as (read, write), \
                ClientSession(read, write, client_info=CLIENT) as session:
            await session.initialize()
            yield session
    else:
        params = StdioServerParameters(command=sys.executable, args=[
            "-m", "engineering_api.cli", "mcp", "--url", live.base, "--api-key", live.keys[role]])
        async with stdio_client(params) as (read, write), ClientSession(read, write, client_info=CLIENT) as session:
            await session.initialize()
            yield session


@pytest.mark.parametrize("transport", ["http", "sse", "bridge"])
async def test_the_client_is_named_on_every_transport(live: Live, transport: str) -> None:
    role = {"http": "viewer", "sse": "engineer", "bridge": "admin"}[transport]  # one key per case: its own list
    async with _named(transport, live, role) as session:
        await session.send_ping()
        listed = live_http.get(f"{live.base}/mcp/sessions", headers=live.headers(role)).json()["data"]
        mine = [s for s in listed if s["connected"] and s["clientName"] == CLIENT.name]
        assert mine, listed
        assert mine[0]["clientVersion"] == CLIENT.version and mine[0]["protocolVersion"]


@asynccontextmanager
async def _sse_session(live: Live) -> AsyncIterator[tuple[ClientSession, str]]:
    """An initialized SSE session of the default key, and its id as ``GET /mcp/sessions`` lists it."""
    async with sse_client(f"{live.base}/mcp/sse", headers=live.headers()) as (read, write), \
            ClientSession(read, write) as session:
        await session.initialize()
        listed = live_http.get(f"{live.base}/mcp/sessions", headers=live.headers()).json()["data"]
        yield session, next(s["sessionId"] for s in listed if s["transport"] == "sse" and s["connected"])


async def test_sse_messages_take_session_id_in_either_spelling(live: Live) -> None:
    async with _sse_session(live) as (_, session_id):
        ping = {"jsonrpc": "2.0", "method": "notifications/roots/list_changed"}  # a notification: no answer
        for spelling in ("session_id", "sessionId"):
            answer = live_http.post(f"{live.base}/mcp/messages?{spelling}={session_id}", headers=live.headers(),
                                    json=ping)
            assert answer.status_code == 202, (spelling, answer.text)


@pytest.mark.parametrize("body", [b"\xff\xfe{\"jsonrpc\": 1}", b"[" * 50_000 + b"]" * 50_000, b"{\"jsonrpc\":"],
                         ids=["not-utf8", "nested-50000", "truncated"])
def test_a_malformed_body_is_a_json_rpc_parse_error(live: Live, body: bytes) -> None:
    headers = live.headers(**_ACCEPT, **{"Content-Type": "application/json"})
    answer = live_http.post(f"{live.base}/mcp", headers=headers, content=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == -32700 and answer.json()["id"] is None


async def test_a_malformed_sse_message_is_a_json_rpc_parse_error(live: Live) -> None:
    async with _sse_session(live) as (session, session_id):
        answer = live_http.post(f"{live.base}/mcp/messages?session_id={session_id}",
                                headers=live.headers(**{"Content-Type": "application/json"}),
                                content=b"[" * 50_000 + b"]" * 50_000)
        assert answer.status_code == 400 and answer.json()["error"]["code"] == -32700
        await session.send_ping()  # the session lives on


def _initialize(live: Live, role: str) -> httpx.Response:
    return live_http.post(f"{live.base}/mcp", headers=live.headers(role, **_ACCEPT), json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "n", "version": "1"}}})


def test_a_key_holds_at_most_its_session_limit_the_oldest_idle_one_goes(live: Live) -> None:
    role = "admin"
    opened = []
    for _ in range(MAX_SESSIONS_PER_KEY + 1):
        answer = _initialize(live, role)
        assert answer.status_code == 200, answer.text
        opened.append(answer.headers["mcp-session-id"])
    me = live.services.keys.verify(live.keys[role])
    assert me is not None
    listed = live_http.get(f"{live.base}/mcp/sessions", headers=live.headers(role)).json()["data"]
    mine = [s["sessionId"] for s in listed if s["keyId"] == me.key_id and s["connected"]]
    assert len(mine) <= MAX_SESSIONS_PER_KEY and opened[-1] in mine and opened[0] not in mine
    gone = live_http.post(f"{live.base}/mcp", headers=live.headers(role, **_ACCEPT, **{
        "mcp-session-id": opened[0], "mcp-protocol-version": "2025-06-18"}),
        json={"jsonrpc": "2.0", "id": 2, "method": "ping"})
    assert gone.status_code == 404
    for session_id in opened[1:]:  # leave the module's server as it was
        live_http.delete(f"{live.base}/mcp", headers=live.headers(role, **{"mcp-session-id": session_id}))


def test_the_registry_closes_the_oldest_idle_session_or_refuses_when_all_are_busy() -> None:
    now = [0.0]
    closed: list[str] = []
    registry = SessionRegistry(idle_timeout_s=600, clock=lambda: now[0])
    for name in ("a", "b"):
        now[0] += 1
        registry.open(McpSession(session_id=name, transport="sse", key_id="k", last_activity=now[0],
                                 close=functools.partial(closed.append, name)))
    registry.open(McpSession(session_id="other", transport="sse", key_id="x"))
    registry.touch("a", method="tools/call")  # a is busy until served, and now the newest
    assert registry.admit("k", 2) and closed == ["b"] and registry.get("b") is None
    registry.open(McpSession(session_id="c", transport="sse", key_id="k", close=lambda: closed.append("c")))
    registry.touch("c", method="tools/call")
    assert not registry.admit("k", 2)  # both busy: refused, nothing closed
    registry.served("c")
    assert registry.admit("k", 2) and closed == ["b", "c"]
    assert registry.admit("x", 2)  # another key's count is its own
