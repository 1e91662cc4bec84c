"""A released program's SCL, for the runtime value contract tests."""

from __future__ import annotations


__all__ = ("RELEASED_SCL",)

RELEASED_SCL = """DATA_BLOCK "Line"
{ S7_Optimized_Access := 'TRUE' }
   VAR
      count : Int;
      limit { ExternalWritable := 'False'} : Int := 100;
      secret { ExternalAccessible := 'False'} : Int;
      speed : Real;
   END_VAR
BEGIN
END_DATA_BLOCK

DATA_BLOCK "Hidden"
{ S7_Optimized_Access := 'TRUE' }
   VAR
      level { ExternalAccessible := 'False'; ExternalWritable := 'False'} : Int;
      on : Bool;
   END_VAR
BEGIN
END_DATA_BLOCK

ORGANIZATION_BLOCK "Main"
BEGIN
    "Line".count := "Line".count + 1;
END_ORGANIZATION_BLOCK
"""
"""Elementary members only: the bridge's stand-in loads no struct, array or PLC tag into PLCSIM's tag list."""
