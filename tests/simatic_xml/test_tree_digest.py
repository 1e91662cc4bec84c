"""A network body's digest (:func:`simatic_xml.digest.tree_digest`) is equal for two bodies exactly when their
generic trees are, checked over every network of the corpus: read from the lxml element or from the built tree
alike; the same for a document laid out again with its attributes in reverse order; different for each network of
a document from every other of it whose tree differs, and after one attribute or text of it changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from simatic_xml import parse_bytes
from simatic_xml.digest import tree_digest
from simatic_xml.model import NetworkSource
from tests.simatic_xml.sxml_corpus import corpus_paths, document_sources


def _sources(raw: bytes) -> list[NetworkSource]:
    return document_sources(parse_bytes(raw))


def _relaid(raw: bytes) -> bytes:
    """The document indented anew, every element's attributes in reverse order."""
    root = etree.fromstring(raw, etree.XMLParser(remove_blank_text=True))
    for element in root.iter(etree.Element):
        attributes = list(element.attrib.items())
        element.attrib.clear()
        for name, value in reversed(attributes):
            element.set(name, value)
    etree.indent(root, space="\t")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _change_a_leaf(body: etree._Element) -> bool:
    """Change ``body``'s last leaf text or attribute; False when it has none."""
    leaves = [e for e in body.iter(etree.Element) if not len(e) and (e.text or e.attrib)]
    if not leaves:
        return False
    leaf = leaves[-1]
    if leaf.text:
        leaf.text += "x"
    else:
        name = next(iter(leaf.attrib))
        leaf.set(name, leaf.get(name, "") + "x")
    return True


PATHS = [p for p in corpus_paths() if b"<NetworkSource>" in p.read_bytes() or b"<NetworkSource " in p.read_bytes()]


@pytest.mark.skipif(not PATHS, reason="the SimaticML corpus is not here")
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_digests_are_equal_exactly_when_the_trees_are(path: Path):
    raw = path.read_bytes()
    lazy = [s.digest() for s in _sources(raw)]  # from the lxml elements, no tree built
    built = _sources(raw)
    bodies = [s.body for s in built]
    assert [tree_digest(b) for b in bodies] == lazy
    assert [s.digest() for s in _sources(_relaid(raw))] == lazy
    for i, body in enumerate(bodies):  # within a document: equal digests for equal trees only
        for j in range(i + 1, len(bodies)):
            assert (lazy[i] == lazy[j]) == (body == bodies[j]), (i, j)
    fresh = _sources(raw)
    for index in [i for i, source in enumerate(fresh) if source.lazy_element is not None][:3]:
        element = fresh[index].lazy_element
        assert element is not None
        if _change_a_leaf(element):
            assert fresh[index].digest() != lazy[index]
