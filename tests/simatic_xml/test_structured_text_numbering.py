"""The UIds of a StructuredText body the SCL writer just built, given in one pass
(:func:`simatic_xml.renumber.number_new_structured_text`), are the numbering rule's (:func:`renumber_walked`: document
order from 21, a ``Constant``'s hidden UIds) and sit where TIA writes them (last, first on ``CallInfo``), for every SCL
network generated from a sample of the corpus's sources (``../shared/corpus/scl``)."""

from __future__ import annotations

import copy

import pytest

from simatic_xml.generate.from_source import generate_source
from simatic_xml.model import Block
from simatic_xml.renumber import number_new_structured_text, renumber_walked
from simatic_xml.xmlnode import XmlNode
from tests.lib.shared_corpus import SHARED

SOURCES = SHARED / "corpus" / "scl"
SAMPLE = 40
"""Sources read (in name order): enough for calls, constants, comments and regions, in a second or two."""


def _generated_bodies() -> list[XmlNode]:
    bodies: list[XmlNode] = []
    for path in sorted(SOURCES.rglob("*.scl"))[:SAMPLE]:
        result = generate_source(path.read_text(encoding="utf-8-sig", errors="replace"), file=path.name,
                                 version="V19")
        for generated in result.blocks:
            sw = generated.document.object if generated.document is not None else None
            for unit in sw.compile_units if isinstance(sw, Block) else ():
                source = unit.network_source
                if source is not None and source.body is not None and source.body.tag == "StructuredText":
                    bodies.append(source.body)
    return bodies


def _as_built(body: XmlNode) -> XmlNode:
    """``body`` as the writer built it, before any UId: a copy with every UId taken out (the other attributes keep
    their order)."""
    built = copy.deepcopy(body)
    for node in built.walk():
        node.attrs.pop("UId", None)
    return built


def _attributes(body: XmlNode) -> list[list[tuple[str, str]]]:
    return [list(node.attrs.items()) for node in body.walk()]


@pytest.fixture(scope="module")
def bodies() -> list[XmlNode]:
    found = _generated_bodies()
    if not found:
        pytest.skip("the SCL corpus is not available")
    return found


def test_one_pass_numbers_as_the_rule_and_places_the_uid_as_tia(bodies: list[XmlNode]) -> None:
    assert len(bodies) > 20
    constants = calls = 0
    for body in bodies:
        one_pass = _as_built(body)
        number_new_structured_text(one_pass.walk())
        by_rule = _as_built(body)
        nodes = by_rule.walk()
        for node in nodes[1:]:  # the rule's input: an empty UId where TIA writes one
            node.attrs = {"UId": "", **node.attrs} if node.tag == "CallInfo" else {**node.attrs, "UId": ""}
        renumber_walked(nodes)
        assert _attributes(one_pass) == _attributes(by_rule) == _attributes(body)
        constants += sum(node.tag == "Constant" for node in nodes)
        calls += sum(node.tag == "CallInfo" for node in nodes)
    assert constants and calls  # the sample holds both exceptions to "one more"
