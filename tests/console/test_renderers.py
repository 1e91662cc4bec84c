"""Unit tests of the console's renderers: operands, SCL lines with diagnostics, LAD/FBD shapes, STL, members."""

from __future__ import annotations

import re

from lxml import etree

from engineering_api.console.render.block import diagnostics_by_line, stl_text
from engineering_api.console.render.ladder import draw_network
from engineering_api.console.render.operands import operand_of
from engineering_api.console.render.scl import code_html, highlight
from engineering_api.console.render.structure import member_rows
from simatic_xml import flgnet, stl
from simatic_xml.flgnet import Component, FlgAccess, FlgConstant
from simatic_xml.interface import Member, Section, Sections, StartValue
from simatic_xml.xmlnode import from_lxml

NS = "http://www.siemens.com/automation/Openness/SW/NetworkSource/FlgNet/v4"


def _net(xml: str) -> flgnet.FlgNet:
    return flgnet.from_xml(from_lxml(etree.fromstring(f'<FlgNet xmlns="{NS}">{xml}</FlgNet>')))


RUNG = """<Parts>
<Access Scope="GlobalVariable" UId="21"><Symbol><Component Name="Start"/></Symbol></Access>
<Access Scope="LocalVariable" UId="22"><Symbol><Component Name="Motor"/><Component Name="Run"/></Symbol></Access>
<Access Scope="LiteralConstant" UId="23"><Constant><ConstantType>Time</ConstantType><ConstantValue>T#2s</ConstantValue></Constant></Access>
<Part Name="Contact" UId="24"><Negated Name="operand"/></Part>
<Part Name="TON" UId="25" Version="1.0"><Instance Scope="LocalVariable" UId="26"><Component Name="Timer"/></Instance></Part>
<Part Name="Coil" UId="27"/>
</Parts><Wires>
<Wire UId="30"><Powerrail/><NameCon UId="24" Name="in"/></Wire>
<Wire UId="31"><IdentCon UId="21"/><NameCon UId="24" Name="operand"/></Wire>
<Wire UId="32"><NameCon UId="24" Name="out"/><NameCon UId="25" Name="IN"/></Wire>
<Wire UId="33"><IdentCon UId="23"/><NameCon UId="25" Name="PT"/></Wire>
<Wire UId="34"><NameCon UId="25" Name="Q"/><NameCon UId="27" Name="in"/></Wire>
<Wire UId="35"><IdentCon UId="22"/><NameCon UId="27" Name="operand"/></Wire>
<Wire UId="36"><NameCon UId="25" Name="ET"/><OpenCon UId="37"/></Wire>
</Wires>"""  # noqa: E501 - the text is data: its lines stay as they are


def test_operands_read_as_in_the_editor() -> None:
    assert operand_of(FlgAccess("GlobalVariable", symbol=[Component("Motor"), Component("Run")])).text == '"Motor".Run'
    assert operand_of(FlgAccess("LocalVariable", symbol=[Component("x", slice="x3")])).text == "#x.%X3"
    index = FlgAccess("LocalVariable", symbol=[Component("i")])
    assert operand_of(FlgAccess("GlobalVariable", symbol=[Component("Data", index=[index])])).text == '"Data"[#i]'
    assert operand_of(FlgAccess("LiteralConstant", constant=FlgConstant("T#2s", "Time"))).text == "T#2s"
    assert operand_of(FlgAccess("GlobalVariable",
                                address={"Area": "Memory", "Type": "Bool", "BitOffset": "321"})).text == "%M40.1"
    tagged = operand_of(FlgAccess("GlobalVariable", symbol=[Component("Start")]), {"Start": "%I0.0"})
    assert (tagged.text, tagged.address) == ('"Start"', "%I0.0")


def test_a_lad_rung_draws_symbols_boxes_and_every_wire() -> None:
    picture = draw_network(_net(RUNG), "LAD", {"Start": "%I0.0"})
    svg = etree.fromstring(picture.svg.encode())
    parts = {g.get("data-part"): g for g in svg.iter() if g.get("data-part")}
    assert set(parts) == {"21", "22", "23", "24", "25", "27"}
    assert "contact" in parts["24"].get("class", "") and "coil" in parts["27"].get("class", "")
    assert "box" in parts["25"].get("class", "")
    texts = ["".join(t.itertext()) for t in svg.iter("{*}text")]
    assert {'"Start"', "%I0.0", "#Motor.Run", "T#2s", "#Timer", "TON", "IN", "PT", "Q", "ET"} <= set(texts)
    assert sorted(wire for g in svg.iter() if (wire := g.get("data-wire"))) == [str(n) for n in range(30, 37)]
    assert any(p.get("class") == "rail" for p in svg.iter("{*}line"))
    # the negated contact is drawn with its slash: three strokes inside the symbol
    assert len([e for e in parts["24"].iter("{*}line") if e.get("class") == "sym"]) == 3
    # series on one line: the box's IN pin is at the contact's height
    assert picture.parts_drawn == 6 and picture.wires_drawn == 7


