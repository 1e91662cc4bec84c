"""Test cases and sources for the testrun command's tests."""

from __future__ import annotations

from typing import Any

from tests.ci.corpus_repos import CORPUS

__all__ = ("CASES", "DENORMALISATION", "ENABLE", "FILTER", "MAIN")

FILTER = (CORPUS / "scl" / "technip-energies-bbe__S71500-MotionControl" / "src" / "PLC_MotionControl"
          / "Program blocks" / "T.EN_MotionControl" / "FirstOrderFilter.scl")

DENORMALISATION = CORPUS / "simaticml" / "fc" / "fseenig_Denormalisation.xml"

MAIN = """DATA_BLOCK "Filter_DB" "FirstOrderFilter"
BEGIN
END_DATA_BLOCK

DATA_BLOCK "IO"
{ S7_Optimized_Access := 'TRUE' }
   VAR
      raw : Int;
      norm : Real;
      value : Real;
      start : Bool;
      done : Bool;
      delay : TON_TIME;
   END_VAR
BEGIN
END_DATA_BLOCK

ORGANIZATION_BLOCK "Main"
{ S7_Optimized_Access := 'TRUE' }
BEGIN
    "Filter_DB"();
    "Denormalisation"(actual_value_INT := "IO".raw, normalisation := "IO".norm, actual_value_REAL => "IO".value);
    "IO".delay(IN := "IO".start, PT := T#10s);
    "IO".done := "IO".delay.Q;
END_ORGANIZATION_BLOCK
"""

ENABLE = {'"Filter_DB".input': 10.0, '"Filter_DB".enable': True, '"Filter_DB".timeConstant': 1.0,
          '"Filter_DB".timeCycle': 1.0}

CASES: list[dict[str, Any]] = [
    {"name": "Filter passes its input when disabled",
     "steps": [{"description": "disabled", "write": {'"Filter_DB".input': 10.0, '"Filter_DB".enable': False},
                "cycles": 1, "assert": {'"Filter_DB".output': {"expected": 10.0}}}]},
    {"name": "Denormalisation scales the raw value",
     "steps": [{"write": {'"IO".raw': 8192, '"IO".norm': 100.0}, "waitMs": 50,
                "assert": {'"IO".value': {"expected": 50.0}}}]},
    {"name": "Delay of 10 s in virtual time",
     "steps": [{"write": {'"IO".start': True}, "waitMs": 9990, "assert": {'"IO".done': False}},
               {"waitMs": 20, "assert": {'"IO".done': True}}]},
    {"name": "Filter reaches its input at once",
     "steps": [{"description": "enabled", "write": ENABLE, "cycles": 1,
                "assert": {'"Filter_DB".output': {"expected": 10.0}}}]},
]
"""Three cases that pass, and one whose expectation is wrong: after one cycle the filter's output is 5.0."""
