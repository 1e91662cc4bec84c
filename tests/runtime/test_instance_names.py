"""GetInstanceName and GetInstancePath on the simulated PLC.

Source: S7-1200 System Manual V4.2, A5E02486680-AK (09/2016), 9.2 "String and character": GetInstanceName returns
the name of the calling FB's instance data block with its double quotes (the manual's example: ``'"Level1_DB"'``);
SIZE limits the characters, a cut name ending with "…" (U+2026, one character: SIZE 3 gives ``'"L…'``, SIZE 6
``'"Leve…'``, SIZE 0 the whole name). GetInstancePath returns the composite global name of the instance, the whole
call hierarchy with multi-instances (the manual's example: FB_Level_3 in FB_Level_2 in FB_Level_1's instance DB
IDB_LEVEL_1; SIZE 6 gives ``'"IDB_…'``); written here in TIA's symbolic notation, ``"IDB".Level_2.Level_3`` (thin:
the manual shows no whole path). GetInstanceName in a multi-instance is not modelled: it stops the CPU.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes.runtime.errors import UnsupportedInstructionError
from tests.runtime.plc_check_findings import plc_check_codes
from tools.plc_software import Sim

_PROGRAM = '''
DATA_BLOCK "D"
VAR
  name : WString; name_3 : WString; name_6 : WString; name_0 : WString; innermost : WString; second : WString;
  middle : WString; middle_6 : WString; inner_name : Bool;
END_VAR
BEGIN END_DATA_BLOCK
FUNCTION_BLOCK "Level3"
VAR_INPUT which : Int; END_VAR
BEGIN
  IF #which = 2 THEN
    "D".second := GetInstancePath();
  ELSE
    "D".innermost := GetInstancePath();
  END_IF;
  IF "D".inner_name THEN
    "D".name := GetInstanceName();
  END_IF;
END_FUNCTION_BLOCK
FUNCTION_BLOCK "Level2"
VAR inner : "Level3"; items : Array[1..2] of "Level3"; END_VAR
BEGIN
  #items[2](which := 2);
  #inner(which := 1);
  "D".middle := GetInstancePath(SIZE := 0);
  "D".middle_6 := GetInstancePath(SIZE := 6);
END_FUNCTION_BLOCK
FUNCTION_BLOCK "Level1"
VAR middle : "Level2"; END_VAR
BEGIN
  "D".name := GetInstanceName();
  "D".name_3 := GetInstanceName(SIZE := 3);
  "D".name_6 := GetInstanceName(SIZE := 6);
  "D".name_0 := GetInstanceName(SIZE := 0);
  #middle();
END_FUNCTION_BLOCK
DATA_BLOCK "Level1_DB" "Level1" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Level1_DB"();
END_ORGANIZATION_BLOCK
'''


def test_get_instance_name_is_the_instance_dbs_quoted_name_cut_as_the_manual_shows() -> None:
    sim = Sim(_PROGRAM)
    sim.scan()
    assert sim['"D".name'] == '"Level1_DB"'
    assert (sim['"D".name_3'], sim['"D".name_6'], sim['"D".name_0']) == ('"L\u2026', '"Leve\u2026', '"Level1_DB"')


def test_get_instance_path_follows_the_multi_instances_and_their_array_elements() -> None:
    sim = Sim(_PROGRAM)
    sim.scan()
    assert sim['"D".innermost'] == '"Level1_DB".middle.inner'
    assert sim['"D".second'] == '"Level1_DB".middle.items[2]'
    assert sim['"D".middle'] == '"Level1_DB".middle'  # the path is the caller's again once the inner call returned
    assert sim['"D".middle_6'] == '"Leve\u2026'


def test_get_instance_name_in_a_multi_instance_stops_the_cpu() -> None:
    sim = Sim(_PROGRAM)
    sim['"D".inner_name'] = True
    with pytest.raises(UnsupportedInstructionError):
        sim.scan()


def test_plc_check_does_not_report_them_as_not_simulated(tmp_path: Path) -> None:
    code, codes = plc_check_codes(tmp_path / "names.scl", _PROGRAM)
    assert code == 0 and "NOT_SIMULATED" not in codes, codes
