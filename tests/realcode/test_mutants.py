"""A sample of the corpus mutants (tests/realcode/mutants.py): every operator's first mutants are refused by
``scl check`` and ``plc check`` (SCL sources) or ``plc check`` (SimaticML exports). The whole set runs by hand:
``.venv/bin/python -m tests.realcode.mutants``."""

from __future__ import annotations


from tests.realcode.mutants import LEGAL, OPERATORS, corpus_files, mutants, rates
from tests.lib.shared_corpus import READS_SHARED

FILES = corpus_files()
SAMPLE = 2  # files per operator: the whole sample takes a few seconds


@READS_SHARED
def test_every_operator_makes_mutants_and_each_sampled_mutant_is_refused():
    found = list(mutants(FILES, limit=SAMPLE))
    assert {m.operator for m in found} == set(OPERATORS)
    table = rates(found)
    missed = {op: cells for op, cells in table.items() if op not in LEGAL
              and any(hit < total for hit, total in cells.values())}
    assert not missed, missed
