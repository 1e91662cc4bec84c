"""The tag editor's XML export of a tag table (``<Tagtable>``): what is read and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from simatic_xml.errors import SchemaError, UnsafeXmlError, XmlSyntaxError
from simatic_xml.tag_editor import EditorConstant, is_tag_editor_root, read_tag_editor_xml

DATA = Path(__file__).parent / "data"
"""The input documents of these tests, kept as files like the exports they stand for."""

# The shape of TIA Portal V14's export (RoanBrand/SpottingLine2018 PLCTags.xml): BOM, single quotes, a comment.
V14 = (DATA / "tag_editor_v14.xml").read_bytes()


def test_a_v14_export_gives_its_tags_and_constants_in_order():
    [table] = read_tag_editor_xml(V14)
    assert table.name == "Default tag table"
    assert [(t.name, t.data_type, t.address, t.comment) for t in table.tags] == [
        ("iLineReady", "Bool", "%I3.0", ""), ("iEncoder", "DWord", "%ID100", "encoder & count")]
    assert table.tags[1].attributes["hmiWriteable"] == "False"
    assert table.constants == [EditorConstant("Const_1", "Int", "222", "")]


def test_several_tables_under_tagtables():
    data = (b"<Tagtables><Tagtable name='A'><Tag type='Bool' addr='%M0.0'>a</Tag></Tagtable>"
            b"<Tagtable name='B'><Tag type='Int' addr='%MW2'>b</Tag></Tagtable></Tagtables>")
    assert [(t.name, [tag.name for tag in t.tags]) for t in read_tag_editor_xml(data)] == [("A", ["a"]), ("B", ["b"])]


@pytest.mark.parametrize(("data", "message"), [
    (b"<Tagtable name='T'><Row>x</Row></Tagtable>", "only <Tag> and <Constant>"),
    (b"<Tagtable name='T'><Tag type='Bool' addr='%M0.0'> </Tag></Tagtable>", "its name as text"),
    (b"<Tagtable name='T'><Tag type='Bool' addr='%M0.0'><b/>x</Tag></Tagtable>", "its name as text"),
    (b"<Tagtable name='T'><Tag addr='%M0.0'>x</Tag></Tagtable>", "has no type"),
    (b"<Tagtable name='T'><Tag type='Bool'>x</Tag></Tagtable>", "no address"),
    (b"<Tagtables><Tag type='Bool' addr='%M0.0'>x</Tag></Tagtables>", "only <Tagtable>"),
    (b"<Document/>", "no tag editor export"),
])
def test_what_is_not_a_tag_editor_table_is_a_schema_error(data: bytes, message: str):
    with pytest.raises(SchemaError, match=message):
        read_tag_editor_xml(data)


def test_unsafe_and_malformed_documents_are_refused():
    with pytest.raises(UnsafeXmlError):
        read_tag_editor_xml(b"<!DOCTYPE t [<!ENTITY e 'x'>]><Tagtable name='T'><Tag type='Bool' "
                            b"addr='%M0.0'>&e;</Tag></Tagtable>")
    with pytest.raises(XmlSyntaxError):
        read_tag_editor_xml(b"<Tagtable name='T'><Tag>")
    with pytest.raises(UnsafeXmlError):
        read_tag_editor_xml(V14, max_bytes=100)


def test_root_names():
    assert is_tag_editor_root(b"Tagtable") and is_tag_editor_root("Tagtables")
    assert not is_tag_editor_root(b"Document") and not is_tag_editor_root(None)
