"""One network read alone (:func:`simatic_xml.one_network.parse_network`) is the network the whole document's model
holds at that place, with the block's other parts; a place past the last network reads none."""

from __future__ import annotations

from simatic_xml import parse_bytes
from simatic_xml.objects import Block
from simatic_xml.one_network import parse_network
from tests.console.conftest import corpus_file


def test_each_network_read_alone_is_the_whole_documents_network_at_its_place():
    data = corpus_file("fc/nlanderCON_LED.xml").read_bytes()  # six compile units, LAD
    whole = parse_bytes(data).object
    assert isinstance(whole, Block)
    units = whole.compile_units
    for place, unit in enumerate(units, 1):
        alone = parse_network(data, place)
        block = alone.document.object
        assert isinstance(block, Block) and alone.networks == len(units) == 6
        assert block.compile_units == [unit], place
        assert block.interface == whole.interface and block.attributes == whole.attributes
    past = parse_network(data, len(units) + 1).document.object
    assert isinstance(past, Block) and past.compile_units == []
