"""A program with tags and the simulation route, for the runtime tag tests."""

from __future__ import annotations

from urllib.parse import quote

from tests.api.runtime_users import RT


__all__ = ("PROGRAM", "SIM", "TAGS", "value_path")

SIM = "/api/simulation"

PROGRAM = """
DATA_BLOCK "Motor_DB"
VAR
  speed : Real;
  running : Bool;
  count : Int;
  secret { ExternalAccessible := 'False'} : Int;
  limit { ExternalWritable := 'False'} : Int := 100;
  hidden { ExternalAccessible := 'False'} : Struct a : Int; b : Bool; END_STRUCT;
END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Motor_DB".running := "Start";
  "Motor_DB".count := "Motor_DB".count + 1;
END_ORGANIZATION_BLOCK
"""

TAGS = [{"name": "Start", "address": "%I0.0", "dataType": "Bool"}]


def value_path(name: str) -> str:
    return f"{RT}/tags/{quote(name, safe='')}/value"
