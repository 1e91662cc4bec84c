"""A lamp screen over a simulated program, as the HMI render tests build it."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from simatic_xml import hmi as sx
from tests.conftest import Headers, configure, data

__all__ = ("SCL", "lamp", "simulate")

SCL = """
DATA_BLOCK "Belt_DB"
VAR
   Count : DInt := 1234;
   Running : Bool;
END_VAR
BEGIN
END_DATA_BLOCK

ORGANIZATION_BLOCK "Main"
BEGIN
   "Belt_DB".Running := "Belt_DB".Count > 0;
END_ORGANIZATION_BLOCK
"""


def lamp(name: str, tag: str, left: int = 450, top: int = 60) -> sx.HmiObject:
    """A grey circle that an appearance animation paints red for 0 and green for 1 of ``tag`` (the shape public
    screen generators write: RangeAppearanceAnimation > TagElementTrigger + Range entries)."""
    item = sx.new_item("Circle", name, left, top, 60, 60)
    item.set_attr("BackColor", "128, 128, 128")
    trigger = sx.HmiObject("Hmi.Dynamic.TagElementTrigger", composition="RangeTag",
                           links=[sx.HmiLink("Tag", "@OpenLink", tag)])
    ranges = [sx.HmiObject("Hmi.Dynamic.Range", composition="RangeValues", attributes=[
        ("BackColor", color), ("FlashingType", "No"), ("LowerLimit", limit), ("UpperLimit", limit)])
        for color, limit in (("255, 0, 0", "0"), ("0, 200, 0", "1"))]
    item.children = [sx.HmiObject("Hmi.Dynamic.RangeAppearanceAnimation", composition="Animations",
                                  attributes=[("Name", "RangeAppearanceAnimation")], children=[trigger, *ranges])]
    return item


def simulate(client: TestClient[Any], h: Headers) -> None:
    """PLC_1's program downloaded to a running PLCSim instance."""
    assert configure(client, h, "PLC_1", "192.168.0.1").status_code == 200
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=h))
    data(client.post("/api/devices/PLC_1/external-sources/import-and-generate",
                     json={"SourceName": "Line.scl", "SclContent": SCL}, headers=h))
    data(client.post("/api/simulation/instances/create", json={"name": "Line", "cpuType": "CPU1516"}, headers=h))
    data(client.put("/api/simulation/instances/Line/network", json={"ipAddress": "192.168.0.1"}, headers=h))
    data(client.put("/api/simulation/instances/Line/config", json={"operatingMode": "SingleStep"}, headers=h))
    data(client.post("/api/simulation/instances/Line/power-on", headers=h))
    downloaded = data(client.post("/api/devices/PLC_1/actions/download-sync", json={"startAfterDownload": True},
                                  headers=h))
    assert downloaded["state"] == "Success", downloaded
