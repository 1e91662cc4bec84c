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


def test_a_connection_s_tag_mappings_are_declared_calls_over_rest(client: Any, admin_headers: dict[str, str],
                                                                  engineer_headers: dict[str, str]) -> None:
    """runtime.connections.tags.list and .replace: the admin key's role, and a refused replacement changes nothing."""
    made = client.post("/api/runtime/connections", headers=admin_headers,
                       json={"name": "Mapped", "kind": "opcua", "endpointUrl": "opc.tcp://127.0.0.1:4840"})
    assert made.status_code == 201, made.text
    tags = f"/api/runtime/connections/{made.json()['data']['connectionId']}/tags"
    speed = {"name": "Speed", "dataType": "Real", "nodeId": 'ns=3;s="Motor_DB"."Speed"', "writable": True}
    replaced = client.put(tags, headers=admin_headers, json={"tags": [speed]})
    assert replaced.status_code == 200, replaced.text
    assert [t["name"] for t in replaced.json()["data"]] == ["Speed"]
    assert client.put(tags, headers=engineer_headers, json={"tags": []}).status_code == 403
    refused = client.put(tags, headers=admin_headers, json={"tags": [{"name": "NoNode", "dataType": "Real"}]})
    assert refused.status_code == 422 and refused.json()["code"] == "MAPPING_INVALID", refused.text
    listed = client.get(tags, headers=admin_headers)
    assert listed.status_code == 200 and listed.json()["data"] == [{**speed, "address": None}], listed.text
    assert client.get("/api/runtime/connections/nope/tags", headers=admin_headers).status_code == 404


def test_an_alarm_definition_update_is_a_declared_keyed_call(client: Any, admin_headers: dict[str, str]) -> None:
    """runtime.alarm-definitions.update: a rename through the route's name; a retry with the same key answers the
    first update and renames nothing again; the old name is then gone."""
    rt = "/api/runtime/alarm-definitions"
    made = client.post(rt, headers=admin_headers, json={"name": "Old", "kind": "discrete", "tag": '"Line_DB".Bit'})
    assert made.status_code == 201, made.text
    keyed = {**admin_headers, "Idempotency-Key": "rename-old"}
    body = {"name": "New", "kind": "discrete", "tag": '"Line_DB".Bit', "text": "Renamed"}
    first = client.put(f"{rt}/Old", headers=keyed, json=body)
    assert first.status_code == 200 and first.json()["data"]["name"] == "New", first.text
    again = client.put(f"{rt}/Old", headers=keyed, json=body)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert client.put(f"{rt}/Old", headers=admin_headers, json=body).status_code == 404
    names = {d["name"] for d in client.get(rt, headers=admin_headers).json()["data"]}
    assert "New" in names and "Old" not in names
