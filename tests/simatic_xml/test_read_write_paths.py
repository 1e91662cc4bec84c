"""The reader's and writer's fast paths give what the plain paths give (no timing here; see bench/simaticml.py)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from simatic_xml import SchemaError, XmlSyntaxError, parse_bytes, safe, to_bytes
from simatic_xml.model import NetworkSource
from simatic_xml.reader import parse_tree
from simatic_xml.writer import lxml_body_text

from tests.simatic_xml.sxml_corpus import corpus_paths
from tests.simatic_xml.typed import attributes, interface, section

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
    data = _unit(f'<FlgNet xmlns="{FLG}"><Labels><LabelDeclaration><Label Name="a" '
                 '/></LabelDeclaration></Labels></FlgNet>')
    doc = parse_bytes(data.encode("utf-8"))
    cdata = data.replace("<ProgrammingLanguage>LAD</ProgrammingLanguage>",
                         "<ProgrammingLanguage><![CDATA[LAD]]></ProgrammingLanguage>")
    assert to_bytes(parse_bytes(cdata.encode("utf-8"))) == to_bytes(doc)


def test_body_deeper_than_libxml2_indents_is_laid_out_exactly():
    depth = 40
    body = f'<FlgNet xmlns="{FLG}">' + "<X>" * depth + "<Leaf>t</Leaf>" + "</X>" * depth + "</FlgNet>"
    doc = parse_bytes(_unit(body).encode("utf-8"))
    unit = doc.object
    source = attributes(unit)["NetworkSource"]
    assert isinstance(source, NetworkSource) and source.lazy_element is not None
    fast = to_bytes(doc)
    source.body  # builds the generic tree, which the writer then uses
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
    assert to_bytes(parse_bytes(text.encode("utf-16"))) == to_bytes(parse_bytes(
        text.replace("utf-16", "utf-8").encode()))


@pytest.mark.parametrize(
    ("declaration", "inner", "message"),
    [
        ('<?xml version="1.0" encoding="{enc}"?>', "<?pi x?>", "processing instructions"),
        ("", "<?pi x?>", "processing instructions"),
        ('<?xml version="1.0" encoding="{enc}"?>', "<!-- c -->", "comments"),
        ('<?xml version="1.0" encoding="{enc}"?>', '<x xml:lang="de"/>', "namespaced attributes"),
        ('<?xml version="1.0" encoding="{enc}"?>', '<x xmlns:p="urn:p" p:a="1"/>', "namespaced attributes"),
    ],
)
@pytest.mark.parametrize("enc", ["utf-8", "utf-16"])
def test_byte_scans_do_not_let_anything_through(declaration, inner, message, enc):
    # validate_tree skips its tree walks when byte scans show the construct is absent; in UTF-16 they cannot.
    text = f'{declaration.format(enc=enc)}<Document><Engineering version="V17"/>{inner}</Document>'
    with pytest.raises(SchemaError, match=message):
        parse_bytes(text.encode(enc))


@pytest.mark.parametrize("inner", ['<x xml:id="1 2"/>', '<x xml:id="a"/><y xml:id="a"/>'],
                         ids=["not-ncname", "repeated"])
@pytest.mark.parametrize("enc", ["utf-8", "utf-16"])
def test_bad_xml_ids_are_refused_by_the_parse(inner, enc):
    # safe.parse_untrusted collects IDs (and so checks xml:id) only when the bytes may hold "xml:id".
    text = f'<?xml version="1.0" encoding="{enc}"?><Document><Engineering version="V17"/>{inner}</Document>'
    with pytest.raises(XmlSyntaxError, match="xml:id|already defined"):
        parse_bytes(text.encode(enc))


def _array_db(subelements: str, tail: str = "") -> bytes:
    iface = "http://www.siemens.com/automation/Openness/SW/Interface/v5"
    return (
        '<?xml version="1.0" encoding="utf-8"?><Document><Engineering version="V19"/>'
        '<SW.Blocks.GlobalDB ID="0"><AttributeList><Interface>'
        f'<Sections xmlns="{iface}"><Section Name="Static">'
        '<Member Name="a" Datatype="Array[0..11] of Int"><Comment><MultiLanguageText '
        'Lang="en-US">c</MultiLanguageText></Comment>'
        f"{subelements}{tail}</Member></Section></Sections></Interface><Name>D</Name></AttributeList>"
        "</SW.Blocks.GlobalDB></Document>"
    ).encode("utf-8")


_PLAIN = "".join(f'<Subelement Path="{i}"><StartValue>{i}</StartValue></Subelement>' for i in range(12))


@pytest.mark.parametrize(
    "data",
    [
        _array_db(_PLAIN),
        _array_db(_PLAIN, "<StartValue>7</StartValue>"),
        _array_db(_PLAIN, '<StartValue Informative="true">7</StartValue>'),
        _array_db(_PLAIN.replace("<StartValue>3</StartValue>", "<StartValue />")),
        _array_db(_PLAIN.replace("<StartValue>3</StartValue>", "<StartValue>a &amp; &lt;b&gt;</StartValue>")),
        _array_db(_PLAIN.replace('Path="3"', 'Path="3&quot;"')),
        _array_db(_PLAIN.replace('<Subelement Path="3">', '<Subelement Path="3"><Comment Informative="true" />')),
        _array_db(_PLAIN.replace("<StartValue>5</StartValue>", '<StartValue Informative="true">5</StartValue>')),
    ],
    ids=["plain", "own-start-value", "own-informative", "empty-value", "escaped", "quote", "comment", "informative"],
)
def test_bulk_subelements_read_like_one_by_one(data, monkeypatch):
    from simatic_xml import reader_iface

    bulk = parse_bytes(data)
    monkeypatch.setattr(reader_iface, "_BULK_FROM", 10**9)
    assert parse_bytes(data) == bulk
    assert to_bytes(bulk) == to_bytes(parse_bytes(to_bytes(bulk)))
    member = section(interface(bulk), "Static").members[0]
    assert [s.path for s in member.subelements][:3] == ["0", "1", "2"]


@pytest.mark.parametrize(
    "bad",
    [
        _PLAIN + '<Comment><MultiLanguageText Lang="de-DE">x</MultiLanguageText></Comment>',
        _PLAIN.replace("<StartValue>4</StartValue>", "<StartValue>4</StartValue><StartValue>4</StartValue>"),
        _PLAIN.replace('<Subelement Path="4">', '<Subelement Path="4" Extra="1">'),
    ],
    ids=["comment-after", "two-values", "extra-attribute"],
)
def test_bulk_subelements_leave_errors_to_the_exact_reader(bad):
    with pytest.raises(SchemaError):
        parse_bytes(_array_db(bad))


_FB = (
    '<?xml version="1.0" encoding="utf-8"?><Document><Engineering version="V17"/>'
    "<DocumentInfo><InstalledProducts><Product><DisplayName>TIA</DisplayName><DisplayVersion>V17</DisplayVersion>"
    "</Product></InstalledProducts></DocumentInfo>"
    '<SW.Blocks.FB ID="0"><AttributeList><Interface>'
    '<Sections xmlns="http://www.siemens.com/automation/Openness/SW/Interface/v5"><Section Name="Static">'
    '<Member Name="a" Datatype="Int"><StartValue>1</StartValue></Member></Section></Sections></Interface>'
    "<Name>FB_X</Name><ParameterData><P><Q>1</Q></P></ParameterData></AttributeList><ObjectList>"
    '<MultilingualText ID="1" CompositionName="Comment"><ObjectList><MultilingualTextItem ID="2" '
    'CompositionName="Items">'
    "<AttributeList><Culture>en-US</Culture><Text>t</Text></AttributeList></MultilingualTextItem></ObjectList>"
    '</MultilingualText><SW.Blocks.CompileUnit ID="3" CompositionName="CompileUnits"><AttributeList><NetworkSource>'
    '<FlgNet xmlns="http://www.siemens.com/automation/Openness/SW/NetworkSource/FlgNet/v4"><Parts><Part Name="Contact" '
    'UId="21" />'
    "</Parts></FlgNet></NetworkSource><ProgrammingLanguage>LAD</ProgrammingLanguage></AttributeList></SW.Blocks.CompileUnit>"
    "</ObjectList></SW.Blocks.FB></Document>"
)


def test_the_mixed_content_fixture_reads():
    assert parse_bytes(_FB.encode()).object.name == "FB_X"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<Engineering", "x<Engineering"),  # text of the root
        ('<SW.Blocks.FB ID="0">', 'x<SW.Blocks.FB ID="0">'),  # tail of DocumentInfo
        ("<InstalledProducts>", "<InstalledProducts>x"),
        ("</DisplayName>", "</DisplayName>x"),
        ("<SW.Blocks.FB ID=\"0\"><AttributeList>", "<SW.Blocks.FB ID=\"0\">x<AttributeList>"),
        ("<AttributeList><Interface>", "<AttributeList>x<Interface>"),
        ("<Interface><Sections", "<Interface>x<Sections"),
        ("</Sections></Interface>", "</Sections>x</Interface>"),
        ('<Member Name="a" Datatype="Int">', '<Member Name="a" Datatype="Int">x'),
        ("</Member></Section>", "</Member>x</Section>"),
        ("<P><Q>", "<P>x<Q>"),
        ("</MultilingualText>", "</MultilingualText>x"),
        ("<ObjectList><MultilingualTextItem", "<ObjectList>x<MultilingualTextItem"),
        ("</Culture>", "</Culture>x"),
        ("<AttributeList><Culture>", "<AttributeList>x<Culture>"),
        ("</AttributeList></MultilingualTextItem>", "</AttributeList>x</MultilingualTextItem>"),
        ("<NetworkSource><FlgNet", "<NetworkSource>x<FlgNet"),
        ("</FlgNet></NetworkSource>", "</FlgNet>x</NetworkSource>"),
        ("<Parts><Part", "<Parts>x<Part"),
        ('UId="21" />', 'UId="21" />x'),
    ],
)
def test_mixed_content_is_refused_everywhere(before, after):
    # Text beside elements would be lost by the model (or written differently by the lazy body path): wherever
    # it sits (outer document, interface, network body, generic part), the read refuses it.
    assert _FB.count(before) >= 1
    with pytest.raises(SchemaError, match="mixed content"):
        parse_bytes(_FB.replace(before, after, 1).encode())


def test_engineering_with_elements_is_refused():
    with pytest.raises(SchemaError, match="Engineering"):
        parse_bytes(_FB.replace('<Engineering version="V17"/>',
                                '<Engineering version="V17"><x/></Engineering>').encode())


def test_a_section_with_a_base_class_and_members_reads_and_writes_back():
    """TIA's interface schema lets a Section hold a base class's ``Sections`` and then ``Member``s
    (SW.InterfaceSections_v4: ``Sections?`` "Base Class", then ``Member*``); the reader took one or the other."""
    iface = "http://www.siemens.com/automation/Openness/SW/Interface/v5"
    data = (
        '<?xml version="1.0" encoding="utf-8"?><Document><Engineering version="V19"/>'
        '<SW.Blocks.FB ID="0"><AttributeList><Interface>'
        f'<Sections xmlns="{iface}"><Section Name="Base"><Sections Datatype="GRAPH_BASE" Version="1.0">'
        '<Section Name="Input"><Member Name="OFF_SQ" Datatype="Bool" /></Section></Sections>'
        '<Member Name="extra" Datatype="Int" /></Section></Sections></Interface><Name>F</Name>'
        "<ProgrammingLanguage>GRAPH</ProgrammingLanguage></AttributeList></SW.Blocks.FB></Document>"
    ).encode("utf-8")
    doc = parse_bytes(data)
    base = section(interface(doc), "Base")
    assert base.sections is not None and [m.name for m in base.members] == ["extra"]
    assert parse_bytes(to_bytes(doc)) == doc


@pytest.mark.skipif(not corpus_paths(), reason="corpus absent")
@pytest.mark.parametrize("target", ["V17", "V19", "V20"])
def test_retarget_and_renumber_leave_unread_bodies_unread_and_write_the_same_bytes(target):
    # A body already in the target's namespaces is neither retargeted nor renumbered through the generic tree:
    # the lxml element is renumbered as it is. The bytes must be those of the tree path.
    from simatic_xml import VersionError, retarget
    from simatic_xml.renumber import renumber_document

    def unread(doc):
        return [v for obj in _sw_objects(doc.object) for v in (obj.attributes or {}).values()
                if isinstance(v, NetworkSource) and v.lazy_element is not None]

    kept_unread = 0
    for path in corpus_paths():
        raw = path.read_bytes()
        fast, plain = parse_bytes(raw), parse_bytes(raw)
        for source in unread(plain):
            assert source.body is not None  # the tree path: every body built
        try:
            retarget(plain, target, in_place=True)
        except VersionError as exc:
            with pytest.raises(VersionError, match=re.escape(str(exc))):
                retarget(fast, target, in_place=True)
            continue
        retarget(fast, target, in_place=True)
        renumber_document(plain)
        renumber_document(fast)
        kept_unread += len(unread(fast))
        assert to_bytes(fast) == to_bytes(plain), path
    assert kept_unread, "no body was kept unread"


def _sw_objects(obj):
    from simatic_xml.model import SwObject

    if isinstance(obj, SwObject):
        yield obj
        for child in obj.children or ():
            yield from _sw_objects(child)
