"""Text lists, graphic lists and VB scripts of classic HMI panels: read, written back without loss, typed views."""

from __future__ import annotations

from pathlib import Path

import pytest

from simatic_xml import SimaticMLError
from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl

DATA = Path(__file__).parent / "data"
"""The input documents of these tests, kept as files like the exports they stand for."""

EXPORTED = (DATA / "text_list.xml").read_bytes()


def test_an_exported_text_list_round_trips_and_reads() -> None:
    doc = sx.read_hmi(EXPORTED, expect=sx.TEXT_LIST)
    assert doc.kind == "text list"
    assert sx.canonical(sx.to_bytes(doc)) == sx.canonical(EXPORTED)
    [entry] = hl.list_entries(doc.root)
    assert (entry.range_from, entry.range_to, entry.default, entry.text) == ("1", "9", False, "Manual & setup")


def test_new_objects_round_trip() -> None:
    made = [hl.new_text_list("States", "V19", [((0, 0), "Off"), (None, "?")]),
            hl.new_graphic_list("Lamp", "V19", [((0, 0), "Lamp_off")]),
            hl.new_vb_script("Reset", "V19", "Sub Reset()\r\nEnd Sub", kind="Sub")]
    for doc in made:
        data = sx.to_bytes(doc)
        again = sx.read_hmi(data, expect=doc.root.element)
        assert sx.canonical(sx.to_bytes(again)) == sx.canonical(data)
    assert hl.list_entries(sx.read_hmi(sx.to_bytes(made[1])).root)[0].graphic == "Lamp_off"
    script = sx.read_hmi(sx.to_bytes(made[2])).root
    assert (hl.script_code(script), hl.script_type(script)) == ("Sub Reset()\r\nEnd Sub", "Sub")


def test_range_from_and_a_code_element_of_another_name_are_read() -> None:
    doc = sx.read_hmi(b'<Document><Engineering version="V18"/><Hmi.TextGraphicList.GraphicList ID="0"><AttributeList>'
                      b'<Name>G</Name></AttributeList><ObjectList><Hmi.TextGraphicList.GraphicListEntry ID="1" '
                      b'CompositionName="Entries"><AttributeList><RangeFrom>2</RangeFrom><RangeTo>3</RangeTo>'
                      b'</AttributeList><LinkList><Graphic TargetID="@OpenLink"><Name>Pump</Name></Graphic></LinkList>'
                      b'</Hmi.TextGraphicList.GraphicListEntry></ObjectList></Hmi.TextGraphicList.GraphicList></Document>')
    [entry] = hl.list_entries(doc.root)
    assert (entry.range_from, entry.range_to, entry.graphic) == ("2", "3", "Pump")
    script = sx.read_hmi(b'<Document><Engineering version="V18"/><Hmi.RuntimeScripting.VBScript ID="0"><AttributeList>'
                         b'<Name>S</Name><Type>Function</Type><Code>Function S()\nEnd Function</Code></AttributeList>'
                         b'</Hmi.RuntimeScripting.VBScript></Document>')
    assert hl.script_code(script.root) == "Function S()\nEnd Function"


def test_other_and_hostile_documents_are_refused() -> None:
    with pytest.raises(SimaticMLError, match="text list, not a VB script"):
        sx.read_hmi(EXPORTED, expect=sx.VB_SCRIPT)
    with pytest.raises(SimaticMLError):
        sx.read_hmi(b'<!DOCTYPE d [<!ENTITY x "y">]><Document>&x;</Document>', expect=sx.TEXT_LIST)
