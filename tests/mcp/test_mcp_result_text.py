"""What a tool result's text says first, read through the tool layer MCP and the assistant share (call_tool):
a download's first line is about the download, and a catalog search's hits all fit in the text."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from engineering_api.mcp.results import TEXT_BUDGET, ResultStore
from engineering_api.mcp.server import to_result
from engineering_api.mcp.tools import call_tool
from tests.conftest import data


def _call(services: Any, tool: str, arguments: dict[str, Any]) -> Any:
    _, secret = services.keys.create("mcp-results", "engineer")
    principal = services.keys.verify(secret)
    return asyncio.run(call_tool(services, tool, arguments, principal, via="mcp", session_id="s"))


def test_a_download_result_says_what_was_downloaded_where(services: Any, plc: Any) -> None:
    outcome = _call(services, "devices_download", {"deviceName": "PLC_1", "confirm": True})
    assert not outcome.is_error, outcome.text
    first = outcome.text.split("\n", 1)[0]
    count = outcome.data["objectCount"]
    assert outcome.data["state"] == "Warning"  # the stub image warns what the simulation cannot run
    assert first.startswith(f"Download of PLC_1 to the CPU 'Sim_PLC_1' done with warnings: {count} objects loaded; "
                            "the CPU is now in STOP. 1 data block reset to start values: Data."), first
    assert "Compile finished" not in outcome.text


def test_every_hit_of_a_catalog_search_fits_in_the_text(client: Any, services: Any, viewer_headers: Any) -> None:
    outcome = _call(services, "catalog_search", {"query": "CPU 1516"})
    hits = outcome.data
    text = to_result(outcome, ResultStore(), "k")["content"][0]["text"]
    assert len(hits) == 23
    assert f"[cut at {TEXT_BUDGET}" not in text
    assert all(hit["orderNumber"] in text for hit in (h["item"] for h in hits))
    assert {tuple(h["item"]["source"]) for h in hits} == {("url",)}  # short provenance: the product page
    # The whole provenance stays one find away.
    found = data(client.post("/api/catalog/actions/find-sync", json={"orderNumber": hits[0]["item"]["orderNumber"]},
                             headers=viewer_headers))
    assert found["source"]["title"] and found["source"]["notes"]
    assert json.loads(text.split("\n", 1)[1]) == hits


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
