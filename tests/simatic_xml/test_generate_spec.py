"""Block specs -> SimaticML: examples per block type and language, validation paths, determinism."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from simatic_xml import VersionError, parse_bytes, to_bytes, tokens_to_text
from simatic_xml import flgnet, graph
from simatic_xml.errors import SimaticMLError
from simatic_xml.model import Interface, MultilingualText
from simatic_xml.generate import SpecError, SpecVersionError, build_document, generate_xml, parse_spec
from simatic_xml.versions import NS_PREFIX
from simatic_xml.xmlnode import XmlNode
from tests.simatic_xml.typed import attributes, block, interface, section
from tests.simatic_xml.typed import body as network_body

VERSIONS = ("V16", "V17", "V18", "V19", "V20", "V21")

MOTOR_IFACE: dict[str, Any] = {
    "Input": [
        {"name": "Start", "dataType": "Bool", "comment": "Start command"},
        {"name": "Stop", "dataType": "Bool"},
        {"name": "Level", "dataType": "Real"},
    ],
    "Output": [{"name": "Run", "dataType": "Bool"}, {"name": "Count", "dataType": "Int"}],
    "Static": [
        {"name": "T1", "dataType": "TON_TIME"},
        {"name": "Latch", "dataType": "Bool", "retain": True, "accessibleFromHmi": False},
        {"name": "Data", "dataType": "Struct", "members": [{"name": "A", "dataType": "Int", "startValue": 5}]},
        {"name": "Buf", "dataType": "Array[0..9] of Int"},
        {"name": "Text", "dataType": "String[20]", "startValue": "'abc'"},
    ],
    "Temp": [{"name": "tmp", "dataType": "Bool"}],
    "Constant": [{"name": "LIMIT_HI", "dataType": "Real", "startValue": 90.0}],
}

SCL_FB: dict[str, Any] = {
    "blockType": "FB",
    "name": "FB_Motor",
    "language": "SCL",
    "title": {"en-US": "Motor", "de-DE": "Motor"},
    "comment": "Generated",
    "author": "ACME",
    "version": "1.2",
    "interface": MOTOR_IFACE,
    "networks": [
        {
            "title": "Logic",
            "scl": "#Run := (#Start OR #Run) AND NOT #Stop;\n#T1(IN := #Run, PT := T#5s);\n"
            "IF #Level > #LIMIT_HI THEN\n    #Latch := TRUE; // high\nEND_IF;\n#Count := #Data.A + #Buf[2];",
        }
    ],
}

LAD_RUNGS = [
    [
        {"parallel": [[{"contact": "#Start"}], [{"contact": "#Run"}]]},
        {"contact": "#Stop", "negated": True},
        {"coil": "#Run"},
    ],
    [{"contact": "#Run"}, {"box": "TON", "instance": "#T1", "inputs": {"PT": "T#5s"}}, {"set": "#Latch"}],
    [{"box": "CMP>", "in1": "#Level", "in2": 50.0},
     {"parallel": [[{"coil": "#tmp"}], [{"box": "MOVE", "in": 3, "out": "#Count"}]]}],
    [{"contact": "#Start"},
     {"call": "FC_Scale", "inputs": {"X": "#Level"}, "outputs": {"Y": {"operand": '"Tag"', "type": "Int"}}}],
    [{"contact": "#Stop"}, {"reset": "#Latch"}],
]


def lad_spec(language: str = "LAD") -> dict:
    key = language.lower()
    return {"blockType": "FB", "name": f"FB_{language}", "language": language, "interface": MOTOR_IFACE,
            "networks": [{"title": "Rungs", key: LAD_RUNGS}, {"scl": "#Count := 0;"}]}


GRAPH_FB: dict[str, Any] = {
    "blockType": "FB",
    "name": "FB_Seq",
    "language": "GRAPH",
    "interface": {
        "Input": [{"name": "StartCmd", "dataType": "Bool"}, {"name": "StopCmd", "dataType": "Bool"}],
        "Output": [{"name": "Motor", "dataType": "Bool"}],
        "Static": [{"name": "Cycles", "dataType": "Int"}],
    },
    "networks": [
        {
            "graph": {
                "steps": [
                    {"number": 1, "name": "Init", "init": True, "actions": [{"qualifier": "R", "text": "#Motor"}]},
                    {"number": 2, "name": "Run", "actions": [{"qualifier": "S", "text": "#Motor"},
                                                             {"qualifier": "N", "event": "S1",
                                                              "text": "#Cycles := #Cycles + 1"}],
                     "interlock": "#StartCmd"},
                ],
                "transitions": [
                    {"from": 1, "to": 2, "condition": "#StartCmd"},
                    {"from": 2, "to": 1, "condition": [{"contact": "#StopCmd"}]},
                ],
            }
        }
    ],
}

GLOBAL_DB: dict[str, Any] = {
    "blockType": "GlobalDB",
    "name": "DB_Settings",
    "number": 20,
    "interface": {"Static": [
        {"name": "Speed", "dataType": "Real", "startValue": 1.5, "retain": True},
        {"name": "Recipe", "dataType": '"UDT_Recipe"'},
        {"name": "Table", "dataType": "Array[1..3, 0..1] of Bool", "setpoint": True},
    ]},
}

UDT: dict[str, Any] = {
    "blockType": "UDT",
    "name": "UDT_Recipe",
    "comment": "Recipe",
    "interface": {"None": [
        {"name": "Name", "dataType": "String[32]"},
        {"name": "Temp", "dataType": "LReal", "startValue": 20.0},
        {"name": "Steps", "dataType": "Struct", "members": [{"name": "Count", "dataType": "USInt"}]},
    ]},
}

OB_CYCLIC: dict[str, Any] = {
    "blockType": "OB",
    "name": "Cyclic100ms",
    "language": "SCL",
    "secondaryType": "CyclicInterrupt",
    "cyclicTime": 100000,
    "interface": {"Temp": [{"name": "x", "dataType": "Int"}]},
    "networks": [{"scl": '#x := #x + 1;\n"Out" := #x > 10;'}],
}

OB_MAIN_LAD: dict[str, Any] = {
    "blockType": "OB",
    "name": "Main",
    "number": 1,
    "language": "LAD",
    "networks": [
        {
            "lad": [
                [
                    {"contact": '"Start"'},
                    {
                        "call": "FB_Motor",
                        "instance": '"DB_Motor"',
                        "inputs": {"Start": {"operand": '"Start"', "type": "Bool"}},
                    },
                ]
            ]
        }
    ],
}

IDB: dict[str, Any] = {"blockType": "InstanceDB", "name": "DB_Motor", "instanceOf": "FB_Motor"}

EXAMPLES: dict[str, Any] = {
    "scl_fb": SCL_FB, "lad_fb": lad_spec("LAD"), "fbd_fb": lad_spec("FBD"), "graph_fb": GRAPH_FB,
    "global_db": GLOBAL_DB, "udt": UDT, "ob_cyclic": OB_CYCLIC, "ob_main_lad": OB_MAIN_LAD, "instance_db": IDB,
}


def roundtrip(spec: dict, version: str) -> bytes:
    data = generate_xml(spec, version)
    doc = parse_bytes(data)
    assert doc == build_document(spec, version)
    assert to_bytes(doc) == data
    return data


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_roundtrip(name: str, version: str) -> None:
    spec = EXAMPLES[name]
    if name == "graph_fb" and version in ("V16", "V19", "V20"):
        with pytest.raises(VersionError, match="GRAPH"):
            generate_xml(spec, version)
        return
    data = roundtrip(spec, version)
    doc = parse_bytes(data)
    assert doc.engineering_version == version
    assert (doc.document_info is not None) == (version in ("V16", "V17"))
    iface = doc.object.typed_attr("Interface", Interface)
    assert iface is not None and iface.namespace == NS_PREFIX + "Interface/" + ("v4" if version == "V16" else "v5")
    assert ("Namespace" in attributes(doc.object)) == (version >= "V18")


def test_default_version_is_v19() -> None:
    assert parse_bytes(generate_xml(SCL_FB)).engineering_version == "V19"


@pytest.mark.parametrize("version, st", [("V16", "v3"), ("V18", "v3"), ("V19", "v4"), ("V21", "v4")])
def test_scl_network_namespace_and_text(version: str, st: str) -> None:
    doc = parse_bytes(generate_xml(SCL_FB, version))
    body = network_body(block(doc).compile_units[0])
    assert body.ns == f"{NS_PREFIX}NetworkSource/StructuredText/{st}"
    assert tokens_to_text(body) == SCL_FB["networks"][0]["scl"]
    uids = [int(n.attrs["UId"]) for n in body.iter() if "UId" in n.attrs]
    assert uids[0] == 21
    # the multi-instance call uses the nameless Instruction form; LIMIT_HI is a local constant
    scopes = {n.attrs.get("Scope") for n in body.iter("Access")}
    assert {"Call", "LocalConstant", "LocalVariable", "TypedConstant"} <= scopes


def test_interface_details() -> None:
    doc = build_document(SCL_FB, "V19")
    obj = block(doc)
    assert obj.attr("AutoNumber") is True and obj.attr("Number") == 1
    assert obj.attr("HeaderAuthor") == "ACME" and obj.attr("HeaderVersion") == "1.2"
    static = section(interface(obj), "Static").members
    t1, latch, data, buf, text = static
    assert (t1.datatype, t1.version) == ("TON_TIME", "1.0")
    assert latch.remanence == "Retain"
    assert [(a.name, a.value) for a in latch.attributes or ()] == [("ExternalAccessible", "false")]
    five, abc = data.members[0].start_value, text.start_value
    assert data.datatype == "Struct" and five is not None and five.value == "5"
    assert buf.datatype == "Array[0..9] of Int" and abc is not None and abc.value == "'abc'"
    start_comment = section(interface(obj), "Input").members[0].comment
    assert start_comment is not None and start_comment.texts == {"en-US": "Start command"}
    sections = [s.name for s in interface(obj).sections.sections]
    assert sections == ["Input", "Output", "InOut", "Static", "Temp", "Constant"]
    # block title in both cultures, placed last; every text has one item per culture
    assert obj.children is not None and obj.children[-1].composition_name == "Title"
    title, comment = obj.children[-1], obj.children[0]
    assert isinstance(title, MultilingualText) and isinstance(comment, MultilingualText)
    assert [(i.culture, i.text) for i in title.items] == [("en-US", "Motor"), ("de-DE", "Motor")]
    assert [(i.culture, i.text) for i in comment.items] == [("en-US", "Generated"), ("de-DE", "")]


def _uid(item: flgnet.FlgAccess | flgnet.Part | flgnet.Call | flgnet.Wire | flgnet.OpenCon) -> int:
    """An item's UId as a number (every item the generator writes has one)."""
    assert item.uid is not None
    return int(item.uid)


