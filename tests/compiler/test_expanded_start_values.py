"""A start value a block gives a member of a PLC data type or system type it holds (inside the member's expanded
interface: :mod:`tests.compiler.mutants_expanded`) is judged as every start value is: one past its integer type's
range is an ``INVALID_DECLARATION`` at its member's line, the type's last value passes, over every such start value
of the corpus's exports (the one check: every check command and the editor; the REST import's report equals it on
a sample, ``tests/api/test_import_one_verdict.py``). Before, no entry judged them (the rule skipped every expanded
interface as TIA's own)."""

from __future__ import annotations

from tests.compiler.mutants import run_mutants
from tests.compiler.mutants_expanded import FAMILY, LARGE, expanded_start_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(p for p in CORPUS.rglob("*.xml") if p.stat().st_size < LARGE) if CORPUS.is_dir() else []

pytestmark = READS_SHARED


def test_every_expanded_start_value_is_judged_by_its_type() -> None:
    mutants = {path: list(expanded_start_mutants(path, per_type=1)) for path in XML}
    counts, problems = run_mutants(mutants)
    assert not problems, "\n".join(problems[:20])
    # a system type's member in a DB, in two FBs' statics and in a UDT: four exports
    assert counts[(FAMILY, True)] >= 4 and counts[(FAMILY, False)] == counts[(FAMILY, True)], counts
    assert sum(1 for made in mutants.values() if made) >= 4, {p.name: len(m) for p, m in mutants.items() if m}
