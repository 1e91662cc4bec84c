"""SimaticML of classic HMI objects (simatic_xml.hmi): round trips, typed views, refusals.

The documents are our own, modelled on the public exports named in :mod:`simatic_xml.hmi` (a V15 tag table
template, V20/V21 screen fixtures, connection imports): every part TIA writes that those show, including a
DocumentInfo, multilingual texts holding markup, empty elements and an intra-document link.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simatic_xml import SchemaError, SimaticMLError, UnsafeXmlError, XmlSyntaxError
from simatic_xml import hmi as sx

DATA = Path(__file__).parent / "data"
"""The documents, as files (``hmi_*.xml``)."""

TAG_TABLE = (DATA / "hmi_tag_table.xml").read_text(encoding="utf-8")
SCREEN = (DATA / "hmi_screen.xml").read_text(encoding="utf-8")
CONNECTION = (DATA / "hmi_connection.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [TAG_TABLE, SCREEN, CONNECTION], ids=["tag table", "screen", "connection"])
def test_read_then_write_keeps_the_document(text: str) -> None:
    doc = sx.read_hmi(text.encode())
    written = sx.to_bytes(doc)
    assert sx.canonical(written) == sx.canonical(text.encode())
    assert sx.to_bytes(sx.read_hmi(written)) == written  # and our own output is a fixed point, byte for byte


def test_typed_views() -> None:
    table = sx.read_hmi(TAG_TABLE, expect=sx.TAG_TABLE)
    speed, page = table.root.objects(sx.TAG)
    assert (speed.name, speed.link("DataType"), speed.link("Connection"), speed.link("ControllerTag"),
            speed.link("AcquisitionCycle")) == ("Motor_Speed", "Int", "HMI_Connection_1", "Motor_DB.Speed", "500 ms")
    assert (page.link("Connection"), page.attr("LogicalAddress")) == (None, None)
    screen = sx.read_hmi(SCREEN, expect=sx.SCREEN)
    assert (screen.kind, screen.root.attr("Number"), screen.root.attr("Width")) == ("screen", "3", "800")
    items = sx.screen_items(screen.root)
    assert [(i.element, i.name, sx.item_tag(i)) for i in items] == [
        ("Hmi.Screen.IOField", "Speed_IO", "Motor_Speed"), ("Hmi.Screen.TextField", "Caption", None)]
    assert items[1].links == [sx.HmiLink("Layer", "#1", None)]  # an intra-document link is kept, not read as unbound
    connection = sx.read_hmi(CONNECTION, expect=sx.CONNECTION)
    assert sx.connection_info(connection.root) == ("PLC_1", "SIMATIC S7 1200")


def test_new_objects_read_back() -> None:
    doc = sx.new_screen("Main", 2, 1280, 800, "V19", [sx.new_item("IOField", "F", 1, 2, 3, 4, tag="T")])
    back = sx.read_hmi(sx.to_bytes(doc))
    assert [sx.item_tag(i) for i in sx.screen_items(back.root)] == ["T"]
    assert [c.id for c in back.root.objects()] == ["1"]
    connection = sx.new_connection("C", "PLC_9", "SIMATIC S7 1500", "V19")
    assert sx.connection_info(sx.read_hmi(sx.to_bytes(connection)).root) == ("PLC_9", "SIMATIC S7 1500")


@pytest.mark.parametrize(("text", "error"), [
    ('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>', UnsafeXmlError),
    ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]><Document>&l2;</Document>',
     UnsafeXmlError),
    ("<Document><Engineering version='V19'/><Hmi.Screen.Screen>", XmlSyntaxError),
    ("<Root/>", SchemaError),
    ("<Document><Hmi.Screen.Screen ID='0'/></Document>", SchemaError),
    ("<Document><Engineering version='V19'/><SW.Blocks.FB ID='0'><AttributeList><Name>F</Name></AttributeList>"
     "</SW.Blocks.FB></Document>", SchemaError),
    ("<Document><Engineering version='V19'/><Hmi.Screen.ScreenTemplate ID='0'/></Document>", SchemaError),
    ("<Document><Engineering version='V19'/><Hmi.Screen.Screen ID='0'><AttributeList><Number>1</Number>"
     "</AttributeList></Hmi.Screen.Screen></Document>", SchemaError),
    ("<Document><Engineering version='V19'/><Hmi.Tag.TagTable ID='0'><AttributeList><Name>T</Name></AttributeList>"
     "<ObjectList><Hmi.Tag.Tag ID='1'><AttributeList/></Hmi.Tag.Tag></ObjectList></Hmi.Tag.TagTable></Document>",
     SchemaError),
])
def test_refused_documents(text: str, error: type[SimaticMLError]) -> None:
    with pytest.raises(error):
        sx.read_hmi(text)


def test_a_document_of_another_kind_is_refused_when_one_is_expected() -> None:
    with pytest.raises(SchemaError, match="is a connection, not a screen"):
        sx.read_hmi(CONNECTION, expect=sx.SCREEN)
