"""LAD/FBD networks to SCL statements (``fakes.runtime.ladder``): bit logic, edges and operands; the produced
code printed as SCL, and its behaviour over several scans (tiny runner in ``tests.runtime.ladder_support``).
Boxes, timers and calls are in ``test_ladder_boxes``."""

from __future__ import annotations

from engineering_api.rules.compiler.program import BlockDef
from fakes.runtime.ladder import network_statements
from fakes.runtime.ladder_operands import literal
from fakes.runtime.ladder_text import statements_text
from simatic_xml import flgnet as F
from simatic_xml.template_value import TemplateValue
from simatic_xml.scl import ast as A

from .ladder_support import (
    NetBuilder,
    ScanRunner,
    block_with,
    from_xml_text,
    translate,
    translate_text,
)


def _rung(*contacts: str, coil: str = "q", coil_part: str = "Coil", negated: tuple = ()):
    """rail -> contacts in series -> coil; returns the builder."""
    n = NetBuilder()
    source: str | tuple[str, str] = "rail"
    for name in contacts:
        c = n.part("Contact", *([F.Negated("operand")] if name in negated else []))
        n.wire(n.var(name), (c, "operand"))
        n.wire(source, (c, "in"))
        source = (c, "out")
    out = n.part(coil_part)
    n.wire(source, (out, "in"))
    n.wire(n.var(coil), (out, "operand"))
    return n


# ------------------------------------------------------------------ bit logic


def test_contacts_in_series_are_and():
    assert translate_text(_rung("a", "b").build()) == "#q := #a AND #b;\n"


def test_negated_contact_and_negated_coil():
    n = _rung("a", "b", negated=("b",))
    coil = next(p for p in n.parts if isinstance(p, F.Part) and p.name == "Coil")
    coil.items.append(F.Negated("operand"))
    assert translate_text(n.build()) == "#q := NOT (#a AND NOT #b);\n"


def test_parallel_branches_join_in_an_o_part():
    n = NetBuilder()
    a, b, c, o, q = (n.part("Contact"), n.part("Contact"), n.part("Contact"),
                     n.part("O", TemplateValue("Card", "Cardinality", "2")), n.part("Coil"))
    n.wire("rail", (a, "in"), (b, "in"))
    for part, name in ((a, "a"), (b, "b"), (c, "c"), (q, "q")):
        n.wire(n.var(name), (part, "operand"))
    n.wire((a, "out"), (o, "in1"))
    n.wire((b, "out"), (c, "in"))
    n.wire((c, "out"), (o, "in2"))
    n.wire((o, "out"), (q, "in"))
    assert translate_text(n.build()) == "#q := #a OR #b AND #c;\n"


def test_a_branching_wire_reads_its_power_once():
    n = NetBuilder()
    a, b, x, y = n.part("Contact"), n.part("Contact"), n.part("Coil"), n.part("Coil")
    n.wire("rail", (a, "in"))
    for part, name in ((a, "a"), (b, "b"), (x, "x"), (y, "y")):
        n.wire(n.var(name), (part, "operand"))
    n.wire((a, "out"), (x, "in"), (b, "in"))
    n.wire((b, "out"), (y, "in"))
    text = translate_text(n.build())
    assert text == "#_lad1 := #a;\n#x := #_lad1;\n#y := #_lad1 AND #b;\n"


def test_fbd_and_box_with_negated_input_and_not():
    n = NetBuilder()
    box, inv, assign = n.part("A", TemplateValue("Card", "Cardinality", "2"), F.Negated("in2")), n.part("Not"), \
        n.part("Coil")
    n.wire(n.var("a"), (box, "in1"))
    n.wire(n.var("b"), (box, "in2"))
    n.wire((box, "out"), (inv, "in"))
    n.wire((inv, "out"), (assign, "in"))
    n.wire(n.var("q"), (assign, "operand"))
    assert translate_text(n.build()) == "#q := NOT (#a AND NOT #b);\n"


def test_set_and_reset_coils():
    n = _rung("a", coil="q", coil_part="SCoil")
    assert translate_text(n.build()) == "IF #a THEN\n    #q := TRUE;\nEND_IF;\n"
    n = _rung("a", coil="q", coil_part="RCoil")
    assert translate_text(n.build()) == "IF #a THEN\n    #q := FALSE;\nEND_IF;\n"