def test_lad_network_shape() -> None:
    doc = build_document(lad_spec("LAD"), "V19")
    unit = block(doc).compile_units[0]
    assert unit.programming_language == "LAD"
    assert network_body(unit).ns == f"{NS_PREFIX}NetworkSource/FlgNet/v5"
    net = flgnet.from_xml(network_body(unit))
    assert net.parts is not None and net.wires is not None
    typed_parts = [p for p in net.parts if not isinstance(p, XmlNode)]
    typed_wires = [w for w in net.wires if not isinstance(w, XmlNode)]
    assert len(typed_parts) == len(net.parts) and len(typed_wires) == len(net.wires)
    parts = [p.name for p in net.parts if isinstance(p, flgnet.Part)]
    assert parts == ["Contact", "Contact", "O", "Contact", "Coil", "Contact", "TON", "SCoil", "Gt", "Coil", "Move",
                     "Contact", "Contact", "RCoil"]
    assert any(isinstance(p, flgnet.Call) and p.name == "FC_Scale"
               and [(c.name, c.section, c.type) for c in p.parameters]
               == [("X", "Input", "Real"), ("Y", "Output", "Int")] for p in net.parts)
    first = typed_wires[0]
    # one power-rail wire per network (as in all 228 corpus LAD networks): both OR branches and every rung start
    assert isinstance(first.connections[0], flgnet.Powerrail) and len(first.connections) == 7
    assert sum(any(isinstance(c, flgnet.Powerrail) for c in w.connections) for w in typed_wires) == 1
    # UIds: accesses and parts first from 21, then OpenCon, then wires
    uids = [_uid(p) for p in typed_parts]
    assert uids[0] == 21 and uids == sorted(uids) and len(set(uids)) == len(uids)  # an Instance uses up one UId
    open_cons = [_uid(c) for w in typed_wires for c in w.connections if isinstance(c, flgnet.OpenCon)]
    wires = [_uid(w) for w in typed_wires]
    assert open_cons and max(uids) < min(open_cons) and max(open_cons) < min(wires)
    assert block(doc).compile_units[1].programming_language == "SCL"
    v16 = network_body(block(build_document(lad_spec("LAD"), "V16")).compile_units[0])
    assert v16.ns == f"{NS_PREFIX}NetworkSource/FlgNet/v4"