def test_fbd_draws_gates_as_boxes_with_tia_labels() -> None:
    net = _net("""<Parts><Access Scope="LocalVariable" UId="21"><Symbol><Component Name="a"/></Symbol></Access>
    <Access Scope="LocalVariable" UId="22"><Symbol><Component Name="b"/></Symbol></Access>
    <Access Scope="LocalVariable" UId="23"><Symbol><Component Name="q"/></Symbol></Access>
    <Part Name="A" UId="24"><TemplateValue Name="Card" Type="Cardinality">2</TemplateValue><Negated Name="in2"/></Part>
    <Part Name="Coil" UId="25"/></Parts><Wires>
    <Wire UId="26"><IdentCon UId="21"/><NameCon UId="24" Name="in1"/></Wire>
    <Wire UId="27"><IdentCon UId="22"/><NameCon UId="24" Name="in2"/></Wire>
    <Wire UId="28"><NameCon UId="24" Name="out"/><NameCon UId="25" Name="in"/></Wire>
    <Wire UId="29"><IdentCon UId="23"/><NameCon UId="25" Name="operand"/></Wire></Wires>""")
    svg = etree.fromstring(draw_network(net, "FBD").svg.encode())
    texts = ["".join(t.itertext()) for t in svg.iter("{*}text")]
    assert "&" in texts and "=" in texts and "#a" in texts
    assert len([c for c in svg.iter("{*}circle") if c.get("class") == "negated"]) == 1  # the negated input
    assign = next(g for g in svg.iter("{*}g") if g.get("data-part") == "25")  # its operand above the = box
    assert _text_y(assign, "#q") < float(next(assign.iter("{*}rect")).get("y") or 0)


def test_scl_lines_are_numbered_highlighted_and_carry_their_diagnostics() -> None:
    lines = highlight('IF #a THEN // go\n  "Motor".Run := TRUE;\nEND_IF;')
    assert '<span class="tok-kw">IF</span>' in lines[0] and '<span class="tok-com">// go</span>' in lines[0]
    assert '<span class="tok-sym">&quot;Motor&quot;</span>' in lines[1]
    diagnostics = diagnostics_by_line([{"network": 1, "line": 2, "column": 3, "severity": "Error",
                                        "message": "x <y>"}])
    html = code_html("a := 1;\nb := c;", "n1", diagnostics[1])
    assert 'id="n1-l2"' in html and "has-error" in html
    assert "Error (line 2, column 3): x &lt;y&gt;" in html
    assert highlight("a := 'open") == ["a := &#x27;open"]  # the lexer refuses it: shown plain, not lost


def test_stl_text_and_member_rows() -> None:
    body = from_lxml(etree.fromstring(
        '<StatementList xmlns="http://www.siemens.com/automation/Openness/SW/NetworkSource/StatementList/v4">'
        '<StlStatement><StlToken Text="A"/><Access Scope="GlobalVariable"><Symbol><Component Name="x"/></Symbol>'
        '</Access></StlStatement><StlStatement><StlToken Text="BE"/></StlStatement></StatementList>'))
    assert stl_text(stl.from_xml(body)) == 'A   "x"\nBE'
    inner = Member("Speed", "Real", start_value=StartValue("1.5"))
    sections = Sections([Section("Static", [Member("Drive", "Struct", remanence="Retain", members=[inner])])])
    rows = member_rows(sections)
    assert [(r.path, r.depth, r.start_value) for r in rows] == [("Drive", 0, ""), ("Drive.Speed", 1, "1.5")]
    assert rows[0].attributes == "Retain"


