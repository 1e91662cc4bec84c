"""The simulated CPU takes its system FB members from the catalog: what it runs keeps running (a CTU_INT holds
QU, as TIA's instance does) and a catalog instruction it cannot run is "not supported", never a no-op."""
from __future__ import annotations

import pytest

from fakes.runtime.errors import UnsupportedInstructionError
from fakes.runtime.stdlib import SYSTEM_FBS
from simatic_xml.system_types import call_interface, lookup
from tools.plc_software import Sim

_COUNTER = '''
FUNCTION_BLOCK "Cnt"
VAR_INPUT pulse : Bool; END_VAR
VAR_OUTPUT full : Bool; n : Int; q : Bool; END_VAR
VAR parts : CTU_INT; cq : Bool; cv : DInt; END_VAR
BEGIN
  #parts(CU := #pulse, PV := 2, Q => #q);
  #full := #parts.QU;
  #n := #parts.CV;
  IF #n > 2 THEN
    #n := RTM(NR := 1, MODE := 0, PV := 0, CQ => #cq, CV => #cv);
  END_IF;
END_FUNCTION_BLOCK
DATA_BLOCK "Cnt_DB" "Cnt" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Cnt_DB"(pulse := NOT "Cnt_DB".pulse);
END_ORGANIZATION_BLOCK
'''


def test_runtime_members_are_the_catalogs() -> None:
    for name in ("TON_TIME", "TONR_LTIME", "CTU_SINT", "CTUD_ULINT", "R_TRIG"):
        t = lookup(name)
        assert t is not None, name
        members = SYSTEM_FBS[name].members
        assert list(members)[:len(call_interface(t))] == [p.name for p in call_interface(t)]
        assert {m.name for m in t.members} <= set(members)


def test_a_ctu_int_instance_holds_qu_and_an_unrunnable_catalog_instruction_is_not_supported() -> None:
    sim = Sim(_COUNTER)
    assert any("RTM" in w and "not supported" in w for w in sim.image.warnings)
    seen = []
    for _ in range(4):
        sim.scan()
        seen.append((sim['"Cnt_DB".n'], sim['"Cnt_DB".full'], sim['"Cnt_DB".q']))
    assert seen == [(1, False, False), (1, False, False), (2, True, True), (2, True, True)]
    with pytest.raises(UnsupportedInstructionError) as info:  # the third rising edge: CV 3 > 2 runs RTM
        sim.scan()
    assert info.value.instruction == "RTM"
