"""The console's renderer on every real export: each LAD/FBD network (also those inside GRAPH steps and
transitions) draws without error, every Access, Part and Call once and every wire once, counted in the SVG
against the FlgNet itself; SCL, STL and DB/UDT documents render too.

The corpus is ``../shared/corpus/simaticml`` (or ``$SIMATICML_CORPUS``); without it the test skips."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from engineering_api.console.render.block import block_view
from simatic_xml import flgnet, graph
from simatic_xml.xmlnode import XmlNode
from tests.simatic_xml.sxml_corpus import CORPUS, load, network_sources
from tests.lib.shared_corpus import READS_SHARED

_ROOT = CORPUS if CORPUS.is_dir() else Path(os.environ.get("SIMATICML_CORPUS", "/nonexistent"))  # as corpus_file
FILES = sorted(_ROOT.rglob("*.xml")) if _ROOT.is_dir() else []


def _uids(items: list) -> Counter[str]:
    found: Counter[str] = Counter()
    for item in items:
        uid = item.attrs.get("UId") if isinstance(item, XmlNode) else item.uid
        found[uid or ""] += 1
    return found


def _expected(path: Path) -> tuple[Counter[str], Counter[str]]:
    """The UIds of every part and wire of every FlgNet of the document, GRAPH's inner ones included."""
    parts: Counter[str] = Counter()
    wires: Counter[str] = Counter()
    nets: list[flgnet.FlgNet] = []
    for source in network_sources(path):
        body = source.body
        if body is None:
            continue
        if body.tag == "FlgNet":
            nets.append(flgnet.from_xml(body))
        elif body.tag == "Graph":
            sequence = graph.from_xml(body).sequence
            nets += [t.net for t in sequence.transitions if t.net is not None]
            for step in sequence.steps:
                nets += [c.net for c in (step.supervisions or []) + (step.interlocks or []) if c.net is not None]
    for net in nets:
        parts += _uids(net.parts or [])
        wires += _uids(net.wires or [])
    return parts, wires


def _drawn(html: str) -> tuple[Counter[str], Counter[str]]:
    tree = etree.fromstring(f"<div>{html}</div>".encode(), etree.HTMLParser())
    parts = Counter(part for e in tree.iter() if (part := e.get("data-part")) is not None)
    wires = Counter(wire for e in tree.iter() if (wire := e.get("data-wire")) is not None)
    return parts, wires


@READS_SHARED
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_network_renders_with_every_part_and_wire_once(path: Path) -> None:
    view = block_view(load(path))
    assert [n.error for n in view.networks if n.error] == []
    expected_parts, expected_wires = _expected(path)
    drawn_parts, drawn_wires = _drawn("".join(n.html for n in view.networks if n.kind in ("ladder", "graph")))
    assert drawn_parts == expected_parts
    assert drawn_wires == expected_wires
    kinds = {n.kind for n in view.networks}
    assert "unknown" not in kinds
    interface = getattr(load(path).object, "interface", None)
    if interface is not None and interface.sections.sections:
        assert view.members or not any(s.members for s in interface.sections.sections)
