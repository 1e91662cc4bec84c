"""A counter FB's source, for the light install tests."""

from __future__ import annotations

__all__ = ("COUNTER",)

COUNTER = """FUNCTION_BLOCK "Counter"
{ S7_Optimized_Access := 'TRUE' }
   VAR
      count : Int;
   END_VAR

BEGIN
    #count := #count + 1;
END_FUNCTION_BLOCK

DATA_BLOCK "Counter_DB" "Counter"
BEGIN
END_DATA_BLOCK

ORGANIZATION_BLOCK "Main"
{ S7_Optimized_Access := 'TRUE' }
BEGIN
    "Counter_DB"();
END_ORGANIZATION_BLOCK
"""
