"""Issue 66's findings, each through ``engineering-api test run FOLDER``: a value leaves its declared type (SCALE_X
into an Int, LTIME below a millisecond, DATE + TIME), a shift's type, GetBlockName, REAL in single precision.

Each failed before the typed-store work (the runtime stored SCALE_X's 9215.078… into an Int and the ``%QW`` write
then stopped the CPU with a Python TypeError; ``LT#1ms500us`` was 2,000,000 ns; ``D#2024-02-28 + T#1d`` was day
46817).
"""

from __future__ import annotations

import pytest

from tests.plc_semantics.harness import Case, Check, Family, Step, run_family
from tests.scl_frames import global_db, main_ob

INT = "Int data type: a 16-bit integer holds no fraction (S7-1200 System Manual A5E02486680-05, 11/2011, 3.4.1)"
SCALE_X = ("S7-1200 System Manual A5E02486680-05, 11/2011, Table 7-53 SCALE_X: MIN, MAX and OUT have the same "
           "data type; untyped literals take the target's")
LTIME = "LTIME data type: a 64-bit count of nanoseconds (STEP 7 help, data type LTIME; S7-1500 only)"
DATE_ADD = ("T_ADD/IEC ADD_* functions add durations to dates with times only, no DATE + TIME; the simulation "
            "adds whole days (thin: no Siemens table for D# + T# found)")
SHR = ("practitioner report of a real S7-1500 (issue 66): SHR(IN := DInt -1, N := 31) into a DWord is 1: the "
       "instruction takes the target's type, IN converted into it")
GETBLOCKNAME = "practitioner report of a real S7-1500 (issue 66): the TIA monitor shows the name with its quotes"
REAL = "Real data type: IEEE 754 single precision (S7-1500, STEP 7 help: Real, 32 bits); each operation rounds"

PROGRAM = "\n".join((
    global_db("IO", "raw : Int", "norm : Real", "half : Int", "rest : Int", "wide : DInt",
              "lt1 : LTime", "lt2 : LTime", "lt3 : LTime", "lt4 : LTime", "lt5 : LTime", "d1 : Date", "d2 : Date",
              "di : DInt := -1", "dw : DWord", "r1 : Real := 0.1", "r2 : Real := 0.2", "sum : Bool", "name : String"),
    """FUNCTION "Unit_FC_Add" : Void
BEGIN
    "IO".name := GetBlockName();
END_FUNCTION
""",
    main_ob(
        '"IO".raw := SCALE_X(MIN := 0, VALUE := "IO".norm, MAX := 27648);',
        '%QW64 := "IO".raw;',
        '"IO".half := "IO".raw / 2;',
        '"IO".rest := "IO".raw MOD 2;',
        '"IO".wide := "IO".raw;',
        '"IO".lt1 := LT#1ms500us;',
        '"IO".lt2 := LT#7ns;',
        '"IO".lt3 := LT#1s + LT#1ns;',
        '"IO".lt4 := LT#1us;',
        '"IO".lt5 := "IO".lt4 + T#1ms;',
        '"IO".d1 := D#2024-02-28 + T#1d;',
        '"IO".d2 := D#2024-03-01 - T#1d;',
        '"IO".dw := SHR(IN := "IO".di, N := 31);',
        '"IO".sum := "IO".r1 + "IO".r2 = 0.3;',
        '"Unit_FC_Add"();',
    ),
))

CHECKS = (
    Check("SCALE_X into Int rounds", '"IO".raw', 9215, SCALE_X),
    Check("the %QW write of the Int", "%QW64", 9215, INT),
    Check("Int / 2 truncates", '"IO".half', 4607, INT),
    Check("Int MOD 2", '"IO".rest', 1, INT),
    Check("Int into DInt", '"IO".wide', 9215, INT),
    Check("LT#1ms500us", '"IO".lt1', 1_500_000, LTIME),
    Check("LT#7ns", '"IO".lt2', 7, LTIME),
    Check("LT#1s + LT#1ns", '"IO".lt3', 1_000_000_001, LTIME),
    Check("LT#1us", '"IO".lt4', 1000, LTIME),
    Check("LTIME + TIME scales the TIME to ns", '"IO".lt5', 1_001_000, LTIME),
    Check("D#2024-02-28 + T#1d is 2024-02-29", '"IO".d1', 12477, DATE_ADD, thin=True),
    Check("D#2024-03-01 - T#1d is 2024-02-29", '"IO".d2', 12477, DATE_ADD, thin=True),
    Check("SHR of DInt -1 by 31 into DWord", '"IO".dw', 1, SHR, thin=True),
    Check("0.1 + 0.2 = 0.3 on Real tags", '"IO".sum', True, REAL),
    Check("GetBlockName with quotes", '"IO".name', '"Unit_FC_Add"', GETBLOCKNAME, thin=True),
)
FAMILY = Family("findings", PROGRAM, (Case("findings", (Step(write={'"IO".norm': 0.3333}, cycles=1,
                                                               checks=CHECKS),)),))


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_finding(check: Check) -> None:
    outcome = run_family(FAMILY)
    case = FAMILY.cases[0]
    assert outcome.verdict(case, 1, check) is None, outcome.output
