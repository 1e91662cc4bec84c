"""Safe parsing and the error tree: hostile XML is refused, foreign XML is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from simatic_xml import (
    SchemaError,
    SimaticMLError,
    UnsafeXmlError,
    XmlSyntaxError,
    check_bytes,
    parse_bytes,
)
from simatic_xml import safe
from simatic_xml.model import SwObject
from tests.simatic_xml.typed import attributes, tag_table

DATA = Path(__file__).parent / "data"
"""A minimal tag table document as a file, its ``{extra}`` field filled in by ``str.format``."""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document><Engineering version="&xxe;"/></Document>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Document>&lol2;</Document>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Document SYSTEM "http://example.invalid/evil.dtd">
<Document/>"""

MINIMAL = (DATA / "tag_table_template.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("payload", [XXE, LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"])
def test_hostile_documents_are_refused(payload):
    with pytest.raises(UnsafeXmlError) as info:
        parse_bytes(payload)
    assert isinstance(info.value, SimaticMLError)
    assert isinstance(info.value.__cause__, safe.UnsafeXmlError)


def test_size_limit():
    with pytest.raises(UnsafeXmlError, match="limit"):
        parse_bytes(MINIMAL.format(extra="").encode(), max_bytes=100)


def test_malformed_xml():
    with pytest.raises(XmlSyntaxError):
        parse_bytes(b"<Document><Engineering></Document>")


def test_minimal_tag_table_round_trips():
    data = MINIMAL.format(extra="").encode("utf-8")
    doc = parse_bytes(data)
    assert doc.object.name == "Default" and tag_table(doc).tags == []
    assert check_bytes(data).ok


@pytest.mark.parametrize(
    ("xml", "where"),
    [
        ("<Foo/>", "/"),
        ('<Document><Engineering version="V19"/></Document>', "/Document"),
        ('<Document><Engineering version="V19"/><Bogus/></Document>', "/Document/Bogus"),
    ],
)
def test_schema_errors_name_the_place(xml, where):
    with pytest.raises(SchemaError) as info:
        parse_bytes(xml)
    assert info.value.path == where


def test_schema_error_inside_interface():
    iface = (
        '<SW.Types.PlcStruct ID="1" CompositionName="X"><AttributeList><Interface>'
        '<Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5">'
        '<Section Name="None"><Member Name="a" Datatype="Int"><Oops/></Member></Section>'
        "</Sections></Interface></AttributeList></SW.Types.PlcStruct>"
    )
    with pytest.raises(SchemaError, match="Oops") as info:
        parse_bytes(MINIMAL.format(extra=iface).encode("utf-8"))
    assert info.value.path.endswith("/Section/Member[@Name='a']/Oops")


def test_check_reports_the_first_difference():
    result = check_bytes(b"<Document/>")
    assert not result.ok and "SchemaError" in (result.first_difference or "")


def test_namespaced_outer_element_is_refused():
    bad = MINIMAL.format(extra='<x:Tag xmlns:x="urn:x"/>')
    with pytest.raises(SchemaError, match="namespace urn:x"):
        parse_bytes(bad.encode("utf-8"))


def test_comment_is_refused_with_its_place():
    bad = MINIMAL.format(extra="<!-- hand edit -->")
    with pytest.raises(SchemaError, match="comments") as info:
        parse_bytes(bad.encode("utf-8"))
    assert "ObjectList" in info.value.path


def test_empty_network_source_is_typed():
    from simatic_xml.model import NetworkSource

    unit = (
        '<SW.Blocks.CompileUnit ID="1" CompositionName="CompileUnits"><AttributeList><NetworkSource />'
        "<ProgrammingLanguage>LAD</ProgrammingLanguage></AttributeList></SW.Blocks.CompileUnit>"
    )
    doc = parse_bytes(MINIMAL.format(extra=unit).encode("utf-8"))
    assert doc.object.children is not None and isinstance(doc.object.children[0], SwObject)
    source = attributes(doc.object.children[0])["NetworkSource"]
    assert isinstance(source, NetworkSource) and source.body is None and source.kind is None


@pytest.mark.parametrize(
    "section",
    ['<Section Name="None">lost</Section>',
     '<Section Name="None"><Member Name="a" Datatype="Int">lost</Member></Section>'],
)
def test_text_that_would_be_lost_is_refused(section):
    iface = (
        '<SW.Types.PlcStruct ID="1" CompositionName="X"><AttributeList><Interface>'
        f'<Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5">{section}</Sections>'
        "</Interface></AttributeList></SW.Types.PlcStruct>"
    )
    with pytest.raises(SchemaError, match="holds elements, not text"):
        parse_bytes(MINIMAL.format(extra=iface).encode("utf-8"))


def test_layout_blanks_in_empty_elements_are_fine():
    iface = (
        '<SW.Types.PlcStruct ID="1" CompositionName="X"><AttributeList><Interface>'
        '<Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5"><Section Name="None">\n  '
        "</Section></Sections></Interface></AttributeList></SW.Types.PlcStruct>"
    )
    assert check_bytes(MINIMAL.format(extra=iface).encode("utf-8")).ok
