"""A plant program raising alarms, downloaded and running, for the alarm history tests."""

from __future__ import annotations

from typing import Any

from tests.api.runtime_plant import download_line as download_program
from tests.api.runtime_users import RT, make_user
from tests.conftest import CPU, Headers, data
from tests.scl_frames import main_ob

__all__ = ("LEVEL", "SCL", "download_line", "running_plant", "step_cycles")

SCL = """
FUNCTION_BLOCK "Tank"
{ S7_Optimized_Access := 'TRUE' }
VAR_INPUT
   Level : Real;
END_VAR
VAR
   HighLevel : Program_Alarm;
END_VAR
BEGIN
   #HighLevel(SIG := #Level > 90.0, SD_1 := #Level);
END_FUNCTION_BLOCK

DATA_BLOCK "Tank_DB"
{ S7_Optimized_Access := 'TRUE' }
"Tank"
BEGIN
END_DATA_BLOCK

DATA_BLOCK "Line_DB"
{ S7_Optimized_Access := 'TRUE' }
VAR
   Level : Real;
   Count : DInt;
   Hidden { ExternalAccessible := 'False'} : Real;
END_VAR
BEGIN
END_DATA_BLOCK

""" + main_ob('"Tank_DB"(Level := "Line_DB".Level);', '"Line_DB".Count := "Line_DB".Count + 1;')

LEVEL = '"Line_DB".Level'


def download_line(client: Any, h: Headers) -> Headers:
    """PLC_1 (already in the project) gets the program, downloaded to a running SingleStep instance "Line" with 1 s
    cycles; runtime users ``operator`` (read, write, alarmAck) and ``board`` (read). Answers ``h``."""
    download_program(client, h, tags=(), scl=SCL, config={"cycleTimeMs": 1000})
    make_user(client, h, "operator", ["read", "write", "alarmAck"])
    make_user(client, h, "board", ["read"])
    return h


def running_plant(client: Any, h: Headers, project: str) -> None:
    """A new project with PLC_1 running the line (:func:`download_line`), the program alarm ``TankHigh`` defined
    and the level logged every second."""
    data(client.post("/api/projects/actions/create-sync", json={"name": project}, headers=h))
    data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                     headers=h))
    download_line(client, h)
    data(client.post(f"{RT}/alarm-definitions", headers=h, json={
        "name": "TankHigh", "kind": "program", "source": '"Tank_DB".HighLevel', "text": "Tank level high",
        "alarmClass": "Errors"}), 201)
    data(client.put(f"{RT}/history/settings", headers=h, json={"tag": LEVEL, "mode": "cyclic", "periodMs": 1000}))


def step_cycles(client: Any, h: Headers, cycles: int) -> None:
    data(client.post("/api/simulation/instances/Line/actions/step", json={"cycles": cycles}, headers=h))
