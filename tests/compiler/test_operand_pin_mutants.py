"""Every operand pin a basic LAD/FBD instruction must have wired (:data:`engineering_api.rules.instruction_pins.
OPERAND_PINS`: a contact's or coil's bit, an edge instruction's edge memory bit) is refused unwired at the
instruction's ``<Part>`` (``FLGNET_OPERAND``), generated from the table over every such box of the corpus's exports:
the wire from the operand to that pin removed. Before, a P contact without its edge bit passed every entry."""

from __future__ import annotations

from collections import Counter

from engineering_api.rules.instruction_pins import OPERAND_PINS
from tests.compiler.mutants import run_mutants
from tests.compiler.mutants_instructions import operand_pin_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
PER_ROW = 6
"""Mutants of each (instruction, pin) row: the boxes of the commonest (Contact: 677) are sampled (all of them:
``python -m tests.compiler.refusal_rates``)."""

pytestmark = READS_SHARED


def test_every_operand_pin_of_the_table_is_refused_unwired_at_its_instruction() -> None:
    made: Counter[tuple[str, str]] = Counter()
    counts, problems = run_mutants({path: list(operand_pin_mutants(path, made, PER_ROW)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    rows = {(name, pin) for name, pins in OPERAND_PINS.items() for pin in pins}
    # every row has a box in the corpus but NCoil's (no export has one: its row is PCoil's, by the STEP 7 help)
    assert set(made) == rows - {("NCoil", "operand"), ("NCoil", "bit")}, sorted(rows - set(made))
