"""The motor program of the PLC end-to-end tests and the calls that bring it to a running simulation."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.conftest import Headers, configure, data

__all__ = ("CYCLE_MS", "DEVICE", "INSTANCE", "MOTOR_SCL", "TAGS", "prepare_motor_plant", "read_tag")

DEVICE = "/api/devices/PLC_1"

INSTANCE = "/api/simulation/instances/Line1_PLC"

CYCLE_MS = 10

MOTOR_SCL = """
FUNCTION_BLOCK "FB_Motor"
{ S7_Optimized_Access := 'TRUE' }
   VAR_INPUT
      Start : Bool;      // start request, held by the operator
      Interlock : Bool;  // TRUE: the guard is closed and the motor may run
   END_VAR
   VAR_OUTPUT
      Run : Bool;
   END_VAR
   VAR
      StartDelay : TON_TIME;
   END_VAR
BEGIN
   #StartDelay(IN := #Start AND #Interlock, PT := T#3s);
   #Run := #StartDelay.Q AND #Interlock;
END_FUNCTION_BLOCK

DATA_BLOCK "Motor1_DB"
{ S7_Optimized_Access := 'TRUE' }
"FB_Motor"
BEGIN
END_DATA_BLOCK

ORGANIZATION_BLOCK "Main"
{ S7_Optimized_Access := 'TRUE' }
BEGIN
   "Motor1_DB"(Start := "Start_PB", Interlock := "Guard_Closed", Run => "Motor_On");
END_ORGANIZATION_BLOCK
"""

TAGS = (("Start_PB", "%I0.0"), ("Guard_Closed", "%I0.1"), ("Motor_On", "%Q0.0"))


def read_tag(client: Any, h: Headers, tag: str) -> Any:
    return data(client.get(f"/api/simulation/tags/{quote(tag)}", headers=h))["value"]


def prepare_motor_plant(client: Any, h: Headers) -> None:
    """Steps 1-3 up to the download: project content, compile, instance."""
    assert configure(client, h, "PLC_1", "192.168.0.10").status_code == 200
    for name, address in TAGS:
        data(client.post(f"{DEVICE}/tags", json={"name": name, "dataType": "Bool", "logicalAddress": address},
                         headers=h))
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=h))
    data(client.post(f"{DEVICE}/external-sources/import-and-generate",
                     json={"SourceName": "Motor.scl", "SclContent": MOTOR_SCL}, headers=h))
    compiled = data(client.post(f"{DEVICE}/actions/compile-software-sync", headers=h))
    assert compiled["state"] == "Success" and compiled["errorCount"] == 0, compiled

    data(client.post("/api/simulation/instances/create", json={"name": "Line1_PLC", "cpuType": "CPU1516"}, headers=h))
    data(client.put(f"{INSTANCE}/network", json={"ipAddress": "192.168.0.10"}, headers=h))
    data(client.put(f"{INSTANCE}/config", json={"operatingMode": "SingleStep", "cycleTimeMs": CYCLE_MS}, headers=h))
    data(client.post(f"{INSTANCE}/power-on", headers=h))
