"""The reader's and writer's fast paths give what the plain paths give (no timing here; see bench/simaticml.py)."""

from __future__ import annotations

import pytest
from lxml import etree

from simatic_xml import SchemaError, parse_bytes, safe, to_bytes
from simatic_xml.model import NetworkSource
from simatic_xml.reader import parse_tree
from simatic_xml.writer import lxml_body_text

from sxml_corpus import corpus_paths

FLG = "http://www.siemens.com/automation/Openness/SW/NetworkSource/FlgNet/v4"


def _unit(body: str) -> str:
    return (
        '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<Document>\n  <Engineering version="V17" />\n'
        '  <SW.Blocks.CompileUnit ID="1" CompositionName="CompileUnits">\n    <AttributeList>\n'
        f"      <NetworkSource>{body}</NetworkSource>\n"
        "      <ProgrammingLanguage>LAD</ProgrammingLanguage>\n    </AttributeList>\n"
        "  </SW.Blocks.CompileUnit>\n</Document>"
    )


@pytest.mark.skipif(not corpus_paths(), reason="corpus absent")
def test_blank_free_and_laid_out_trees_write_the_same_bytes():
    # parse_bytes drops layout blanks; a tree parsed with them (as when the document holds "<!") takes the
    # etree.indent path for network bodies. Both must write the same bytes.
    for path in corpus_paths():
        raw = path.read_bytes()
        kept = parse_tree(safe.parse_untrusted(raw).getroot(), raw=raw)
        assert to_bytes(kept) == to_bytes(parse_bytes(raw)), path


def test_cdata_keeps_blanks_and_round_trips():
    data = _unit(f'<FlgNet xmlns="{FLG}"><Labels><LabelDeclaration><Label Name="a" /></LabelDeclaration></Labels></FlgNet>')
    doc = parse_bytes(data.encode("utf-8"))
    cdata = data.replace("<ProgrammingLanguage>LAD</ProgrammingLanguage>", "<ProgrammingLanguage><![CDATA[LAD]]></ProgrammingLanguage>")
    assert to_bytes(parse_bytes(cdata.encode("utf-8"))) == to_bytes(doc)


def test_body_deeper_than_libxml2_indents_is_laid_out_exactly():
    depth = 40
    body = f'<FlgNet xmlns="{FLG}">' + "<X>" * depth + "<Leaf>t</Leaf>" + "</X>" * depth + "</FlgNet>"
    doc = parse_bytes(_unit(body).encode("utf-8"))
    unit = doc.object
    source = unit.attributes["NetworkSource"]
    assert isinstance(source, NetworkSource) and source.lazy_element is not None
    fast = to_bytes(doc)
    source.body  # noqa: B018 - builds the generic tree, which the writer then uses
    assert source.lazy_element is None
    assert to_bytes(doc) == fast
    assert b"\n" + b"  " * (depth + 1) + b"<Leaf>t</Leaf>" in fast


def test_lxml_body_text_on_an_indented_and_a_blank_free_body():
    xml = f'<FlgNet xmlns="{FLG}"><Parts><Part Name="Contact" UId="21" /></Parts><Wires /></FlgNet>'
    free = etree.fromstring(xml)
    laid_out = etree.fromstring(xml)
    etree.indent(laid_out, space="  ")
    assert lxml_body_text(free) == lxml_body_text(laid_out)
    assert etree.tostring(free) == etree.tostring(etree.fromstring(xml))  # the writer did not touch the tree


def test_utf16_document_reads_like_utf8():
    text = _unit(f'<FlgNet xmlns="{FLG}"><Parts /></FlgNet>').lstrip("\ufeff").replace("utf-8", "utf-16")
    assert to_bytes(parse_bytes(text.encode("utf-16"))) == to_bytes(parse_bytes(text.replace("utf-16", "utf-8").encode()))


@pytest.mark.parametrize(
    ("declaration", "inner", "message"),
    [
        ('<?xml version="1.0" encoding="{enc}"?>', "<?pi x?>", "processing instructions"),
        ("", "<?pi x?>", "processing instructions"),
        ('<?xml version="1.0" encoding="{enc}"?>', "<!-- c -->", "comments"),
        ('<?xml version="1.0" encoding="{enc}"?>', '<x xml:lang="de"/>', "namespaced attributes"),
    ],
)
@pytest.mark.parametrize("enc", ["utf-8", "utf-16"])
def test_byte_scans_do_not_let_anything_through(declaration, inner, message, enc):
    # validate_tree skips its tree walks when byte scans show the construct is absent; in UTF-16 they cannot.
    text = f'{declaration.format(enc=enc)}<Document><Engineering version="V17"/>{inner}</Document>'
    with pytest.raises(SchemaError, match=message):
        parse_bytes(text.encode(enc))
