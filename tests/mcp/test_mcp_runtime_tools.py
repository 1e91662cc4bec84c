"""The runtime API as MCP tools, through the official SDK against a running PLC: the same payload as the REST
route, a viewer key reads only, a tag write previews until confirmed, alarms are acknowledged in the key's name,
history is queried, and changes are audited as tools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests import live_http
from tests.api.alarm_plant import LEVEL, running_plant
from tests.api.runtime_users import RT, login
from tests.conftest import data
from tests.mcp.conftest import Live, hints, structured
from tests.mcp.transports import all_tools, http_session
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.anyio

RUNTIME_TOOLS = {"runtime_tags_list", "runtime_tags_read", "runtime_tags_write", "runtime_alarms_current",
                 "runtime_alarms_archive", "runtime_alarms_acknowledge", "runtime_history_query"}


@pytest.fixture(scope="module")
def rest(live: Live) -> Iterator[httpx.Client]:
    """An admin's REST client of the live server, with the line program running on a SingleStep instance."""
    with httpx.Client(base_url=live.base, headers=live.headers("admin"), timeout=HANG_GUARD_S) as client:
        running_plant(client, live.headers("admin"), "Runtime")
        yield client


def _step(rest: httpx.Client, cycles: int) -> None:
    data(rest.post("/api/simulation/instances/Line/actions/step", json={"cycles": cycles}))


async def _ok(session: Any, tool: str, **arguments: Any) -> Any:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    return structured(result)


async def test_a_viewer_key_reads_what_a_runtime_reader_reads(live: Live, rest: httpx.Client) -> None:
    async with http_session(live, role="viewer", query="?tools=all") as session:
        names = {t.name for t in await all_tools(session)}
        # reads only: writing and acknowledging need an engineer key
        assert {"runtime_tags_list", "runtime_tags_read", "runtime_history_query"} <= names
        assert not names & {"runtime_tags_write", "runtime_alarms_acknowledge"}
        page = await _ok(session, "runtime_tags_list", limit=2)
        assert len(page["tags"]) == 2 and page["continuationPoint"]
        tool = await _ok(session, "runtime_tags_read", tagNames=[LEVEL, "No_Such_Tag"])
        board = login(rest, "board")
        route = data(rest.post(f"{RT}/tags/values", json={"names": [LEVEL, "No_Such_Tag"]}, headers=board))
        # one cycle, nothing stepped in between: the same values and scan-time stamps (a failed item is stamped
        # with the time it was answered)
        assert tool["result"][0] == route[0] and _untimed(tool["result"][1]) == _untimed(route[1])
        assert route[1]["error"]["code"] == "TAG_NOT_FOUND"
        refused = await session.call_tool("runtime_tags_write", {"values": [{"name": LEVEL, "value": 1.0}],
                                                                 "confirm": True})
        assert refused.is_error and structured(refused)["code"] == "FORBIDDEN"
        bad = await session.call_tool("runtime_tags_read", {"tagNames": []})
        assert bad.is_error and structured(bad)["code"] == "VALIDATION_FAILED"
    assert _level(rest) == 0.0


def _untimed(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "timestamp"}


def _level(rest: httpx.Client) -> Any:
    return data(rest.post(f"{RT}/tags/values", json={"names": [LEVEL]}, headers=login(rest, "board")))[0]["value"]


async def test_a_write_previews_until_confirmed_then_raises_an_alarm_the_key_acknowledges(
    live: Live, rest: httpx.Client,
) -> None:
    async with http_session(live, query="?tools=all") as session:
        tools = {t.name: t for t in await all_tools(session)}
        assert RUNTIME_TOOLS <= set(tools)
        write = tools["runtime_tags_write"]
        assert hints(write).destructive_hint and not hints(write).read_only_hint
        assert ("confirm" in write.input_schema["properties"]
                and "PUT /api/runtime/tags/values" in (write.description or ""))
        assert hints(tools["runtime_alarms_current"]).read_only_hint

        values = [{"name": LEVEL, "value": 95.0}, {"name": '"Line_DB".Hidden', "value": 1.0}]
        preview = await session.call_tool("runtime_tags_write", {"values": values})
        assert not preview.is_error and "Nothing was changed" in preview.content[0].text
        planned = structured(preview)
        assert [(c["action"], c["kind"], c["name"]) for c in planned["changes"]] == [
            ("overwrite", "tagValue", LEVEL)]
        assert "would become 95.0" in planned["changes"][0]["detail"] and "Hidden" in planned["warnings"][0]
        assert _level(rest) == 0.0

        written = await _ok(session, "runtime_tags_write", values=values, confirm=True)
        assert [(r["value"], (r["error"] or {}).get("code")) for r in written["result"]] == [
            (95.0, None), (None, "TAG_NOT_FOUND")]
        _step(rest, 3)

        current = (await _ok(session, "runtime_alarms_current", alarmClass="Errors"))["result"]
        alarm = next(a for a in current if a["name"] == "TankHigh")
        assert alarm["state"] == "incoming" and alarm["associatedValues"] == [95.0]
        acked = await _ok(session, "runtime_alarms_acknowledge", alarmId=alarm["alarmId"])
        assert acked["state"] == "acknowledged" and acked["acknowledgedBy"] == "apikey:mcp-engineer"
        again = await session.call_tool("runtime_alarms_acknowledge", {"alarmId": alarm["alarmId"]})
        assert again.is_error and structured(again)["code"] == "ALARM_ALREADY_ACKNOWLEDGED"
        gone = await session.call_tool("runtime_alarms_acknowledge", {"alarmId": 999})
        assert gone.is_error and structured(gone)["code"] == "ALARM_NOT_FOUND"

        archive = await _ok(session, "runtime_alarms_archive", text="tank")
        assert [e["event"] for e in archive["entries"]] == ["incoming", "acknowledged"]
        raised = dt.datetime.fromisoformat(acked["raisedAt"].replace("Z", "+00:00"))
        hour = dt.timedelta(hours=1)
        around = {"from": (raised - hour).isoformat(), "to": (raised + hour).isoformat()}
        series = await _ok(session, "runtime_history_query", tagNames=[LEVEL], **around, aggregation="max",
                           interval="2h")
        assert max(p["value"] for p in series["result"][0]["values"]) == 95.0
        bad = await session.call_tool("runtime_history_query", {"tagNames": [LEVEL], "from": "yesterday",
                                                                "to": "2100-01-01T00:00:00Z"})
        assert bad.is_error and structured(bad)["code"] == "INVALID_TIME"

    audit = live_http.get(f"{live.base}/api/audit", params={"pathPrefix": "runtime_", "limit": 50},
                          headers=live.headers("admin")).json()["data"]["records"]
    seen = sorted((r["path"], r["status"], r["outcome"]) for r in audit if r["role"] == "engineer")
    assert seen == [("runtime_alarms_acknowledge", 200, "succeeded"), ("runtime_alarms_acknowledge", 404, "failed"),
                    ("runtime_alarms_acknowledge", 409, "failed"), ("runtime_tags_write", 200, "dry run"),
                    ("runtime_tags_write", 200, "succeeded")]
    assert all(r["via"] == "mcp" and r["method"] == "TOOL" for r in audit)


