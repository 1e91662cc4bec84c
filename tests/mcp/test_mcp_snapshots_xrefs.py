"""Through the official MCP SDK against a running PLC: snapshots of a virtual PLC's state as tools (the scans after a
restore are the scans after the snapshot; the restore previews until confirmed), and the cross-reference routes as
tools answering what REST answers, for a tag, a block and a tag table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.snapshot_line import WATCHED, running_line
from tests.conftest import CPU, data
from tests.mcp.conftest import Live, hints, structured
from tests.mcp.transports import all_tools, http_session
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.anyio

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

LINE = {"name": "Line"}


@pytest.fixture(scope="module")
def rest(live: Live) -> Iterator[httpx.Client]:
    """An admin's REST client of the live server, with the snapshot test's program running on "Line" (SingleStep)."""
    with httpx.Client(base_url=live.base, headers=live.headers("admin"), timeout=HANG_GUARD_S) as client:
        data(client.post("/api/projects/actions/create-sync", json={"name": "Snapshots"}))
        data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"}))
        running_line(client, live.headers("admin"))
        yield client


async def _ok(session: Any, tool: str, **arguments: Any) -> Any:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    return structured(result)


async def _values(session: Any) -> dict[str, Any]:
    read = await _ok(session, "simulation_tags_batch-read", tagNames=WATCHED)
    state = await _ok(session, "simulation_instances_state", **LINE)
    return {**{r["name"]: r["value"] for r in read["result"]}, "virtualTimeMs": state["virtualTimeMs"]}


async def test_a_restored_snapshot_replays_the_same_scans(live: Live, rest: httpx.Client) -> None:
    async with http_session(live, query="?tools=all") as session:
        tools = {t.name: t for t in await all_tools(session)}
        assert hints(tools["simulation_instances_snapshots_restore"]).destructive_hint is True
        assert hints(tools["simulation_instances_snapshots_list"]).read_only_hint is True
        await _ok(session, "simulation_instances_step", **LINE, cycles=5)
        taken = await _ok(session, "simulation_instances_snapshots_create", **LINE, snapshotName="Cycle 5")
        assert (taken["virtualTimeMs"], taken["operatingState"]) == (50, "Run")
        await _ok(session, "simulation_instances_step", **LINE, cycles=8)
        after = await _values(session)

        await _ok(session, "simulation_tags_write", tagName="Acc", value=-1)
        await _ok(session, "simulation_instances_step", **LINE, cycles=3)
        stopping = await _ok(session, "simulation_instances_stop", **LINE)  # a preview: the CPU runs on
        assert "changes" in stopping and (await _ok(session, "simulation_instances_state", **LINE))[
            "operatingState"] == "Run"
        stopped = await _ok(session, "simulation_instances_stop", **LINE, confirm=True)  # the stop's own confirm
        assert stopped["operatingState"] == "Stop"
        preview = await _ok(session, "simulation_instances_snapshots_restore", **LINE, snapshotName="Cycle 5")
        assert preview["changes"][0]["action"] == "restore" and "Cycle 5" in preview["summary"]
        assert (await _ok(session, "simulation_instances_state", **LINE))["operatingState"] == "Stop"
        restored = await _ok(session, "simulation_instances_snapshots_restore", **LINE, snapshotName="Cycle 5",
                             confirm=True)
        assert (restored["state"]["operatingState"], restored["state"]["virtualTimeMs"]) == ("Run", 50)
        await _ok(session, "simulation_instances_step", **LINE, cycles=8)
        assert await _values(session) == after

        listed = await _ok(session, "simulation_instances_snapshots_list", **LINE)
        assert [s["name"] for s in listed["result"]] == ["Cycle 5"]
        bad = await session.call_tool("simulation_instances_snapshots_create", {**LINE, "snapshotName": "../x"})
        assert bad.is_error
    # the same snapshot as REST sees it
    assert [s["name"] for s in data(rest.get("/api/simulation/instances/Line/snapshots"))] == ["Cycle 5"]


async def test_cross_reference_tools_answer_what_rest_answers(live: Live, rest: httpx.Client) -> None:
    async with http_session(live, role="viewer", query="?tools=all") as session:
        names = {t.name for t in await all_tools(session)}
        assert {"cross-references_object", "cross-references_tag-table", "blocks_cross-references"} <= names
        for name in ('"Run_PB"', "Blink", '"Snap_DB".Count'):  # a tag, a block, a DB member
            tool = await _ok(session, "cross-references_object", deviceName="PLC_1", objectName=name)
            route = data(rest.get("/api/devices/PLC_1/cross-references", params={"objectName": name}))
            assert tool == route and tool["usageCount"] > 0, (name, tool)
        table = await _ok(session, "cross-references_tag-table", deviceName="PLC_1", tableName="Default tag table")
        route = data(rest.get("/api/devices/PLC_1/tag-tables/Default%20tag%20table/cross-references"))
        assert table == route and {t["tag"] for t in table["tags"]} >= {"Run_PB", "Acc", "Lamp"}
        block = await _ok(session, "blocks_cross-references", deviceName="PLC_1", blockName="Blink")
        assert block == data(rest.get("/api/devices/PLC_1/blocks/Blink/cross-references"))
    async with http_session(live, role="viewer") as core:  # the core profile reaches them through call_tool
        called = await _ok(core, "call_tool", name="cross-references_object",
                           arguments={"deviceName": "PLC_1", "objectName": "Acc"})
        assert called == data(rest.get("/api/devices/PLC_1/cross-references", params={"objectName": "Acc"}))
