"""``dependencies`` reads a body the reader has not built yet straight from lxml: it must name what the built
tree names, on every corpus export."""

from __future__ import annotations

import pytest

from simatic_xml import parse_bytes
from simatic_xml.generate.order import dependencies
from simatic_xml.model import Document, NetworkSource, SwObject

from tests.simatic_xml.sxml_corpus import CORPUS, corpus_paths

if not corpus_paths():
    pytest.skip(f"SimaticML corpus not found at {CORPUS}", allow_module_level=True)


def _built(doc: Document) -> Document:
    for child in doc.object.children or ():
        source = child.attr("NetworkSource") if isinstance(child, SwObject) else None
        if source is not None:
            assert isinstance(source, NetworkSource) and (source.body is not None or source.kind is None)
    return doc


def test_lazy_bodies_give_the_built_trees_dependencies() -> None:
    lazy_seen = with_calls = 0
    for path in corpus_paths():
        raw = path.read_bytes()
        lazy = parse_bytes(raw)
        lazy_seen += any(isinstance(c, SwObject) and getattr(c.attr("NetworkSource"), "lazy_element", None) is not None
                         for c in lazy.object.children or ())
        names = dependencies(lazy)
        assert names == dependencies(_built(parse_bytes(raw))), path.name
        with_calls += bool(names)
    assert lazy_seen > 50 and with_calls > 30  # the lxml walk really ran, on blocks that call others
