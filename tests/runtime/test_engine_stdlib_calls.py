"""The seams between the code generator and the system-instruction library, end to end (SCL source ->
SimaticML -> compile -> image -> scans): functions that read ``rt`` (TIME_TCK), MUX with INELSE, a value
returned through an output (S_CONV), MOVE_BLK_VARIANT writing its DEST in place, and the IEC timers,
counters and edges in every call form TIA has.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from fakes.program import PlcSoftware, read_object
from fakes.runtime.stdlib import system_fb_for

from tools.plc_software import VERSION, Sim, software_from_scl


# ------------------------------------------------------------------------------------------ functions
def test_time_tck_takes_rt_and_reads_virtual_time() -> None:
    sim = Sim('''
DATA_BLOCK "D" VAR t : Time; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".t := TIME_TCK();
END_ORGANIZATION_BLOCK''')
    sim.scan(3, dt_ms=250)
    assert sim['"D".t'] == 750
    sim.rt.now_ns = (2**31 + 7) * 1_000_000 - 10_000_000  # the tick wraps to 0 after 2**31-1 ms
    sim.scan(dt_ms=10)
    assert sim['"D".t'] == 7


def test_mux_inelse_is_the_fallback_not_one_more_input() -> None:
    sim = Sim('''
DATA_BLOCK "D" VAR k : Int; r : Int; r2 : Int; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "D".r := MUX(K := "D".k, IN0 := 10, IN1 := 20, IN2 := 30, INELSE := 99);
  "D".r2 := MUX(K := "D".k, IN0 := 10, IN1 := 20);
END_ORGANIZATION_BLOCK''')
    seen = []
    for k in (0, 2, 3, 7, -1):
        sim['"D".k'] = k
        sim.scan()
        seen.append((sim['"D".r'], sim['"D".r2']))
    assert seen == [(10, 10), (30, 0), (99, 0), (99, 0), (99, 0)]


def test_s_conv_stores_its_value_into_out() -> None:
    sim = Sim('''
DATA_BLOCK "D"
VAR x : Int := -12345; s : String[10]; short : String[3]; txt : String := '12.5'; y : Real; n : DInt; END_VAR
BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  S_CONV(IN := "D".x, OUT => "D".s);
  S_CONV(IN := "D".x, OUT => "D".short);
  S_CONV(IN := "D".txt, OUT => "D".y);
  S_CONV(IN := '  -42', OUT => "D".n);
END_ORGANIZATION_BLOCK''')
    sim.scan()
    assert (sim['"D".s'], sim['"D".short'], sim['"D".y'], sim['"D".n']) == ("-12345", "-12", 12.5, -42)
    assert not sim.image.warnings


def test_move_blk_variant_writes_dest_in_place_and_returns_ret_val() -> None:
    sim = Sim('''
FUNCTION_BLOCK "FB_Copy"
VAR_INPUT n : Int; END_VAR
VAR_OUTPUT ret : Int; END_VAR
VAR src : Array[1..5] of Int := [1, 2, 3, 4, 5]; arr : Array[10..15] of Int; END_VAR
BEGIN
  #ret := MOVE_BLK_VARIANT(SRC := #src, COUNT := #n, SRC_INDEX := 1, DEST_INDEX := 2, DEST => #arr);
  MOVE_BLK_VARIANT(SRC := #src, COUNT := 1, SRC_INDEX := 4, DEST_INDEX := 0, DEST => #arr);
END_FUNCTION_BLOCK
DATA_BLOCK "Copy_DB" "FB_Copy" BEGIN END_DATA_BLOCK
DATA_BLOCK "D" VAR n : Int := 3; ret : Int; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Copy_DB"(n := "D".n, ret => "D".ret);
END_ORGANIZATION_BLOCK''')
    sim.scan()
    assert sim['"Copy_DB".arr'].items == [5, 0, 2, 3, 4, 0] and sim['"D".ret'] == 0
    sim['"D".n'] = 9  # COUNT elements do not fit SRC: 16#8383 and nothing is copied
    sim['"Copy_DB".arr[12]'] = 77
    sim.scan()
    assert sim['"D".ret'] == 0x8383 - 0x10000 and sim['"Copy_DB".arr[12]'] == 77


# -------------------------------------------------------------------- IEC timers, counters and edges
_T, _C = {"Q": "Bool", "ET": "Time"}, {"Q": "Bool", "CV": "Int"}
_CASES = {  # instruction: (instance type, the family's IEC type or None, inputs, outputs and their types)
    "TON": ("TON_TIME", "IEC_TIMER", "IN := #go, PT := T#30ms", _T),
    "TOF": ("TOF_TIME", "IEC_TIMER", "IN := #go, PT := T#30ms", _T),
    "TP": ("TP_TIME", "IEC_TIMER", "IN := #go, PT := T#30ms", _T),
    "TONR": ("TONR_TIME", "IEC_TIMER", "IN := #go, R := #rst, PT := T#30ms", _T),
    "CTU": ("CTU_INT", "IEC_COUNTER", "CU := #go, R := #rst, PV := 2", _C),
    "CTD": ("CTD_INT", "IEC_COUNTER", "CD := #go, LD := #rst, PV := 2", _C),
    "CTUD": ("CTUD_INT", "IEC_COUNTER", "CU := #go, CD := #dn, R := #rst, LD := FALSE, PV := 2",
             {"QU": "Bool", "QD": "Bool", "CV": "Int"}),
    "R_TRIG": ("R_TRIG", None, "CLK := #go", {"Q": "Bool"}),
    "F_TRIG": ("F_TRIG", None, "CLK := #go", {"Q": "Bool"}),
}
_INPUTS = [  # (go, dn, rst) per 10 ms scan: edges, a held level, a reset, a pause, a level again
    (1, 0, 0), (1, 0, 0), (1, 0, 0), (1, 0, 0), (0, 1, 0), (1, 0, 0), (0, 1, 0), (0, 0, 0), (0, 0, 0),
    (0, 0, 0), (0, 0, 1), (1, 0, 0), (1, 1, 0), (0, 0, 0), (1, 0, 0), (1, 0, 0), (1, 0, 0), (1, 0, 0),
]

_SYSTEM_IDB = """<?xml version="1.0" encoding="utf-8"?>
<Document>
  <Engineering version="V19" />
  <SW.Blocks.InstanceDB ID="0">
    <AttributeList>
      <InstanceOfName>{type}</InstanceOfName>{interface}
      <Name>{name}</Name>
      <Number>{number}</Number>
      <OfSystemLibElement>{type}</OfSystemLibElement>
      <OfSystemLibVersion>1.0</OfSystemLibVersion>
      <ProgrammingLanguage>DB</ProgrammingLanguage>
    </AttributeList>
  </SW.Blocks.InstanceDB>
