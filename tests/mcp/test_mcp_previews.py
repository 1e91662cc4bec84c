"""A destructive tool's preview names what else the change affects, in its text and its data."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mcp.conftest import Live, structured
from tests.mcp.transports import SCL, http_session

pytestmark = pytest.mark.anyio

PROGRAM = SCL + """
FUNCTION_BLOCK "FB_Line"
VERSION : 0.1
   VAR
      M1 : "FB_Motor";
   END_VAR
BEGIN
   #M1(Start := "StartButton", Stop := FALSE);
END_FUNCTION_BLOCK

DATA_BLOCK "DB_Motor"
"FB_Motor"
BEGIN
END_DATA_BLOCK
"""


async def test_previews_name_callers_orphaned_instances_and_tags_in_use(live: Live) -> None:
    async with http_session(live) as session:
        async def ok(tool: str, **arguments: Any) -> Any:
            result = await session.call_tool(tool, arguments)
            assert not result.is_error, result.content[0].text
            return result

        await session.call_tool("projects_close", {"confirm": True})
        await ok("projects_create", name="Previews")
        await ok("devices_add", orderNumber="6ES7 516-3AN02-0AB0", name="PLC_1")
        await ok("tags_create", deviceName="PLC_1", name="StartButton", dataType="Bool", logicalAddress="%I0.0")
        await ok("external-sources_import-and-generate", deviceName="PLC_1", sourceName="Line", sclContent=PROGRAM)

        block = await ok("blocks_delete", deviceName="PLC_1", blockName="FB_Motor")
        warnings = structured(block)["warnings"]
        assert any("DB_Motor" in w and "lose their FB" in w for w in warnings), warnings
        assert any("FB_Line" in w and "no longer compile" in w for w in warnings), warnings
        assert all("DB_Motor" not in w for w in warnings if "no longer compile" in w)  # named once, as an orphan
        assert "It also affects:" in block.content[0].text and "FB_Line" in block.content[0].text.split("\n{")[0]

        tag = await ok("call_tool", name="tags_delete",
                       arguments={"deviceName": "PLC_1", "tableName": "Default tag table", "tagName": "StartButton"})
        assert any("FB_Line" in w for w in structured(tag)["warnings"]), structured(tag)
        assert "still used by 'FB_Line'" in tag.content[0].text

        unused = await ok("call_tool", name="blocks_delete", arguments={"deviceName": "PLC_1", "blockName": "FB_Line"})
        assert structured(unused)["warnings"] == [] and "It also affects" not in unused.content[0].text
