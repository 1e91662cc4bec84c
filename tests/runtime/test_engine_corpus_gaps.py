"""Instructions d-ani/SCL-UnitTesting (in ../shared/corpus) needs to run its own unit tests on the simulated
PLC, found by bench/pipeline.py: an ``Array[*]`` parameter with LOWER_BOUND/UPPER_BOUND, GetBlockName, and the
combined assignments (``+=``, ``-=``, ``*=``, ``/=``). Each stopped the CPU (or failed the download) before."""

from __future__ import annotations

from fakes.runtime.layout import LayoutBuilder

from tools.plc_software import Sim


def test_bounds_of_arrays() -> None:
    sim = Sim('''
DATA_BLOCK "D" VAR a : Array[3..9] of Int; lo : DInt; hi : DInt; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".hi := UPPER_BOUND(ARR := "D".a, DIM := 1);
  "D".lo := LOWER_BOUND(ARR := "D".a, DIM := 1);
END_ORGANIZATION_BLOCK''')
    sim.scan()
    assert (sim['"D".lo'], sim['"D".hi']) == (3, 9)


def test_an_array_star_parameter_has_a_layout() -> None:
    """``Array[*]`` (d-ani's arraySize) made building the program image fail with a ValueError (a 500)."""
    slot = LayoutBuilder({}).from_type("arr", "Array[*] of WString")
    assert slot.kind == "array" and slot.dims == ((0, -1),)


def test_get_block_name_is_the_calling_block_s_name() -> None:
    sim = Sim('''
DATA_BLOCK "D" VAR name : WString; short : WString; END_VAR BEGIN END_DATA_BLOCK
FUNCTION "Unit_FC_Add" : Void
BEGIN
  "D".name := GetBlockName(DINT#15);
  "D".short := GetBlockName(SIZE := 4);
END_FUNCTION
ORGANIZATION_BLOCK "Main"
BEGIN
  "Unit_FC_Add"();
END_ORGANIZATION_BLOCK''')
    sim.scan()
    # with its quotes, as a TIA monitor shows it on a real S7-1500 (practitioner report, issue 66; thin evidence)
    assert (sim['"D".name'], sim['"D".short']) == ('"Unit_FC_Add"', '"Uni')


def test_combined_assignments() -> None:
    sim = Sim('''
DATA_BLOCK "D" VAR i : UInt; r : Real := 10.0; d : DInt := 7; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".i += UINT#1;
  "D".r *= 2.0;
  "D".r -= 1.0;
  "D".d /= 2;
END_ORGANIZATION_BLOCK''')
    sim.scan(2)
    assert (sim['"D".i'], sim['"D".r'], sim['"D".d']) == (2, 37.0, 1)