def test_a_coil_passes_on_the_power_it_received():
    """-| a |-(R a)-( y ): y gets the power before the reset, as in TIA."""
    n = NetBuilder()
    a, r, y = n.part("Contact"), n.part("RCoil"), n.part("Coil")
    n.wire("rail", (a, "in"))
    n.wire(n.var("a"), (a, "operand"))
    n.wire(n.var("a"), (r, "operand"))
    n.wire(n.var("y"), (y, "operand"))
    n.wire((a, "out"), (r, "in"))
    n.wire((r, "out"), (y, "in"))
    runner = ScanRunner(translate(n.build()))
    memory = runner.scan(a=True)
    assert memory["#a"] is False and memory["#y"] is True


def _flip_flop(name: str, set_pin: str, reset_pin: str):
    n = NetBuilder()
    ff, s, r = n.part(name), n.part("Contact"), n.part("Contact")
    n.wire("rail", (s, "in"), (r, "in"))
    n.wire(n.var("set"), (s, "operand"))
    n.wire(n.var("reset"), (r, "operand"))
    n.wire((s, "out"), (ff, set_pin))
    n.wire((r, "out"), (ff, reset_pin))
    n.wire(n.var("m"), (ff, "operand"))
    q = n.part("Coil")
    n.wire((ff, "q"), (q, "in"))
    n.wire(n.var("q"), (q, "operand"))
    return ScanRunner(translate(n.build()))


def test_sr_is_reset_dominant_and_rs_set_dominant():
    sr = _flip_flop("Sr", "s", "r1")
    assert sr.scan(set=True, reset=False)["#q"] is True
    assert sr.scan(set=False, reset=False)["#q"] is True
    assert sr.scan(set=True, reset=True)["#q"] is False
    rs = _flip_flop("Rs", "s1", "r")
    assert rs.scan(set=True, reset=True)["#q"] is True
    assert rs.scan(set=False, reset=True)["#q"] is False


# ------------------------------------------------------------------ edges


def _edge_net(name: str) -> F.FlgNet:
    """rail -> P/N contact on #sig with memory #mem -> coil #q."""
    n = NetBuilder()
    p, q = n.part(name), n.part("Coil")
    n.wire("rail", (p, "pre"))
    n.wire(n.var("mem"), (p, "bit"))
    n.wire(n.var("sig"), (p, "operand"))
    n.wire((p, "out"), (q, "in"))
    n.wire(n.var("q"), (q, "operand"))
    return n.build()


def _edge_contact(name: str):
    return translate(_edge_net(name))


def test_p_contact_is_pure_scl_on_the_memory_bit():
    code = _edge_contact("PContact")
    assert statements_text(code.statements) == (
        "#_lad1 := #sig;\n#_lad2 := #_lad1 AND NOT #mem;\n#mem := #_lad1;\n#q := #_lad2;\n")
    assert [(v.name, v.type, v.section) for v in code.temps] == [("_lad1", "BOOL", "Temp"), ("_lad2", "BOOL", "Temp")]


def test_p_and_n_contacts_pulse_once_per_edge():
    rising = ScanRunner(_edge_contact("PContact"))
    assert [rising.scan(sig=s)["#q"] for s in (False, True, True, False, True)] == [False, True, False, False, True]
    falling = ScanRunner(_edge_contact("NContact"))
    assert [falling.scan(sig=s)["#q"] for s in (True, True, False, False, True, False)] == \
        [False, False, True, False, False, True]


def test_p_trig_box_and_p_coil():
    n = NetBuilder()
    a, box, coil = n.part("Contact"), n.part("PBox"), n.part("PCoil")
    n.wire("rail", (a, "in"))
    n.wire(n.var("a"), (a, "operand"))
    n.wire((a, "out"), (box, "in"), (coil, "in"))
    n.wire(n.var("m1"), (box, "bit"))
    n.wire(n.var("m2"), (coil, "bit"))
    n.wire(n.var("pulse"), (coil, "operand"))
    q = n.part("Coil")
    n.wire((box, "out"), (q, "in"))
    n.wire(n.var("q"), (q, "operand"))
    runner = ScanRunner(translate(n.build()))
    seen = [(m["#q"], m["#pulse"]) for m in (dict(runner.scan(a=v)) for v in (False, True, True, False, True))]
    assert seen == [(False, False), (True, True), (False, False), (False, False), (True, True)]


