"""A program downloaded to a running simulation, with its tags, for the runtime end-to-end tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import Headers, configure, data
from tests.scl_frames import main_ob

__all__ = ("DEVICE", "SCL", "TAGS", "download_line")

DEVICE = "/api/devices/PLC_1"

SCL = """
DATA_BLOCK "Line_DB"
{ S7_Optimized_Access := 'TRUE' }
VAR
   Count : DInt;
   Setpoint : Real := 1.5;
   Internal { ExternalAccessible := 'False'} : Int;
END_VAR
BEGIN
END_DATA_BLOCK

""" + main_ob('IF "Run_PB" THEN', '   "Line_DB".Count := "Line_DB".Count + 1;', 'END_IF;', '"Lamp" := "Run_PB";')

TAGS = ({"name": "Run_PB", "dataType": "Bool", "logicalAddress": "%I0.0"},
        {"name": "Lamp", "dataType": "Bool", "logicalAddress": "%Q0.0", "hmiWriteable": False},
        {"name": "Service_Key", "dataType": "Bool", "logicalAddress": "%I0.1", "hmiAccessible": False})


def download_line(client: Any, h: Headers, tags: tuple[dict[str, Any], ...] = TAGS, scl: str = SCL,
                  config: dict[str, Any] | None = None) -> None:
    """PLC_1 gets ``tags`` and the program ``scl``, downloaded through HTTP to a SingleStep PLCSim instance "Line"
    (``config``: more of the instance's configuration, such as its cycle time)."""
    assert configure(client, h, "PLC_1", "192.168.0.10").status_code == 200
    for tag in tags:
        data(client.post(f"{DEVICE}/tags", json=tag, headers=h))
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=h))
    data(client.post(f"{DEVICE}/external-sources/import-and-generate",
                     json={"SourceName": "Line.scl", "SclContent": scl}, headers=h))
    data(client.post("/api/simulation/instances/create", json={"name": "Line", "cpuType": "CPU1516"}, headers=h))
    data(client.put("/api/simulation/instances/Line/network", json={"ipAddress": "192.168.0.10"}, headers=h))
    data(client.put("/api/simulation/instances/Line/config", json={"operatingMode": "SingleStep", **(config or {})},
                    headers=h))
    data(client.post("/api/simulation/instances/Line/power-on", headers=h))
    downloaded = data(client.post(f"{DEVICE}/actions/download-sync", json={"startAfterDownload": True}, headers=h))
    assert downloaded["state"] == "Success", downloaded
