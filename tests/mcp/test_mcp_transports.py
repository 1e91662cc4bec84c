"""MCP through the official SDK's clients: streamable HTTP, legacy SSE, stdio in-process and stdio bridged.

Each transport must list the same tools (at least 200, paged), speak every protocol version the SDK speaks, and
refuse a wrong key. The end-to-end workflow (project, CPU, SCL import, compile) runs through tools alone.
"""

from __future__ import annotations

import sys
from typing import Any

import anyio
import httpx
import httpx2
import mcp_types as types
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests import live_http
from tests.mcp.conftest import Live, hints, structured
from tools.bounds import HANG_GUARD_S
from tests.mcp.transports import SCL, all_tools, http_session, session_over, sse_session, stdio_session


pytestmark = pytest.mark.anyio


async def test_every_transport_lists_the_same_200_plus_tools(live: Live, tmp_path) -> None:
    async with http_session(live, query="?tools=all") as session:
        over_http = {t.name for t in await all_tools(session)}
    async with sse_session(live, query="?tools=all") as session:
        over_sse = {t.name for t in await all_tools(session)}
    async with stdio_session(["--data-dir", str(tmp_path / "stdio"), "--tools", "all"]) as session:
        over_stdio = {t.name for t in await all_tools(session)}
    async with stdio_session(["--url", live.base, "--api-key", live.keys["engineer"], "--tools", "all"]) as session:
        bridged = {t.name for t in await all_tools(session)}
    assert len(over_http) >= 200
    assert {"find_tools", "call_tool", "projects_create", "external-sources_import-and-generate"} <= over_http
    # The stdio server has its own registry (no test-only tool); everything else is the same set.
    assert over_http - {"tests_slow"} == over_sse - {"tests_slow"} == over_stdio == bridged - {"tests_slow"}


async def test_tool_metadata_comes_from_the_operation(live: Live) -> None:
    async with http_session(live, query="?tools=all") as session:
        tools = {t.name: t for t in await all_tools(session)}
    create = tools["projects_create"]
    assert create.input_schema["properties"]["name"] == {
        "type": "string", "description": "Project name; the project is created as directory/name/name.apNN."}
    assert create.input_schema["required"] == ["name"]
    assert "Needs the engineer role" in (create.description or "")
    assert hints(create).read_only_hint is False
    listing = tools["blocks_list"]
    assert hints(listing).read_only_hint is True and hints(listing).idempotent_hint is True
    assert hints(tools["blocks_delete"]).destructive_hint is True
    assert "confirm" in tools["blocks_delete"].input_schema["properties"]


@pytest.mark.parametrize("transport", ["http", "sse", "stdio", "bridge"])
async def test_workflow_through_tools_alone(live: Live, tmp_path: Any, transport: str) -> None:
    async with session_over(transport, live, tmp_path) as session:
        async def call(tool: str, **arguments: Any) -> Any:
            result = await session.call_tool(tool, arguments)
            assert not result.is_error, result.content[0].text
            return structured(result)

        await session.call_tool("projects_close", {"confirm": True})  # the module's server may hold one open
        await call("projects_create", name=f"McpFlow_{transport}")
        await call("devices_add", orderNumber="6ES7 516-3AN02-0AB0", name="PLC_1")
        generated = await call("external-sources_import-and-generate", deviceName="PLC_1", sclContent=SCL,
                               sourceName="Motor")
        assert "FB_Motor" in str(generated)
        compiled = await call("devices_compile-software", deviceName="PLC_1")
        assert compiled["state"] == "Success", compiled
        blocks = (await call("blocks_list", deviceName="PLC_1"))["result"]
        assert "FB_Motor" in {b["name"] for b in blocks}
        # A delete without confirm only previews: the block stays.
        preview = await call("blocks_delete", deviceName="PLC_1", blockName="FB_Motor")
        assert preview["dryRun"] is True and preview["changes"][0]["name"] == "FB_Motor"
        assert "FB_Motor" in {b["name"] for b in (await call("blocks_list", deviceName="PLC_1"))["result"]}