def test_power_flow_of_a_rung_follows_the_operands_and_the_timer() -> None:
    from engineering_api.console.render.monitor import flow_states, plan_for, scl_operands, tag_name

    values = {'"Start"': False, "#Timer.Q": True}
    states = flow_states(_net(RUNG), values.get)
    # rail on; the negated contact passes while "Start" is FALSE; the timer's Q is read from its instance
    assert states["30"] is True and states["31"] is False and states["32"] is True and states["34"] is True
    values['"Start"'] = True
    assert flow_states(_net(RUNG), values.get)["32"] is False
    assert "33" not in states  # a Time constant has no signal state
    plan = plan_for({1: _net(RUNG)}, {2: "#T(IN := #a);\n#b := \"Tag\".x;"}, "Inst", {"#T": ("Q", "ET")})
    assert plan.tags["#Timer.Q"] == '"Inst".Timer.Q' and plan.tags['"Start"'] == '"Start"'
    assert plan.tags["#T.ET"] == '"Inst".T.ET' and plan.tags['"Tag".x'] == '"Tag".x'
    assert scl_operands("#T(IN := #a);") == {1: ["#a"]}
    assert tag_name("#x", None) is None  # an FC's local has no address to read


def test_contacts_coils_and_boxes_take_the_state_of_the_flow_they_pass_and_messages_lose_rest_routes() -> None:
    from engineering_api.console.calls import plain_message
    from engineering_api.console.render.monitor import flow_states, part_states

    values = {'"Start"': False, "#Timer.Q": False}
    parts = part_states(_net(RUNG), flow_states(_net(RUNG), values.get))
    # the negated contact passes (TRUE, green); the timer's Q and so the coil are FALSE (blue)
    assert parts == {"24": True, "25": False, "27": False}
    values.update({'"Start"': True})
    assert part_states(_net(RUNG), flow_states(_net(RUNG), values.get))["24"] is False
    # a contact shows whether it is closed, whatever flows to it (only its operand's wire is known here)
    assert part_states(_net(RUNG), {"31": False}) == {"24": True}
    assert plain_message("No simulation instance is connected (POST /api/simulation/connect).") == \
        "No simulation instance is connected."
    assert plain_message("The tag (a Bool) is read-only.") == "The tag (a Bool) is read-only."


def test_a_changed_rung_marks_only_the_parts_that_differ_not_the_uids() -> None:
    from engineering_api.console.render.diff import marked_network, part_signatures, scl_line_diff

    old = _net(RUNG)
    renumbered = _net(RUNG.replace('UId="2', 'UId="5').replace('UId="3', 'UId="6'))
    assert sorted(part_signatures(old).values()) == sorted(part_signatures(renumbered).values())
    assert "data-mark" not in marked_network(renumbered, old, "added", "LAD")  # UIds are export noise
    new = _net(RUNG.replace('<Component Name="Start"/>', '<Component Name="Stop"/>'))
    svg = etree.fromstring(marked_network(new, old, "added", "LAD").encode())
    marked = {g.get("data-part") for g in svg.iter() if g.get("data-mark") == "added"}
    assert marked == {"21", "24"}  # the operand and the contact it feeds; the timer, coil and constant are alike
    assert scl_line_diff("a;\nb;", "a;\nc;") == [("same", "a;"), ("removed", "b;"), ("added", "c;")]


def test_operands_are_quoted_as_tia_writes_them() -> None:
    local = FlgAccess("LocalVariable", symbol=[Component("Emergency stop")])
    assert operand_of(local).text == '#"Emergency stop"'
    member = FlgAccess("GlobalVariable", symbol=[Component("DB_ALARM"), Component("+KM1"), Component("LeakageR134a")])
    assert operand_of(member).text == '"DB_ALARM"."+KM1".LeakageR134a'


def test_stl_blank_lines_are_blank_not_the_token() -> None:
    statements = [stl.StlStatement("A"), stl.StlStatement("EMPTY_LINE"), stl.StlStatement("EMPTY_LINE", comment="next")]
    assert stl_text(statements).split("\n") == ["A", "", "// next"]


