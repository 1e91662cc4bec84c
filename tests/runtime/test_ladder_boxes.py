"""LAD/FBD boxes to SCL statements: EN/ENO boxes, timers and counters, calls of system instructions and
user blocks, and the placeholders of what cannot be translated."""

from __future__ import annotations

from engineering_api.rules.compiler.types import NamedT
from fakes.runtime.ladder import is_placeholder
from fakes.runtime.ladder_text import statements_text
from simatic_xml import flgnet as F
from simatic_xml.scl.parser import parse_statements
from simatic_xml.template_value import TemplateValue
from simatic_xml.xmlnode import XmlNode

from .ladder_support import (
    NetBuilder,
    block_with,
    from_xml_text,
    translate,
    translate_text,
)

# ------------------------------------------------------------------ boxes


def test_move_with_two_outputs_under_en():
    n = NetBuilder()
    a, mv = n.part("Contact"), n.part("Move", TemplateValue("Card", "Cardinality", "2"))
    n.wire("rail", (a, "in"))
    n.wire(n.var("a"), (a, "operand"))
    n.wire((a, "out"), (mv, "en"))
    n.wire(n.var("src"), (mv, "in"))
    n.wire((mv, "out1"), n.var("d1"))
    n.wire((mv, "out2"), n.var("d2"))
    assert translate_text(n.build()) == "IF #a THEN\n    #d1 := #src;\n    #d2 := #src;\nEND_IF;\n"


def test_unconnected_en_is_powered():
    n = NetBuilder()
    mv = n.part("Move", TemplateValue("Card", "Cardinality", "1"))
    n.wire(None, (mv, "en"))
    n.wire(n.var("src"), (mv, "in"))
    n.wire((mv, "out1"), n.var("dst"))
    assert translate_text(n.build()) == "#dst := #src;\n"


def test_add_feeds_move_through_a_typed_temp_and_eno():
    n = NetBuilder()
    add, mv = n.part("Add", TemplateValue("Card", "Cardinality", "2"), TemplateValue("SrcType", "Type", "Int")), \
        n.part("Move", TemplateValue("Card", "Cardinality", "1"))
    n.wire(n.var("go"), (add, "en"))
    n.wire(n.var("a"), (add, "in1"))
    n.wire(n.const("1", "Int"), (add, "in2"))
    n.wire((add, "out"), (mv, "in"))
    n.wire((add, "eno"), (mv, "en"))
    n.wire((mv, "out1"), n.var("r"))
    code = translate(n.build())
    assert statements_text(code.statements) == (
        "#_lad1 := #go;\nIF #_lad1 THEN\n    #_lad2_INT := #a + 1;\nEND_IF;\n"
        "IF #_lad1 THEN\n    #r := #_lad2_INT;\nEND_IF;\n")
    assert [(v.name, v.type) for v in code.temps] == [("_lad1", "BOOL"), ("_lad2_INT", "INT")]


def test_compare_in_range_and_calculate():
    n = NetBuilder()
    gt, rng, q = n.part("Gt", TemplateValue("SrcType", "Type", "Int")), \
        n.part("InRange", TemplateValue("SrcType", "Type", "Int")), n.part("Coil")
    n.wire("rail", (gt, "pre"))
    n.wire(n.var("x"), (gt, "in1"))
    n.wire(n.const("5", "Int"), (gt, "in2"))
    n.wire((gt, "out"), (rng, "pre"))
    n.wire(n.const("0", "Int"), (rng, "min"))
    n.wire(n.var("y"), (rng, "in"))
    n.wire(n.const("9", "Int"), (rng, "max"))
    n.wire((rng, "out"), (q, "in"))
    n.wire(n.var("q"), (q, "operand"))
    calc = n.part("Calc", TemplateValue("Card", "Cardinality", "2"), TemplateValue("SrcType", "Type", "Real"))
    calc_part = n.parts[-1]
    calc_part.items.insert(0, XmlNode("Equation", None, {}, [], "(IN1 + IN2) / 2.0"))
    n.wire(None, (calc, "en"))
    n.wire(n.var("r1"), (calc, "in1"))
    n.wire(n.var("r2"), (calc, "in2"))
    n.wire((calc, "out"), n.var("avg"))
    assert translate_text(n.build()) == (
        "#q := #x > 5 AND (0 <= #y AND #y <= 9);\n#avg := (#r1 + #r2) / 2.0;\n")


