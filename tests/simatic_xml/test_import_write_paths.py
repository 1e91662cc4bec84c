"""The import's short cuts after the builder give what the general paths give, on every corpus export.

* a network numbered in its walk (:func:`simatic_xml.renumber.renumber_network`, SCL and STL bodies) gets the
  UIds the element-list numbering gives (``_renumber``, the path of bodies still held as lxml elements);
* :func:`simatic_xml.generate.order.order_documents` skips the dependency scan of a document alone in its rank:
  its order is the order with every document scanned, on seeded batches of corpus exports.
"""

from __future__ import annotations

import csv
import random

import pytest

from simatic_xml import parse_bytes
from simatic_xml.generate import order
from simatic_xml.generate.from_source import generate_source
from simatic_xml.model import Document, NetworkSource, SwObject
from simatic_xml.renumber import _renumber, renumber_network
from simatic_xml.xmlnode import XmlNode

from tests.simatic_xml.sxml_corpus import CORPUS, corpus_paths

if not corpus_paths():
    pytest.skip(f"SimaticML corpus not found at {CORPUS}", allow_module_level=True)


def _bodies(obj: SwObject) -> list[XmlNode]:
    out = []
    for child in obj.children or ():
        if isinstance(child, SwObject):
            source = child.attr("NetworkSource")
            if isinstance(source, NetworkSource) and source.body is not None:
                out.append(source.body)
            out += _bodies(child)
    return out


def _scrambled(body: XmlNode, rng: random.Random) -> XmlNode:
    copy = body.copy()
    for node in copy.walk():
        if "UId" in node.attrs:
            node.attrs["UId"] = str(rng.randrange(10_000))
    return copy


def _generated_bodies() -> list[XmlNode]:
    """The SCL bodies generated from every 8th accepted corpus source (the exports hold few SCL networks)."""
    table = CORPUS.parent / "scl" / "SOURCES.tsv"
    if not table.is_file():
        return []
    with open(table, encoding="utf-8", newline="") as handle:
        rows = sorted(r["local_file"] for r in csv.DictReader(handle, delimiter="\t")
                      if r["expect"].startswith("accept"))
    out = []
    for name in rows[::8]:
        result = generate_source((CORPUS.parent / "scl" / name).read_text(encoding="utf-8-sig"), file=name)
        out += [body for block in result.blocks if block.document is not None
                for body in _bodies(block.document.object)]
    return out


def test_a_network_numbered_in_its_walk_gets_the_element_lists_numbers() -> None:
    rng = random.Random(71)
    kinds: dict[str, int] = {}
    exported = [body for path in corpus_paths() for body in _bodies(parse_bytes(path.read_bytes()).object)]
    for body in exported + _generated_bodies():
            if body.tag in ("FlgNet", "Graph"):
                continue
            walked = _scrambled(body, rng)
            listed = walked.copy()
            renumber_network(walked)
            _renumber([(n.tag, n.attrs, bool(n.children)) for n in listed.walk()])
            assert walked == listed
            kinds[body.tag] = kinds.get(body.tag, 0) + 1
    assert kinds["StructuredText"] > 40 and kinds["StatementList"] > 0, kinds


def _full_order(documents: list[tuple[str, Document | None]]) -> list[str]:
    """``order_documents`` as it was: every document's dependencies scanned."""
    parsed = [(i, name, doc) for i, (name, doc) in enumerate(documents)]
    by_block: dict[str, list[int]] = {}
    for i, _, doc in parsed:
        if doc is not None and doc.object.name:
            by_block.setdefault(doc.object.name.casefold(), []).append(i)
    deps: dict[int, set[int]] = {}
    for i, _, doc in parsed:
        deps[i] = set() if doc is None else {
            j for dep in order.dependencies(doc) for j in by_block.get(dep.casefold(), ())
            if j != i and (other := parsed[j][2]) is not None and order.rank(other) == order.rank(doc)}
    groups: dict[int, list[int]] = {}
    for i, _, doc in parsed:
        groups.setdefault(order.rank(doc) if doc is not None else 6, []).append(i)
    return [parsed[i][1] for key in sorted(groups) for i in order._stable_topo(groups[key], deps)]


def test_a_document_alone_in_its_rank_is_ordered_without_its_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [(path.name, parse_bytes(path.read_bytes())) for path in corpus_paths()]
    rng = random.Random(71)
    scanned: list[str] = []
    real = order.dependencies

    def counted(doc: Document) -> set[str]:
        scanned.append(doc.object.name or "")
        return real(doc)

    batches = [[docs[0]], *(rng.sample(docs, rng.randint(1, 12)) for _ in range(150))]
    batches += [[d for d in docs if "Blocks.F" in d[1].object.element][:30]]  # callers and callees of one rank
    by_name = {doc.object.name: (name, doc) for name, doc in docs}
    batches += [[(name, doc), by_name[dep]] for name, doc in docs for dep in sorted(real(doc))  # a caller, its callee
                if dep in by_name and order.rank(by_name[dep][1]) == order.rank(doc)]
    skipped = reordered = 0
    for batch in batches:
        expected = _full_order(list(batch))
        reordered += expected != [name for name, _ in batch]
        scanned.clear()
        monkeypatch.setattr(order, "dependencies", counted)
        got = order.order_documents(list(batch))
        monkeypatch.setattr(order, "dependencies", real)
        assert got == expected, [name for name, _ in batch]
        skipped += len(batch) - len(scanned)
    assert skipped > 100 and reordered > 50  # the short cut ran, and on batches the order changes
