"""A tool error tells an MCP client (or the assistant) which tool to call and with what, not which REST route:
the domain's messages name routes for REST callers, the tool layer names the tool serving each."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from engineering_api.backend.areas.online_rules import HOW_TO_BIND
from engineering_api.lib.security import Role
from engineering_api.mcp.tools import call_tool, tool_catalog
from tests.conftest import assert_error


def _call(services: Any, tool: str, arguments: dict[str, Any]) -> Any:
    _, secret = services.keys.create("mcp-errors", "engineer")
    principal = services.keys.verify(secret)
    return asyncio.run(call_tool(services, tool, arguments, principal, via="mcp", session_id="s"))


def test_an_error_names_the_tool_and_the_argument_to_change(client: Any, services: Any, admin_headers: Any,
                                                             plc: Any) -> None:
    client.post("/api/projects/actions/simulation-support", json={"enabled": False}, headers=admin_headers)
    rest = assert_error(client.post("/api/devices/PLC_1/actions/download-sync", headers=admin_headers), 409,
                        "SIMULATION_SUPPORT_DISABLED")
    assert "(POST /api/projects/actions/simulation-support" in rest["message"]  # REST keeps its own words

    refused = _call(services, "devices_download", {"deviceName": "PLC_1", "confirm": True})
    assert refused.is_error and refused.code == "SIMULATION_SUPPORT_DISABLED"
    for said in (refused.text, refused.data["message"]):
        assert '(tool projects_simulation-support with {"enabled": true})' in said, said
        assert "/api/" not in said


def test_path_parameters_become_arguments_and_unserved_routes_stay(services: Any) -> None:
    routes = tool_catalog(services).routes
    assert routes.rewrite("Compile it (POST /api/devices/PLC%201/actions/compile-software-sync).") == (
        'Compile it (tool devices_compile-software with {"deviceName": "PLC 1"}).')
    assert routes.rewrite("Go offline (DELETE /api/devices/PLC_1/online) first.") == (
        'Go offline (tool devices_online_go-offline with {"deviceName": "PLC_1"}) first.')
    assert routes.rewrite("Log it: PUT /api/runtime/history/settings.") == (
        "Log it: tool runtime_history_settings_save.")
    # No tool serves a file download or the runtime's login: the route is the only way, so it stays.
    assert routes.rewrite("fetch it with GET /api/files?path=") == "fetch it with GET /api/files?path="
    assert routes.rewrite("a token from POST /api/runtime/auth/login") == "a token from POST /api/runtime/auth/login"


_PLACEHOLDER = re.compile(r"\{\w+(?::\w+)?\}")


def test_a_route_named_by_its_template_names_the_arguments_to_fill(services: Any) -> None:
    """A message may name a route by its template (the bind hint: ``PUT /api/simulation/instances/{name}/network``):
    its parameters are arguments the reader fills, not values. The hint said ``with {"name": "{name}"}``."""
    routes = tool_catalog(services).routes
    said = routes.rewrite(HOW_TO_BIND)
    assert "tool simulation_instances_configure-network (argument name)" in said, said
    unfilled = {}
    for spec in tool_catalog(services).tools(Role.ADMIN):
        route = spec.operation.route if spec.operation is not None else None
        if route is None or not _PLACEHOLDER.search(route.path):
            continue
        mention = routes.rewrite(f"see {route.method} {route.path}.")
        if _PLACEHOLDER.search(mention) or "/api/" in mention:
            unfilled[spec.name] = mention
    assert not unfilled, unfilled
