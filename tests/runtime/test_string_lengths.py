"""MAX_LEN in the simulated PLC: the maximum length a string is declared with, from the declaration, whatever the
string holds (STEP 7 help, "MAX_LEN: Determine maximum length of a character string": the result is a DInt; a
String or WString declared without a length holds 254 characters)."""

from __future__ import annotations

from tools.plc_software import Sim


def test_max_len_is_the_declared_length_of_every_kind_of_operand() -> None:
    sim = Sim('''
FUNCTION "Len" : DInt
VAR_INPUT t : String; END_VAR
VAR_IN_OUT io : String[30]; END_VAR
VAR_TEMP tmp : String[7]; w : WString; END_VAR
BEGIN
  #tmp := 'abcdefg';
  #Len := MAX_LEN(#t) * 1000000 + MAX_LEN(#io) * 10000 + MAX_LEN(#tmp) * 100 + MAX_LEN(IN := #w) - 254;
END_FUNCTION
DATA_BLOCK "D"
VAR s : String[30] := 'abc'; e : String[1]; n : DInt; k : DInt; ok : Bool; END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".n := "Len"(t := 'x', io := "D".s);
  "D".k := MAX_LEN(IN := "D".e, ENO => "D".ok);
END_ORGANIZATION_BLOCK''')
    sim.scan()
    assert sim['"D".n'] == 254 * 1_000_000 + 30 * 10_000 + 7 * 100  # an input without length, String[30], String[7]
    assert (sim['"D".k'], sim['"D".ok']) == (1, True)
    assert not sim.image.warnings
