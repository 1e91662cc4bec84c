"""The HMI compile of a WinCC Unified panel on the fake: connections and tags as for classic panels, I/O fields
without a tag, and JavaScript naming missing tags or screens (with line and column)."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.conftest import Headers, add_device, data

MTP700 = "6AV2 128-3GB06-0AX1"
HMI = "/api/devices/HMI_U/hmi"
SCRIPT = "let speed = Tags('Speed').Read();\nHMIRuntime.Tags.SysFct.SetTagValue('Ghost', true);\n" \
         "HMIRuntime.UI.SysFct.ChangeScreen('Nowhere', null);\nHMIRuntime.UI.SysFct.ChangeScreen('Overview', null);"


def test_a_unified_panel_compiles_with_tias_findings(client: TestClient[Any], admin_headers: Headers,
                                                      cpu: dict[str, Any]) -> None:
    h = admin_headers
    add_device(client, h, MTP700, "HMI_U")
    data(client.post(f"{HMI}/connections", json={"name": "HMI_Connection_1", "partner": "PLC_1",
                                                 "communicationDriver": "SIMATIC S7 1500"}, headers=h))
    data(client.post(f"{HMI}/connections", json={"name": "Lost", "partner": "PLC_9",
                                                 "communicationDriver": "SIMATIC S7 1500"}, headers=h))
    data(client.post(f"{HMI}/tags", json={"name": "Speed", "dataType": "Int", "tagTable": "Motor",
                                          "connection": "HMI_Connection_1", "plcTag": "Motor_DB.Speed"}, headers=h))
    data(client.post(f"{HMI}/screens", json={"name": "Overview", "items": [
        {"name": "Speed_IO", "type": "HmiIOField", "tag": "Speed"},
        {"name": "Empty_IO", "type": "HmiIOField"},
        {"name": "Go", "type": "HmiButton", "text": "Go", "events": [{"event": "Tapped", "scriptCode": SCRIPT}]}]},
        headers=h))
    result = data(client.post(f"{HMI}/actions/compile-sync", headers=h))
    found = {(d["code"], d["block"], d["line"], d["column"]) for d in result["diagnostics"]}
    assert ("PARTNER_NOT_FOUND", "Lost", 0, 0) in found
    assert ("MISSING_TAG", "Motor", 0, 0) in found  # PLC_1 has no Motor_DB
    assert ("PROCESS_VALUE_NOT_SET", "Overview", 0, 0) in found
    assert ("MISSING_TAG", "Overview.Go Tapped", 2, 37) in found
    assert ("MISSING_SCREEN", "Overview.Go Tapped", 3, 36) in found
    assert not any(d["message"].endswith("Speed, which does not exist.") for d in result["diagnostics"])
    assert result["state"] == "Error" and result["errorCount"] == 4 and result["warningCount"] == 1
