"""Input schemas an assistant understands: every field described from its Struct's documentation, in plain
words, enumerations naming their values; seen as the SDK's client lists them."""

from __future__ import annotations

import re
from typing import Any

import mcp_types as types
import pytest

from engineering_api.lib.field_docs import plain
from tests import live_http
from tests.mcp.conftest import Live
from tests.mcp.transports import all_tools, http_session
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.anyio

_MARKUP = re.compile(r"``|`|\*\*|:[a-z]+:`|</?(?:b|i|em|strong|code|br|p|a|ul|li|pre)\b")
"""reStructuredText or HTML; a placeholder such as <data-dir> or GetService<T>() is words."""


def _fields(tool: types.Tool) -> list[tuple[str, dict[str, Any]]]:
    schema = tool.input_schema
    found = [(f"{tool.name}.{name}", prop) for name, prop in schema.get("properties", {}).items()]
    for definition, body in schema.get("$defs", {}).items():
        found += [(f"{tool.name}.{definition}.{name}", prop) for name, prop in body.get("properties", {}).items()]
    return found


def _undescribed(tools: list[types.Tool]) -> list[str]:
    return [where for tool in tools for where, prop in _fields(tool) if not prop.get("description")]


def _assert_described_in_plain_words(tools: list[types.Tool]) -> None:
    assert _undescribed(tools) == []
    for tool in tools:
        assert not _MARKUP.search(tool.description or ""), tool.name
        for where, prop in _fields(tool):
            assert not _MARKUP.search(prop["description"]), (where, prop["description"])
            values = prop.get("enum") or next((m["enum"] for m in prop.get("anyOf", ()) if "enum" in m), None)
            if values:
                assert all(str(v) in prop["description"] for v in values), where


async def test_every_field_of_the_core_profile_is_described_in_plain_words(live: Live) -> None:
    async with http_session(live) as session:
        core = await all_tools(session)
    _assert_described_in_plain_words(core)


async def test_every_field_of_every_tool_is_described_in_plain_words(live: Live) -> None:
    async with http_session(live, role="admin", query="?tools=all") as session:
        everything = await all_tools(session)
    _assert_described_in_plain_words(everything)


def test_markup_becomes_plain_words() -> None:
    assert plain("A ``deviceName`` per :class:`~engineering_api.backend.models.DeviceInfo`, *not* **all**.") == (
        "A deviceName per DeviceInfo, not all.")


def test_rest_openapi_gains_the_same_field_descriptions(live: Live) -> None:

    document = live_http.get(f"{live.base}/schema/openapi.json", timeout=HANG_GUARD_S).json()
    properties = document["components"]["schemas"]["DevicesAddRequest"]["properties"]
    assert properties["orderNumber"]["description"].startswith("Article number from the hardware catalog")
    assert "firmware" in properties["version"]["description"].lower()
