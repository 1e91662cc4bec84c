"""The console draws exports of every TIA version the corpus holds (V14 SP1 to V21), and a network it cannot read
says why at its place while the block's other networks still draw."""

from __future__ import annotations

import re

from engineering_api.console.render.block import block_view
from simatic_xml import parse_bytes
from simatic_xml.objects import Block
from tests.console.conftest import corpus_file

OLDEST = ("fb/mking2203_GraphJump.xml", "fb/mking2203_GraphBranch.xml")
"""The corpus's V14 SP1 exports (GRAPH, Graph/v1)."""


def test_the_oldest_exports_are_drawn_without_error():
    for relative in OLDEST:
        raw = corpus_file(relative).read_bytes()
        assert re.search(rb'Engineering version="V14 SP1"', raw), relative
        view = block_view(parse_bytes(raw))
        assert view.networks and all(n.error is None for n in view.networks), relative
        assert all(n.kind == "graph" and n.html for n in view.networks if n.language == "GRAPH"), relative


def test_a_network_the_console_cannot_read_says_why_and_the_others_draw():
    doc = parse_bytes(corpus_file("fb/mking2203_plcBlock_LAD_FB_R134a_BU_Valves.xml").read_bytes())
    block = doc.object
    assert isinstance(block, Block)
    source = block.compile_units[1].network_source
    assert source is not None and source.body is not None
    body = source.body
    body.tag = "FutureNet"  # a network kind of a later TIA, changed in memory (the corpus file is untouched)
    view = block_view(doc)
    assert view.networks[1].error == "a <FutureNet> network is not drawn by the console"
    others = view.networks[:1] + view.networks[2:]
    assert all(n.error is None for n in others)
    assert sum(n.kind == "ladder" and bool(n.html) for n in others) >= 40  # the block's other LAD networks
