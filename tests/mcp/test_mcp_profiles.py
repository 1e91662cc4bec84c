"""Tool profiles: the core profile by default on every transport, every tool on request, and configurations that
fit each client's tool limit, all through the official SDK's clients."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import mcp_types as types
import pytest

from engineering_api.lib.security import Role
from engineering_api.mcp.profiles import CORE_TOOLS
from engineering_api.mcp.tools import tool_catalog
from tests import live_http
from tests.mcp.conftest import Live
from tests.mcp.transports import all_tools, http_session, sse_session, stdio_session
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.anyio

CORE_BUDGET_BYTES = 40_000
"""The default tools/list, schemas included, an assistant pays for before the user says anything: 40 KB
(profiles.CORE_TOOLS). It had been raised to 40,050 for 29 bytes of ``additionalProperties: false``, and the list
reached 40,061 (issue 92); the confirm argument's description no longer repeats what the tool's says."""


def _listing_bytes(tools: list[types.Tool]) -> int:
    return len(json.dumps([t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in tools],
                          separators=(",", ":")))


def test_the_core_profile_names_only_real_tools(live: Live) -> None:
    catalog = tool_catalog(live.services)
    assert [name for name in CORE_TOOLS if catalog.get(name) is None] == []
    assert len(CORE_TOOLS) + 2 <= 40


async def test_every_transport_lists_the_core_profile_by_default_and_everything_on_request(
    live: Live, tmp_path: Path,
) -> None:
    listings: dict[str, list[types.Tool]] = {}
    async with http_session(live) as session:
        listings["http"] = await all_tools(session)
    async with sse_session(live) as session:
        listings["sse"] = await all_tools(session)
    async with stdio_session(["--data-dir", str(tmp_path / "stdio")]) as session:
        listings["stdio"] = await all_tools(session)
    async with stdio_session(["--url", live.base, "--api-key", live.keys["engineer"]]) as session:
        listings["bridge"] = await all_tools(session)
    expected = {"find_tools", "call_tool", *CORE_TOOLS}
    for transport, tools in listings.items():
        assert {t.name for t in tools} == expected, transport
        assert len(tools) <= 40
    core_bytes = _listing_bytes(listings["http"])
    async with http_session(live, query="?tools=all") as session:
        everything = await all_tools(session)
    async with http_session(live, query="?categories=blocks,tags") as session:
        narrowed = await all_tools(session)
    all_bytes, narrowed_bytes = _listing_bytes(everything), _listing_bytes(narrowed)
    print(f"tools/list bytes: core {core_bytes} ({len(listings['http'])} tools), "
          f"blocks+tags {narrowed_bytes} ({len(narrowed)}), all {all_bytes} ({len(everything)})")
    assert core_bytes < CORE_BUDGET_BYTES
    assert len(everything) == len(tool_catalog(live.services).tools(Role.ENGINEER))
    assert core_bytes < narrowed_bytes < all_bytes


def test_an_unknown_profile_or_category_is_a_400_naming_the_valid_ones(live: Live) -> None:
    headers = live.headers(**{"Accept": "application/json, text/event-stream"})
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    wrong = live_http.post(f"{live.base}/mcp?categories=blocks,nonsense", headers=headers, json=init)
    assert wrong.status_code == 400, wrong.text
    assert "nonsense" in wrong.json()["message"] and "blocks" in wrong.json()["details"]["valid"]
    sse = live_http.get(f"{live.base}/mcp/sse?categories=nonsense", headers=live.headers())
    assert sse.status_code == 400 and "valid categories" in sse.json()["message"]
    profile = live_http.post(f"{live.base}/mcp?tools=some", headers=headers, json=init)
    assert profile.status_code == 400 and "core" in profile.json()["message"]


async def test_find_tools_returns_schemas_to_call_what_it_found(live: Live) -> None:
    async with http_session(live) as session:
        found = await session.call_tool("find_tools", {"query": "watch table create"})
        hit = next(t for t in found.structured_content["tools"] if t["name"] == "watch-tables_create")
        assert hit["inputSchema"]["properties"]["deviceName"] and "\n" not in hit["summary"]


_STRINGS = {"type": "array", "items": {"type": "string"}}
_REMOTE: dict[str, Any] = {"type": "object", "required": ["url"], "properties": {
    "url": {"type": "string", "pattern": "^https?://"}, "headers": {"type": "object"}}}
_COMMAND = {"type": "object", "required": ["command", "args"], "properties": {
    "command": {"type": "string"}, "args": _STRINGS, "env": {"type": "object"}}}
_VSCODE = {"type": "object", "required": ["servers"], "properties": {"servers": {
    "type": "object", "additionalProperties": {**_REMOTE, "required": ["type", "url"], "properties": {
        **_REMOTE["properties"], "type": {"enum": ["sse", "http"]}}}}, "inputs": {"type": "array"}}}
_CLIENT_SCHEMAS: dict[str, dict[str, Any]] = {
    "vscode": _VSCODE, "vscodeStreamableHttp": _VSCODE,
    "cursor": {"type": "object", "required": ["mcpServers"],
               "properties": {"mcpServers": {"type": "object", "additionalProperties": _REMOTE}}},
    "claudeDesktop": {"type": "object", "required": ["mcpServers"],
                      "properties": {"mcpServers": {"type": "object", "additionalProperties": _COMMAND}}},
    "stdio": _COMMAND,
}
"""The part of each client's configuration format the pasted content uses (VS Code's mcp.json: servers with a
type of sse or http; Cursor's and Claude Desktop's mcpServers: a URL, or a command with its arguments)."""


async def _tool_count(config: dict[str, Any], live: Live, tmp_path: Path) -> int:
    """Connect the way a pasted configuration does and count the tools the client is offered."""
    from contextlib import asynccontextmanager

    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.sse import sse_client
    from mcp.client.stdio import StdioServerParameters, stdio_client
    from mcp.client.streamable_http import streamable_http_client

    headers = {"X-API-Key": live.keys["engineer"]}

    @asynccontextmanager
    async def opened() -> Any:
        if "command" in config:
            env = {**os.environ, **{k: live.keys["engineer"] for k in config.get("env", {})}}
            args = [a if a != "./var" else str(tmp_path / "var") for a in config["args"]]
            async with stdio_client(StdioServerParameters(command=config["command"], args=args, env=env)) as pair:
                yield pair
        elif config.get("type") == "sse":
            async with sse_client(config["url"], headers=headers) as pair:
                yield pair
        else:
            async with httpx2.AsyncClient(headers=headers, timeout=HANG_GUARD_S) as http, \
                    streamable_http_client(config["url"], http_client=http) as (read, write):
                yield read, write

    async with opened() as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return len(await all_tools(session))


@pytest.mark.parametrize("client", ["vscode", "vscodeStreamableHttp", "cursor", "claudeDesktop", "stdio"])
async def test_each_pasted_config_fits_its_clients_tool_limit(live: Live, tmp_path: Path, client: str) -> None:
    config = live_http.get(f"{live.base}/mcp/config", headers=live.headers()).json()["data"][client]
    content = config["content"]
    server = (content.get("servers") or content.get("mcpServers") or {"engineering-api": content})["engineering-api"]
    jsonschema.validate(content, _CLIENT_SCHEMAS[client])  # the shape each client reads
    if "command" in server:
        assert Path(server["command"]).is_absolute() and os.access(server["command"], os.X_OK), server
    count = await _tool_count(server, live, tmp_path)
    assert 0 < count <= config["toolLimit"], (client, count)