def test_fbd_network_uses_boxes() -> None:
    net = flgnet.from_xml(network_body(block(build_document(lad_spec("FBD"), "V19")).compile_units[0]))
    assert net.parts is not None
    names = [p.name for p in net.parts if isinstance(p, flgnet.Part)]
    assert "Contact" not in names and names[:3] == ["O", "A", "Coil"]
    and_box = [p for p in net.parts if isinstance(p, flgnet.Part) and p.name == "A"][0]
    assert any(isinstance(i, flgnet.Negated) and i.name == "in2" for i in and_box.items)


def test_graph_network_shape() -> None:
    doc = build_document(GRAPH_FB, "V18")
    obj = block(doc)
    assert obj.attr("GraphVersion") == "6.0" and obj.attr("ProgrammingLanguage") == "GRAPH"
    base = interface(obj).sections.sections[0]
    assert base.name == "Base" and base.sections is not None and base.sections.datatype == "GRAPH_BASE"
    body = network_body(obj.compile_units[0])
    assert body.ns == f"{NS_PREFIX}NetworkSource/Graph/v5"
    g = graph.from_xml(body)
    steps = g.sequence.steps
    assert [(s.number, s.name, s.init) for s in steps] == [("1", "Init", "true"), ("2", "Run", "false")]
    actions = steps[1].actions
    assert actions is not None
    assert actions.actions[1].tokens == ["#Cycles", " ", ":=", " ", "#Cycles", " ", "+", " ", "1", "\n"]
    assert actions.actions[-1].qualifier is None  # the editor's empty last action
    links = [(c.source.kind, c.target.kind, c.target.number, c.link_type) for c in g.sequence.connections]
    assert links == [("StepRef", "TransitionRef", "1", "Direct"), ("TransitionRef", "StepRef", "2", "Direct"),
                     ("StepRef", "TransitionRef", "2", "Direct"), ("TransitionRef", "StepRef", "1", "Jump")]
    condition = g.sequence.transitions[0].net
    assert condition is not None and condition.parts is not None
    names = [p.name for p in condition.parts if isinstance(p, flgnet.Part)]
    assert names == ["Contact", "TrCoil"]
    v21 = network_body(block(build_document(GRAPH_FB, "V21")).compile_units[0])
    assert v21.ns == f"{NS_PREFIX}NetworkSource/Graph/v6"


