"""The simulated line the snapshot tests run: a program whose every cycle depends on the ones before, downloaded to
the SingleStep instance "Line", and how a client reads and steps it (REST and MCP snapshot tests share it)."""

from __future__ import annotations

from typing import Any

from tests.api.runtime_plant import download_line
from tests.conftest import Headers, data
from tests.scl_frames import global_db, main_ob

__all__ = ("LINE", "PROGRAM", "SIM", "SNAPSHOTS", "TAGS", "WATCHED", "running_line", "step", "values")

SIM = "/api/simulation"
LINE = f"{SIM}/instances/Line"
SNAPSHOTS = f"{LINE}/snapshots"

PROGRAM = ("""FUNCTION_BLOCK "Blink"
{ S7_Optimized_Access := 'TRUE' }
   VAR_INPUT
      Enable : Bool;
   END_VAR
   VAR_OUTPUT
      Pulses : DInt;
   END_VAR
   VAR
      T : TON_TIME;
      Phase : Bool;
   END_VAR
BEGIN
   #T(IN := #Enable, PT := T#35MS);
   IF #T.Q THEN
      #Pulses := #Pulses + 1;
      #Phase := NOT #Phase;
   END_IF;
END_FUNCTION_BLOCK

DATA_BLOCK "Blink_DB"
{ S7_Optimized_Access := 'TRUE' }
"Blink"
BEGIN
END_DATA_BLOCK

""" + global_db("Snap_DB", "Count : DInt", "Sum : DInt") + "\n" + main_ob(
    '"Blink_DB"(Enable := "Run_PB" AND "Snap_DB".Count MOD 6 <> 5);',
    '"Snap_DB".Count := "Snap_DB".Count + 1;',
    '"Snap_DB".Sum := "Snap_DB".Sum + "Snap_DB".Count * 3 + "Blink_DB".Pulses;',
    '"Acc" := "Acc" + 7;',
    '"Lamp" := "Blink_DB".Phase;'))
"""Each cycle depends on the ones before: a counter, a sum of it, an IEC timer (10 ms cycles, PT 35 ms) restarted
every 6th cycle, the cycles its Q was on, bit memory and an output toggling while Q is on."""

TAGS = ({"name": "Run_PB", "dataType": "Bool", "logicalAddress": "%I0.0"},
        {"name": "Lamp", "dataType": "Bool", "logicalAddress": "%Q0.0"},
        {"name": "Acc", "dataType": "Int", "logicalAddress": "%MW10"})
WATCHED = ['"Snap_DB".Count', '"Snap_DB".Sum', '"Blink_DB".Pulses', '"Blink_DB".T.ET', '"Blink_DB".T.Q', "Acc",
           "Lamp", "Run_PB"]


def values(client: Any, h: Headers) -> dict[str, Any]:
    """The watched tags and the virtual time, as a client reads them."""
    read = data(client.post(f"{SIM}/tags/batch-read", json={"tagNames": WATCHED}, headers=h))
    state = data(client.get(f"{LINE}/state", headers=h))
    return {**{r["name"]: r["value"] for r in read}, "virtualTimeMs": state["virtualTimeMs"],
            "operatingState": state["operatingState"]}


def step(client: Any, h: Headers, cycles: int) -> None:
    assert data(client.post(f"{LINE}/actions/step", json={"cycles": cycles}, headers=h))["cycles"] == cycles


def running_line(client: Any, h: Headers) -> None:
    """The program on the SingleStep instance "Line" in RUN, connected, with Run_PB on."""
    download_line(client, h, tags=TAGS, scl=PROGRAM)
    data(client.post(f"{SIM}/connect", json={"instanceName": "Line"}, headers=h))
    data(client.put(f"{SIM}/tags/Run_PB", json={"value": True}, headers=h))
