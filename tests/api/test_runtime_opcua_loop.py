"""The loop through OPC UA, HTTP only: a program downloaded to a PLCSim instance, that instance served over OPC UA,
this API's own OPC UA source connected to it with the mappings imported from the project's PLC, and the runtime
API reading and writing the CPU through that connection as it would a real S7-1500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.runtime_users import RT, login, make_user
from tests.api.runtime_plant import TAGS, download_line
from tests.conftest import data

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

Headers = dict[str, str]


def test_the_runtime_api_reaches_a_simulated_plc_through_its_opcua_server(
    client: Any, admin_headers: Headers, cpu: dict[str, Any],
) -> None:
    h = admin_headers
    download_line(client, h, TAGS[:2])
    server = data(client.put(f"{RT}/opcua-servers/Line", json={}, headers=h), 201)
    try:
        made = data(client.post(f"{RT}/connections", json={"name": "Line over OPC UA", "kind": "opcua",
                                                          "endpointUrl": server["endpointUrl"]}, headers=h), 201)
        imported = data(client.post(f"{RT}/connections/{made['connectionId']}/tags/import",
                                    json={"device": "PLC_1"}, headers=h))
        assert {t["name"] for t in imported["tags"]} == {
            '"Line_DB".Count', '"Line_DB".Setpoint', '"Run_PB"', '"Lamp"'}
        data(client.put(f"{RT}/tag-source", json={"source": "connections"}, headers=h))
        make_user(client, h, "mes", ["read", "write"])
        mes = login(client, "mes")
        values = data(client.post(f"{RT}/tags/values", json={"tagNames": ['"Line_DB".Setpoint', '"Lamp"']},
                                  headers=mes))
        assert [v["value"] for v in values] == [1.5, False] and values[0]["quality"] == "Good"
        written = data(client.put(f"{RT}/tags/values", json={"values": [{"name": '"Run_PB"', "value": True},
                                                                        {"name": '"Lamp"', "value": True}]},
                                  headers=mes))
        assert written[0]["value"] is True and written[1]["error"]["code"] == "TAG_NOT_WRITABLE"
        data(client.post("/api/simulation/instances/Line/actions/step", json={"cycles": 3}, headers=h))
        after = data(client.post(f"{RT}/tags/values", json={"tagNames": ['"Line_DB".Count', '"Lamp"']}, headers=mes))
        assert [v["value"] for v in after] == [3, True]
    finally:
        client.delete(f"{RT}/opcua-servers/Line", headers=h)