WORDS = """<Parts>
<Access Scope="LocalVariable" UId="21"><Symbol><Component Name="pos"/></Symbol></Access>
<Access Scope="LiteralConstant" UId="22"><Constant><ConstantType>Int</ConstantType><ConstantValue>10</ConstantValue></Constant></Access>
<Access Scope="LocalVariable" UId="23"><Symbol><Component Name="start"/></Symbol></Access>
<Access Scope="LocalVariable" UId="24"><Symbol><Component Name="edge"/></Symbol></Access>
<Access Scope="LocalVariable" UId="25"><Symbol><Component Name="latch"/></Symbol></Access>
<Access Scope="LocalVariable" UId="26"><Symbol><Component Name="raw"/></Symbol></Access>
<Part Name="Eq" UId="30"><TemplateValue Name="SrcType" Type="Type">Int</TemplateValue></Part>
<Part Name="PContact" UId="31"/>
<Part Name="Rs" UId="32"/>
<Part Name="Normalize" UId="33"><TemplateValue Name="SrcType" Type="Type">Int</TemplateValue><TemplateValue Name="DestType" Type="Type">Real</TemplateValue></Part>
<Call UId="34"><CallInfo Name="Worker" BlockType="FB"><Instance Scope="GlobalVariable" UId="35"><Component Name="Worker_DB"/></Instance>
<Parameter Name="Go" Section="Input" Type="Bool"/><Parameter Name="Done" Section="Output" Type="Bool"/></CallInfo></Call>
</Parts><Wires>
<Wire UId="40"><Powerrail/><NameCon UId="30" Name="pre"/><NameCon UId="31" Name="in"/><NameCon UId="33" Name="en"/></Wire>
<Wire UId="41"><IdentCon UId="21"/><NameCon UId="30" Name="in1"/></Wire>
<Wire UId="42"><IdentCon UId="22"/><NameCon UId="30" Name="in2"/></Wire>
<Wire UId="43"><IdentCon UId="23"/><NameCon UId="31" Name="operand"/></Wire>
<Wire UId="44"><IdentCon UId="24"/><NameCon UId="31" Name="bit"/></Wire>
<Wire UId="45"><NameCon UId="30" Name="out"/><NameCon UId="32" Name="s1"/></Wire>
<Wire UId="46"><NameCon UId="31" Name="out"/><NameCon UId="32" Name="r"/></Wire>
<Wire UId="47"><IdentCon UId="25"/><NameCon UId="32" Name="operand"/></Wire>
<Wire UId="48"><IdentCon UId="26"/><NameCon UId="33" Name="VALUE"/></Wire>
<Wire UId="49"><NameCon UId="33" Name="eno"/><NameCon UId="34" Name="Go"/></Wire>
</Wires>"""  # noqa: E501 - the text is data: its lines stay as they are


def _text_y(svg: etree._Element, text: str) -> float:
    found = [t for t in svg.iter("{*}text") if "".join(t.itertext()) == text]
    assert found, f"{text!r} is not written"
    return float(found[0].get("y") or 0)


def test_lad_is_written_with_tia_words_and_symbols() -> None:
    svg = etree.fromstring(draw_network(_net(WORDS), "LAD").svg.encode())
    parts = {g.get("data-part"): g for g in svg.iter() if g.get("data-part")}
    # A comparator is contact-like: IN1 above the relation, the type under it, IN2 below.
    assert "compare" in parts["30"].get("class", "")
    assert _text_y(parts["30"],
                   "#pos") < _text_y(parts["30"], "==") < _text_y(parts["30"], "Int") < _text_y(parts["30"], "10")
    # An edge contact's memory bit is below the symbol, its operand above.
    assert _text_y(parts["31"], "#start") < _text_y(parts["31"], "P") < _text_y(parts["31"], "#edge")
    # The assigned operand of RS is above the box, not a pin at its left.
    box_top = float(next(parts["32"].iter("{*}rect")).get("y") or 0)
    assert _text_y(parts["32"], "#latch") < box_top
    assert [t.text for t in parts["32"].iter("{*}text") if "pin" in (t.get("class") or "")] == ["R", "S1"]
    # Titles are mnemonics with their data types; instruction pins upper case.
    texts = ["".join(t.itertext()) for t in parts["33"].iter("{*}text")]
    assert texts[:2] == ["NORM_X", "Int to Real"] and {"EN", "ENO", "VALUE"} <= set(texts)
    # A call shows EN and ENO even unwired (as open stubs); its own parameters keep their spelling.
    call_pins = [t.text for t in parts["34"].iter("{*}text") if "pin" in (t.get("class") or "")]
    assert call_pins == ["EN", "Go", "ENO", "Done"]
    stubs = [g for g in svg.iter("{*}g") if g.get("class") == "wire stub"]
    assert len(stubs) == 1 and stubs[0][0].get("d", "").count("M") == 3  # EN, ENO and Done


