"""The Openness bridge from the outside: the service runs with ``backend=openness`` over the C# stand-ins
(Mono), and a pipeline's day goes through HTTP only: portal, project, PLC, network, tags, blocks, compile,
export, PLCSIM instance, download, online compare, CPU state and tag values; then the errors a client sees
(404, 409, 501 ``NO_OPENNESS_EQUIVALENT``) in the wire format."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.conftest import assert_error, configure, data
from tests.contract.conftest import CPU
from tests.api.bridge_routes import DB, DEVICE, INSTANCE

UDT = {"blockType": "UDT", "name": "UDT_Motor",
       "interface": {"None": [{"name": "Speed", "dataType": "Real"}, {"name": "Running", "dataType": "Bool"}]}}


def test_a_pipeline_drives_the_bridge_through_http(bridge_client: tuple[TestClient[Any], dict[str, str]]) -> None:
    client, h = bridge_client
    assert client.get("/api/health").status_code == 200
    portal = data(client.post("/api/instance/actions/launch", json={}, headers=h))
    assert portal["attached"] is True and portal["version"] == "V19"
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=h))
    data(client.post("/api/projects/devices/actions/add-sync", json={"OrderNumber": CPU, "Name": "PLC_1"}, headers=h))
    assert configure(client, h, "PLC_1", "192.168.0.10").status_code == 200
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=h))

    tag = data(client.post(f"{DEVICE}/tags", json={"name": "Start_PB", "dataType": "Bool", "logicalAddress": "%I0.0"},
                           headers=h))
    assert (tag["tag"]["logicalAddress"], tag["warnings"]) == ("%I0.0", [])
    for spec in (UDT, DB):
        data(client.post("/api/blockgeneration/generate-and-import", json={"spec": spec, "deviceName": "PLC_1"},
                         headers=h))
    blocks = {b["name"]: b for b in data(client.get(f"{DEVICE}/blocks", headers=h))}
    assert blocks["Data"]["number"] == 1
    compiled = data(client.post(f"{DEVICE}/actions/compile-software-sync", headers=h))
    assert compiled["state"] == "Success"
    exported = client.get(f"{DEVICE}/blocks/Data/export-xml", headers=h)
    assert exported.status_code == 200 and "SW.Blocks.GlobalDB" in exported.text

    data(client.post("/api/simulation/instances/create", json={"name": "Line1_PLC", "cpuType": "CPU1516"}, headers=h))
    data(client.put(f"{INSTANCE}/network", json={"ipAddress": "192.168.0.10"}, headers=h))
    data(client.put(f"{INSTANCE}/config", json={"operatingMode": "SingleStep"}, headers=h))
    data(client.post(f"{INSTANCE}/power-on", headers=h))
    downloaded = data(client.post(f"{DEVICE}/actions/download-sync", json={}, headers=h))
    assert downloaded["state"] == "Success" and downloaded["instanceName"] == "Line1_PLC"  # bound by its IP
    assert data(client.post(f"{DEVICE}/online", json={}, headers=h))["online"] is True
    assert data(client.post(f"{DEVICE}/actions/compare", json={}, headers=h))["identical"] is True
    data(client.post(f"{DEVICE}/cpu/actions/start", json={}, headers=h))
    assert data(client.get(f"{DEVICE}/cpu/status", headers=h))["operatingState"] == "Run"
    data(client.post("/api/simulation/connect", json={"instanceName": "Line1_PLC"}, headers=h))
    data(client.put("/api/simulation/tags/%25MW10", json={"value": 513}, headers=h))
    assert data(client.get("/api/simulation/tags/%25MB11", headers=h))["value"] == 1

    # What a client sees when TIA (or Openness) says no: real status codes, stable codes, the reason.
    assert_error(client.get("/api/devices/PLC_9/blocks", headers=h), 404, "DEVICE_NOT_FOUND")
    refused = assert_error(client.post(f"{DEVICE}/actions/download-sync", json={}, headers=h), 409, "CPU_IN_RUN")
    assert "stopCpu" in refused["message"]
    history = assert_error(client.get("/api/projects/history", headers=h), 501, "NO_OPENNESS_EQUIVALENT")
    assert "HistoryEntries" in history["message"]
