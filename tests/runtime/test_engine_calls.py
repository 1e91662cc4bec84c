"""The execution engine on calls: FB instance DBs and multi-instances keep their state, FC return values,
outputs and in/outs, IEC timers/counters/edges from the stdlib, MOVE_BLK/FILL_BLK, unsupported
instructions, and LAD networks through ``fakes.runtime.ladder``."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engineering_api.rules.compiler.types import Var
from fakes.program import PlcSoftware, read_object
from fakes.runtime.errors import UnsupportedInstructionError
from fakes.runtime.image import build_image
from simatic_xml.generate import generate_xml, tag_table_xml
from simatic_xml.scl import parse_statements

from tools.plc_software import VERSION, Rt, Sim, software_from_scl, software_of_export

DATA = Path(__file__).parent / "data"
"""The input documents of these tests, kept as files like the exports they stand for."""

_COUNTER_FB = """
FUNCTION_BLOCK "FB_Count"
VAR_INPUT step : Int; END_VAR
VAR_OUTPUT total : Int; END_VAR
VAR_IN_OUT acc : DInt; END_VAR
VAR n : Int := 100; END_VAR
BEGIN
  #n := #n + #step;
  #total := #n;
  #acc := #acc + 1;
END_FUNCTION_BLOCK
"""


def test_fb_instance_db_keeps_its_state_between_calls_and_scans() -> None:
    sim = Sim(_COUNTER_FB + '''
DATA_BLOCK "Count_DB" "FB_Count" BEGIN END_DATA_BLOCK
DATA_BLOCK "D" VAR out : Int; acc : DInt; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Count_DB"(step := 2, total => "D".out, acc := "D".acc);
  "Count_DB"(step := 3, acc := "D".acc);
END_ORGANIZATION_BLOCK
''')
    sim.scan(2)
    assert sim['"Count_DB".n'] == 110 and sim['"D".out'] == 107 and sim['"D".acc'] == 4
    assert sim['"Count_DB".step'] == 3  # inputs stay in the instance


def test_multi_instances_are_separate_and_nested() -> None:
    sim = Sim(_COUNTER_FB + '''
FUNCTION_BLOCK "FB_Pair"
VAR a : "FB_Count"; b : "FB_Count"; arr : Array[0..1] of "FB_Count"; x : DInt; END_VAR
VAR_TEMP k : Int; END_VAR
BEGIN
  #a(step := 1, acc := #x);
  #b(step := 10, acc := #x);
  #k := 1;
  #arr[#k](step := 5, acc := #x);
END_FUNCTION_BLOCK
DATA_BLOCK "Pair_DB" "FB_Pair" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Pair_DB"();
END_ORGANIZATION_BLOCK
''')
    sim.scan(3)
    assert sim['"Pair_DB".a.n'] == 103 and sim['"Pair_DB".b.n'] == 130 and sim['"Pair_DB".x'] == 9
    assert sim['"Pair_DB".arr[1].n'] == 115 and sim['"Pair_DB".arr[0].n'] == 100


def test_fc_return_value_outputs_and_in_outs_also_inside_expressions() -> None:
    sim = Sim('''
FUNCTION "FC_Scale" : Real
VAR_INPUT x : Int; gain : Real; END_VAR
VAR_OUTPUT clipped : Bool; END_VAR
VAR_IN_OUT calls : Int; END_VAR
VAR_TEMP y : Real; END_VAR
BEGIN
  #calls := #calls + 1;
  #y := INT_TO_REAL(#x) * #gain;
  #clipped := #y > 100.0;
  IF #clipped THEN #FC_Scale := 100.0; RETURN; END_IF;
  #FC_Scale := #y;
END_FUNCTION
FUNCTION "FC_Void" : Void
VAR_IN_OUT arr : Array[0..2] of Int; END_VAR
BEGIN
  #arr[1] := #arr[1] + 1;
END_FUNCTION
DATA_BLOCK "D" VAR r : Real; r2 : Real; c : Bool; c2 : Bool; n : Int; a : Array[0..2] of Int; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".r := "FC_Scale"(x := 30, gain := 1.5, clipped => "D".c, calls := "D".n);
  "D".r2 := "FC_Scale"(x := 300, gain := 1.0, clipped => "D".c2, calls := "D".n) + 1.0;
  "FC_Void"(arr := "D".a);
END_ORGANIZATION_BLOCK
''')  # noqa: E501 - the text is data: its lines stay as they are
    sim.scan()
    assert sim['"D".r'] == 45.0 and sim['"D".c'] is False and sim['"D".r2'] == 101.0 and sim['"D".n'] == 2
    assert sim['"D".c2'] is True
    assert sim['"D".a[1]'] == 1  # a structured in/out is passed by reference


def test_iec_timers_edges_and_counters_run_on_virtual_time() -> None:
    sim = Sim('''
FUNCTION_BLOCK "FB_T"
VAR_INPUT go : Bool; END_VAR
VAR_OUTPUT q : Bool; et : Time; END_VAR
VAR t : TON_TIME; t2 : TON_TIME; e : R_TRIG; c : CTU_INT; n : Int; END_VAR
BEGIN
  #t(IN := #go, PT := T#200ms, Q => #q, ET => #et);
  #t2.TON(IN := #go, PT := T#50ms);
  #e(CLK := #go);
  IF #e.Q THEN #n := #n + 1; END_IF;
  #c(CU := #go, PV := 2);
END_FUNCTION_BLOCK
DATA_BLOCK "T_DB" "FB_T" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "T_DB"(go := "Go");
END_ORGANIZATION_BLOCK
''', [{"name": "Go", "address": "%I0.0", "dataType": "Bool"}])
    sim.scan()
    sim['"Go"'] = True
    sim.scan(10, dt_ms=10)
    assert sim['"T_DB".et'] == 90 and sim['"T_DB".q'] is False and sim['"T_DB".t2.Q'] is True
    sim.scan(15, dt_ms=10)
    assert sim['"T_DB".q'] is True and sim['"T_DB".et'] == 200
    assert sim['"T_DB".n'] == 1 and sim['"T_DB".c.CV'] == 1
    sim['"Go"'] = False
    sim.scan()
    sim['"Go"'] = True
    sim.scan()
    assert sim['"T_DB".n'] == 2 and sim['"T_DB".c.Q'] is True and sim['"T_DB".q'] is False


def test_move_blk_and_fill_blk() -> None:
    sim = Sim('''
DATA_BLOCK "D" VAR a : Array[0..4] of Int := [1, 2, 3, 4, 5]; b : Array[1..5] of Int; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  MOVE_BLK(IN := "D".a[1], COUNT := 3, OUT => "D".b[2]);
  FILL_BLK(IN := 7, COUNT := 2, OUT => "D".a[0]);
END_ORGANIZATION_BLOCK
''')
    sim.scan()
    assert sim['"D".b'].items == [0, 2, 3, 4, 0] and sim['"D".a'].items == [7, 7, 3, 4, 5]


def test_an_unimplemented_instruction_raises_when_executed_and_is_listed() -> None:
    sim = Sim('''
DATA_BLOCK "D" VAR b : Bool; ret : Int; mode : UInt; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  IF "D".b THEN
    "D".ret := GEN_DIAG(LADDR := 0, MODE := "D".mode, DiagEvent := "D".b);
  END_IF;
END_ORGANIZATION_BLOCK
''')
    assert any("GEN_DIAG" in w for w in sim.image.warnings)
    sim.scan()
    sim['"D".b'] = True
    with pytest.raises(UnsupportedInstructionError) as info:
        sim.scan()
    assert (info.value.instruction, info.value.block, info.value.network, info.value.line) == (
        "GEN_DIAG", "Main", 1, 2)


# ----------------------------------------------------------------------------------------- LAD/FBD
def _lad_software() -> PlcSoftware:
    fb = {"blockType": "FB", "name": "FB_Lad", "language": "LAD", "number": 3,
          "interface": {"Input": [{"name": "a", "dataType": "Bool"}], "Output": [{"name": "q", "dataType": "Bool"}]},
          "networks": [{"lad": [[{"contact": "#a"}, {"coil": "#q"}]]}]}
    idb = {"blockType": "InstanceDB", "name": "Lad_DB", "instanceOf": "FB_Lad"}
    ob = {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL",
          "networks": [{"scl": '"Lad_DB"(a := TRUE);'}]}
    sw = PlcSoftware()
    from simatic_xml.generate import parse_spec

    types = {"FB_Lad": parse_spec(fb)}
    for spec in (fb, idb, ob):
        sw.add(read_object(generate_xml(spec, VERSION, types=types), project_version=VERSION), overwrite=False)
    return sw


def _run_lad(sw: PlcSoftware) -> tuple[Any, Any]:
    image = build_image(sw, "PLC_1")
    mem = image.new_memory()
    image.run_ob(image.obs[0], mem, Rt(mem))
    return image, mem


def test_lad_networks_run_through_a_ladder_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    from fakes.runtime import ladder

    seen = {}

    def fake(flgnet: Any, block: Any, program: Any, network: int | None = None) -> Any:
        seen["call"] = (block.name, network)
        temps = [Var("_lad1", "BOOL", "Temp")]
        return SimpleNamespace(statements=parse_statements("#_lad1 := #a;\n#q := NOT #_lad1;"), temps=temps)

    monkeypatch.setattr(ladder, "network_statements", fake)
    _image, mem = _run_lad(_lad_software())
    assert seen["call"] == ("FB_Lad", 1) and mem.dbs["lad_db"]["q"] is False


def test_lad_networks_without_a_translation_raise_when_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from fakes.runtime import ladder

    def missing(*_args: Any, **_kw: Any) -> Any:
        raise NotImplementedError

    monkeypatch.setattr(ladder, "network_statements", missing)
    image = build_image(_lad_software(), "PLC_1")
    assert any("LAD network" in w for w in image.warnings)
    mem = image.new_memory()
    with pytest.raises(UnsupportedInstructionError) as info:
        image.run_ob(image.obs[0], mem, Rt(mem))
    assert info.value.block == "FB_Lad" and info.value.network == 1


def test_lad_network_with_the_real_ladder_module() -> None:
    _image, mem = _run_lad(_lad_software())
    assert mem.dbs["lad_db"]["q"] is True


_STL_FC = Path(__file__).resolve().parents[2].parent / "shared/corpus/simaticml/fc/Gildej31_FC_LIST_V18.xml"
_STL_TAGS = [{"name": "ENTREE_0_0", "address": "%I0.0", "dataType": "Bool"},
             {"name": "SORTIE_0_0", "address": "%Q0.0", "dataType": "Bool"},
             {"name": "SORTIE_0_1", "address": "%Q0.1", "dataType": "Bool"}]
"""The PLC tags FC_LIST's STL reads and writes: its export holds the block alone, and a PLC compiles only with them."""


