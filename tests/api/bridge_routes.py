"""The routes the bridge-over-HTTP tests call: the PLC, its instance DB and its simulation instance."""

from __future__ import annotations

__all__ = ("DB", "DEVICE", "INSTANCE")

DEVICE = "/api/devices/PLC_1"

INSTANCE = "/api/simulation/instances/Line1_PLC"

DB = {"blockType": "GlobalDB", "name": "Data", "number": 1,
      "interface": {"Static": [{"name": "count", "dataType": "Int"}, {"name": "motor", "dataType": '"UDT_Motor"'}]}}
