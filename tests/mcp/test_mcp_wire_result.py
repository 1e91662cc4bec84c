"""A tool call's answer as the server hands it to the SDK: the wire form of ``CallToolResult`` (a plain dict, which
the SDK validates and shapes for the negotiated protocol version), and output schemas a client checks cheaply."""

from __future__ import annotations

from typing import Any

import pytest
from mcp_types import SERVER_INFO_META_KEY, methods
from mcp_types.version import KNOWN_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS

from engineering_api.backend.areas.blocks import BlockInfo
from engineering_api.mcp.direct_calls import SHAPES, shaped
from engineering_api.mcp.results import TEXT_BUDGET, ResultStore, output_schema
from engineering_api.mcp.server import to_result
from engineering_api.mcp.tool_types import ToolOutcome

_BLOCKS = [{"name": f"FC_{n}", "blockType": "FC", "number": n} for n in range(3)]


@pytest.mark.parametrize("version", KNOWN_PROTOCOL_VERSIONS)
@pytest.mark.parametrize("data", [_BLOCKS, {"errorCount": 0}, "x" * (2 * TEXT_BUDGET)], ids=["list", "object", "cut"])
def test_the_answer_is_a_valid_call_tool_result_of_every_protocol_version(version: str, data: Any) -> None:
    wire = to_result(ToolOutcome(data=data, text="done."), ResultStore(), "key")
    shaped = methods.serialize_server_result("tools/call", version, wire)
    assert shaped["content"][0]["type"] == "text" and shaped["content"][0]["text"].startswith("done.")
    if isinstance(data, str):  # cut at the budget: a link to the whole follows the text
        assert shaped["content"][1]["type"] == "resource_link"
        assert shaped["content"][1]["uri"].startswith("tia://results/")
    if version >= "2025-06-18":
        assert shaped["structuredContent"] == (data if isinstance(data, dict) else {"result": data})


def test_an_error_outcome_is_an_error_result() -> None:
    wire = to_result(ToolOutcome(data={"code": "NOT_FOUND"}, text="NOT_FOUND: no block", is_error=True),
                     ResultStore(), "key")
    assert methods.serialize_server_result("tools/call", "2025-11-25", wire)["isError"] is True


def _items_naming_only_a_type(schema: Any) -> list[Any]:
    found = []
    if isinstance(schema, dict):
        items = schema.get("items")
        if isinstance(items, dict) and set(items) <= {"type"}:
            found.append(items)
        for value in schema.values():
            found += _items_naming_only_a_type(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _items_naming_only_a_type(value)
    return found


def test_a_list_result_schema_does_not_check_each_item_for_a_bare_type() -> None:
    # jsonschema spends ~13 us per element on such an items schema, on every call a client validates.
    schema = output_schema(list[BlockInfo], destructive=False)
    assert schema == {"type": "object", "properties": {"result": {"type": "array"}}, "required": ["result"]}
    assert _items_naming_only_a_type(output_schema(list[BlockInfo], destructive=True)) == []


@pytest.mark.parametrize("version", KNOWN_PROTOCOL_VERSIONS)
@pytest.mark.parametrize("outcome", [
    ToolOutcome(data=_BLOCKS, text="done."), ToolOutcome(data={"errorCount": 0}, text="done."),
    ToolOutcome(data="x" * (2 * TEXT_BUDGET), text="done."),
    ToolOutcome(data={"code": "NOT_FOUND"}, text="NOT_FOUND: no block", is_error=True),
], ids=["list", "object", "cut", "error"])
def test_a_directly_answered_call_is_what_the_sdks_sieve_makes_of_the_result(version: str,
                                                                             outcome: ToolOutcome) -> None:
    """The middleware answering tools/call skips the SDK's validation and dump of the result: this pins that its
    answer is what the SDK would send, for every protocol version the SDK knows (it fails when the SDK changes)."""
    wire = to_result(outcome, ResultStore(), "key")
    stamp = {"name": "engineering-api", "version": "1"}
    expected = methods.serialize_server_result("tools/call", version, dict(wire))
    if version in MODERN_PROTOCOL_VERSIONS:  # the SDK stamps serverInfo on a 2026-era result after the sieve
        expected = {**expected, "_meta": {SERVER_INFO_META_KEY: stamp}}
    assert version in SHAPES, f"protocol {version} is new: compare its shape, then list it in direct_calls.SHAPES"
    assert shaped(wire, version, lambda: dict(stamp)) == expected
    assert SHAPES <= set(KNOWN_PROTOCOL_VERSIONS)


def test_an_errors_details_reach_the_wire_in_their_json_forms() -> None:
    """An exception's details may hold what json.dumps (the 2026-07-28 path's encoder) cannot write."""
    import datetime
    import json

    when = datetime.datetime(2026, 11, 25, 4, 0, tzinfo=datetime.timezone.utc)
    wire = to_result(ToolOutcome(data={"code": "LOCKED", "details": {"since": when}}, text="LOCKED: busy",
                                 is_error=True), ResultStore(), "key")
    answer = shaped(wire, "2026-07-28", dict)
    assert json.loads(json.dumps(answer))["structuredContent"]["details"]["since"] == "2026-11-25T04:00:00Z"