def test_db_udt_ob_idb_attributes() -> None:
    db = block(build_document(GLOBAL_DB, "V17"))
    assert db.element == "SW.Blocks.GlobalDB" and db.attr("Number") == 20 and db.attr("AutoNumber") is False
    assert db.attr("ProgrammingLanguage") == "DB" and not db.compile_units
    table = section(interface(db), "Static").members[2]
    assert table.datatype == "Array[1..3, 0..1] of Bool" and table.attributes and table.attributes[0].name == "SetPoint"
    udt = build_document(UDT, "V19").object
    assert udt.element == "SW.Types.PlcStruct" and "Number" not in attributes(udt)
    assert [s.name for s in interface(udt).sections.sections] == ["None"]
    ob = build_document(OB_CYCLIC, "V19").object
    assert ob.attr("SecondaryType") == "CyclicInterrupt" and ob.attr("Number") == 30
    assert [m.name for m in section(interface(ob), "Input").members] == ["Initial_Call", "Event_Count"]
    assert all(m.informative == "true" for m in section(interface(ob), "Input").members)
    fb = parse_spec(SCL_FB)
    idb = build_document(IDB, "V19", types={"FB_Motor": fb}).object
    assert idb.attr("InstanceOfName") == "FB_Motor" and idb.attr("InstanceOfType") == "FB"
    assert [s.name for s in interface(idb).sections.sections] == ["Input", "Output", "InOut", "Static"]
    assert [m.name for m in section(interface(idb), "Static").members] == ["T1", "Latch", "Data", "Buf", "Text"]
    assert section(interface(idb), "Input").members[0].comment is None  # comments/start values come from the FB
    bare = build_document(IDB, "V19").object
    assert all(not s.members for s in interface(bare).sections.sections)
    fc = build_document({"blockType": "FC", "name": "FC_X", "language": "SCL", "returnType": "Int"}, "V19").object
    assert section(interface(fc), "Return").members[0].datatype == "Int"