async def test_domain_errors_are_tool_results_not_protocol_errors(live: Live) -> None:
    async with http_session(live) as session:
        result = await session.call_tool("blocks_list", {"deviceName": "NOPE"})
        assert result.is_error and structured(result)["code"] in ("DEVICE_NOT_FOUND", "NOT_FOUND",
                                                                 "NO_PROJECT_OPEN")
        bad = await session.call_tool("projects_create", {"name": 5})
        assert bad.is_error and structured(bad)["code"] == "VALIDATION_FAILED"
        unknown = await session.call_tool("no_such_tool", {})
        assert unknown.is_error and structured(unknown)["code"] == "UNKNOWN_TOOL"


async def test_find_tools_and_call_tool(live: Live) -> None:
    async with http_session(live, query="?categories=projects") as session:
        names = {t.name for t in await all_tools(session)}
        assert "blocks_list" not in names and "projects_overview" in names and "find_tools" in names
        found = structured(await session.call_tool("find_tools", {"query": "compile software"}))["tools"]
        assert found[0]["name"] == "devices_compile-software"
        # A tool outside the narrowed list still runs through call_tool.
        via_meta = await session.call_tool("call_tool", {"name": "health_versions", "arguments": {}})
        assert not via_meta.is_error


@pytest.mark.parametrize("version", ["2024-11-05", "2025-03-26", "2025-06-18"])
def test_handshake_era_versions(live: Live, version: str) -> None:
    headers = {**live.headers(), "Accept": "application/json, text/event-stream"}
    init = live_http.post(f"{live.base}/mcp", headers=headers, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}},
    })
    assert init.status_code == 200 and f'"protocolVersion":"{version}"' in init.text
    session_id = init.headers["mcp-session-id"]
    follow = {**headers, "mcp-session-id": session_id, "mcp-protocol-version": version}
    live_http.post(f"{live.base}/mcp", headers=follow, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
    listed = live_http.post(f"{live.base}/mcp", headers=follow,
                            json={"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}})
    assert listed.status_code == 200 and '"name":"find_tools"' in listed.text
    # Another key cannot use the session.
    stolen = {**follow, "X-API-Key": live.keys["admin"]}
    assert live_http.post(f"{live.base}/mcp", headers=stolen,
                          json={"jsonrpc": "2.0", "id": 3, "method": "tools/list"}).status_code == 404


async def test_modern_protocol_and_legacy_mode_of_the_sdk_client(live: Live) -> None:
    for mode, expected in (("auto", "2026-07-28"), ("legacy", "2025-11-25")):
        async with httpx2.AsyncClient(headers=live.headers(), timeout=HANG_GUARD_S) as http, \
                Client(streamable_http_client(f"{live.base}/mcp", http_client=http), mode=mode) as client:
            assert client.protocol_version == expected
            result = await client.call_tool("health_versions", {})
            assert not result.is_error


def test_wrong_key_is_401_on_every_transport(live: Live) -> None:
    bad = {"X-API-Key": "eapi_wrong", "Accept": "application/json, text/event-stream"}
    assert live_http.post(f"{live.base}/mcp", headers=bad, json={}).status_code == 401
    assert live_http.get(f"{live.base}/mcp/sse", headers=bad).status_code == 401
    assert live_http.post(f"{live.base}/mcp/messages?session_id=" + "0" * 32, headers=bad, json={}).status_code == 401
    assert live_http.post(f"{live.base}/mcp", json={}).status_code == 401


async def test_sse_session_belongs_to_its_key(live: Live) -> None:
    async with sse_session(live) as session:
        await session.list_tools()
        listed = live_http.get(f"{live.base}/mcp/sessions", headers=live.headers()).json()["data"]
        mine = [s for s in listed if s["transport"] == "sse" and s["connected"]]
        assert mine and mine[0]["clientId"] == "vscode/1.2.3" and mine[0]["protocolVersion"]
        other = live_http.post(f"{live.base}/mcp/messages?session_id={mine[0]['sessionId']}",
                               headers=live.headers("viewer"), json={"jsonrpc": "2.0", "id": 9, "method": "ping"})
        assert other.status_code == 404


async def test_stdio_bridge_refuses_a_wrong_key(live: Live) -> None:
    with pytest.raises(Exception):  # the SDK surfaces the failed connection in its own way
        with anyio.fail_after(60):
            async with stdio_session(["--url", live.base, "--api-key", "eapi_wrong"]) as session:
                await session.list_tools()


def test_each_post_gets_the_framing_it_needs(live: Live) -> None:
    """One JSON body for a quick call; an event stream when the call asks for progress or runs a long tool."""
    headers = live.headers(**{"Accept": "application/json, text/event-stream"})
    init = live_http.post(f"{live.base}/mcp", headers=headers, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "framing", "version": "1"}}})
    assert init.status_code == 200, init.text
    session = {**headers, "Mcp-Session-Id": init.headers["mcp-session-id"], "Mcp-Protocol-Version": "2025-06-18"}
    live_http.post(f"{live.base}/mcp", headers=session, json={"jsonrpc": "2.0", "method": "notifications/initialized"})

    def call(request_id: int, name: str, arguments: dict[str, Any], meta: dict[str, Any] | None = None) -> Any:
        params: dict[str, Any] = {"name": name, "arguments": arguments, **({"_meta": meta} if meta else {})}
        return live_http.post(f"{live.base}/mcp", headers=session, timeout=HANG_GUARD_S,
                              json={"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params})

    quick = call(2, "health_versions", {})
    assert quick.headers["content-type"].startswith("application/json")
    assert quick.json()["id"] == 2 and not quick.json()["result"].get("isError")
    progress = call(3, "health_versions", {}, {"progressToken": "p3"})
    assert progress.headers["content-type"].startswith("text/event-stream") and '"id":3' in progress.text
    long = call(4, "tests_slow", {"steps": 2, "stepSeconds": 0.01})
    assert long.headers["content-type"].startswith("text/event-stream") and '"id":4' in long.text
    via_meta = call(5, "call_tool", {"name": "tests_slow", "arguments": {"steps": 1, "stepSeconds": 0.01}})
    assert via_meta.headers["content-type"].startswith("text/event-stream")


_MODERN_META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {}}


def _modern_call(live: Live, request_id: int, name: str, arguments: dict[str, Any] | str,
                 meta: dict[str, Any] | None = None) -> httpx.Response:
    """One session-less 2026-07-28 ``tools/call`` POST, as the SDK's default client sends it."""
    headers = live.headers(**{"Accept": "application/json, text/event-stream", "Mcp-Protocol-Version": "2026-07-28",
                              "Mcp-Method": "tools/call", "Mcp-Name": name})
    params = {"name": name, "arguments": arguments, "_meta": {**_MODERN_META, **(meta or {})}}
    return live_http.post(f"{live.base}/mcp", headers=headers, timeout=HANG_GUARD_S,
                          json={"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params})


def test_modern_posts_get_the_framing_they_need(live: Live) -> None:
    """2026-07-28 requests carry no session: the manager answers them, with JSON for a quick call and a stream
    (progress, and cancel by closing it) for a call that asks for progress of a long tool."""
    quick = _modern_call(live, 1, "health_versions", {})
    assert quick.headers["content-type"].startswith("application/json"), quick.text
    assert quick.json()["result"]["resultType"] == "complete" and not quick.json()["result"].get("isError")
    long = _modern_call(live, 2, "tests_slow", {"steps": 3, "stepSeconds": 0.01}, {"progressToken": "p2"})
    assert long.headers["content-type"].startswith("text/event-stream")
    assert "notifications/progress" in long.text and '"id":2' in long.text


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per listing of the tool catalog (what every tools/list page does) from now on."""
    from engineering_api.mcp.tools import ToolCatalog

    listed: list[int] = []
    original = ToolCatalog.tools

    def counting(self: ToolCatalog, *args: Any, **kwargs: Any) -> Any:
        listed.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ToolCatalog, "tools", counting)
    return listed


def test_a_modern_call_looks_its_tool_up_without_listing_tools(live: Live, listings: list[int]) -> None:
    """The SDK checks a 2026-07-28 call's Mcp-Param headers against the tool's input schema; the server hands it
    the schema (``get_tool_input_schema``) instead of letting it run tools/list, every page, on every call."""
    # With arguments: the SDK skips the check for a call that has none.
    answer = _modern_call(live, 3, "blocks_list", {"deviceName": "PLC_nowhere"})
    assert answer.status_code == 200 and answer.json()["result"]["isError"]  # no project open: a domain error
    assert listings == []


def test_the_sdks_span_middleware_runs_only_with_tracing_on(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    """With tracing off (the default) the SDK's per-message span only costs time, also where an OpenTelemetry SDK
    is installed (the tracing extra); with tracing on it stays, each MCP message a span of the request's trace."""
    from dataclasses import replace

    from engineering_api.mcp import server as mcp_server
    from engineering_api.mcp.sessions import SessionRegistry

    def span_middleware(tracing: bool) -> list[str]:
        monkeypatch.setattr(live.services, "settings", replace(live.services.settings, tracing=tracing))
        built = mcp_server.create_mcp_server(live.services, SessionRegistry(60.0))
        return [type(m).__name__ for m in built.middleware if type(m).__name__ == "OpenTelemetryMiddleware"]

    assert span_middleware(False) == []
    assert span_middleware(True) == ["OpenTelemetryMiddleware"]


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_calling_any_tool_lists_the_tools_once(live: Live, listings: list[int], mode: str) -> None:
    """The SDK client lists the tools (no cursor) the first time it calls a tool it has not seen, to check the
    result: every tool, the last of the catalog too, must be on that one page, or every call lists again."""
    from engineering_api.mcp.tools import tool_catalog

    last = [spec.name for spec in tool_catalog(live.services).tools() if spec.read_only][-1]
    listings.clear()
    async with httpx2.AsyncClient(headers=live.headers("admin"), timeout=HANG_GUARD_S) as http, \
            Client(streamable_http_client(f"{live.base}/mcp?tools=all", http_client=http), mode=mode) as client:
        for _ in range(3):
            assert not (await client.call_tool(last, {})).is_error
    assert len(listings) <= 1


async def test_a_well_formed_call_is_answered_without_the_sdks_second_pass(live: Live,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The direct tools/call middleware answers the SDK client on each HTTP wire (no result sieve), while a call
    it is not sure of still gets the SDK's own answer: here its INVALID_PARAMS for arguments that are no object."""
    from mcp_types import methods

    sieved: list[str] = []
    original = methods.serialize_server_result

    def counting(method: str, *args: Any, **kwargs: Any) -> Any:
        if sys._getframe(1).f_code.co_filename.endswith(("server/runner.py", "server\\runner.py")):
            sieved.append(method)  # the server's sieve (the client in this process validates results too)
        return original(method, *args, **kwargs)

    monkeypatch.setattr(methods, "serialize_server_result", counting)
    for mode in ("auto", "legacy"):
        async with httpx2.AsyncClient(headers=live.headers(), timeout=HANG_GUARD_S) as http, \
                Client(streamable_http_client(f"{live.base}/mcp", http_client=http), mode=mode) as client:
            result = await client.call_tool("health_versions", {})
            assert not result.is_error and result.structured_content
    async with sse_session(live) as session:
        result = await session.call_tool("health_versions", {})
        assert not result.is_error and result.structured_content
    assert "tools/call" not in sieved and "tools/list" in sieved  # the count sees the server's sieve
    malformed = _modern_call(live, 7, "health_versions", "not an object")  # on purpose
    assert malformed.json()["error"]["code"] == types.INVALID_PARAMS, malformed.text
    # The serverInfo stamp of a 2026-era answer is the one the SDK puts on the answers it shapes itself.
    direct = _modern_call(live, 8, "health_versions", {}).json()["result"]["_meta"]
    listed = live_http.post(f"{live.base}/mcp", timeout=HANG_GUARD_S, headers=live.headers(**{
        "Accept": "application/json, text/event-stream", "Mcp-Protocol-Version": "2026-07-28",
        "Mcp-Method": "tools/list"}), json={"jsonrpc": "2.0", "id": 9, "method": "tools/list",
                                           "params": {"_meta": _MODERN_META}}).json()["result"]["_meta"]
    assert direct[types.SERVER_INFO_META_KEY] == listed[types.SERVER_INFO_META_KEY]
    assert direct[types.SERVER_INFO_META_KEY]["name"] == "engineering-api"
