"""Tool results an assistant can read from text alone, and structured content that validates against each tool's
outputSchema (the SDK's client checks it on every call it makes here)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import mcp_types as types
import pytest

from engineering_api.mcp import results
from tests.mcp.conftest import Live, structured
from tests.mcp.transports import all_tools, http_session, session_over
from tests.scl_frames import start_running_fb

pytestmark = pytest.mark.anyio

BROKEN = start_running_fb("FB_Broken", '#Running := #Start AND "Nowhere_Tag";')


def _json_after_sentence(text: str) -> Any:
    """The JSON a result's text carries after its sentence (the first line that starts a JSON value)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line[:1] in "{[\"" or line[:1].isdigit())
    return json.loads("\n".join(lines[start:]))


async def test_every_tool_with_a_result_declares_an_output_schema(live: Live) -> None:
    async with http_session(live, role="admin", query="?tools=all") as session:
        tools = await all_tools(session)
    missing = [t.name for t in tools if t.output_schema is None]
    assert missing == []
    for tool in tools:
        assert tool.output_schema is not None
        jsonschema.validators.validator_for(tool.output_schema).check_schema(tool.output_schema)
        assert tool.output_schema["type"] == "object"


@pytest.mark.parametrize("transport", ["http", "sse", "stdio"])
async def test_a_compile_with_errors_says_so_in_text_and_is_no_tool_error(
    live: Live, tmp_path: Any, transport: str,
) -> None:
    async with session_over(transport, live, tmp_path) as session:
        await session.call_tool("projects_close", {"confirm": True})
        for tool, arguments in (("projects_create", {"name": f"Results_{transport}"}),
                                ("devices_add", {"orderNumber": "6ES7 516-3AN02-0AB0", "name": "PLC_1"}),
                                ("external-sources_import-and-generate",
                                 {"deviceName": "PLC_1", "sourceName": "Broken", "sclContent": BROKEN})):
            result = await session.call_tool(tool, arguments)
            assert not result.is_error, result.content[0].text
            assert "succeeded" not in result.content[0].text
        compiled = await session.call_tool("devices_compile-software", {"deviceName": "PLC_1"})
    text = compiled.content[0].text
    data = structured(compiled)
    assert not compiled.is_error and data["errorCount"] >= 1
    first = text.split("\n", 1)[0]
    assert first.startswith(f"Compile finished: {data['errorCount']} error") and "succeeded" not in text
    finding = data["diagnostics"][0]
    # the line in the source the tool call sent, as the import counts it
    assert finding["line"] == BROKEN.splitlines().index('   #Running := #Start AND "Nowhere_Tag";') + 1
    assert f"- Error in block FB_Broken, line {finding['line']} of Broken.scl: " in text
    assert "Nowhere_Tag" in text
    assert _json_after_sentence(text) == data  # the data itself, for a client that forwards only text


async def test_a_long_result_is_cut_with_a_link_to_the_whole(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    budget = 1024  # a find_tools answer is kept near 4 KB (mcp.tools.FIND_ANSWER_BYTES): a small budget cuts it
    monkeypatch.setattr(results, "TEXT_BUDGET", budget)
    async with http_session(live) as session:
        found = await session.call_tool("find_tools", {"query": "create delete list"})
        text = found.content[0].text
        # find_tools' sentence lists its hits; the JSON after it stops at the budget
        assert f"[cut at {budget} of" in text and len(text.encode()) < 4 * budget
        link = next(c for c in found.content if isinstance(c, types.ResourceLink))
        assert str(link.uri).startswith("tia://results/") and str(link.uri) in text
        whole = await session.read_resource(link.uri)
        assert json.loads(whole.contents[0].text) == structured(found)
    async with http_session(live, role="viewer") as other:  # another key cannot read it
        with pytest.raises(Exception):  # the SDK raises its MCPError
            await other.read_resource(link.uri)


async def test_a_short_result_carries_its_data_as_compact_json(live: Live) -> None:
    async with http_session(live) as session:
        listed = await session.call_tool("devices_list", {})
        if listed.is_error:  # no project open in this module's server: a clear error, still text
            assert listed.content[0].text.startswith(structured(listed)["code"])
            return
        assert listed.content[0].text.split("\n", 1)[0].startswith("devices_list returned")
        assert _json_after_sentence(listed.content[0].text) == structured(listed)["result"]