@pytest.mark.skipif(not _STL_FC.exists(), reason="corpus not available")
def test_stl_networks_are_never_a_silent_no_op() -> None:
    software = software_of_export(_STL_FC, "V18")
    software.add(read_object(tag_table_xml("Default tag table", _STL_TAGS, "V18"), project_version="V18"),
                 overwrite=False)
    image = build_image(software, "PLC_1")
    assert any("STL network" in w for w in image.warnings)
    mem = image.new_memory()
    with pytest.raises(UnsupportedInstructionError) as info:
        image.code.run("FC_LIST", Rt(mem), mem)
    assert (info.value.block, info.value.network) == ("FC_LIST", 1)


_IEC_DB = (DATA / "iec_timer_instance_db.xml").read_bytes()


def test_single_instance_iec_timer_db() -> None:
    # The instance DB is written without its interface: the compiler's checker refuses
    # "IEC_Timer_0_DB".TON(...) when the DB lists IN/PT/Q/ET (it then types it as a Struct).
    software = software_from_scl('''
DATA_BLOCK "D" VAR q : Bool; et : Time; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "IEC_Timer_0_DB".TON(IN := TRUE, PT := T#100ms, Q => "D".q);
  "D".et := "IEC_Timer_0_DB".ET;
END_ORGANIZATION_BLOCK''')
    software.add(read_object(_IEC_DB, project_version=VERSION), overwrite=False)
    sw = Sim.from_software(software)
    sw.scan(1, dt_ms=60)
    assert (sw['"D".q'], sw['"D".et']) == (False, 0)
    sw.scan(2, dt_ms=60)
    assert (sw['"D".q'], sw['"D".et'], sw['"IEC_Timer_0_DB".PT']) == (True, 100, 100)
    assert sw.image.resolve(sw.mem, '"IEC_Timer_0_DB".ET').data_type == "Time"