def test_determinism() -> None:
    for spec in EXAMPLES.values():
        a = generate_xml(copy.deepcopy(spec), "V17")
        b = generate_xml(copy.deepcopy(spec), "V17")
        assert a == b
        assert b"<Created>" not in a


# ---------------------------------------------------------------- validation


def with_(base: dict, **changes) -> dict:
    spec = copy.deepcopy(base)
    spec.update(changes)
    return spec


def iface(**sections) -> dict:
    return with_(SCL_FB, interface=sections, networks=[])


BAD = [
    ("unknown block type", with_(SCL_FB, blockType="SFB"), "blockType"),
    ("unknown language", with_(SCL_FB, language="STL"), "language"),
    ("language not valid for the block type", with_(SCL_FB, blockType="FC", language="GRAPH"), "language"),
    ("DB language", with_(GLOBAL_DB, language="SCL"), "language"),
    ("unknown field", with_(SCL_FB, colour="red"), "colour"),
    ("unknown data type", iface(Input=[{"name": "a", "dataType": "Bool"}, {"name": "b", "dataType": "Bool"},
                                       {"name": "c", "dataType": "Integer"}]), "interface.Input[2].dataType"),
    ("bad array bounds", iface(Static=[{"name": "a", "dataType": "Array[5..1] of Int"}]),
     "interface.Static[0].dataType"),
    ("string too long", iface(Static=[{"name": "a", "dataType": "String[300]"}]), "interface.Static[0].dataType"),
    ("duplicate in one section",
     iface(Input=[{"name": "Start", "dataType": "Bool"}, {"name": "start", "dataType": "Int"}]),
     "interface.Input[1].name"),
    ("duplicate across sections", iface(Input=[{"name": "Start", "dataType": "Bool"}],
                                        Static=[{"name": "x", "dataType": "Int"},
                                                {"name": "START", "dataType": "Int"}]),
     "interface.Static[1].name"),
    ("duplicate in a struct", iface(Static=[{"name": "s", "dataType": "Struct", "members": [
        {"name": "a", "dataType": "Int"}, {"name": "A", "dataType": "Int"}]}]), "interface.Static[0].members[1].name"),
    ("empty member name", iface(Input=[{"name": "", "dataType": "Bool"}]), "interface.Input[0].name"),
    ("quote in member name", iface(Input=[{"name": 'a"b', "dataType": "Bool"}]), "interface.Input[0].name"),
    ("member name too long", iface(Input=[{"name": "x" * 129, "dataType": "Bool"}]), "interface.Input[0].name"),
    ("block name with quote", with_(SCL_FB, name='FB"1'), "name"),
    ("block name too long", with_(SCL_FB, name="B" * 126), "name"),
    ("block name blank", with_(SCL_FB, name=" FB"), "name"),
    ("unknown section", iface(Stat=[{"name": "a", "dataType": "Int"}]), "interface.Stat"),
    ("section not in FC", with_(SCL_FB, blockType="FC", interface={"Static": []}, networks=[]), "interface.Static"),
    ("retain in Temp", iface(Temp=[{"name": "a", "dataType": "Int", "retain": True}]), "interface.Temp[0].retain"),
    ("constant without value", iface(Constant=[{"name": "K", "dataType": "Int"}]), "interface.Constant[0].startValue"),
    ("struct without members", iface(Static=[{"name": "s", "dataType": "Struct"}]), "interface.Static[0].dataType"),
    ("number out of range", with_(SCL_FB, number=70000), "number"),
    ("undeclared SCL operand", with_(SCL_FB, networks=[{"scl": "#Run := #Start;\n#Run := #Missing;"}]),
     "networks[0].scl"),
    ("SCL syntax", with_(SCL_FB, networks=[{"scl": "#Run := #Start @;"}]), "networks[0].scl"),
    ("LAD in SCL block", with_(SCL_FB, networks=[{"lad": [[{"contact": "#Start"}, {"coil": "#Run"}]]}]),
     "networks[0].lad"),
    ("two bodies", with_(SCL_FB, networks=[{"scl": "", "lad": []}]), "networks[0]"),
    ("undeclared LAD operand",
     with_(lad_spec(), networks=[{"lad": [[{"contact": "#Start"}, {"contact": "#Nope"}, {"coil": "#Run"}]]}]),
     "networks[0].lad[0][1].contact"),
    ("undeclared struct member", with_(lad_spec(), networks=[{"lad": [[{"contact": "#Start"},
                                                                       {"box": "MOVE", "in": "#Data.Z",
                                                                        "out": "#Count"}]]}]),
     "networks[0].lad[0][1].in"),
    ("LAD coil on a constant", with_(lad_spec(), networks=[{"lad": [[{"contact": "#Start"}, {"coil": "TRUE"}]]}]),
     "networks[0].lad[0][1].coil"),
    ("LAD contact on an Int", with_(lad_spec(), networks=[{"lad": [[{"contact": "#Count"}, {"coil": "#Run"}]]}]),
     "networks[0].lad[0][0].contact"),
    ("LAD rung without output", with_(lad_spec(), networks=[{"lad": [[{"contact": "#Start"}]]}]),
     "networks[0].lad[0][0]"),
    ("LAD nested operand",
     with_(lad_spec(), networks=[{"lad": [[{"parallel": [[{"contact": "#Start"}], [{"contact": "#X"}]]},
                                                                 {"coil": "#Run"}]]}]),
     "networks[0].lad[0][0].parallel[1][0].contact"),
    ("timer instance type", with_(lad_spec(), networks=[{"lad": [[{"contact": "#Start"},
                                                                  {"box": "TON", "instance": "#Latch",
                                                                   "inputs": {"PT": "T#1s"}}]]}]),
     "networks[0].lad[0][1].instance"),
    ("unknown element field",
     with_(lad_spec(), networks=[{"lad": [[{"contact": "#Start", "edge": "P"}, {"coil": "#Run"}]]}]),
     "networks[0].lad[0][0].edge"),
    ("unknown box", with_(lad_spec(), networks=[{"lad": [[{"contact": "#Start"}, {"box": "PID"}]]}]),
     "networks[0].lad[0][1].box"),
    ("GRAPH undeclared transition operand", with_(GRAPH_FB, networks=[{"graph": {
        "steps": [{"number": 1, "init": True}], "transitions": [{"from": 1, "to": 1, "condition": "#Go"}]}}]),
     "networks[0].graph.transitions[0].condition[0].contact"),
    ("GRAPH undeclared action operand", with_(GRAPH_FB, networks=[{"graph": {
        "steps": [{"number": 1, "init": True, "actions": [{"qualifier": "N", "text": "#Valve"}]}]}}]),
     "networks[0].graph.steps[0].actions[0].text"),
    ("GRAPH no init step", with_(GRAPH_FB, networks=[{"graph": {"steps": [{"number": 1}]}}]),
     "networks[0].graph.steps"),
    ("GRAPH bad transition target", with_(GRAPH_FB, networks=[{"graph": {
        "steps": [{"number": 1, "init": True}], "transitions": [{"from": 1, "to": 7, "condition": "#StartCmd"}]}}]),
     "networks[0].graph.transitions[0].to"),
    ("GRAPH reserved member", with_(GRAPH_FB, interface={"Input": [{"name": "INIT_SQ", "dataType": "Bool"}]}),
     "interface.Input[0].name"),
    ("instance DB without FB", {"blockType": "InstanceDB", "name": "DB1"}, "instanceOf"),
    ("UDT without members", {"blockType": "UDT", "name": "U"}, "interface.None"),
    ("OB type", with_(OB_CYCLIC, secondaryType="TimeOfDay"), "secondaryType"),
    ("cyclic time", with_(OB_CYCLIC, cyclicTime=0), "cyclicTime"),
    ("OB number for its type", with_(OB_CYCLIC, number=1), "number"),
    ("title culture", with_(SCL_FB, title={"english": "x"}), "title.english"),
]


