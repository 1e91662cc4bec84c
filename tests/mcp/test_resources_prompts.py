"""MCP resources (``tia://`` URIs) and prompts through the official SDK client over the live server.

The server is module-scoped, so every test closes any open project first and builds what it reads.
"""

from __future__ import annotations

import re
from typing import Any

import httpx2
import mcp_types as types
import msgspec
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from engineering_api.mcp import prompts, resources
from engineering_api.mcp.tools import tool_catalog
from tests.mcp.conftest import Live, structured
from tests.mcp.transports import SCL, http_session, stdio_session
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.anyio

DB_SCL = """DATA_BLOCK "DB_Plant"
VERSION : 0.1
   VAR
      Speed : Int := 42;
   END_VAR
BEGIN
END_DATA_BLOCK
"""
# Real into Bool does not convert implicitly: one compile error in network 2 (as tests/api/test_compile_api.py).
BROKEN = {"blockType": "FC", "name": "FC_Broken", "language": "SCL", "number": 3, "returnType": "Bool",
          "interface": {"Input": [{"name": "r", "dataType": "Real"}]},
          "networks": [{"scl": "#FC_Broken := TRUE;"}, {"scl": "#FC_Broken := #r;"}]}


async def _call(session: Any, tool: str, **arguments: Any) -> Any:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    return structured(result)


async def _fresh_project(session: Any, name: str, *, with_program: bool = True) -> None:
    """Close whatever an earlier test left open, then a project with PLC_1 (and FB_Motor, DB_Plant, compiled)."""
    await session.call_tool("projects_close", {"confirm": True})  # an error when none is open: fine
    await _call(session, "projects_create", name=name)
    await _call(session, "devices_add", orderNumber="6ES7 516-3AN02-0AB0", name="PLC_1")
    if with_program:
        await _call(session, "external-sources_import-and-generate", deviceName="PLC_1", sclContent=SCL + DB_SCL,
                    sourceName="Motor")
        compiled = await _call(session, "devices_compile-software", deviceName="PLC_1")
        assert compiled["state"] == "Success", compiled


def _text(result: Any) -> tuple[str, str | None]:
    (content,) = result.contents
    return content.text, content.mime_type


async def test_capabilities_are_advertised_on_both_protocol_eras(live: Live) -> None:
    async with http_session(live) as session:
        caps = session.server_capabilities
        assert caps is not None and caps.resources is not None and caps.prompts is not None
    async with httpx2.AsyncClient(headers=live.headers(), timeout=HANG_GUARD_S) as http, \
            Client(streamable_http_client(f"{live.base}/mcp", http_client=http), mode="auto") as client:
        assert client.protocol_version == "2026-07-28"
        caps = client.server_capabilities
        assert caps is not None and caps.resources is not None and caps.prompts is not None
        assert {p.name for p in (await client.list_prompts()).prompts} == {p.name for p in prompts.PROMPTS}


async def test_templates_and_resources_of_the_open_project(live: Live) -> None:
    async with http_session(live) as session:
        await session.call_tool("projects_close", {"confirm": True})
        empty = {r.uri for r in (await session.list_resources()).resources}
        assert "tia://jobs" in empty and "tia://project" not in empty  # nothing to name without a project

        templates = {t.uri_template: t for t in (await session.list_resource_templates()).resource_templates}
        assert templates["tia://devices/{deviceName}/blocks/{blockName}/scl"].mime_type == "text/x-scl"
        assert templates["tia://devices/{deviceName}/blocks/{blockName}/xml"].mime_type == "application/xml"
        assert "tia://devices/{deviceName}/tag-tables/{tableName}" in templates and "tia://jobs/{jobId}" in templates

        await _fresh_project(session, "McpResources")
        listed = {r.uri: r for r in (await session.list_resources()).resources}
        assert listed["tia://project"].mime_type == "application/json"
        assert {"tia://devices", "tia://devices/PLC_1/blocks", "tia://devices/PLC_1/tag-tables",
                "tia://compile/last"} <= set(listed)
        assert listed["tia://devices/PLC_1/blocks/FB_Motor/scl"].mime_type == "text/x-scl"
        assert listed["tia://devices/PLC_1/blocks/FB_Motor/xml"].mime_type == "application/xml"
        assert "tia://devices/PLC_1/blocks/DB_Plant/scl" in listed  # data blocks have an SCL source too
        tables = await _call(session, "tag-tables_list", deviceName="PLC_1")
        for table in tables["result"]:
            assert resources.uri("devices", "PLC_1", "tag-tables", table["name"]) in listed


