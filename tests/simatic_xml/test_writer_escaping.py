"""Any text XML 1.0 can hold comes back exactly from the writer's bytes, read by lxml (libxml2, not our reader), in
every kind of field the writer writes a generated block with: a leaf of the outer document (``HeaderAuthor``), an
object's title text (``MultilingualText``), and inside the embedded documents an attribute value (a member's name, a
token's text, a component's name) and element text (a member's comment and start value, a line comment's text).

The texts are drawn from every character XML's ``Char`` production allows (https://www.w3.org/TR/xml/#charsets: tab,
line feed, carriage return, the BMP outside the surrogates and U+FFFE/U+FFFF, and the astral planes), with the
characters markup gives a meaning (``< & > " '``, ``]]>``) and the line breaks and tabs that attribute-value and
line-end normalisation would change weighted in.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from simatic_xml.generate.from_source import generate_source
from simatic_xml.model import Block, MultilingualText
from simatic_xml.writer import to_bytes
from simatic_xml.xmlnode import XmlNode
from simatic_xml.xmltext import NOT_IN_XML

SOURCE = """FUNCTION_BLOCK "FB_Text"
VAR_INPUT
  a : Int := 5; // comment
END_VAR
BEGIN
  // line comment
  #a := 1;
END_FUNCTION_BLOCK
"""
INTERFACE = "{http://www.siemens.com/automation/Openness/SW/Interface/v5}"
ST = "{http://www.siemens.com/automation/Openness/SW/NetworkSource/StructuredText/v4}"

_XML_CHARS = st.characters(exclude_categories=["Cs"]).filter(lambda c: NOT_IN_XML.match(c) is None)
_PIECES = st.one_of(_XML_CHARS, st.sampled_from(["<", "&", ">", '"', "'", "]]>", "\r", "\n", "\r\n", "\t",
                                                 "\U0001f600", "\U00020000"]))
_TEXTS = st.lists(_PIECES, max_size=30).map("".join)


def _body_node(body: XmlNode, tag: str) -> XmlNode:
    return next(node for node in body.walk() if node.tag == tag)


@settings(max_examples=150, deadline=None)
@given(author=_TEXTS, title=_TEXTS, name=_TEXTS.filter(bool), comment=_TEXTS, start=_TEXTS, token=_TEXTS.filter(bool),
       component=_TEXTS.filter(bool), line_comment=_TEXTS)
def test_every_field_reads_back_exactly(author: str, title: str, name: str, comment: str, start: str, token: str,
                                        component: str, line_comment: str) -> None:
    result = generate_source(SOURCE, file="text.scl", version="V19")
    document = result.blocks[0].document
    assert document is not None
    block = document.object
    assert isinstance(block, Block) and block.attributes is not None and block.children is not None
    block.attributes["HeaderAuthor"] = author
    titles = [c for c in block.children if isinstance(c, MultilingualText)]
    titles[0].items[0].text = title
    interface = block.interface
    assert interface is not None
    member = interface.sections.sections[0].members[0]
    member.name = name
    assert member.comment is not None and member.start_value is not None
    member.comment.texts["en-US"] = comment
    member.start_value.value = start
    source = block.compile_units[0].network_source
    assert source is not None and source.body is not None
    body = source.body
    _body_node(body, "Token").attrs["Text"] = token
    _body_node(body, "Component").attrs["Name"] = component
    _body_node(_body_node(body, "LineComment"), "Text").text = line_comment or None

    root = etree.fromstring(to_bytes(document))
    assert root.findtext(".//AttributeList/HeaderAuthor") == author
    assert root.findtext(".//MultilingualTextItem/AttributeList/Text") == title
    read_member = root.find(f".//{INTERFACE}Member")
    assert read_member is not None and read_member.get("Name") == name
    assert read_member.findtext(f"{INTERFACE}Comment/{INTERFACE}MultiLanguageText") == comment
    assert read_member.findtext(f"{INTERFACE}StartValue") == start
    read_token, read_component = root.find(f".//{ST}Token"), root.find(f".//{ST}Component")
    assert read_token is not None and read_token.get("Text") == token
    assert read_component is not None and read_component.get("Name") == component
    assert root.findtext(f".//{ST}LineComment/{ST}Text") == line_comment