def test_convert_and_round_boxes():
    n = NetBuilder()
    conv = n.part("Convert", TemplateValue("SrcType", "Type", "Int"), TemplateValue("DestType", "Type", "DInt"))
    rnd = n.part("Round", TemplateValue("SrcType", "Type", "Real"), TemplateValue("DestType", "Type", "Int"))
    for box, src, dst in ((conv, "i", "d"), (rnd, "r", "n")):
        n.wire(None, (box, "en"))
        n.wire(n.var(src), (box, "in"))
        n.wire((box, "out"), n.var(dst))
    assert translate_text(n.build()) == "#d := INT_TO_DINT(#i);\n#n := ROUND(#r);\n"


# ------------------------------------------------------------------ timers, counters and calls

TON_NETWORK = """<FlgNet>
  <Parts>
    <Access Scope="GlobalVariable" UId="21"><Symbol><Component Name="Start" /></Symbol></Access>
    <Access Scope="TypedConstant" UId="22"><Constant><ConstantValue>T#2s</ConstantValue></Constant></Access>
    <Access Scope="LocalVariable" UId="23"><Symbol><Component Name="elapsed" /></Symbol></Access>
    <Access Scope="GlobalVariable" UId="24"><Symbol><Component Name="Lamp" /></Symbol></Access>
    <Part Name="Contact" UId="25" />
    <Part Name="TON" Version="1.0" UId="26">
      <Instance Scope="GlobalVariable" UId="27"><Component Name="IEC_Timer_0_DB" /></Instance>
      <TemplateValue Name="time_type" Type="Type">Time</TemplateValue>
    </Part>
    <Part Name="Coil" UId="28" />
  </Parts>
  <Wires>
    <Wire UId="29"><Powerrail /><NameCon UId="25" Name="in" /></Wire>
    <Wire UId="30"><IdentCon UId="21" /><NameCon UId="25" Name="operand" /></Wire>
    <Wire UId="31"><NameCon UId="25" Name="out" /><NameCon UId="26" Name="IN" /></Wire>
    <Wire UId="32"><IdentCon UId="22" /><NameCon UId="26" Name="PT" /></Wire>
    <Wire UId="33"><NameCon UId="26" Name="Q" /><NameCon UId="28" Name="in" /></Wire>
    <Wire UId="34"><NameCon UId="26" Name="ET" /><IdentCon UId="23" /></Wire>
    <Wire UId="35"><IdentCon UId="24" /><NameCon UId="28" Name="operand" /></Wire>
  </Wires>
</FlgNet>"""


def test_ton_box_from_an_export_calls_its_single_instance():
    code = translate(from_xml_text(TON_NETWORK))
    assert statements_text(code.statements) == (
        '"IEC_Timer_0_DB".TON(IN := "Start", PT := T#2s, ET => #elapsed);\n"Lamp" := "IEC_Timer_0_DB".Q;\n')
    call = code.statements[0].call
    pt = call.args[1].value
    assert (pt.kind, pt.value, pt.type_name) == ("time", 2000, "T")


def test_timer_multi_instance_is_called_by_its_type():
    net = from_xml_text(TON_NETWORK.replace('Scope="GlobalVariable" UId="27"', 'Scope="LocalVariable" UId="27"'))
    block, program = block_with(IEC_Timer_0_DB=NamedT("TON_TIME", False), elapsed="TIME")
    assert translate_text(net, block, program).startswith('#IEC_Timer_0_DB(IN := "Start"')
    block, program = block_with(IEC_Timer_0_DB=NamedT("IEC_TIMER", False), elapsed="TIME")
    assert translate_text(net, block, program).startswith('#IEC_Timer_0_DB.TON(IN := "Start"')