</Document>
"""


def _forms_software(kind: str) -> tuple[PlcSoftware, list[str]]:
    """One program that runs ``kind`` in each of its call forms on the same inputs, each form wiring the
    outputs into ``"Out".<form>_<output>``; and the forms: single-instance DB, ``#s(...)`` on a static of
    the instance type, ``#g.KIND(...)`` on an IEC_TIMER/IEC_COUNTER static (timers and counters only)."""
    itype, family, args, outs = _CASES[kind]
    forms = ["single", "s"] + (["g"] if family else [])

    def call(form: str, callee: str, inputs: str) -> str:
        wiring = ", ".join(f'{o} => "Out".{form}_{o}' for o in outs)
        return f"{callee}({inputs}, {wiring});"

    single = re.sub(r"#(go|dn|rst)\b", r'"In".\1', args)
    # the SCL generator knows the instance types only: the family static is written as the instance type
    # and retyped in the SimaticML below (as TIA stores it: Datatype="IEC_TIMER")
    statics = f"s : {itype};" + (f" g : {itype};" if family else "")
    calls = call("s", "#s", args) + (call("g", f"#g.{kind}", args) if family else "")
    out_vars = " ".join(f"{f}_{o} : {t};" for f in forms for o, t in outs.items())
    text = f'''
FUNCTION_BLOCK "FB_Forms"
VAR_INPUT go : Bool; dn : Bool; rst : Bool; END_VAR
VAR {statics} END_VAR
BEGIN
  {calls}
END_FUNCTION_BLOCK
DATA_BLOCK "Forms_DB" "FB_Forms" BEGIN END_DATA_BLOCK
DATA_BLOCK "In" VAR go : Bool; dn : Bool; rst : Bool; END_VAR BEGIN END_DATA_BLOCK
DATA_BLOCK "Out" VAR {out_vars} END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  {call("single", '"Single_DB"' + ("" if family is None else "." + kind), single)}
  "Forms_DB"(go := "In".go, dn := "In".dn, rst := "In".rst);
END_ORGANIZATION_BLOCK'''
    software = software_from_scl(text)
    software.add(read_object(_SYSTEM_IDB.format(type=itype, name="Single_DB", number=40, interface="").encode(),
                             project_version=VERSION), overwrite=False)
    if family:
        for obj in [o for o in software.all() if o.name in ("FB_Forms", "Forms_DB")]:
            xml = re.sub(rb'(<Member Name="g" Datatype=")[A-Z_]+(")', rb"\g<1>" + family.encode() + rb"\2", obj.xml)
            software.add(read_object(xml, project_version=VERSION), overwrite=True)
    return software, forms


