"""Which formal parameters a call must supply (STEP 7's rules for S7-1200/S7-1500, see
``engineering_api.rules.compiler.check_calls._must_be_supplied``): every input and in/out of an FC; of an FB only the
in/outs of a structured or parameter type, whose instance holds a reference instead of a value."""

from __future__ import annotations

import pytest

from engineering_api.rules.compiler.check import check_source

_CALLEE = '''
TYPE "UDT_Cut"
VERSION : 0.1
   STRUCT
      count : Int;
   END_STRUCT;
END_TYPE

FUNCTION_BLOCK "FB_Station"
VERSION : 0.1
   VAR_INPUT 
      trigger : Bool;
   END_VAR
   VAR_OUTPUT 
      busy : Bool;
   END_VAR
   VAR_IN_OUT 
      cuts : Int;
      {decl}
   END_VAR

BEGIN
	#cuts := #cuts + 1;
END_FUNCTION_BLOCK

FUNCTION "FC_Station" : Void
VERSION : 0.1
   VAR_INPUT 
      trigger : Bool;
   END_VAR
   VAR_IN_OUT 
      cuts : Int;
   END_VAR

BEGIN
	#cuts := #cuts + 1;
END_FUNCTION
'''


def _caller(decl: str, body: str) -> str:
    return _CALLEE.replace("{decl}", decl) + f'''
FUNCTION_BLOCK "FB_Line"
VERSION : 0.1
   VAR 
      station : "FB_Station";
      n : Int;
      data : "UDT_Cut";
      rows : Array[0..3] of Int;
   END_VAR

BEGIN
	{body}
END_FUNCTION_BLOCK
'''


def _not_supplied(text: str) -> list[str]:
    return [d.message for d in check_source(text, "t.scl", closed=True) if d.code == "PARAMETER_NOT_SUPPLIED"]


def test_an_fb_call_may_leave_out_inputs_outputs_and_elementary_in_outs() -> None:
    # leszczuk/Tia_Portal_Weze StolyDoCiecia.scl: an FB called without its Int in/out (TIA exported it)
    assert _not_supplied(_caller("", "#station(trigger := TRUE);")) == []
    assert _not_supplied(_caller("", "#station();")) == []


@pytest.mark.parametrize("decl, actual", [
    ('data : "UDT_Cut";', "data := #data"),
    ("rows : Array[0..3] of Int;", "rows := #rows"),
    ("anything : Variant;", "anything := #n"),
])
def test_an_fb_call_must_supply_structured_and_parameter_type_in_outs(decl: str, actual: str) -> None:
    name = decl.split(":")[0].strip()
    assert _not_supplied(_caller(decl, "#station(trigger := TRUE);")) == [
        f'The formal parameter "{name}" of "FB_Station" must be supplied.']
    assert _not_supplied(_caller(decl, f"#station(trigger := TRUE, {actual});")) == []


def test_an_fc_call_must_supply_its_inputs_and_elementary_in_outs() -> None:
    assert _not_supplied(_caller("", '"FC_Station"(trigger := TRUE);')) == [
        'The formal parameter "cuts" of "FC_Station" must be supplied.']
    assert _not_supplied(_caller("", '"FC_Station"(cuts := #n);')) == [
        'The formal parameter "trigger" of "FC_Station" must be supplied.']