async def test_read_project_blocks_scl_xml_and_tags(live: Live) -> None:
    async with http_session(live) as session:
        await _fresh_project(session, "McpReads")
        text, mime = _text(await session.read_resource("tia://project"))
        overview = msgspec.json.decode(text)
        assert mime == "application/json" and overview["projectName"] == "McpReads"
        assert [d["name"] for d in overview["devices"]] == ["PLC_1"]

        text, _ = _text(await session.read_resource("tia://devices"))
        assert [d["name"] for d in msgspec.json.decode(text)] == ["PLC_1"]

        # The same data the REST route and the tool answer.
        text, _ = _text(await session.read_resource("tia://devices/PLC_1/blocks"))
        assert msgspec.json.decode(text) == (await _call(session, "blocks_list", deviceName="PLC_1"))["result"]

        text, mime = _text(await session.read_resource("tia://devices/PLC_1/blocks/FB_Motor/scl"))
        assert mime == "text/x-scl"
        assert 'FUNCTION_BLOCK "FB_Motor"' in text and "#Running := (#Start OR #Running) AND NOT #Stop;" in text

        text, mime = _text(await session.read_resource("tia://devices/PLC_1/blocks/FB_Motor/xml"))
        assert mime == "application/xml" and "<SW.Blocks.FB" in text and "FB_Motor" in text
        expected = await _call(session, "blocks_export-xml", deviceName="PLC_1", blockName="FB_Motor")
        assert text == expected["result"]

        text, mime = _text(await session.read_resource("tia://devices/PLC_1/blocks/DB_Plant/scl"))
        assert mime == "text/x-scl" and 'DATA_BLOCK "DB_Plant"' in text

        await _call(session, "tags_create", deviceName="PLC_1", name="Motor Start", dataType="Bool",
                    logicalAddress="%I0.0")
        text, _ = _text(await session.read_resource("tia://devices/PLC_1/tag-tables"))
        table = next(t["name"] for t in msgspec.json.decode(text) if t["tagCount"])
        # Names are percent-encoded in URIs ("Default tag table" has spaces).
        address = resources.uri("devices", "PLC_1", "tag-tables", table)
        assert " " not in address
        text, _ = _text(await session.read_resource(address))
        assert {"name": "Motor Start", "logicalAddress": "%I0.0"}.items() <= next(
            t for t in msgspec.json.decode(text) if t["name"] == "Motor Start").items()
        text, mime = _text(await session.read_resource(address + "/xml"))
        assert mime == "application/xml" and "Motor Start" in text


async def test_last_compile_and_jobs(live: Live) -> None:
    async with http_session(live) as session:
        await _fresh_project(session, "McpJobs")
        last = msgspec.json.decode(_text(await session.read_resource("tia://compile/last"))[0])
        assert last["operation"] == "devices.compile-software" and last["status"] == "Completed"
        assert last["result"]["state"] == "Success" and last["result"]["errorCount"] == 0

        jobs = msgspec.json.decode(_text(await session.read_resource("tia://jobs"))[0])
        assert jobs["total"] >= 4 and jobs["jobs"][0]["jobId"] == last["jobId"]
        one = msgspec.json.decode(_text(await session.read_resource(f"tia://jobs/{last['jobId']}"))[0])
        assert one["result"] == last["result"]

        # A compile with errors is the last result then, diagnostics and all.
        await _call(session, "blockgeneration_generate-and-import", deviceName="PLC_1", spec=BROKEN)
        await _call(session, "devices_compile-software", deviceName="PLC_1")
        last = msgspec.json.decode(_text(await session.read_resource("tia://compile/last"))[0])
        assert last["result"]["state"] == "Error" and last["result"]["errorCount"] == 1
        assert [(d["block"], d["code"]) for d in last["result"]["diagnostics"]] == [("FC_Broken", "TYPE_MISMATCH")]


async def test_unknown_or_missing_resources_are_protocol_errors(live: Live) -> None:
    async with http_session(live) as session:
        await _fresh_project(session, "McpMissing", with_program=False)
        for address in ("tia://nothing/here", "file:///etc/passwd", "tia://devices/PLC_1/blocks/NoSuchBlock/scl",
                        "tia://devices/NOPE/blocks", "tia://jobs/0000",
                        # a name no TIA object can have (U+000B) is not found, as on a read's route
                        "tia://devices/PLC_1/blocks/FB%0B1/scl", "tia://devices/PL%0BC_1/blocks"):
            with pytest.raises(MCPError) as caught:
                await session.read_resource(address)
            assert caught.value.error.code == -32602 and "resource not found" in caught.value.error.message, address
        # A domain error other than "not found" keeps its REST code.
        await session.call_tool("projects_close", {"confirm": True})
        with pytest.raises(MCPError) as caught:
            await session.read_resource("tia://project")
        assert "NO_PROJECT_OPEN" in caught.value.error.message


