"""simatic_xml.generate.to_scl: SimaticML -> the SCL source TIA's "Generate source from blocks" writes,
and the library round trip spec -> XML -> SCL -> specs -> identical XML."""

from __future__ import annotations

from typing import Any

import pytest

from simatic_xml import parse_bytes
from simatic_xml.generate import generate_xml
from simatic_xml.generate.from_scl import source_to_specs
from simatic_xml.generate.to_scl import SourceRefused, document_to_scl, interface_spec
from simatic_xml.scl import parse

FB: dict[str,
         Any] = {"blockType": "FB", "name": "FB_Cnt", "language": "SCL", "author": "ME", "family": "Lib",
                 "version": "1.0",
      "title": "Counter",
      "interface": {"Input": [{"name": "Start", "dataType": "Bool", "comment": "go"}],
                    "Output": [{"name": "Count", "dataType": "Int"}],
                    "Static": [{"name": "Data", "dataType": "Struct",
                                "members": [{"name": "A", "dataType": "Int", "startValue": 5}]},
                               {"name": "Buf", "dataType": "Array[0..9] of Int", "retain": True,
                                "accessibleFromHmi": False}],
                    "Temp": [{"name": "i", "dataType": "Int"}],
                    "Constant": [{"name": "MAX", "dataType": "Int", "startValue": 10}]},
      "networks": [{"scl": "IF #Start THEN\n    #Count := #Count + 1;\nEND_IF;"}]}
DB: dict[str, Any] = {"blockType": "GlobalDB", "name": "DB_Data", "memoryLayout": "Standard",
      "interface": {"Static": [{"name": "Count", "dataType": "Int", "startValue": 5},
                               {"name": "S", "dataType": "Struct", "members": [{"name": "B", "dataType": "Bool",
                                                                                 "startValue": True}]}]}}
UDT: dict[str, Any] = {"blockType": "UDT", "name": "UDT_Motor",
       "interface": {
           "None": [{"name": "Speed", "dataType": "Real", "comment": "rpm"}, {"name": "On", "dataType": "Bool"}]}}
FC: dict[str, Any] = {"blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real",
      "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
      "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}]}
OB: dict[str,
         Any] = {"blockType": "OB", "name": "Main", "language": "SCL", "networks": [{"scl": '"FC_Scale"(Raw := 1);'}]}
IDB: dict[str, Any] = {"blockType": "InstanceDB", "name": "DB_Cnt", "instanceOf": "FB_Cnt"}
LAD: dict[str,
          Any] = {"blockType": "FC", "name": "FC_Lad", "language": "LAD",
                  "interface": {"Input": [{"name": "A", "dataType": "Bool"}],
                                                                            "Output": [
                                                                                {"name": "Q", "dataType": "Bool"}]},
       "networks": [{"lad": [[{"contact": "#A"}, {"coil": "#Q"}]]}]}


def _scl(spec: dict) -> str:
    return document_to_scl(parse_bytes(generate_xml(spec)))


def test_function_block_source():
    text = _scl(FB)
    lines = text.splitlines()
    assert lines[:6] == ['FUNCTION_BLOCK "FB_Cnt"', "{ S7_Optimized_Access := 'TRUE' }", "TITLE = Counter",
                         "AUTHOR : ME", "FAMILY : Lib", "VERSION : 1.0"]
    assert "   VAR_INPUT " in lines and "      Start : Bool;   // go" in lines
    assert "   VAR RETAIN " in lines
    assert "      Buf { ExternalAccessible := 'False'} : Array[0..9] of Int;" in lines
    assert "      Data : Struct" in lines and "         A : Int := 5;" in lines and "      END_STRUCT;" in lines
    assert "   VAR_TEMP " in lines and "   VAR CONSTANT " in lines and "      MAX : Int := 10;" in lines
    # one tab before each line of the text, as TIA's source export writes it (Amadeusz97/TIA_H4 Initialisation.scl)
    assert text.endswith("BEGIN\n\tIF #Start THEN\n\t    #Count := #Count + 1;\n\tEND_IF;\nEND_FUNCTION_BLOCK\n")
    assert parse(text).blocks[0].name == "FB_Cnt"


def test_function_and_ob():
    assert _scl(FC).startswith('FUNCTION "FC_Scale" : Real\n')
    assert _scl({**FC, "returnType": "Void",
                 "networks": [{"scl": "RETURN;"}]}).startswith('FUNCTION "FC_Scale" : Void\n')
    ob = _scl(OB)
    assert ob.startswith('ORGANIZATION_BLOCK "Main"') and '"FC_Scale"(Raw := 1);' in ob
    assert ob.rstrip().endswith("END_ORGANIZATION_BLOCK")


def test_data_blocks():
    text = _scl(DB)
    assert text.startswith('DATA_BLOCK "DB_Data"\n{ S7_Optimized_Access := \'FALSE\' }')
    assert "      Count : Int;" in text  # start values go after BEGIN
    begin = text.split("BEGIN\n")[1]
    assert begin.startswith("   Count := 5;\n   S.B := true;\n") and text.rstrip().endswith("END_DATA_BLOCK")
    idb = parse_bytes(generate_xml(IDB))
    assert document_to_scl(idb).splitlines()[:4] == ['DATA_BLOCK "DB_Cnt"', "{ S7_Optimized_Access := 'TRUE' }",
                                                     "VERSION : 0.1", '"FB_Cnt"']


def test_udt():
    assert _scl(UDT) == ('TYPE "UDT_Motor"\nVERSION : 0.1\n   STRUCT\n      Speed : Real;   // rpm\n'
                         "      On : Bool;\n   END_STRUCT;\n\nEND_TYPE\n")


def test_lad_fbd_graph_are_refused():
    with pytest.raises(SourceRefused) as info:
        _scl(LAD)
    assert "LAD" in info.value.reason and "FC_Lad" in info.value.reason
    with pytest.raises(SourceRefused):
        _scl({**LAD, "language": "FBD", "networks": [{"fbd": [[{"contact": "#A"}, {"coil": "#Q"}]]}]})
    mixed = {**LAD, "networks": [{"scl": "#Q := #A;"}, {"lad": [[{"contact": "#A"}, {"coil": "#Q"}]]}]}
    with pytest.raises(SourceRefused):
        _scl(mixed)


def test_interface_spec():
    iface = interface_spec(parse_bytes(generate_xml(FB)))
    assert iface["Input"] == [{"name": "Start", "dataType": "Bool", "comment": "go"}]
    assert iface["Static"][1] == {"name": "Buf", "dataType": "Array[0..9] of Int", "retain": True,
                                  "accessibleFromHmi": False}


@pytest.mark.parametrize("spec", [FB, DB, UDT, OB, {**FC, "networks": [{"scl": "#FC_Scale := 1.0;"}]}],
                         ids=["fb", "db", "udt", "ob", "fc"])
@pytest.mark.parametrize("version", ["V17", "V19", "V21"])
def test_round_trip_is_identical(spec, version):
    xml = generate_xml(spec, version)
    text = document_to_scl(parse_bytes(xml))
    specs = source_to_specs(parse(text), text)
    assert len(specs) == 1
    assert generate_xml(specs[0], version) == xml


def test_network_titles_are_the_deliberate_difference():
    xml = generate_xml(FC)  # its network has no title; one with a title loses it (sources carry no titles)
    titled = {**FC, "networks": [{"title": "Scale", "scl": FC["networks"][0]["scl"]}]}
    text = _scl(titled)
    assert generate_xml(source_to_specs(parse(text), text)[0]) == xml