def test_a_branch_is_dotted_and_a_counter_shows_its_count_when_monitored() -> None:
    branch = """<Parts>
<Access Scope="LocalVariable" UId="21"><Symbol><Component Name="a"/></Symbol></Access>
<Access Scope="LocalVariable" UId="22"><Symbol><Component Name="b"/></Symbol></Access>
<Access Scope="LocalVariable" UId="23"><Symbol><Component Name="c"/></Symbol></Access>
<Part Name="Contact" UId="24"/><Part Name="Coil" UId="25"/><Part Name="Coil" UId="26"/>
<Part Name="CTU" UId="27" Version="1.0"><Instance Scope="LocalVariable" UId="28"><Component Name="Count"/></Instance></Part>
</Parts><Wires>
<Wire UId="30"><Powerrail/><NameCon UId="24" Name="in"/></Wire>
<Wire UId="31"><IdentCon UId="21"/><NameCon UId="24" Name="operand"/></Wire>
<Wire UId="32"><NameCon UId="24" Name="out"/><NameCon UId="25" Name="in"/><NameCon UId="26" Name="in"/><NameCon UId="27" Name="CU"/></Wire>
<Wire UId="33"><IdentCon UId="22"/><NameCon UId="25" Name="operand"/></Wire>
<Wire UId="34"><IdentCon UId="23"/><NameCon UId="26" Name="operand"/></Wire>
<Wire UId="35"><NameCon UId="27" Name="CV"/><OpenCon UId="36"/></Wire>
</Wires>"""  # noqa: E501 - the text is data: its lines stay as they are
    svg = etree.fromstring(draw_network(_net(branch), "LAD").svg.encode())
    wire = next(g for g in svg.iter("{*}g") if g.get("data-wire") == "32")
    assert [c for c in wire.iter("{*}circle") if c.get("class") == "joint"]
    assert [g for g in svg.iter("{*}g") if g.get("data-operand") == "#Count.CV"]


def test_graph_is_a_chart_from_the_initial_step_with_its_branches() -> None:
    from tests.simatic_xml.sxml_corpus import CORPUS, load

    if not CORPUS.is_dir():
        return
    from engineering_api.console.render.block import block_view

    def chart(name: str) -> etree._Element:
        view = block_view(load(CORPUS / "fb" / name))
        html = "".join(n.html for n in view.networks if n.kind == "graph")
        return etree.fromstring(f"<div>{html}</div>".encode(), etree.HTMLParser())

    gf7 = chart("Gildej31_GF7_V18.xml")
    steps = [e for e in gf7.iter() if "graph-step" in (e.get("class") or "")]
    assert "init" in (steps[0].get("class") or "")
    simultaneous = [e for e in gf7.iter() if e.get("class") == "graph-branch sim"]
    assert len(simultaneous) == 1 and len([c for c in simultaneous[0] if c.get("class") == "graph-path"]) == 2
    r134a = chart("mking2203_plcBlock_GRAPH_FB_R134a_GRAPH.xml")
    steps = [e for e in r134a.iter() if "graph-step" in (e.get("class") or "")]
    assert steps[0].get("data-step") == "1"
    alternatives = {e.get("data-branch") for e in r134a.iter() if e.get("class") == "graph-branch alt"}
    begins = set(re.findall(rb'<Branch Number="(\d+)" Type="AltBegin"',
                            (CORPUS / "fb" / "mking2203_plcBlock_GRAPH_FB_R134a_GRAPH.xml").read_bytes()))
    assert alternatives == {b.decode() for b in begins}
    jumps = [e for e in r134a.iter() if e.get("class") == "graph-jump"]
    assert jumps and all(j.get("href", "").startswith("#step-") for j in jumps)
    # compact, as TIA's sequence view: every condition and every action table opens on demand, none inline
    for element in r134a.iter():
        if element.tag == "svg" or (element.tag == "table" and "actions" in (element.get("class") or "")):
            assert any(a.tag == "details" for a in element.iterancestors()), element.tag
    transitions = [e for e in r134a.iter() if e.get("class") == "graph-trans"]
    assert transitions and all(t.find("details") is not None for t in transitions if t.find(".//svg") is not None)


def test_an_auto_box_shows_the_type_its_operands_give_it() -> None:
    from engineering_api.console.render.block import block_view
    from engineering_api.console.render.operand_types import auto_type
    from tests.simatic_xml.sxml_corpus import CORPUS, load

    # the checker's rule: the wider operand wins, a literal takes the others' type, an unknown one leaves Auto
    assert auto_type(["#a", "1"], {"#a": "Int"}) == "Int"
    assert auto_type(["#a", "#b"], {"#a": "Int", "#b": "Real"}) == "Real"
    assert auto_type(['"Tag"', "#a"], {"#a": "Int"}) is None
    assert auto_type(["#s", "#a"], {"#s": '"UDT_X"', "#a": "Int"}) is None
    if not CORPUS.is_dir():
        return
    # DRV_Flow network 2: ADD (Auto) of #Status (Int, declared in its Static section) and 1
    view = block_view(load(CORPUS / "fb" / "Tayoriko_DRV_Flow.xml"))
    drawn = etree.fromstring(view.networks[1].html.encode())
    types = {t.text for t in drawn.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "box-type"}
    assert "Auto (Int)" in types and "Auto" not in types