SAFETY_FBD = """<FlgNet><Parts>
  <Access Scope="GlobalVariable" UId="21"><Symbol><Component Name="estop_clear" /></Symbol></Access>
  <Access Scope="LocalVariable" UId="22"><Symbol><Component Name="last_estop_clear" /></Symbol></Access>
  <Access Scope="LocalVariable" UId="23"><Symbol><Component Name="faults_clear" /></Symbol></Access>
  <Access Scope="GlobalVariable" UId="24"><Symbol><Component Name="reset" /></Symbol></Access>
  <Access Scope="LocalVariable" UId="25"><Symbol><Component Name="last_reset" /></Symbol></Access>
  <Access Scope="LocalVariable" UId="26"><Symbol><Component Name="faults_clear" /></Symbol></Access>
  <Access Scope="GlobalVariable" UId="27"><Symbol><Component Name="DataToSafety" />
    <Component Name="run" /></Symbol></Access>
  <Access Scope="LocalVariable" UId="28"><Symbol><Component Name="faults_clear" /></Symbol></Access>
  <Access Scope="GlobalVariable" UId="29"><Symbol><Component Name="DataFromSafety" />
    <Component Name="running" /></Symbol></Access>
  <Access Scope="GlobalVariable" UId="30"><Symbol><Component Name="interlock" /></Symbol></Access>
  <Part Name="NBox" UId="31" /><Part Name="RCoil" UId="32" /><Part Name="PBox" UId="33" /><Part Name="SCoil" UId="34" />
  <Part Name="A" UId="35"><TemplateValue Name="Card" Type="Cardinality">2</TemplateValue></Part>
  <Part Name="Coil" UId="36" /><Part Name="Coil" UId="37" />
</Parts><Wires>
  <Wire UId="38"><IdentCon UId="21" /><NameCon UId="31" Name="in" /></Wire>
  <Wire UId="39"><IdentCon UId="22" /><NameCon UId="31" Name="bit" /></Wire>
  <Wire UId="40"><NameCon UId="31" Name="out" /><NameCon UId="32" Name="in" /></Wire>
  <Wire UId="41"><IdentCon UId="23" /><NameCon UId="32" Name="operand" /></Wire>
  <Wire UId="42"><IdentCon UId="24" /><NameCon UId="33" Name="in" /></Wire>
  <Wire UId="43"><IdentCon UId="25" /><NameCon UId="33" Name="bit" /></Wire>
  <Wire UId="44"><NameCon UId="33" Name="out" /><NameCon UId="34" Name="in" /></Wire>
  <Wire UId="45"><IdentCon UId="26" /><NameCon UId="34" Name="operand" /></Wire>
  <Wire UId="46"><IdentCon UId="27" /><NameCon UId="35" Name="in1" /></Wire>
  <Wire UId="47"><IdentCon UId="28" /><NameCon UId="35" Name="in2" /></Wire>
  <Wire UId="48"><NameCon UId="35" Name="out" /><NameCon UId="36" Name="in" /></Wire>
  <Wire UId="49"><IdentCon UId="29" /><NameCon UId="36" Name="operand" /></Wire>
  <Wire UId="50"><NameCon UId="36" Name="out" /><NameCon UId="37" Name="in" /></Wire>
  <Wire UId="51"><IdentCon UId="30" /><NameCon UId="37" Name="operand" /></Wire>
</Wires></FlgNet>"""
"""An F_FBD network of a public export (Main_Safety_RTG1): N_TRIG/P_TRIG boxes, R/S, AND, cascaded assignments."""


def test_fbd_network_from_an_export_runs_scan_after_scan():
    runner = ScanRunner(translate(from_xml_text(SAFETY_FBD)))
    run, reset, estop = '"DataToSafety".run', '"reset"', '"estop_clear"'
    assert runner.scan({run: True, reset: False, estop: True})['"interlock"'] is False
    memory = runner.scan({reset: True})  # rising edge of reset: faults cleared
    assert memory["#faults_clear"] is True and memory['"interlock"'] is True
    assert memory['"DataFromSafety".running'] is True
    assert runner.scan({reset: False})['"interlock"'] is True
    assert runner.scan({estop: False})['"interlock"'] is False  # falling edge of estop_clear


# ------------------------------------------------------------------ operands, literals, options


