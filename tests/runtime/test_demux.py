"""DEMUX in the simulated PLC (STEP 7 help, "DEMUX: Demultiplex"): IN goes to the output K selects, the others keep
their values; a K that selects none goes to OUTELSE where one is given, and ENO is FALSE."""

from __future__ import annotations

import pytest

from tools.plc_software import Sim

_PROGRAM = '''
DATA_BLOCK "D"
VAR k : Int; x : Int := 7; a : Int := -1; b : Int := -2; c : Int := -3; r : Real := -4.0; ok : Bool; END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  {call}
END_ORGANIZATION_BLOCK'''
_WITH_ELSE = ('DEMUX(K := "D".k, IN := "D".x, OUT0 => "D".a, OUT1 => "D".b, OUT2 => "D".r, OUTELSE => "D".c, '
              'ENO => "D".ok);')
_WITHOUT = 'DEMUX(K := "D".k, IN := "D".x, OUT0 => "D".a, OUT1 => "D".b, ENO => "D".ok);'


@pytest.mark.parametrize(("call", "k", "expected"), [
    (_WITH_ELSE, 0, (7, -2, -4.0, -3, True)),
    (_WITH_ELSE, 1, (-1, 7, -4.0, -3, True)),
    (_WITH_ELSE, 2, (-1, -2, 7.0, -3, True)),  # IN converted into the output's type
    (_WITH_ELSE, 3, (-1, -2, -4.0, 7, False)),  # beyond the outputs: OUTELSE, ENO FALSE
    (_WITH_ELSE, -1, (-1, -2, -4.0, 7, False)),
    (_WITHOUT, 1, (-1, 7, -4.0, -3, True)),
    (_WITHOUT, 2, (-1, -2, -4.0, -3, False)),  # no OUTELSE: nothing written, ENO FALSE
])
def test_demux_writes_the_selected_output_only(call: str, k: int, expected: tuple) -> None:
    sim = Sim(_PROGRAM.format(call=call))
    sim['"D".k'] = k
    sim.scan()
    assert tuple(sim[f'"D".{name}'] for name in ("a", "b", "r", "c", "ok")) == expected
    assert not sim.image.warnings
