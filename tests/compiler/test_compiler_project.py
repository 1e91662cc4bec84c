"""Compiling a PLC's software (engineering_api.rules.compiler.project): tags and constants, LAD/FBD networks,
numbers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from engineering_api.rules.compiler.plc_compile import compile_software
from engineering_api.rules.compiler.project import program_from_software
from fakes.program import PlcSoftware, read_object
from simatic_xml import parse_bytes, to_bytes
from simatic_xml.generate import generate_xml, tag_table_xml
from simatic_xml.objects import PlcUserConstant
from tests.lib.shared_corpus import READS_SHARED, SHARED


def _obj(spec: dict[str, Any]):
    return read_object(generate_xml(spec, "V19"), project_version="V19")


def _table() -> Any:
    data = tag_table_xml("Default tag table", [
        {"name": "Start_PB", "address": "%I0.0", "dataType": "Bool"},
        {"name": "Speed_SP", "address": "%MW10", "dataType": "Int"},
    ], "V19")
    doc = parse_bytes(data)
    assert doc.object.children is not None
    doc.object.children.append(PlcUserConstant(
        element=PlcUserConstant.ELEMENT, composition_name="UserConstants",
        attributes={"DataTypeName": "Int", "Name": "MAX_SPEED", "Value": "1500"}, children=[]))
    return read_object(to_bytes(doc), project_version="V19")


def _software(*specs: dict[str, Any]) -> PlcSoftware:
    sw = PlcSoftware()
    sw.add(_table(), overwrite=False)
    for spec in specs:
        sw.add(_obj(spec), overwrite=False)
    return sw


def _descriptions(run) -> list:
    return [leaf.description for block in run.result.messages[0].messages for leaf in block.messages
            if leaf.state != "Success"]


def _ob(scl: str) -> dict[str, Any]:
    return {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL",
            "interface": {"Temp": [{"name": "v", "dataType": "Int"}, {"name": "b", "dataType": "Bool"}]},
            "networks": [{"scl": scl}]}


def test_tags_and_user_constants_are_globals() -> None:
    sw = _software(_ob('#b := "Start_PB";\n#v := "Speed_SP" + "MAX_SPEED";\n"Speed_SP" := #v;'))
    program = program_from_software(sw)
    assert set(program.tags) == {"start_pb", "speed_sp"} and set(program.constants) == {"max_speed"}
    run = compile_software(sw, "PLC_1")
    assert run.result.state == "Success", _descriptions(run)
    assert run.compiled["Main"]["Main"] == sw.blocks["Main"].interface_hash


def test_missing_tag_write_to_constant_and_type_mismatch() -> None:
    sw = _software(_ob('#b := "Stop_PB";\n"MAX_SPEED" := 5;\n#b := "Speed_SP";'))
    run = compile_software(sw, "PLC_1")
    assert _descriptions(run) == [
        'Network 1, line 1, column 7: Tag "Stop_PB" not defined.',
        'Network 1, line 2, column 1: The constant "MAX_SPEED" cannot be written.',
        'Network 1, line 3, column 7: Implicit conversion of the data type "Int" into the data type "Bool" is not '
        'possible.',
    ]
    assert run.result.error_count == 3 and "Main" not in run.compiled


def test_lad_contact_on_a_non_bool_operand() -> None:
    fb = {"blockType": "FB", "name": "FB_Lad", "language": "LAD", "number": 3,
          "interface": {"Input": [{"name": "a", "dataType": "Bool"}], "Output": [{"name": "q", "dataType": "Bool"}]},
          "networks": [{"lad": [[{"contact": "#a"}, {"coil": "#q"}]]},
                       {"lad": [[{"contact": '"Start_PB"'}, {"coil": "#q"}]]}]}
    sw = _software(fb)
    assert compile_software(sw, "PLC_1").result.state == "Success"
    # retype the input after generation (the generator itself refuses a contact on an Int)
    obj = sw.blocks["FB_Lad"]
    sw.blocks["FB_Lad"] = replace(obj, xml=obj.xml.replace(b'Name="a" Datatype="Bool"', b'Name="a" Datatype="Int"'))
    run = compile_software(sw, "PLC_1", only="FB_Lad")
    assert _descriptions(run) == [
        'Network 1: The operand "#a" of data type "Int" does not fit the instruction "Contact" (Bool required).']


def test_lad_operand_that_does_not_exist() -> None:
    fb = {"blockType": "FB", "name": "FB_Lad", "language": "LAD", "number": 3,
          "interface": {"Output": [{"name": "q", "dataType": "Bool"}]},
          "networks": [{"lad": [[{"contact": '"Start_PB"'}, {"coil": "#q"}]]}]}
    sw = _software(fb)
    sw.tag_tables.clear()
    assert _descriptions(compile_software(sw, "PLC_1")) == ['Network 1: Tag "Start_PB" not defined.']


def test_block_number_already_in_use() -> None:
    fc = {"blockType": "FC", "name": "FC_A", "language": "SCL", "number": 7, "returnType": "Void",
          "networks": [{"scl": ";"}]}
    sw = _software(fc)
    other = _obj({**fc, "name": "FC_B"})
    sw.blocks["FC_B"] = other  # bypassing PlcSoftware.add, which refuses the clash on import
    run = compile_software(sw, "PLC_1")
    assert _descriptions(run) == ['The block number FC 7 is already used by "FC_A".']


def test_missing_udt_and_fb_of_an_instance() -> None:
    fb = {"blockType": "FB", "name": "FB_X", "language": "SCL", "number": 1,
          "interface": {"Static": [{"name": "u", "dataType": '"UDT_Gone"'}]}, "networks": [{"scl": ";"}]}
    sw = PlcSoftware()
    sw.blocks["FB_X"] = _obj(fb)
    member = sw.blocks["FB_X"].xml.split(b'<Member Name="u"')[0].count(b"\n") + 1  # the finding is at its member
    assert _descriptions(compile_software(sw, "PLC_1")) == [f'line {member}, column 0: Data type "UDT_Gone" not '
                                                            'defined.']


# A single-instance DB of an IEC timer as TIA exports it (OfSystemLibElement): its own interface lists
# the instruction's members (IN, PT, Q, ET), so its value is a struct; the call goes by InstanceOfName.
_TIMER_DB = (SHARED / "corpus/simaticml/db/nlanderCON_BlinkTimer.xml")


@READS_SHARED
@pytest.mark.parametrize("instance_of", ["IEC_TIMER", "TON_TIME"])
def test_instruction_call_on_a_system_instance_db_that_lists_its_members(instance_of: str) -> None:
    sw = _software(_ob('"BlinkTimer".TON(IN := #b, PT := T#1s, Q => #b);\n#b := "BlinkTimer".Q;\n'
                       '"BlinkTimer".TP(IN := NOT #b, PT := T#500ms);'))
    xml = _TIMER_DB.read_bytes().replace(b"IEC_TIMER", instance_of.encode())
    sw.add(read_object(xml, project_version="V18"), overwrite=False)
    run = compile_software(sw, "PLC_1")
    assert run.result.state == "Success", _descriptions(run)
    # still checked: parameters of the instruction, and instructions of another family
    sw.blocks["Main"] = _obj(_ob('"BlinkTimer".TON(IN := #b, PV := 3);\n"BlinkTimer".CTU(CU := #b);'))
    assert _descriptions(compile_software(sw, "PLC_1")) == [
        'Network 1, line 1, column 28: The parameter "PV" is not defined in "TON".',
        f'Network 1, line 2, column 14: Tag "CTU" not defined: "{instance_of}" has no element "CTU".',
    ]


_CORPUS = _TIMER_DB.parents[1]
_TYPE_RULES = frozenset(["FLGNET_PIN_TYPE", "FLGNET_TYPE", "LITERAL_RANGE", "OUTPUT_TYPE", "INOUT_TYPE", "INDEX_TYPE",
                         "CASE_SELECTOR", "CASE_LABEL", "FOR_VARIABLE"])
"""The rules on boxes, calls, literals, indexes, CASE and FOR. (``type-mismatch`` is left out: one export assigns an
Int to a Byte in SCL, ``arun232342_RS485_Com_Motor``, which the checker's conversion table rejects.)"""


@READS_SHARED
def test_the_simaticml_corpus_passes_the_type_rules() -> None:
    """Real exports compiled in TIA: every LAD/FBD box, call and SCL network of a block of the corpus passes the
    type rules (each block checked in its own offline program; what it uses from elsewhere stays untyped)."""
    from engineering_api.rules.compiler.checker import check_block
    from engineering_api.rules.compiler.program import Program
    from engineering_api.rules.compiler.project import _parsed_def
    from fakes.program import ProgramObject

    found = []
    for path in sorted(_CORPUS.glob("f[bc]/*.xml")) + sorted(_CORPUS.glob("ob/*.xml")):
        block = _parsed_def(ProgramObject(path.parent.name.upper(), path.stem, path.read_bytes()))
        program = Program(closed=False)
        program.add(block)
        found += [(path.name, d.network, d.message) for d in check_block(program, block) if d.code in _TYPE_RULES]
    assert found == []
