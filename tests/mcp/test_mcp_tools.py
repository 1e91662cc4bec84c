"""MCP tools under the rules of the REST API: roles, audit, long jobs with progress and cancellation, and the
MCP reference routes (info, config, instance, sessions)."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from engineering_api.mcp.sessions import McpSession, SessionRegistry
from tests import live_http
from tests.mcp.conftest import Live, hints, structured
from tests.mcp.transports import all_tools, http_session, sse_session
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.anyio


def _audit(live: Live, path_prefix: str) -> list[dict[str, Any]]:
    page = live_http.get(f"{live.base}/api/audit", params={"pathPrefix": path_prefix, "limit": 50},
                         headers=live.headers("admin"))
    assert page.status_code == 200, page.text
    return page.json()["data"]["records"]


async def test_a_viewer_sees_and_runs_only_reads(live: Live) -> None:
    async with http_session(live, role="viewer") as session:
        tools = await all_tools(session)
        assert tools and all(hints(t).read_only_hint for t in tools if t.name not in ("call_tool",))
        refused = await session.call_tool("projects_create", {"name": "ByViewer"})
        assert refused.is_error and structured(refused)["code"] == "FORBIDDEN"
        also = await session.call_tool("call_tool", {"name": "projects_create", "arguments": {"name": "X"}})
        assert also.is_error and structured(also)["code"] == "FORBIDDEN"
        assert not (await session.call_tool("health_versions", {})).is_error
    denied = _audit(live, "projects_create")
    assert denied and denied[0]["outcome"] == "denied" and denied[0]["via"] == "mcp" and denied[0]["role"] == "viewer"


async def test_changes_are_audited_with_transport_and_session(live: Live) -> None:
    async with sse_session(live) as session:
        result = await session.call_tool("projects_create", {"name": "Audited"})
        assert not result.is_error
    records = _audit(live, "projects_create")
    record = next(r for r in records if r["status"] == 200)
    assert record["method"] == "TOOL" and record["via"] == "mcp" and record["sessionId"]
    assert record["keyId"] and record["role"] == "engineer" and record["jobId"]
    sessions = live_http.get(f"{live.base}/mcp/sessions", headers=live.headers()).json()["data"]
    assert record["sessionId"] in {s["sessionId"] for s in sessions}
    # The transport's raw POSTs are not audited a second time.
    assert not _audit(live, "/mcp")


async def test_a_destructive_tool_previews_until_confirmed(live: Live) -> None:
    async with http_session(live) as session:
        async def ok(tool: str, **arguments: Any) -> Any:
            result = await session.call_tool(tool, arguments)
            assert not result.is_error, result.content[0].text
            return structured(result)

        await session.call_tool("projects_close", {"confirm": True})  # the module's server may hold one open
        await ok("projects_create", name="Confirm")
        await ok("devices_add", orderNumber="6ES7 516-3AN02-0AB0", name="PLC_1")
        # Generating without overwrite only adds: it runs at once, no confirm needed.
        await ok("external-sources_import-and-generate", deviceName="PLC_1", sourceName="Scale",
                 sclContent='FUNCTION "FC_Scale" : Void\nBEGIN\nEND_FUNCTION\n')
        preview = await session.call_tool("blocks_delete", {"deviceName": "PLC_1", "blockName": "FC_Scale"})
        assert not preview.is_error and "confirm=true" in preview.content[0].text
        planned = structured(preview)
        assert planned["dryRun"] is True and planned["changes"][0]["action"] == "delete"
        assert "FC_Scale" in {b["name"] for b in (await ok("blocks_list", deviceName="PLC_1"))["result"]}
        await ok("blocks_delete", deviceName="PLC_1", blockName="FC_Scale", confirm=True)
        assert "FC_Scale" not in {b["name"] for b in (await ok("blocks_list", deviceName="PLC_1"))["result"]}
    outcomes = [r["outcome"] for r in _audit(live, "blocks_delete")]
    assert "dry run" in outcomes and len(outcomes) == 2


async def test_long_tool_reports_progress(live: Live) -> None:
    seen: list[tuple[float, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message))

    async with http_session(live) as session:
        result = await session.call_tool("tests_slow", {"steps": 10, "stepSeconds": 0.05},
                                         progress_callback=on_progress)
    assert not result.is_error and structured(result) == {"steps": 10}
    assert len(seen) >= 3 and any("step" in (m or "") for _, m in seen)
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)


async def test_cancelling_the_request_cancels_the_job(live: Live) -> None:
    async with http_session(live) as session:
        with anyio.move_on_after(0.6):
            await session.call_tool("tests_slow", {"steps": 400, "stepSeconds": 0.05})
    deadline = time.monotonic() + HANG_GUARD_S
    latest = _latest_slow_job(live)
    while time.monotonic() < deadline and (latest is None or not latest.terminal):
        await anyio.sleep(0.1)
        latest = _latest_slow_job(live)
    assert latest is not None and latest.status == "Canceled", latest


def _latest_slow_job(live: Live) -> Any:
    rows = live.services.db.all(
        "SELECT job_id FROM jobs WHERE operation = 'tests.slow' ORDER BY created_at DESC LIMIT 1", ())
    return live.services.jobs.get(rows[0]["job_id"]) if rows else None


def test_info_config_and_instance(live: Live) -> None:
    info = live_http.get(f"{live.base}/mcp/info", headers=live.headers("viewer")).json()["data"]
    assert info["name"] == "engineering-api" and "2024-11-05" in info["protocolVersions"]
    assert info["transports"]["sse"] == "/mcp/sse" and info["totalToolCount"] >= 200
    assert info["toolCount"] < info["totalToolCount"]  # a viewer may run the reads only
    assert {c["category"] for c in info["categories"]} >= {"blocks", "projects", "meta"}
    config = live_http.get(f"{live.base}/mcp/config", headers=live.headers()).json()["data"]
    vscode = config["vscode"]["content"]["servers"]["engineering-api"]
    assert vscode["type"] == "sse" and vscode["url"] == f"{live.base}/mcp/sse"
    assert vscode["headers"]["X-API-Key"] == "${input:engineeringApiKey}"
    assert set(config) >= {"vscode", "claudeDesktop", "cursor", "stdio"}
    assert all(key not in str(config) for key in live.keys.values())  # never a real key
    instance = live_http.get(f"{live.base}/mcp/instance", headers=live.headers()).json()["data"]
    assert instance["backend"] == "fake" and instance["portal"]["connected"] is True


async def test_sessions_routes(live: Live) -> None:
    async with sse_session(live) as session:
        await session.list_tools()
        mine = live_http.get(f"{live.base}/mcp/sessions", headers=live.headers()).json()["data"]
        open_one = next(s for s in mine if s["connected"])
        one = live_http.get(f"{live.base}/mcp/sessions/{open_one['sessionId']}", headers=live.headers())
        assert one.status_code == 200 and one.json()["data"]["requests"] >= 2
        # Another non-admin key neither lists nor reads it; an admin does.
        assert open_one["sessionId"] not in {
            s["sessionId"]
            for s in live_http.get(f"{live.base}/mcp/sessions", headers=live.headers("viewer")).json()["data"]}
        assert live_http.get(f"{live.base}/mcp/sessions/{open_one['sessionId']}",
                             headers=live.headers("viewer")).status_code == 404
        assert live_http.get(f"{live.base}/mcp/sessions/{open_one['sessionId']}",
                             headers=live.headers("admin")).status_code == 200
    cleaned = live_http.post(f"{live.base}/mcp/sessions/cleanup", headers=live.headers()).json()["data"]
    assert open_one["sessionId"] in cleaned["removed"]
    assert live_http.get(f"{live.base}/mcp/sessions/unknown", headers=live.headers()).status_code == 404
    assert live_http.post(f"{live.base}/mcp/sessions/cleanup", headers=live.headers("viewer")).status_code == 403


def test_idle_sessions_expire_and_their_connection_closes() -> None:
    now = [0.0]
    closed: list[str] = []
    registry = SessionRegistry(idle_timeout_s=60, clock=lambda: now[0])
    registry.open(McpSession(session_id="a", transport="sse", key_id="k", close=lambda: closed.append("a"),
                             last_activity=0.0))
    registry.open(McpSession(session_id="b", transport="sse", key_id="k", last_activity=0.0))
    now[0] = 30.0
    registry.touch("b", method="tools/list")
    now[0] = 61.0
    assert [s.session_id for s in registry.list()] == ["b"]
    assert closed == ["a"]