async def test_without_a_running_plc_the_tool_says_so(live: Live, rest: httpx.Client) -> None:
    data(rest.post("/api/simulation/instances/Line/power-off", json={"confirm": True}))
    try:
        async with http_session(live) as session:
            result = await session.call_tool("runtime_tags_read", {"tagNames": [LEVEL]})
            assert result.is_error and structured(result)["code"] == "RUNTIME_NOT_RUNNING"
    finally:
        data(rest.post("/api/simulation/instances/Line/power-on"))
        data(rest.post("/api/simulation/start", json={"instanceName": "Line"}))


async def test_an_admin_key_configures_alarms_and_logging(live: Live, rest: httpx.Client) -> None:
    async with http_session(live, query="?tools=all") as session:
        names = {t.name for t in await all_tools(session)}
        assert "runtime_alarm-definitions_list" not in names and "runtime_history_settings_save" not in names
    async with http_session(live, role="admin") as session:
        assert "TankHigh" in {d["name"] for d in (await _ok(session, "runtime_alarm-definitions_list"))["result"]}
        created = await _ok(session, "runtime_alarm-definitions_create", name="CountHigh", kind="analog",
                            tag='"Line_DB".Count', limit=1e9, hysteresis=1.0, alarmClass="Warnings",
                            text="Count very high")
        assert created["name"] == "CountHigh"
        dup = await session.call_tool("runtime_alarm-definitions_create", {
            "name": "counthigh", "kind": "analog", "tag": LEVEL, "limit": 50.0, "hysteresis": 1.0})
        assert dup.is_error and structured(dup)["code"] == "ALARM_DEFINITION_EXISTS"
        raised = await _ok(session, "runtime_alarm-definitions_update", replaces="CountHigh", name="CountHigh",
                           kind="analog", tag='"Line_DB".Count', limit=2e9, alarmClass="Warnings")
        assert raised["limit"] == 2e9
        assert {d["name"]: d["limit"] for d in data(rest.get(f"{RT}/alarm-definitions"))}["CountHigh"] == 2e9
        preview = await _ok(session, "runtime_alarm-definitions_delete", name="CountHigh")
        assert preview["dryRun"] and preview["changes"][0]["name"] == "CountHigh"
        assert "CountHigh" in {d["name"] for d in data(rest.get(f"{RT}/alarm-definitions"))}
        await _ok(session, "runtime_alarm-definitions_delete", name="CountHigh", confirm=True)
        assert "CountHigh" not in {d["name"] for d in data(rest.get(f"{RT}/alarm-definitions"))}

        saved = await _ok(session, "runtime_history_settings_save", tag='"Line_DB".Count', mode="onChange",
                          deadband=10.0)
        assert saved["deadband"] == 10.0
        logged = {s["tag"]: s["mode"] for s in data(rest.get(f"{RT}/history/settings"))}
        assert logged == {LEVEL: "cyclic", '"Line_DB".Count': "onChange"}
        await _ok(session, "runtime_history_settings_remove", tag='"Line_DB".Count')
        missing = await session.call_tool("runtime_history_settings_remove", {"tag": '"Line_DB".Count'})
        assert missing.is_error and structured(missing)["code"] == "LOGGING_NOT_CONFIGURED"
        listed = await _ok(session, "runtime_history_settings_list")
        assert [s["tag"] for s in listed["result"]] == [LEVEL]
    audit = live_http.get(f"{live.base}/api/audit", params={"pathPrefix": "runtime_", "limit": 100},
                          headers=live.headers("admin")).json()["data"]["records"]
    mine = sorted((r["path"], r["outcome"]) for r in audit if r["role"] == "admin")
    assert ("runtime_alarm-definitions_delete", "dry run") in mine and ("runtime_history_settings_save",
                                                                         "succeeded") in mine
    assert not any(path.endswith("_list") for path, _ in mine)
