"""The refusal rates on ``docs/simaticml-scl.md`` are the rule tables' (:mod:`tools.refusal_rates`): the page's table
is the one rendered from the tables' rows and the measured figures, every row a table has is measured (but NCoil's:
no corpus export has one) and no figures name a row no table has, and a sample measured again here (a mutant and a
control of each row one LAD export with edge instructions gives: its kind's sections, each of its boxes' operand
pins) is refused, and its control accepted, by every entry, as the figures say of all of them."""

from __future__ import annotations

from tests.compiler.refusal_rates import corpus_exports, measure
from tests.lib.shared_corpus import READS_SHARED
from tools import reference_pages
from tools.refusal_rates import ENTRIES, figures, rates_table, rule_rows

NOT_IN_THE_CORPUS = {"instruction_pins.OPERAND_PINS: NCoil operand", "instruction_pins.OPERAND_PINS: NCoil bit"}
"""Rows no corpus export gives a mutant of (NCoil's row is PCoil's, by the STEP 7 help)."""


def test_the_page_shows_the_tables_rows_with_their_figures() -> None:
    page = reference_pages.LANGUAGE_PAGE.read_text(encoding="utf-8")
    assert rates_table() in page, "run make docs and commit docs/simaticml-scl.md"
    measured, rows = figures()["rows"], {row.id for row in rule_rows()}
    assert set(measured) <= rows, sorted(set(measured) - rows)  # figures of a row no table has any more
    assert rows - set(measured) == NOT_IN_THE_CORPUS, sorted(rows - set(measured))
    for row_id, counts in measured.items():  # every entry judged every row, and refused what it judged
        for entry in ENTRIES:
            refused, made = counts[entry]
            assert made and refused == made, (row_id, entry, counts)
            accepted, controls = counts.get(f"controls: {entry}", [0, 0])
            assert accepted == controls, (row_id, entry, counts)


@READS_SHARED
def test_a_sample_measured_again_is_refused_by_every_entry() -> None:
    edges = next(p for p in corpus_exports() if b'Name="PContact"' in p.read_bytes())
    sample = measure([edges], per_context=1, per_row=1)
    assert any(row_id.startswith("block_interfaces.ROWS: ") for row_id in sample), sample
    assert any(row_id.startswith("instruction_pins.OPERAND_PINS: PContact") for row_id in sample), sample
    for row_id, counts in sample.items():
        for key, pair in counts.items():
            assert key == "languages" or pair[0] == pair[1], (row_id, key, counts)
        assert all(counts.get(entry, [0, 0])[1] for entry in ENTRIES), (row_id, counts)
