"""Bulk-import order and design -> specs + tags."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from simatic_xml import parse_bytes, to_bytes, tokens_to_text
from simatic_xml.generate import SpecError, design_to_specs, generate_xml, import_order, parse_spec, tag_table_xml
from tests.simatic_xml.typed import block, body, interface, section, tag_table

DATA = Path(__file__).parent / "data"
"""The design specs these tests use, as JSON files."""

UDT_INNER: dict[str,
                Any] = {"blockType": "UDT", "name": "UDT_Inner",
                        "interface": {"None": [{"name": "x", "dataType": "Int"}]}}
UDT_OUTER: dict[str, Any] = {"blockType": "UDT", "name": "UDT_Outer", "interface": {"None": [
    {"name": "inner", "dataType": '"UDT_Inner"'}, {"name": "arr", "dataType": 'Array[0..3] of "UDT_Inner"'}]}}
FC_LEAF: dict[str,
              Any] = {"blockType": "FC", "name": "FC_Leaf", "language": "SCL",
                      "interface": {"Input": [{"name": "a", "dataType": "Int"}]},
           "networks": [{"scl": ";"}]}
FC_MID: dict[str,
             Any] = {"blockType": "FC", "name": "FC_Mid", "language": "SCL",
                     "interface": {"Temp": [{"name": "t", "dataType": "Int"}]},
          "networks": [{"scl": '"FC_Leaf"(a := #t);'}]}
FB_TOP: dict[str, Any] = {"blockType": "FB", "name": "FB_Top", "language": "LAD",
          "interface": {"Input": [{"name": "go", "dataType": "Bool"}],
                        "Static": [{"name": "data", "dataType": '"UDT_Outer"'}]},
          "networks": [{"lad": [[{"contact": "#go"}, {"call": "FC_Mid"}]]}]}
FB_USER: dict[str, Any] = {"blockType": "FB", "name": "FB_User", "language": "SCL",
           "interface": {"Static": [{"name": "top", "dataType": '"FB_Top"'}]},
           "networks": [{"scl": "#top(go := TRUE);"}]}
IDB: dict[str, Any] = {"blockType": "InstanceDB", "name": "DB_Top", "instanceOf": "FB_Top"}
OB1: dict[str, Any] = {"blockType": "OB", "name": "Main", "language": "SCL",
       "networks": [{"scl": '"DB_Top"(go := TRUE);', "calls": {"DB_Top": {"blockType": "FB", "block": "FB_Top"}}}]}
GDB: dict[str,
          Any] = {"blockType": "GlobalDB", "name": "DB_Data",
                  "interface": {"Static": [{"name": "o", "dataType": '"UDT_Outer"'}]}}


@pytest.mark.parametrize("version", ["V17", "V19"])
def test_import_order(version: str) -> None:
    specs = [OB1, IDB, FB_USER, FB_TOP, GDB, FC_MID, UDT_OUTER, FC_LEAF, UDT_INNER]
    docs = [(f"{s['name']}.xml", generate_xml(s, version)) for s in specs]
    docs.append(("IO.xml", tag_table_xml("IO", [{"name": "Go", "address": "%I0.0", "dataType": "Bool"}], version)))
    order = import_order(docs)
    assert order == ["IO.xml", "UDT_Inner.xml", "UDT_Outer.xml", "FC_Leaf.xml", "FC_Mid.xml", "FB_Top.xml",
                     "FB_User.xml", "DB_Top.xml", "DB_Data.xml", "Main.xml"]


def test_import_order_callee_first() -> None:
    docs = [(s["name"], generate_xml(s, "V19")) for s in (FB_TOP, FC_MID, FC_LEAF)]
    assert import_order(docs) == ["FC_Leaf", "FC_Mid", "FB_Top"]
    docs = [(s["name"], generate_xml(s, "V18")) for s in (FC_MID, FC_LEAF)]  # v3 nameless call form
    assert import_order(docs) == ["FC_Leaf", "FC_Mid"]


def test_import_order_errors() -> None:
    good = ("a", generate_xml(UDT_INNER, "V19"))
    with pytest.raises(SpecError) as info:
        import_order([good, ("b", b"<not xml")])
    assert info.value.field == "documents[1]"
    assert import_order([("b", b"<not xml"), good], strict=False) == ["a", "b"]
    with pytest.raises(SpecError) as info:
        import_order([good, good])
    assert info.value.field == "documents[1]"


DESIGN = json.loads((DATA / "line1_design.json").read_text(encoding="utf-8"))


def test_design_to_specs() -> None:
    result = design_to_specs(DESIGN)
    names = [(s["blockType"], s["name"]) for s in result.specs]
    assert names == [("FB", "FB_MotorStarter"), ("FB", "FB_Valve"), ("InstanceDB", "Pump1"), ("InstanceDB", "Pump2"),
                     ("InstanceDB", "Valve1"), ("OB", "Main")]
    assert result.specs[2]["instanceOf"] == "FB_MotorStarter" and result.specs[4]["instanceOf"] == "FB_Valve"
    ob = result.specs[-1]
    assert ob["number"] == 1 and ob["language"] == "SCL" and ob["secondaryType"] == "ProgramCycle"
    scl = ob["networks"][0]["scl"]
    assert scl.splitlines()[:2] == ["// Pump1: Feed pump", '"Pump1"(Start := "P1_Start",']
    assert 'InterlockOk := ("Tank_Level_Low" = FALSE) AND (NOT "P2_Run"),' in scl
    assert 'Run => "P1_Run");' in scl
    assert 'OpenPermit := "Pump1".Run,' in scl
    assert '"Pump2"(Start := "P2_Start",' in scl
    assert result.tag_table == "Line1_IO"
    assert result.tags[0] == {"name": "P1_Start", "address": "%I0.0", "dataType": "Bool", "comment": "Pump 1 start"}
    assert result.tags[-1]["address"] == "%IW64"
    fb = parse_spec(result.specs[0])
    assert [m.start_value for m in fb.sections["Input"] if m.name == "FeedbackTime"] == ["T#8s"]


@pytest.mark.parametrize("version", ["V16", "V19", "V21"])
def test_design_documents(version: str) -> None:
    docs = design_to_specs(DESIGN).documents(version)
    assert [n for n, _ in docs] == ["Line1_IO", "FB_MotorStarter", "FB_Valve", "Pump1", "Pump2", "Valve1", "Main"]
    for _, data in docs:
        assert to_bytes(parse_bytes(data)) == data
    by_name = {n: parse_bytes(d) for n, d in docs}
    table = tag_table(by_name["Line1_IO"])
    assert [(t.name, t.logical_address, t.data_type) for t in table.tags][:2] == [("P1_Start", "%I0.0", "Bool"),
                                                                                  ("P1_Stop", "%I0.1", "Bool")]
    assert [m.name for m in section(interface(by_name["Pump1"]), "Static").members] == ["FeedbackTimer"]
    main = body(block(by_name["Main"]).compile_units[0])
    assert tokens_to_text(main) == design_to_specs(DESIGN).specs[-1]["networks"][0]["scl"]
    if version >= "V19":
        infos = [(n.attrs.get("BlockType"), n.attrs.get("Name")) for n in main.iter("CallInfo")]
        assert infos == [("FB", "FB_MotorStarter"), ("FB", "FB_MotorStarter"), ("FB", "FB_Valve")]
    assert import_order(list(reversed(docs))) == ["Line1_IO", "FB_Valve", "FB_MotorStarter", "Valve1", "Pump2",
                                                  "Pump1", "Main"]


def changed(path: list, value) -> dict:
    design = copy.deepcopy(DESIGN)
    node = design
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return design


@pytest.mark.parametrize(
    "design, field",
    [
        (changed(["io", 1, "address"], "%X0.0"), "io[1].address"),
        (changed(["io", 1, "address"], "%I0.0"), "io[1].address"),
        (changed(["io", 7, "dataType"], "Bool"), "io[7].dataType"),
        (changed(["io", 1, "name"], "P1_Start"), "io[1].name"),
        (changed(["io", 1, "dataType"], "Blob"), "io[1].dataType"),
        (changed(["modules", 1, "template"], "conveyor"), "modules[1].template"),
        (changed(["modules", 1, "name"], "Pump1"), "modules[1].name"),
        (changed(["modules", 1, "name"], "P1_Run"), "modules[1].name"),
        (changed(["modules", 1, "parameters"], {"feedbackTimeout": "T#9s"}), "modules[1].parameters"),
        (changed(["modules", 0, "parameters"], {"feedbackTimeout": 5}), "modules[0].parameters.feedbackTimeout"),
        (changed(["modules", 0, "io", "Speed"], "P1_Start"), "modules[0].io.Speed"),
        (changed(["modules", 0, "io", "Reset"], "Missing"), "modules[0].io.Reset"),
        (changed(["modules", 0, "io", "Reset"], "Level"), "modules[0].io.Reset"),
        (changed(["modules", 0, "io", "InterlockOk"], "P2_Start"), "modules[0].io.InterlockOk"),
        (changed(["interlocks", 0, "target"], "Pump9"), "interlocks[0].target"),
        (changed(["interlocks", 0, "condition"], '"A" @ 1'), "interlocks[0].condition"),
        (changed(["interlocks", 0, "condition"], '"A"; "B" := TRUE'), "interlocks[0].condition"),
        (changed(["interlocks", 0, "condition"], "#Local"), "interlocks[0].condition"),
        (changed(["modules"], []), "modules"),
        (changed(["colour"], 1), "colour"),
    ],
)
def test_design_errors(design: dict, field: str) -> None:
    with pytest.raises(SpecError) as info:
        design_to_specs(design)
    assert info.value.field == field, str(info.value)


def test_design_second_fb_with_block_name() -> None:
    design = changed(["modules", 1, "parameters"], {"feedbackTimeout": "T#9s", "blockName": "FB_SlowStarter"})
    result = design_to_specs(design)
    assert [s["name"] for s in result.specs if s["blockType"] == "FB"] == ["FB_MotorStarter", "FB_SlowStarter",
                                                                           "FB_Valve"]
    assert result.specs[4] == {"blockType": "InstanceDB", "name": "Pump2", "instanceOf": "FB_SlowStarter"}


def test_design_interlock_without_input() -> None:
    design = copy.deepcopy(DESIGN)
    design["modules"].append({"name": "Alarm1", "template": "alarm"})
    design["interlocks"].append({"target": "Alarm1", "condition": "TRUE"})
    with pytest.raises(SpecError) as info:
        design_to_specs(design)
    assert info.value.field == "interlocks[3].target"


def test_order_of_generated_models_equals_order_of_their_xml() -> None:
    """An import of generated blocks orders them by the models they were written from, as by their XML."""
    from simatic_xml.generate.from_source import generate_source
    from simatic_xml.generate.order import order_documents

    text = ('DATA_BLOCK "Motor_DB"\n"FB_Motor"\nBEGIN\nEND_DATA_BLOCK\n\n'
            'FUNCTION_BLOCK "FB_Motor"\nVAR\n  s : "UDT_State";\n  t : TON;\nEND_VAR\nBEGIN\n'
            '  #s.speed := "FC_Scale"(x := 2);\nEND_FUNCTION_BLOCK\n\n'
            'FUNCTION "FC_Scale" : Int\nVAR_INPUT\n  x : Int;\nEND_VAR\nBEGIN\n  #FC_Scale := #x * 2;\nEND_FUNCTION\n\n'
            'TYPE "UDT_State"\nSTRUCT\n  speed : Int;\nEND_STRUCT;\nEND_TYPE\n')
    result = generate_source(text)
    assert result.ok, result.diagnostics
    by_xml = import_order([(b.name, b.xml) for b in result.blocks])
    assert order_documents([(b.name, b.document) for b in result.blocks]) == by_xml
    assert by_xml == ["UDT_State", "FC_Scale", "FB_Motor", "Motor_DB"]
