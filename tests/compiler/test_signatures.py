"""Calls of system instructions against their catalog signatures (engineering_api/rules/compiler/signatures.py):
a wrong formal name, a parameter not supplied, a wrong type and a wrong operator are errors; a call of an
instruction without a signature is a SIGNATURE_UNKNOWN note, never silence."""

from __future__ import annotations

import pytest

from engineering_api.rules.compiler.check import check_source
from simatic_xml.system_types import all_instructions

HEADER = """FUNCTION "FC_Sig" : Void
VAR_TEMP
    s : String;
    i : Int;
    d : DInt;
    b : Bool;
    w : Word;
    arr : Array[1..4] of Bool;
    t : Time;
    x : DTL;
    r : LReal;
    hw : HW_IO;
    f : Filter_PT1;
    f2 : Filter_DT1;
    re : RecipeExport;
    ri : RecipeImport;
END_VAR
BEGIN
"""


def _found(body: str) -> list[tuple[str, str]]:
    diagnostics = check_source(HEADER + body + "\nEND_FUNCTION\n", "FC_Sig.scl")
    return [(d.code, d.message) for d in diagnostics if d.severity in ("Error", "Info")]


VALID = """    #s := CONCAT(IN1 := 'a', IN2 := #s);
    #s := LEFT(IN := #s, L := 2);
    #s := MID(IN := #s, L := 2, P := 1);
    #i := FIND(IN1 := #s, IN2 := 'x');
    #b := PEEK_BOOL(area := 16#84, dbNumber := 1, byteOffset := 0, bitOffset := 0);
    POKE(area := 16#84, dbNumber := 1, byteOffset := 0, value := #w);
    #d := LOWER_BOUND(ARR := #arr, DIM := 1);
    #d := UPPER_BOUND(ARR := #arr, DIM := 1);
    SCATTER(IN := #w, OUT => #arr);
    #r := RUNTIME(MEM := #r);
    #t := T_DIFF(IN1 := #x, IN2 := #x);
    #i := DPRD_DAT(LADDR := #hw, RECORD => #w);
    #i := DPWR_DAT(LADDR := #hw, RECORD := #w);
    #i := RD_SYS_T(#x);
    #f(Input := 1.0, Gain := 1.0);
    #f2(Input := 1.0);
    #re(REQ := TRUE, RECIPE_DB := #arr);
    #ri(REQ := TRUE, RECIPE_DB := #arr);"""


def test_valid_calls_are_clean():
    assert _found(VALID) == []


@pytest.mark.parametrize("call, code, name", [
    ("#s := CONCAT(IN1 := 'a', INX := 'b');", "UNKNOWN_PARAMETER", "INX"),
    ("#s := LEFT(IN := #s, LL := 2);", "UNKNOWN_PARAMETER", "LL"),
    ("#b := PEEK_BOOL(area := 16#84, dbNumber := 1, byteOffset := 0, bitOfs := 0);", "UNKNOWN_PARAMETER", "bitOfs"),
    ("POKE(area := 16#84, dbNumber := 1, byteOfset := 0, value := #w);", "UNKNOWN_PARAMETER", "byteOfset"),
    ("#d := LOWER_BOUND(ARR := #arr, DIMS := 1);", "UNKNOWN_PARAMETER", "DIMS"),
    ("#d := UPPER_BOUND(AR := #arr, DIM := 1);", "UNKNOWN_PARAMETER", "AR"),
    ("SCATTER(INN := #w, OUT => #arr);", "UNKNOWN_PARAMETER", "INN"),
    ("#r := RUNTIME(MEMORY := #r);", "UNKNOWN_PARAMETER", "MEMORY"),
    ("#t := T_DIFF(IN1 := #x, IN3 := #x);", "UNKNOWN_PARAMETER", "IN3"),
    ("#i := DPRD_DAT(LADR := #hw, RECORD => #w);", "UNKNOWN_PARAMETER", "LADR"),
    ("#f(Inputt := 1.0);", "UNKNOWN_PARAMETER", "Inputt"),
    ("#f2(Gainn := 1.0);", "UNKNOWN_PARAMETER", "Gainn"),
    ("#re(REQ := TRUE, RECIPE_DBX := #arr);", "UNKNOWN_PARAMETER", "RECIPE_DBX"),
    ("#ri(REQX := TRUE, RECIPE_DB := #arr);", "UNKNOWN_PARAMETER", "REQX"),
    ("#s := LEFT(IN := #s);", "PARAMETER_NOT_SUPPLIED", '"L"'),
    ("#s := CONCAT(IN1 := 'a', IN2 := #i);", "PARAMETER_TYPE", '"IN2"'),
    ("#s := LEFT(IN := #s, L := 'x');", "PARAMETER_TYPE", '"L"'),
    ("#i := DPRD_DAT(LADDR := #hw, RECORD := #w);", "WRONG_PARAMETER", '"RECORD"'),
    ("#s := LEFT(#s, 2, 3);", "TOO_MANY_ARGUMENTS", "LEFT"),
    ("#s := LEFT(#s, L := 2);", "MIXED_PARAMETERS", "LEFT"),
    ("#i := GEN_DIAG(LADDR := #hw, MODE := 1, DiagEvnt := #w);", "UNKNOWN_PARAMETER", "DiagEvnt"),
    ("#i := MOVE_BLK_VARIANT(SRC := #arr, COUNT := 1, SRC_INDEX := 0, DEST_IDX := 0, DEST => #arr);",
     "UNKNOWN_PARAMETER", "DEST_IDX"),
    ("VAL_STRG(IN := #i, SIZE := 1, PREC := 0, FORMAT := 16#0000, P := 1, OUTPUT => #s);", "UNKNOWN_PARAMETER",
     "OUTPUT"),
])
def test_each_mistake_is_named(call: str, code: str, name: str):
    found = _found(call)
    assert any(c == code and name in m for c, m in found), found


def test_an_instruction_without_a_signature_is_a_note_not_silence():
    assert _found("#i := QRY_CINT(OB_NR := 30);")[0][0] == "SIGNATURE_UNKNOWN"


def test_every_instruction_with_a_signature_is_cited():
    for instruction in all_instructions():
        assert instruction.source and ("S7-1200" in instruction.source or "STEP 7" in instruction.source
                                       or "SIMATIC" in instruction.source), instruction.name


def test_a_system_fbs_in_out_left_out_is_a_warning() -> None:
    """RecipeExport's in/out RECIPE_DB left out: a warning, not an error (before: an error), as a WRREC called
    without its RECORD in TIA's V17 export of a library (tests/compiler/test_held_out_exports.py)."""
    found = [(d.code, d.severity) for d in check_source(HEADER + "#re(REQ := TRUE);\nEND_FUNCTION\n", "FC_Sig.scl")
             if "RECIPE_DB" in d.message]
    assert found == [("PARAMETER_NOT_SUPPLIED", "Warning")]