def test_literals_look_like_the_scl_parser_builds_them():
    two_s = literal("T#2s")
    assert two_s is not None
    assert (two_s.kind, two_s.value, two_s.type_name) == ("time", 2000, "T")
    one = literal("1", "Real")
    assert one is not None
    assert (one.kind, one.value, one.text) == ("real", 1.0, "1.0")
    true = literal("TRUE", "Bool")
    assert true is not None and true.value is True
    hexa = literal("16#FF", "Word")
    assert hexa is not None
    assert (hexa.kind, hexa.value) == ("int", 255)
    typed = literal("DINT#-5")
    assert typed is not None
    assert (typed.kind, typed.value, typed.type_name) == ("int", -5, "DINT")


def _access(n: NetBuilder, **fields) -> str:
    uid = n._next()
    n.parts.append(F.FlgAccess(fields.pop("scope"), uid, **fields))
    return uid


def test_operands_with_arrays_addresses_and_constants():
    n = NetBuilder()
    three = F.FlgAccess("LiteralConstant", None, constant=F.FlgConstant("3", "DInt"))
    element = _access(n, scope="GlobalVariable", symbol=[F.Component("Data"), F.Component("vals", "Array", [three])])
    bit = _access(n, scope="Address", address={"Area": "Memory", "Type": "Bool", "BitOffset": "81"})
    word = _access(n, scope="Address", address={"Area": "DB", "Type": "Word", "BlockNumber": "5", "BitOffset": "16"})
    user_constant = _access(n, scope="GlobalConstant", constant=F.FlgConstant(name="MAX_SPEED"))
    c, q, mv = n.part("Contact"), n.part("Coil"), n.part("Move")
    n.wire("rail", (c, "in"))
    n.wire(element, (c, "operand"))
    n.wire((c, "out"), (q, "in"))
    n.wire(bit, (q, "operand"))
    n.wire(None, (mv, "en"))
    n.wire(user_constant, (mv, "in"))
    n.wire((mv, "out1"), word)
    assert translate_text(n.build()) == '%M10.1 := "Data".vals[3];\n%DB5.DBW2 := "MAX_SPEED";\n'


SLICE_NETWORK = """<FlgNet><Parts>
  <Access Scope="GlobalVariable" UId="21"><Symbol><Component Name="Alarms" />
    <Component Name="words" AccessModifier="Array"><Access Scope="LiteralConstant"><Constant>
      <ConstantType>Int</ConstantType><ConstantValue>2</ConstantValue></Constant></Access></Component>
    <Component Name="w" SliceAccessModifier="x15" /></Symbol></Access>
  <Access Scope="LocalVariable" UId="22"><Symbol><Component Name="status" SliceAccessModifier="x1" /></Symbol></Access>
  <Part Name="Contact" UId="23" /><Part Name="Coil" UId="24" />
</Parts><Wires>
  <Wire UId="25"><Powerrail /><NameCon UId="23" Name="in" /></Wire>
  <Wire UId="26"><IdentCon UId="21" /><NameCon UId="23" Name="operand" /></Wire>
  <Wire UId="27"><NameCon UId="23" Name="out" /><NameCon UId="24" Name="in" /></Wire>
  <Wire UId="28"><IdentCon UId="22" /><NameCon UId="24" Name="operand" /></Wire>
</Wires></FlgNet>"""


def test_slice_accesses_of_an_export():
    # SliceAccessModifier="x1" on a component is the slice .%X1 of that member
    assert translate_text(from_xml_text(SLICE_NETWORK)) == '#status.%X1 := "Alarms".words[2].w.%X15;\n'


def test_temp_prefix_names_the_temporaries():
    block, program = block_with()
    code = network_statements(_edge_net("PContact"), block, program, network=7, temp_prefix="_lad7_")
    assert [v.name for v in code.temps] == ["_lad7_1", "_lad7_2"]
    assert statements_text(code.statements).startswith("#_lad7_1 := #sig;\n")


def test_empty_and_partless_networks():
    assert translate(F.FlgNet(parts=None, wires=None)).statements == []
    block = BlockDef("F", "FC")
    assert network_statements(F.FlgNet(), block, block_with("FC")[1], network=3).statements == []


def test_statements_carry_no_positions():
    code = translate(_rung("a", "b").build())
    assert all(node.line == 0 and node.col == 0 for s in code.statements for node in A.walk(s))
