"""MCP sessions over each transport (stdio, SSE, streamable HTTP) with the SDK's client."""

from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import mcp_types as types
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.mcp.conftest import Live
from tools.bounds import HANG_GUARD_S

__all__ = ("DATA", "SCL", "all_tools", "http_session", "session_over", "sse_session", "stdio_params", "stdio_session")

DATA = Path(__file__).parent / "data"
"""The SCL source these tests import, as a file."""

SCL = (DATA / "fb_motor.scl").read_text(encoding="utf-8")


@asynccontextmanager
async def http_session(live: Live, role: str = "engineer", query: str = "") -> Any:
    async with httpx2.AsyncClient(headers=live.headers(role), timeout=HANG_GUARD_S) as http, \
            streamable_http_client(f"{live.base}/mcp{query}", http_client=http) as (read, write), \
            ClientSession(read, write) as session:
        await session.initialize()
        yield session


@asynccontextmanager
async def sse_session(live: Live, role: str = "engineer", query: str = "") -> Any:
    async with sse_client(f"{live.base}/mcp/sse{query}", headers=live.headers(role, **{"X-Client-Id": "vscode/1.2.3"}),
                          timeout=HANG_GUARD_S) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def stdio_params(args: list[str]) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "engineering_api.cli", "mcp", *args])


@asynccontextmanager
async def stdio_session(args: list[str]) -> Any:
    async with stdio_client(stdio_params(args)) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


async def all_tools(session: ClientSession) -> list[types.Tool]:
    tools: list[types.Tool] = []
    cursor: str | None = None
    while True:
        page = await session.list_tools(params=types.PaginatedRequestParams(cursor=cursor) if cursor else None)
        tools += page.tools
        cursor = page.next_cursor
        if not cursor:
            return tools


@asynccontextmanager
async def session_over(transport: str, live: Live, tmp_path: Any) -> Any:
    """An engineer's session over one transport; stdio runs its own backend, the bridge the live server's."""
    if transport == "http":
        opened = http_session(live)
    elif transport == "sse":
        opened = sse_session(live)
    elif transport == "stdio":
        opened = stdio_session(["--data-dir", str(tmp_path / "stdio")])
    else:
        opened = stdio_session(["--url", live.base, "--api-key", live.keys["engineer"]])
    async with opened as session:
        yield session
