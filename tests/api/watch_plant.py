"""A filled PLC for the watch and force table tests: its program, tags and routes."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.conftest import Headers, data

__all__ = ("DEV", "FT", "SCL", "TAGS", "WT", "fill_plc")

DEV = "/api/devices/PLC_1"

WT = f"{DEV}/watch-tables"

FT = f"{DEV}/force-tables"

SCL = """DATA_BLOCK "Motor_DB"
{ S7_Optimized_Access := 'TRUE' }
   VAR
      Running : Bool;
      Speed : Int;
      Limits : Array[0..3] of Real;
   END_VAR
BEGIN
END_DATA_BLOCK

FUNCTION "FC_Nothing" : Void
BEGIN
END_FUNCTION
"""

TAGS = [("Start", "Bool", "%I0.0"), ("Valve", "Bool", "%Q0.1"), ("Counter", "Int", "%MW10")]


def fill_plc(client: TestClient[Any], headers: Headers) -> Headers:
    """Give PLC_1 Motor_DB, FC_Nothing and three tags; returns ``headers``."""
    data(client.post(f"{DEV}/external-sources/import-and-generate",
                     json={"SourceName": "motor.scl", "SclContent": SCL}, headers=headers))
    for name, data_type, address in TAGS:
        data(client.post(f"{DEV}/tags", json={"name": name, "dataType": data_type, "logicalAddress": address},
                         headers=headers))
    return headers
