"""SCL sources for the library tests (a UDT and an FB using it) and the call that imports them."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.conftest import Headers

__all__ = ("FB", "UDT", "generate")

UDT = """TYPE "UDT_Motor"
VERSION : 0.1
   STRUCT
      speed : Int;
      on : Bool;
   END_STRUCT;

END_TYPE
"""

FB = """FUNCTION_BLOCK "FB_Motor"
VERSION : 0.1
   VAR_INPUT
      start : Bool;
   END_VAR
   VAR
      data : "UDT_Motor";
      count : Int;
   END_VAR

BEGIN
\t#count := #count + 1;
\t#data.on := #start;
END_FUNCTION_BLOCK
"""


def generate(client: TestClient[Any], h: Headers, text: str, name: str, device: str = "PLC_1") -> Any:
    return client.post(f"/api/devices/{device}/external-sources/import-and-generate",
                       json={"SclContent": text, "SourceName": name}, headers=h)