def test_counter_box_with_reset_and_outputs():
    n = NetBuilder()
    ctu = n.part("CTU", instance=("LocalVariable", "count"))
    n.wire(n.var("pulse"), (ctu, "CU"))
    n.wire(n.var("clear"), (ctu, "R"))
    n.wire(n.const("3", "Int"), (ctu, "PV"))
    n.wire((ctu, "CV"), n.var("value"))
    n.coil((ctu, "Q"), "done")
    block, program = block_with(count=NamedT("CTU_INT", False), value="INT")
    assert translate_text(n.build(), block, program) == (
        "#count(CU := #pulse, R := #clear, PV := 3, CV => #value);\n#done := #count.Q;\n")


def test_fc_call_with_en_outputs_and_return_value():
    n = NetBuilder()
    call = n.call("Scale", "FC", [("raw", "Input", "Int"), ("io", "InOut", "Int"), ("ok", "Output", "Bool"),
                                  ("value", "Output", "Real"), ("Ret_Val", "Return", "Int")])
    n.wire(n.var("enable"), (call, "en"))
    n.wire(n.var("x"), (call, "raw"))
    n.wire(n.var("acc"), (call, "io"))
    n.wire((call, "value"), n.var("y"))
    n.wire((call, "Ret_Val"), n.var("status"))
    n.coil((call, "ok"), "good")
    block, program = block_with(good="BOOL", y="REAL", status="INT")
    code = translate(n.build(), block, program)
    assert statements_text(code.statements) == (
        'IF #enable THEN\n    #status := "Scale"(raw := #x, io := #acc, ok => #_lad1, value => #y);\nEND_IF;\n'
        "#good := #_lad1;\n")
    assert [(v.name, v.type) for v in code.temps] == [("_lad1", "BOOL")]  # the parameter's type


def test_fb_call_on_a_multi_instance_reads_outputs_from_it():
    n = NetBuilder()
    call = n.call("Motor", "FB", [("start", "Input", "Bool"), ("running", "Output", "Bool")],
                  instance=("LocalVariable", "motor1"))
    n.wire(None, (call, "en"))
    n.wire(n.var("go"), (call, "start"))
    n.coil((call, "running"), "lamp")
    assert translate_text(n.build()) == "#motor1(start := #go);\n#lamp := #motor1.running;\n"


def test_r_trig_and_system_fb_boxes_call_their_instances():
    n = NetBuilder()
    trig = n.part("R_TRIG", instance=("LocalVariable", "edge"))
    n.wire(None, (trig, "en"))
    n.wire(n.var("button"), (trig, "CLK"))
    power = n.part("MC_POWER", instance=("GlobalVariable", "Power_DB"))
    n.wire((trig, "Q"), (power, "en"))
    n.wire(n.var("axis"), (power, "Axis"))
    n.wire(n.const("TRUE", "Bool"), (power, "Enable"))
    n.coil((power, "Status"), "ready")
    block, program = block_with(edge=NamedT("R_TRIG", False))
    assert translate_text(n.build(), block, program) == (
        "#edge(CLK := #button);\n"
        'IF #edge.Q THEN\n    "Power_DB"(Axis := #axis, Enable := TRUE);\nEND_IF;\n'
        '#ready := "Power_DB".Status;\n')


def test_inc_xor_and_a_negated_box_output():
    n = NetBuilder()
    inc = n.part("Inc")
    n.wire(n.var("go"), (inc, "en"))
    n.wire(n.var("count"), (inc, "operand"))
    xor = n.part("X", TemplateValue("Card", "Cardinality", "2"), F.Negated("out"))
    n.wire(n.var("a"), (xor, "in1"))
    n.wire(n.var("b"), (xor, "in2"))
    n.coil((xor, "out"), "same")
    assert translate_text(n.build()) == "IF #go THEN\n    #count := #count + 1;\nEND_IF;\n#same := NOT (#a XOR #b);\n"


