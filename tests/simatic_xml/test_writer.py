"""Writer conventions: BOM and declaration, Created, determinism, ID/UId renumbering."""

from __future__ import annotations

import copy


from simatic_xml import parse_bytes, to_bytes
from simatic_xml.model import (
    FB,
    CompileUnit,
    Document,
    DocumentInfo,
    Interface,
    Member,
    MultilingualText,
    MultilingualTextItem,
    NetworkSource,
    Section,
    Sections,
)
from simatic_xml.renumber import renumber_ids, renumber_network
from simatic_xml.versions import namespace_for
from simatic_xml.xmlnode import XmlNode

from tests.simatic_xml.sxml_corpus import corpus_paths, load
from tests.simatic_xml.typed import block, body
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
needs_corpus = READS_SHARED


def _small_fb() -> Document:
    """A small FB built in code, with scrambled IDs and UIds."""
    ns = namespace_for("Interface", "V17")
    flg = namespace_for("NetworkSource/FlgNet", "V17")
    body = XmlNode("FlgNet", flg, {}, [
        XmlNode("Parts", flg, {}, [
            XmlNode("Access", flg, {"Scope": "LocalVariable", "UId": "7"},
                    [XmlNode("Symbol", flg, {}, [XmlNode("Component", flg, {"Name": "a"})])]),
            XmlNode("Part", flg, {"Name": "Coil", "UId": "3"}),
        ]),
        XmlNode("Wires", flg, {}, [
            XmlNode("Wire", flg, {"UId": "1"},
                    [XmlNode("Powerrail", flg), XmlNode("NameCon", flg, {"UId": "3", "Name": "in"})]),
            XmlNode("Wire", flg, {"UId": "2"},
                    [XmlNode("IdentCon", flg, {"UId": "7"}), XmlNode("NameCon", flg, {"UId": "3", "Name": "operand"})]),
            XmlNode("Wire", flg, {"UId": "9"},
                    [XmlNode("OpenCon", flg, {"UId": "8"}), XmlNode("NameCon", flg, {"UId": "3", "Name": "out"})]),
        ]),
    ])
    texts = lambda role, i: MultilingualText(role, [MultilingualTextItem("en-US", "", id=str(i + 1))], id=str(i))  # noqa: E731
    cu = CompileUnit(element=CompileUnit.ELEMENT, id="42", composition_name="CompileUnits",
                     attributes={"ProgrammingLanguage": "LAD", "NetworkSource": NetworkSource(body)},
                     children=[texts("Comment", 50), texts("Title", 60)])
    iface = Interface(ns, Sections([Section("Input", [Member("a", "Bool")]), Section("Output"), Section("InOut"),
                                    Section("Static"), Section("Temp"), Section("Constant")]))
    fb = FB(element=FB.ELEMENT, id="99", attributes={"Name": "FB_X", "Number": 1, "ProgrammingLanguage": "LAD",
                                                     "MemoryLayout": "Optimized", "Interface": iface},
            children=[texts("Comment", 5), cu, texts("Title", 7)])
    info = DocumentInfo(created="2024-01-01T00:00:00Z", export_setting="WithDefaults", installed_products=[])
    return Document("V17", fb, info)


def test_bom_and_declaration():
    data = to_bytes(_small_fb())
    assert data.startswith(b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\n<Document>\n')
    assert b"\r" not in data


def test_created_is_omitted_unless_asked_for():
    doc = _small_fb()
    assert b"<Created>" not in to_bytes(doc)
    assert b"<Created>2024-01-01T00:00:00Z</Created>" in to_bytes(doc, include_created=True)


def test_same_model_same_bytes_and_attributes_sorted():
    doc = _small_fb()
    assert to_bytes(doc) == to_bytes(copy.deepcopy(doc))
    text = to_bytes(doc).decode("utf-8-sig")
    assert text.index("<Interface>") < text.index("<MemoryLayout>") < text.index("<Name>") < text.index("<Number>")


def test_renumber_ids_and_uids():
    doc = _small_fb()
    data = to_bytes(doc, renumber=True)
    assert doc.object.id == "99"  # renumber=True works on a copy
    again = parse_bytes(data)
    ids = [obj.id for obj in _walk(again.object)]
    assert ids == [format(i, "X") for i in range(len(ids))]
    tree = body(block(again).compile_units[0])
    uids = {n.tag + n.attrs.get("Name", ""): n.attrs["UId"] for n in tree.iter() if "UId" in n.attrs
            and n.tag in ("Access", "Part", "OpenCon")}
    assert uids == {"Access": "21", "PartCoil": "22", "OpenCon": "23"}
    wires = [n.attrs["UId"] for n in tree.iter("Wire")]
    assert wires == ["24", "25", "26"]
    refs = [(n.tag, n.attrs["UId"]) for n in tree.iter() if n.tag in ("IdentCon", "NameCon")]
    assert refs == [("NameCon", "22"), ("IdentCon", "21"), ("NameCon", "22"), ("NameCon", "22")]


def _walk(obj):
    yield obj
    if isinstance(obj, MultilingualText):
        yield from obj.items
        return
    for child in obj.children or ():
        yield from _walk(child)


@needs_corpus
def test_renumbering_reproduces_tia_numbering():
    # Corpus IDs are already in TIA order: renumbering is the identity on every file.
    for path in corpus_paths()[::4]:
        doc = load(path)
        before = to_bytes(doc, include_created=True)
        fresh = copy.deepcopy(doc)
        renumber_ids(fresh)
        assert to_bytes(fresh, include_created=True) == before, path


@needs_corpus
def test_flgnet_uids_match_tia_after_renumbering():
    total = same = 0
    for path in corpus_paths():
        doc = load(path)
        for obj in _walk(doc.object):
            source = getattr(obj, "network_source", None)
            if source is not None and source.kind in ("FlgNet", "Graph"):
                total += 1
                body = source.body.copy()
                renumber_network(body)
                same += body == source.body
    assert total == 256 and same == total


@needs_corpus
def test_fast_paths_write_what_the_generic_tree_says():
    # to_bytes pre-renders interfaces and untouched network bodies; the generic tree must agree.
    from simatic_xml.writer import BOM, DECLARATION, _COMPACT_MEMBER_VERSIONS, _emit, _Layout, to_xmlnode

    for path in corpus_paths():
        doc = load(path)
        lay = _Layout(compact_members=doc.engineering_version in _COMPACT_MEMBER_VERSIONS)
        lay.out.append(DECLARATION)
        _emit(to_xmlnode(doc), 0, None, lay)
        assert BOM + "\n".join(lay.out).encode("utf-8") == to_bytes(doc), path
