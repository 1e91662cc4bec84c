"""INC and DEC called in SCL (``INC(#count);``): the one in-out operand gains or loses 1 and keeps its type, wrapping
as every integer assignment of the simulated PLC does (docs/simulated-plc.md, "wrap": S7-1500 integer arithmetic is
modulo the type's width), the same as the LAD/FBD boxes INC and DEC.

Source: STEP 7 help, "INC: Increment" / "DEC: Decrement" (S7-1200, S7-1500): the value of the operand at the in-out
parameter is changed to the next higher (lower) value. No Siemens page on their overflow or ENO was found (thin):
the wrap is the integer assignment's, and ENO is TRUE.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.rules.plc_values import INT_RANGES
from tests.runtime.plc_check_findings import plc_check_codes
from tools.plc_software import Sim

_PROGRAM = '''
DATA_BLOCK "D"
VAR
  value : {t}; ok : Bool; items : Array[0..2] of {t}; run : Bool := TRUE;
END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  {call}("D".value);
  {call}(IN_OUT := "D".items[1], ENO => "D".ok);
  IF "D".run THEN
    {call}("D".items[2]);
  END_IF;
END_ORGANIZATION_BLOCK
'''


@pytest.mark.parametrize("t", ["SInt", "Int", "DInt", "LInt", "USInt", "UInt", "UDInt", "ULInt"])
@pytest.mark.parametrize(("call", "step"), [("INC", 1), ("DEC", -1)])
def test_the_operand_steps_by_one_and_wraps_at_its_types_end(t: str, call: str, step: int) -> None:
    low, high = INT_RANGES[t.upper()]
    sim = Sim(_PROGRAM.format(t=t, call=call))
    edge = high if step > 0 else low
    sim['"D".value'] = edge
    sim['"D".items[1]'] = 5
    sim.scan()
    assert sim['"D".value'] == (low if step > 0 else high)  # past the end: the type's other end
    assert (sim['"D".items[1]'], sim['"D".ok']) == (5 + step, True)
    from_zero = step % (high + 1) if low == 0 else step  # an unsigned 0 - 1 is the type's last value
    assert sim['"D".items[2]'] == from_zero
    sim['"D".run'] = False
    sim.scan()
    assert sim['"D".items[2]'] == from_zero  # not called: unchanged


def test_plc_check_does_not_report_them_as_not_simulated(tmp_path: Path) -> None:
    code, codes = plc_check_codes(tmp_path / "steps.scl", _PROGRAM.format(t="Int", call="INC") + _PROGRAM.format(
        t="Int", call="DEC").replace('"D"', '"E"').replace('"Main"', '"Second"'))
    assert code == 0 and "NOT_SIMULATED" not in codes and "UNCHECKED_INSTRUCTION" not in codes, codes