def test_system_function_box_uses_the_scl_function():
    n = NetBuilder()
    box = n.part("Normalize")
    n.wire(None, (box, "en"))
    n.wire(n.const("0", "Int"), (box, "min"))
    n.wire(n.var("raw"), (box, "value"))
    n.wire(n.const("27648", "Int"), (box, "max"))
    n.wire((box, "out"), n.var("ratio"))
    assert translate_text(n.build()) == "#ratio := NORM_X(min := 0, value := #raw, max := 27648);\n"


def test_move_blk_out_is_an_output_parameter_not_a_function_value():
    n = NetBuilder()
    box = n.part("MOVE_BLK")
    n.wire(n.var("go"), (box, "en"))
    n.wire(n.var("src"), (box, "IN"))
    n.wire(n.const("3", "UDInt"), (box, "COUNT"))
    n.wire((box, "OUT"), n.var("dst"))
    assert translate_text(n.build()) == "IF #go THEN\n    MOVE_BLK(IN := #src, COUNT := 3, OUT => #dst);\nEND_IF;\n"


def test_unknown_instruction_becomes_a_placeholder_under_its_en():
    n = NetBuilder()
    a, box = n.part("Contact"), n.part("Mystery")
    n.wire("rail", (a, "in"))
    n.wire(n.var("a"), (a, "operand"))
    n.wire((a, "out"), (box, "in"))
    code = translate(n.build())
    assert statements_text(code.statements) == "Mystery();\n"
    assert is_placeholder(code.statements[0]) and code.unsupported == ["Mystery"]
    n2 = NetBuilder()
    box = n2.part("MysteryBox")
    n2.wire(n2.var("go"), (box, "en"))
    n2.wire(n2.var("bad"), (box, "weird"))
    code = translate(n2.build())
    assert statements_text(code.statements) == "IF #go THEN\n    MYSTERYBOX(weird := #bad);\nEND_IF;\n"


def test_an_operand_without_scl_equivalent_makes_its_part_a_placeholder():
    n = NetBuilder()
    c, q = n.part("Contact"), n.part("Coil")
    label = n._next()
    n.parts.append(F.FlgAccess("Label", label, constant=F.FlgConstant(name="L1")))
    n.wire("rail", (c, "in"))
    n.wire(label, (c, "operand"))
    n.wire((c, "out"), (q, "in"))
    n.wire(n.var("q"), (q, "operand"))
    code = translate(n.build())
    assert statements_text(code.statements) == "Contact();\n#q := FALSE;\n"
    assert code.warnings == [
        f'Network 1: instruction "Contact" is not supported (its operand UId {label} (Label) has no SCL equivalent).']


def test_untyped_parts_and_wires_become_placeholders():
    n = NetBuilder()
    c, q = n.part("Contact"), n.part("Coil")
    n.wire("rail", (c, "in"))
    n.wire(n.var("a"), (c, "operand"))
    n.wire(n.var("q"), (q, "operand"))
    odd = XmlNode("Wire", None, {"UId": "90"}, [XmlNode("NameCon", None, {"UId": c, "Name": "out"}),
                                                XmlNode("Branch", None, {"UId": q})])
    n.parts.append(XmlNode("Part", None, {"Name": "Future", "UId": "91"}, [XmlNode("Gadget")]))
    net = n.build()
    assert net.wires is not None
    net.wires.append(odd)
    code = translate(net)
    assert code.unsupported == ["Contact", "Coil", "Future"]
    assert statements_text(code.statements) == "Contact();\nCoil();\nFuture();\n"


def test_printed_statements_parse_back_to_the_same_text():
    code = translate(from_xml_text(TON_NETWORK))
    text = statements_text(code.statements)
    assert statements_text(parse_statements(text)) == text
