"""Every operand pin a basic LAD/FBD instruction must have wired (:data:`engineering_api.rules.instruction_pins.
OPERAND_PINS`: a contact's or coil's bit, an edge instruction's edge memory bit) is refused unwired at the
instruction's ``<Part>`` (``FLGNET_OPERAND``), generated from the table over every such box of the corpus's exports:
the wire from the operand to that pin removed. Before, a P contact without its edge bit passed every entry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from engineering_api.rules.instruction_pins import OPERAND_PINS
from tests.compiler.mutants import Mutant, local_name, xml_parser, serialised, run_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
PER_ROW = 6
"""Mutants of each (instruction, pin) row: the boxes of the commonest (Contact: 677) are sampled."""

pytestmark = READS_SHARED


def operand_pin_mutants(path: Path, made: Counter[tuple[str, str]]) -> Iterator[Mutant]:
    data = path.read_bytes()
    if b"FlgNet" not in data:
        return
    root = etree.fromstring(data, xml_parser())
    for net in (el for el in root.iter() if local_name(el) == "FlgNet"):
        parts = {el.get("UId"): el for el in net.iter() if local_name(el) == "Part" and el.get("Name") in OPERAND_PINS}
        for wire in [el for el in net.iter() if local_name(el) == "Wire"]:
            ends = list(wire)
            if len(ends) != 2 or local_name(ends[0]) != "IdentCon" or local_name(ends[1]) != "NameCon":
                continue
            part, parent = parts.get(ends[1].get("UId")), wire.getparent()
            if part is None or parent is None:
                continue
            row = (part.get("Name", ""), ends[1].get("Name", ""))
            if row[1] not in OPERAND_PINS[row[0]] or made[row] >= PER_ROW:
                continue
            made[row] += 1
            index = parent.index(wire)
            parent.remove(wire)
            yield Mutant(f"operand pin {row[1]}", path, serialised(root, data), part.sourceline or 0,
                         "FLGNET_OPERAND")
            parent.insert(index, wire)


def test_every_operand_pin_of_the_table_is_refused_unwired_at_its_instruction() -> None:
    made: Counter[tuple[str, str]] = Counter()
    counts, problems = run_mutants({path: list(operand_pin_mutants(path, made)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    rows = {(name, pin) for name, pins in OPERAND_PINS.items() for pin in pins}
    # every row has a box in the corpus but NCoil's (no export has one: its row is PCoil's, by the STEP 7 help)
    assert set(made) == rows - {("NCoil", "operand"), ("NCoil", "bit")}, sorted(rows - set(made))