@pytest.mark.parametrize("spec, field", [(s, f) for _, s, f in BAD], ids=[n for n, _, _ in BAD])
def test_validation_field(spec: dict, field: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(spec)
    assert info.value.field == field, str(info.value)
    assert isinstance(info.value, SimaticMLError)
    assert str(info.value).startswith(field + ": ")


def test_version_errors() -> None:
    for version in ("V15", "V14 SP1", "latest"):
        with pytest.raises(VersionError) as info:
            generate_xml(SCL_FB, version)
        assert isinstance(info.value, SpecError) and info.value.field == "version"
    for version in ("V16", "V19", "V20"):
        with pytest.raises(SpecVersionError, match="GRAPH") as info:
            generate_xml(GRAPH_FB, version)
        assert info.value.field == "version" and isinstance(info.value, VersionError)


def test_graph_end_connection_and_timed_action() -> None:
    spec = copy.deepcopy(GRAPH_FB)
    spec["networks"][0]["graph"] = {
        "steps": [
            {"number": 1, "name": "Init", "init": True},
            {"number": 5, "name": "release system", "actions": [{"qualifier": "D", "text": "#Motor", "time": "T#5s"}]},
        ],
        "transitions": [{"from": 1, "to": 5, "condition": "#StartCmd"},
                        {"from": 5, "to": None, "condition": "#StopCmd"}],
    }
    g = graph.from_xml(roundtrip_graph(spec))
    actions = g.sequence.steps[1].actions
    assert actions is not None and actions.actions[0].tokens == ["#Motor", ",", " ", "T#5s", "\n"]
    assert [(c.target.kind, c.link_type) for c in g.sequence.connections][-1] == ("EndConnection", "Direct")


def roundtrip_graph(spec: dict):
    data = roundtrip(spec, "V21")
    return network_body(block(parse_bytes(data)).compile_units[0])


@pytest.mark.parametrize(
    "graph_body, field",
    [
        ({"steps": [{"number": 1, "init": True, "name": "StartCmd"}]}, "networks[0].graph.steps[0].name"),
        ({"steps": [{"number": 1, "init": True}, {"number": 1}]}, "networks[0].graph.steps[1].number"),
        (
            {"steps": [{"number": 1, "init": True, "actions": [{"qualifier": "X", "text": "#Motor"}]}]},
            "networks[0].graph.steps[0].actions[0].qualifier",
        ),
        (
            {"steps": [{"number": 1, "init": True, "actions": [{"qualifier": "D", "text": "#Motor"}]}]},
            "networks[0].graph.steps[0].actions[0].time",
        ),
        (
            {
                "steps": [{"number": 1, "init": True}, {"number": 2}],
                "transitions": [
                    {"from": 1, "to": 2, "condition": "#StartCmd"},
                    {"from": 1, "to": 2, "condition": "#StopCmd"},
                ],
            },
            "networks[0].graph.transitions[1].from",
        ),
        (
            {
                "steps": [{"number": 1, "init": True}],
                "transitions": [{"from": 1, "to": 1, "condition": [{"coil": "#Motor"}]}],
            },
            "networks[0].graph.transitions[0].condition",
        ),
    ],
)
def test_graph_validation(graph_body: dict, field: str) -> None:
    spec = copy.deepcopy(GRAPH_FB)
    spec["networks"][0]["graph"] = graph_body
    with pytest.raises(SpecError) as info:
        parse_spec(spec)
    assert info.value.field == field, str(info.value)


def test_fbd_fan_out_from_one_contact() -> None:
    spec = lad_spec("FBD")
    spec["networks"] = [{"fbd": [[{"contact": "#Start"}, {"parallel": [[{"coil": "#Run"}], [{"set": "#Latch"}]]}]]}]
    net = flgnet.from_xml(network_body(block(build_document(spec, "V19")).compile_units[0]))
    assert net.parts is not None
    accesses = [p for p in net.parts if isinstance(p, flgnet.FlgAccess)]
    # the operand is read twice
    assert [a.symbol[0].name if a.symbol else None for a in accesses] == ["Start", "Run", "Start", "Latch"]
    roundtrip(spec, "V18")


def test_scl_call_hints() -> None:
    spec: dict[str, Any] = {"blockType": "OB", "name": "Main", "language": "SCL",
            "networks": [{"scl": '"DB_M"(Start := TRUE);\n"FC_X"();',
                          "calls": {"DB_M": {"blockType": "FB", "block": "FB_M"}, "FC_X": {"blockType": "FC"}}}]}
    v19 = network_body(block(build_document(spec, "V19")).compile_units[0])
    assert [(n.attrs.get("BlockType"), n.attrs.get("Name")) for n in v19.iter("CallInfo")] == [("FB", "FB_M"),
                                                                                               ("FC", None)]
    v18 = network_body(block(build_document(spec, "V18")).compile_units[0])
    # one call form in every version (test_call_form_per_version.py compares it with TIA's exports)
    assert [(n.attrs.get("BlockType"), n.attrs.get("Name")) for n in v18.iter("CallInfo")] == [("FB", "FB_M"),
                                                                                               ("FC", None)]
    for version in VERSIONS:
        roundtrip(spec, version)
    bad = copy.deepcopy(spec)
    bad["networks"][0]["calls"]["DB_M"] = {"blockType": "OB"}
    with pytest.raises(SpecError) as info:
        parse_spec(bad)
    assert info.value.field == "networks[0].calls.DB_M.blockType"
