"""The drawn LAD/FBD networks join exactly what their XML joins (rebuilt from the SVG's geometry by
:mod:`tests.console.topology`), and no wire runs through a box or symbol: every network of the corpus (also the
conditions inside GRAPH) and generated networks of the shapes that are hard to draw."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.console.render.ladder import draw_network
from simatic_xml import flgnet, graph
from simatic_xml.flgnet import FlgNet
from tests.console.topology import differences, drawn_topology, expected_topology
from tests.simatic_xml.sxml_corpus import corpus_paths, load

FILES = [p for p in corpus_paths() if b"<FlgNet" in p.read_bytes()]


def _networks(path: Path) -> list[tuple[str, FlgNet, str]]:
    """(where, net, language) of every FlgNet of the document."""
    block = load(path).object
    block_language = getattr(block, "programming_language", None) or ""
    found: list[tuple[str, FlgNet, str]] = []
    for number, unit in enumerate(getattr(block, "compile_units", None) or [], start=1):
        body = unit.network_source.body if unit.network_source is not None else None
        if body is None:
            continue
        if body.tag == "FlgNet":
            found.append((f"network {number}", flgnet.from_xml(body), unit.programming_language or block_language))
        elif body.tag == "Graph":
            sequence = graph.from_xml(body).sequence
            for transition in sequence.transitions:
                if transition.net is not None:
                    found.append((f"T{transition.number}", transition.net, transition.programming_language))
    return found


def topology_faults(net: FlgNet, language: str) -> list[str]:
    """Every difference between what the drawing of ``net`` joins and what the XML joins."""
    picture = draw_network(net, language)
    return differences(drawn_topology(picture.svg), expected_topology(net, language))


@pytest.mark.skipif(not FILES, reason="the SimaticML corpus (../shared/corpus/simaticml) is not here")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_network_is_drawn_joined_as_its_xml(path: Path) -> None:
    faults = {where: found for where, net, language in _networks(path) if (found := topology_faults(net, language))}
    assert faults == {}
