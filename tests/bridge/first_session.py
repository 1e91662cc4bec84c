"""The first Windows session, through HTTP, on the stand-in build this process loaded (walked by
tests/bridge/test_first_session.py; run as a script, ``ENGINEERING_API_STANDIN_VERSION=V18 python -m
tests.bridge.first_session DIR``, it prints the report as JSON on its last line).

The walk: ``doctor --smoke``'s calls, portal, project, a CPU, an SCL FB and its instance DB (SimaticML generated from
a spec) and a global DB as raw SimaticML, compile, export, a PLCSIM Advanced instance, download, and a tag read of the
instance DB's member. Then what the version lacks, each through its HTTP route: the hardware catalog, library type
editing, WinCC Unified groups; and a Unified connection with a partner, refused until the panel is connected to the
PLC in TIA's network view (Openness cannot set ``HmiConnection.Partner``), then kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from engineering_api.app import create_app, create_services
from engineering_api.backend.smoke import smoke
from engineering_api.config import Settings

CPU = "6ES7 516-3AN02-0AB0"
MTP700 = "6AV2 128-3GB06-0AX1"
DEVICE = "/api/devices/PLC_1"
INSTANCE = "/api/simulation/instances/Line1_PLC"
COUNTER = {"blockType": "FB", "name": "Counter", "language": "SCL",
           "interface": {"Input": [{"name": "enable", "dataType": "Bool"}],
                         "Static": [{"name": "count", "dataType": "Int"}]},
           "networks": [{"scl": "IF #enable THEN\n    #count := #count + 1;\nEND_IF;"}]}
COUNTER_DB = {"blockType": "InstanceDB", "name": "CounterDB", "instanceOf": "Counter"}
SETTINGS_DB = """<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="VERSION" />
  <SW.Blocks.GlobalDB ID="0">
    <AttributeList>
      <Interface><Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5">
        <Section Name="Static"><Member Name="limit" Datatype="Int"><StartValue>7</StartValue></Member></Section>
      </Sections></Interface>
      <MemoryLayout>Optimized</MemoryLayout>
      <Name>Settings</Name>
      <Number>5</Number>
      <ProgrammingLanguage>DB</ProgrammingLanguage>
    </AttributeList>
  </SW.Blocks.GlobalDB>
</Document>
"""


def _answer(response: Any) -> dict[str, Any]:
    body = response.json()
    return {"status": response.status_code, "code": body.get("code"), "message": body.get("message", ""),
            "data": body.get("data")}


def main(root: Path) -> dict[str, Any]:
    from openness_bridge.standin import standin_backend

    settings = Settings.from_env(data_dir=root / "data", backend="openness")
    bridge = standin_backend(root / "state")
    report: dict[str, Any] = {}
    bridge.on_worker_thread_started()
    walked = smoke(bridge, "openness", scratch_root=root / "smoke")
    report["smoke"] = {step.name: step.ok for step in walked.steps}
    services = create_services(settings, backend=bridge)
    with TestClient(create_app(settings, services=services), base_url="http://127.0.0.1") as client:
        h = {"X-API-Key": settings.secret_path.read_text(encoding="utf-8").strip()}
        launched = _answer(client.post("/api/instance/actions/launch", json={}, headers=h))
        report["version"] = (launched["data"] or {}).get("version", launched)
        report["project"] = _answer(client.post("/api/projects/actions/create-sync", json={"name": "Line1"},
                                                headers=h))
        report["add"] = _answer(client.post("/api/projects/devices/actions/add-sync",
                                            json={"OrderNumber": CPU, "Name": "PLC_1"}, headers=h))
        report["network"] = client.post(f"{DEVICE}/actions/configure-network-sync",
                                        json={"ipAddress": "192.168.0.10"}, headers=h).status_code
        client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=h)
        report["imports"] = [_answer(client.post("/api/blockgeneration/generate-and-import",
                                                 json={"spec": spec, "deviceName": "PLC_1"}, headers=h))
                             for spec in (COUNTER, COUNTER_DB)]
        raw = SETTINGS_DB.replace("VERSION", report["version"])
        report["imports"].append(_answer(client.post(f"{DEVICE}/blocks", json={"rawXml": raw}, headers=h)))
        report["compile"] = _answer(client.post(f"{DEVICE}/actions/compile-software-sync", headers=h))
        exported = client.get(f"{DEVICE}/blocks/CounterDB/export-xml", headers=h)
        report["export"] = exported.status_code == 200 and "SW.Blocks.InstanceDB" in exported.text
        client.post("/api/simulation/instances/create", json={"name": "Line1_PLC", "cpuType": "CPU1516"}, headers=h)
        client.put(f"{INSTANCE}/network", json={"ipAddress": "192.168.0.10"}, headers=h)
        client.post(f"{INSTANCE}/power-on", headers=h)
        report["download"] = _answer(client.post(f"{DEVICE}/actions/download-sync", json={}, headers=h))
        client.post("/api/simulation/connect", json={"instanceName": "Line1_PLC"}, headers=h)
        report["tag"] = _answer(client.get("/api/simulation/tags/CounterDB.count", headers=h))
        report["settingsTag"] = _answer(client.get("/api/simulation/tags/Settings.limit", headers=h))
        # What the version lacks, each through its route.
        report["catalog"] = _answer(client.post("/api/catalog/actions/find-sync", json={"orderNumber": CPU},
                                                headers=h))
        report["edit"] = _answer(client.post("/api/project/library/types/versions",
                                             json={"typeName": "Counter", "action": "edit", "deviceName": "PLC_1"},
                                             headers=h))
        client.post("/api/projects/devices/actions/add-sync", json={"OrderNumber": MTP700, "Name": "HMI_U"}, headers=h)
        document: dict[str, Any] = {"format": "engineering-api.hmi-unified", "deviceName": "HMI_U",
                                    "screens": [{"name": "Pump", "folder": "Plant", "width": 800, "height": 480}]}
        grouped = root / "data" / "workspace" / "grouped.json"  # inside the file roots
        grouped.write_text(json.dumps(document), encoding="utf-8")
        report["unifiedGroups"] = _answer(client.post("/api/devices/HMI_U/hmi/unified/actions/import",
                                                      json={"importFilePath": str(grouped)}, headers=h))
        document["screens"] = [{"name": "Overview", "width": 800, "height": 480}]
        document["connections"] = [{"name": "HMI_Connection_1", "partner": "PLC_1",
                                    "communicationDriver": "SIMATIC S7 1500"}]
        grouped.write_text(json.dumps(document), encoding="utf-8")
        unified = {"importFilePath": str(grouped)}
        report["unconnected"] = _answer(client.post("/api/devices/HMI_U/hmi/unified/actions/import", json=unified,
                                                    headers=h))
        read = _answer(client.get("/api/devices/HMI_U/hmi/unified", headers=h))["data"] or {}
        report["unconnectedScreens"] = [s["name"] for s in read.get("screens", [])]
        from StandIn.Control import NetworkView  # the engineer connects the panel to PLC_1 in TIA's network view

        NetworkView.ConnectPanel("HMI_U", "HMI_Connection_1", "PLC_1")
        report["unified"] = _answer(client.post("/api/devices/HMI_U/hmi/unified/actions/import", json=unified,
                                                headers=h))
        read = _answer(client.get("/api/devices/HMI_U/hmi/unified", headers=h))["data"] or {}
        report["connections"] = read.get("connections")
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1])), default=str))
