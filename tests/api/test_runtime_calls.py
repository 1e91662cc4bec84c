"""The runtime API's calls declared as operations, over REST (their MCP side: tests/mcp/test_mcp_runtime_tools.py)."""

from __future__ import annotations

from typing import Any


def test_a_runtime_admin_call_runs_its_declared_handler_over_rest(client: Any, admin_headers: dict[str, str],
                                                                   viewer_headers: dict[str, str]) -> None:
    """The alarm-definition routes run the declaration's handler with its key role (admin), as the MCP tools do."""
    rt = "/api/runtime/alarm-definitions"
    made = client.post(rt, headers=admin_headers, json={"name": "Gone", "kind": "discrete", "tag": '"Line_DB".Bit',
                                                        "text": "Goes away", "alarmClass": "Warnings"})
    assert made.status_code == 201, made.text
    assert client.delete(f"{rt}/Gone", headers=viewer_headers).status_code == 403
    gone = client.delete(f"{rt}/Gone", headers=admin_headers)
    assert gone.status_code == 200 and gone.json()["data"]["name"] == "Gone"
    again = client.delete(f"{rt}/Gone", headers=admin_headers)
    assert again.status_code == 404, again.text
    assert "Gone" not in {d["name"] for d in client.get(rt, headers=admin_headers).json()["data"]}
