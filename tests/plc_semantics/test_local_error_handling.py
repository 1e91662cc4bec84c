"""Local error handling (GET_ERR_ID, GET_ERROR) on the simulated PLC, run from outside: ``engineering-api test run
FOLDER --require-simulated`` on one program whose FC "Guarded" reads and writes array elements with an index out of
range and asks for the errors, and whose FC "Plain" (called by it, no local error handling of its own) does too.

Source: STEP 7 help, SCL instructions for S7-1200/S7-1500, "GET_ERR_ID: Get error ID locally" (p. 291) and
"GET_ERROR: Get error locally" (p. 287): inserting either instruction switches the block to local error handling
(the system reactions are ignored); a read error continues with the substitute value 0 (REACTION 1; the help's
example multiplies ``#Field[#index]`` out of range, i.e. 0.0, by 40.5), a write error is ignored (REACTION 0);
the instruction outputs the first error since its last execution, and its operand is changed only when error
information is present; IDs 16#2522 (9506) "Read error: Operand outside the valid range", 16#2523 (9507) "Write
error: ..."; ErrorStruct FLAGS 16#00 (no error during a block call), CODE_ADDRESS.BLOCK_TYPE 2 for an FC; "the output
of the instruction is only set if error information is present" (ENO TRUE then, FALSE otherwise).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from engineering_api.cli import main

_PROGRAM = '''
DATA_BLOCK "D"
VAR
  arr : Array[1..3] of Int := [10, 20, 30];
  reals : Array[1..3] of Real := [1.0, 2.0, 3.0];
  grid : Array[1..2, 1..2] of Int := [11, 12, 21, 22];
  pts : Array[1..2] of Struct x : Int; END_STRUCT;
  idx : Int := 4; plain_idx : Int := 1;
  got : Int := 7; scaled : Real := 7.0; cell : Int := 7; px : Int := 7; plain_got : Int;
  id_read : Word := 16#FFFF; id_none : Word := 16#1234; id_last : Word := 16#FFFF; in_expr : Word := 16#FFFF;
  id_member : Word; id_order : Word; eno_read : Bool; eno_none : Bool := TRUE; eno_get : Bool;
  err : ErrorStruct; err_read : ErrorStruct;
END_VAR
BEGIN END_DATA_BLOCK
FUNCTION "Plain" : Void
BEGIN
  "D".plain_got := "D".arr["D".plain_idx];
END_FUNCTION
FUNCTION "Guarded" : Void
BEGIN
  "D".got := "D".arr["D".idx] + 1;
  "D".arr["D".idx] := 99;
  "D".id_read := GET_ERR_ID(ENO => "D".eno_read);
  "D".id_none := GET_ERR_ID(ENO => "D".eno_none);
  "D".arr["D".idx] := 5;
  GET_ERROR(ERROR => "D".err, ENO => "D".eno_get);
  "D".scaled := "D".reals["D".idx] * REAL#40.5;
  GET_ERROR("D".err_read);
  "D".cell := "D".grid[1, "D".idx];
  "D".px := "D".pts["D".idx].x;
  "D".id_last := GET_ERR_ID();
  "D".pts["D".arr["D".idx]].x := 3;
  "D".id_member := GET_ERR_ID();
  "D".arr["D".idx + 10] := "D".arr["D".idx + 20];
  "D".id_order := GET_ERR_ID();
  "D".in_expr := GET_ERR_ID() OR 16#0000;
  "Plain"();
END_FUNCTION
ORGANIZATION_BLOCK "Main"
BEGIN
  "Guarded"();
END_ORGANIZATION_BLOCK
'''

_READ, _WRITE = 0x2522, 0x2523

_CASES = [
    {"name": "access errors handled in the block", "steps": [
        {"cycles": 1, "assert": {  # idx 4: one past the high bound 3
            '"D".got': 1,  # the read goes on with 0
            '"D".arr': [10, 20, 30],  # both writes ignored
            '"D".id_read': _READ,  # the first error (the read), not the write after it
            '"D".id_none': 0x1234,  # no error present: the operand is not changed
            '"D".eno_read': True, '"D".eno_none': False, '"D".eno_get': True,  # ENO: error information present
            '"D".err.ERROR_ID': _WRITE, '"D".err.REACTION': 0, '"D".err.FLAGS': 0,
            '"D".err.CODE_ADDRESS.BLOCK_TYPE': 2,
            '"D".scaled': 0.0,  # the help's example: 0.0 * 40.5
            '"D".err_read.ERROR_ID': _READ, '"D".err_read.REACTION': 1,
            '"D".cell': 0, '"D".px': 0,  # a second dimension's index, a structured element's member
            '"D".id_last': _READ,
            # an element index read out of range (0), then pts[0] written through: the first error is the read
            '"D".id_member': _READ,
            '"D".id_order': _READ,  # both indices out of range: the value is read before its target is written
            '"D".in_expr': 0}},  # inside an expression with no error present: "No error"
        {"write": {'"D".idx': 0}, "cycles": 1, "assert": {'"D".got': 1, '"D".arr': [10, 20, 30]}},  # below low bound
        {"write": {'"D".idx': 1}, "cycles": 1, "assert": {  # arr[1] is 5 when pts[arr[1]].x is written through
            '"D".got': 11, '"D".arr': [5, 20, 30], '"D".id_member': _WRITE, '"D".pts[1].x': 0, '"D".pts[2].x': 0}},
        {"write": {'"D".idx': 3}, "cycles": 1, "assert": {  # the high bound itself: no error
            '"D".got': 31, '"D".arr': [5, 20, 5], '"D".cell': 0, '"D".scaled': 121.5,
            '"D".id_read': _READ, '"D".err.ERROR_ID': _WRITE,  # no error present: neither operand changed
            '"D".eno_read': False, '"D".eno_get': False}},
    ]},
    {"name": "a called block without local error handling", "steps": [
        {"write": {'"D".plain_idx': 9}, "cycles": 1, "assert": {'"D".plain_got': 10}},
    ]},
]


def test_a_block_with_get_err_id_handles_its_access_errors_and_a_block_it_calls_does_not(tmp_path: Path) -> None:
    (tmp_path / "program.scl").write_text(_PROGRAM, encoding="utf-8")
    (tmp_path / "local_errors.test.json").write_text(json.dumps(_CASES), encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(["test", "run", str(tmp_path), "--require-simulated"])
    text = out.getvalue()
    assert code != 0 and "NOT_SIMULATED" not in text and "TEST_FAILED" not in text, text
    assert "1 passed, 1 failed (0 with failed assertions, 1 with errors)" in text, text
    stopped = [line for line in text.splitlines() if "TEST_ERROR" in line]
    assert len(stopped) == 1 and "a called block without local error handling" in stopped[0], text
    assert "Array index 9 is out of range [1..3]" in stopped[0] and 'block "Plain"' in stopped[0], text
