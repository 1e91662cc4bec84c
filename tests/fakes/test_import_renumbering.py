"""A generated block whose number is taken gets the lowest free one, in exactly the bytes a rewrite gives."""

from __future__ import annotations

from simatic_xml import parse_bytes, to_bytes
from simatic_xml.generate.from_source import generate_source

from engineering_api.rules.program_objects import read_object
from fakes.program import PlcSoftware, _renumbered

SOURCE = """FUNCTION "FC_A" : Int
VAR_INPUT x : Int; END_VAR
BEGIN
  #FC_A := #x + 1;
END_FUNCTION

FUNCTION "FC_B" : Int
VAR_INPUT x : Int; END_VAR
BEGIN
  #FC_B := "FC_A"(x := #x);
END_FUNCTION
"""


def _objects() -> list:
    return [read_object(b.xml, project_version="V19") for b in generate_source(SOURCE, version="V19").blocks]


def test_renumbering_writes_the_bytes_a_full_rewrite_writes() -> None:
    for obj in _objects():
        doc = parse_bytes(obj.xml)
        assert doc.object.attributes is not None
        doc.object.attributes["Number"] = 42
        assert _renumbered(obj, 42).xml == to_bytes(doc)
        assert _renumbered(obj, 42).number == 42


def test_a_taken_number_moves_to_the_lowest_free_one() -> None:
    software = PlcSoftware()
    for obj in _objects():
        software.add(obj, overwrite=False)
    numbers = {name: (obj.number, parse_bytes(obj.xml).object.attr("Number")) for name, obj in software.blocks.items()}
    assert numbers == {"FC_A": (1, 1), "FC_B": (2, 2)}