def _reference(kind: str) -> list[tuple]:
    """What the stdlib FB itself gives for ``_INPUTS`` (the model the generated calls must reproduce)."""
    itype, _family, args, outs = _CASES[kind]
    fb = system_fb_for(itype)
    assert fb is not None, itype
    inst = fb.new_instance()
    names = {"#go": 0, "#dn": 1, "#rst": 2}
    params = [(p.split(":=")[0].strip(), p.split(":=")[1].strip()) for p in args.split(",")]
    rt = SimpleNamespace(now_ns=0)
    trace = []
    for row in _INPUTS:
        rt.now_ns += 10_000_000
        for name, actual in params:
            inst[name] = bool(row[names[actual]]) if actual in names else {
                "T#30ms": 30, "2": 2, "FALSE": False}[actual]
        fb.run(rt, inst)
        trace.append(tuple(inst[o] for o in outs))
    return trace


@pytest.mark.parametrize("kind", list(_CASES))
def test_timers_counters_and_edges_in_every_call_form(kind: str) -> None:
    software, forms = _forms_software(kind)
    sim = Sim.from_software(software)
    assert not sim.image.warnings
    outs = _CASES[kind][3]
    traces: dict[str, list[tuple]] = {form: [] for form in forms}
    for go, dn, rst in _INPUTS:
        sim['"In".go'], sim['"In".dn'], sim['"In".rst'] = bool(go), bool(dn), bool(rst)
        sim.scan(dt_ms=10)
        for form in forms:
            traces[form].append(tuple(sim[f'"Out".{form}_{o}'] for o in outs))
    expected = _reference(kind)
    assert all(trace == expected for trace in traces.values()), traces
    assert len(set(expected)) > 1  # the inputs exercise the instruction: its outputs change


def test_ctu_on_an_iec_counter_sets_qu() -> None:
    sim = Sim.from_software(_forms_software("CTU")[0])
    for go in (True, False, True):
        sim['"In".go'] = go
        sim.scan()
    assert sim['"Out".g_Q'] is True and sim['"Forms_DB".g.CV'] == 2
    assert sim['"Forms_DB".g.QU'] is True


# An IEC_COUNTER single-instance DB as TIA exports it: its own interface lists the type's members.
_COUNTER_INTERFACE = """
      <Interface><Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5">
  <Section Name="Static">{}</Section>
</Sections></Interface>""".format("".join(
    f'\n    <Member Name="{n}" Datatype="{t}" Remanence="NonRetain" Accessibility="Public" />'
    for n, t in (("CU", "Bool"), ("CD", "Bool"), ("R", "Bool"), ("LD", "Bool"), ("QU", "Bool"), ("QD", "Bool"),
                 ("PV", "Int"), ("CV", "Int"))))


@pytest.mark.parametrize(("kind", "args", "flag", "trace"), [
    ("CTU", "CU := \"In\".go, R := FALSE, PV := 2", "QU", [(1, False), (1, False), (2, True)]),
    ("CTD", "CD := \"In\".go, LD := \"In\".rst, PV := 2", "QD", [(1, False), (1, False), (0, True)]),
])
def test_counter_call_on_an_iec_counter_db_keeps_q_in_qu_or_qd(kind: str, args: str, flag: str,
                                                                trace: list) -> None:
    software = software_from_scl(f'''
DATA_BLOCK "In" VAR go : Bool; rst : Bool; END_VAR BEGIN END_DATA_BLOCK
DATA_BLOCK "Out" VAR q : Bool; END_VAR BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Cnt_DB".{kind}({args}, Q => "Out".q);
END_ORGANIZATION_BLOCK''')
    software.add(read_object(_SYSTEM_IDB.format(type="IEC_COUNTER", name="Cnt_DB", number=41,
                                                interface=_COUNTER_INTERFACE).encode(), project_version=VERSION),
                 overwrite=False)
    sim = Sim.from_software(software)
    sim['"In".rst'] = True  # CTD: load PV first
    sim.scan()
    sim['"In".rst'] = False
    seen = []
    for go in (True, False, True):
        sim['"In".go'] = go
        sim.scan()
        seen.append((sim['"Cnt_DB".CV'], sim['"Cnt_DB".' + flag]))
        assert sim['"Out".q'] is seen[-1][1]
    assert seen == trace