async def test_a_lad_block_has_no_scl_resource_but_its_xml(live: Live) -> None:
    async with http_session(live) as session:
        await _fresh_project(session, "McpLad", with_program=False)
        await _call(session, "blocks_create", deviceName="PLC_1", name="FC_Lad", blockType="FC", language="LAD")
        listed = {r.uri for r in (await session.list_resources()).resources}
        assert "tia://devices/PLC_1/blocks/FC_Lad/xml" in listed
        assert "tia://devices/PLC_1/blocks/FC_Lad/scl" not in listed
        with pytest.raises(MCPError) as caught:
            await session.read_resource("tia://devices/PLC_1/blocks/FC_Lad/scl")
        assert "NO_SCL_SOURCE" in caught.value.error.message
        assert caught.value.error.data["code"] == "NO_SCL_SOURCE"


async def test_a_viewer_reads_resources(live: Live) -> None:
    async with http_session(live) as engineer:
        await _fresh_project(engineer, "McpViewer")
    async with http_session(live, role="viewer") as viewer:
        listed = {r.uri for r in (await viewer.list_resources()).resources}
        assert "tia://devices/PLC_1/blocks/FB_Motor/scl" in listed
        text, _ = _text(await viewer.read_resource("tia://devices/PLC_1/blocks/FB_Motor/scl"))
        assert 'FUNCTION_BLOCK "FB_Motor"' in text
        assert msgspec.json.decode(_text(await viewer.read_resource("tia://project"))[0])["projectName"] == "McpViewer"
        # ... but still cannot change anything through tools.
        refused = await viewer.call_tool("projects_save", {})
        assert refused.is_error and structured(refused)["code"] == "FORBIDDEN"


async def test_prompts_list_and_get(live: Live) -> None:
    async with http_session(live) as session:
        listed = {p.name: p for p in (await session.list_prompts()).prompts}
        assert 4 <= len(listed) <= 6 and "fix_compile_errors" in listed
        review = listed["review_block"]
        assert {(a.name, a.required) for a in review.arguments} == {("deviceName", True), ("blockName", True)}

        got = await session.get_prompt("review_block", {"deviceName": "PLC_1", "blockName": "FB_Motor"})
        (message,) = got.messages
        assert message.role == "user"
        assert "`tia://devices/PLC_1/blocks/FB_Motor/scl`" in message.content.text
        assert "`blocks_cross-references`" in message.content.text

        # An optional argument takes its default.
        program = await session.get_prompt("create_plc_program", {"description": "a conveyor with two sensors"})
        assert "a conveyor with two sensors" in program.messages[0].content.text
        assert '"PLC_1"' in program.messages[0].content.text


async def test_prompt_errors_are_protocol_errors(live: Live) -> None:
    async with http_session(live) as session:
        with pytest.raises(MCPError) as caught:
            await session.get_prompt("review_block", {"deviceName": "PLC_1"})
        assert caught.value.error.code == -32602 and "blockName" in caught.value.error.message
        with pytest.raises(MCPError) as caught:
            await session.get_prompt("no_such_prompt", {})
        assert caught.value.error.code == -32602 and "unknown prompt 'no_such_prompt'" in caught.value.error.message


def test_every_tool_a_prompt_names_exists(live: Live) -> None:
    catalog = {spec.name for spec in tool_catalog(live.services).tools()}
    for spec in prompts.PROMPTS:
        content = prompts.get_prompt(spec.name, {a.name: "X" for a in spec.arguments}).messages[0].content
        assert isinstance(content, types.TextContent), spec.name
        text = content.text
        named = [t for t in re.findall(r"`([^`]+)`", text) if not t.startswith("tia://")]
        assert named, spec.name
        assert set(named) <= catalog, (spec.name, set(named) - catalog)
        for address in re.findall(r"`(tia://[^`]+)`", text):
            assert address.split("/")[2] in ("project", "devices", "compile", "jobs"), address


async def test_stdio_serves_resources_and_prompts(tmp_path) -> None:
    async with stdio_session(["--data-dir", str(tmp_path / "stdio")]) as session:
        caps = session.server_capabilities
        assert caps is not None and caps.resources is not None and caps.prompts is not None
        assert "tia://jobs" in {r.uri for r in (await session.list_resources()).resources}
        got = await session.get_prompt("fix_compile_errors", {"deviceName": "PLC_1"})
        assert "`devices_compile-software`" in got.messages[0].content.text
