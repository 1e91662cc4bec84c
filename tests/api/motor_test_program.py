"""A motor program with its test cases, for the test harness end-to-end tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.conftest import Headers, data

if TYPE_CHECKING:
    import httpx

__all__ = ("MOTOR", "SCL", "START", "motor_program_with_its_test")

SCL = """
FUNCTION_BLOCK "FB_Motor"
VAR_INPUT Start : Bool; Slot : Int; END_VAR
VAR_OUTPUT Running : Bool; Elapsed : Time; END_VAR
VAR Delay : TON_TIME; Speed : Real; Log : Array[0..3] of Int; END_VAR
BEGIN
  #Delay(IN := #Start, PT := T#2s);
  #Running := #Delay.Q;
  #Elapsed := #Delay.ET;
  IF #Running THEN #Speed := 1500.0; ELSE #Speed := 0.0; END_IF;
  #Log[#Slot] := 1;
END_FUNCTION_BLOCK
DATA_BLOCK "Motor_DB" "FB_Motor" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Motor_DB"();
END_ORGANIZATION_BLOCK
"""

START = {"write": {"tag": '"Motor_DB".Start', "value": True}}

MOTOR: dict[str, Any] = {
    "name": "Motor runs 2 s after start",
    "startCpu": True,
    "setup": [{"write": {"tag": '"Motor_DB".Start', "value": False}}, {"cycles": 1}],
    "steps": [
        START, {"cycles": 1}, {"expect": {"tag": '"Motor_DB".Running', "equals": False}},
        {"advanceMs": 1990}, {"expect": {"tag": '"Motor_DB".Running', "equals": False}},
        {"advanceMs": 20}, {"expect": {"tag": '"Motor_DB".Running', "equals": True}},
        {"expect": {"tag": '"Motor_DB".Elapsed', "equals": 2000}},
        {"expect": {"tag": '"Motor_DB".Speed', "approx": 1500, "tolerance": 0.001}},
    ],
}


def motor_program_with_its_test(client: httpx.Client, h: Headers) -> None:
    """Through HTTP (Litestar's test client or a served app's): the motor program downloaded to PLC_1_SIM in
    SingleStep, and its test case stored."""
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=h))
    data(client.post("/api/devices/PLC_1/external-sources/import-and-generate",
                     json={"SourceName": "motor.scl", "SclContent": SCL}, headers=h))
    data(client.post("/api/simulation/instances/create", json={"name": "PLC_1_SIM", "cpuType": "CPU1516"}, headers=h))
    data(client.post("/api/simulation/instances/PLC_1_SIM/power-on", headers=h))
    data(client.post("/api/devices/PLC_1/actions/download-sync", json={"instanceName": "PLC_1_SIM"}, headers=h))
    data(client.put("/api/simulation/instances/PLC_1_SIM/config", json={"operatingMode": "SingleStep"}, headers=h))
    data(client.post("/api/testharness/tests", json={**MOTOR, "deviceName": "PLC_1", "instanceName": "PLC_1_SIM"},
                     headers=h))
