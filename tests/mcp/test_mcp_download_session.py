"""A download through MCP leaves the simulation instance it loaded connected when none was, so the tag reads and
test runs that follow (they act on the connected instance) reach the program just loaded; a session connected to
another instance is kept."""

from __future__ import annotations

import asyncio
from typing import Any

from engineering_api.mcp.tools import call_tool
from tests.contract.stub_engine import make_instance


def _call(services: Any, tool: str, arguments: dict[str, Any]) -> Any:
    _, secret = services.keys.create("mcp-download", "engineer")
    return asyncio.run(call_tool(services, tool, arguments, services.keys.verify(secret), via="mcp", session_id="s"))


def test_a_download_connects_the_instance_it_loaded_when_none_is(services: Any, plc: Any) -> None:
    assert _call(services, "simulation_state", {}).data["connected"] is False
    loaded = _call(services, "devices_download", {"deviceName": "PLC_1", "confirm": True})
    assert not loaded.is_error, loaded.text
    assert loaded.data["instanceName"] == "Sim_PLC_1"
    assert 'The simulation instance "Sim_PLC_1" is connected for tag access.' in [
        message["message"] for message in loaded.data["messages"]]
    state = _call(services, "simulation_state", {}).data
    assert state["connected"] is True and state["connectedInstance"] == "Sim_PLC_1", state
    # the next tag read looks in the loaded program (it answered SIM_NOT_CONNECTED; the stub program has no tags)
    read = _call(services, "simulation_tags_read", {"tagName": "NoSuchTag"})
    assert read.code == "SIM_TAG_NOT_FOUND" and "loaded program" in read.text, read.text


def test_a_download_keeps_a_session_connected_to_another_instance(services: Any, plc: Any) -> None:
    make_instance(services.backend.plcsim, "Other")
    assert not _call(services, "simulation_connect", {"instanceName": "Other"}).is_error
    loaded = _call(services, "devices_download", {"deviceName": "PLC_1", "confirm": True})
    assert not loaded.is_error, loaded.text
    assert _call(services, "simulation_state", {}).data["connectedInstance"] == "Other"
