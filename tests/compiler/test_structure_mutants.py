"""LAD/FBD structure and block numbers, on generated mutants of every corpus export (before, none of these was
refused): a wire given the UId of another element of its network, an extensible box wired past its Card, a wire
end naming no element (``FLGNET_WIRE``, the existing rule, at the wire's line), an OB numbered outside its event
class's numbers, an FB/FC/DB numbered 65536. Controls: the highest legal numbers (OB 32767 and 123, block 65535).
No corpus export gets one of these findings, for either CPU family."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.rules.compiler.block_numbers import number_findings
from engineering_api.rules.compiler.check import Source, check_sources
from tests.compiler.mutants import block_number_mutants, flgnet_mutants, run_mutants

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
NEW_CODES = frozenset(["FLGNET_UID", "FLGNET_CARDINALITY", "OB_NUMBER", "BLOCK_NUMBER"])

corpus = pytest.mark.skipif(not XML, reason="../shared/corpus is not there")


@corpus
@pytest.mark.parametrize("family", [None, "S7-1200", "S7-1500"])
def test_no_corpus_export_gets_a_structure_or_number_finding(family: str | None) -> None:
    found = [(path.name, d.code) for path in XML
             for d in check_sources([Source(str(path), path.read_bytes())], cpu_family=family) if d.code in NEW_CODES]
    assert not found, found[:5]


@corpus
def test_flgnet_mutants_are_refused_at_their_element() -> None:
    counts, problems = run_mutants({path: list(flgnet_mutants(path)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    assert counts[("flgnet uid", True)] >= 50 and counts[("flgnet wire end", True)] >= 50, counts
    assert counts[("flgnet cardinality", True)] >= 20, counts


@corpus
def test_block_number_mutants_are_refused_at_the_number() -> None:
    counts, problems = run_mutants({path: list(block_number_mutants(path)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    assert counts[("block number", True)] >= 20 and counts[("block number", False)] >= 20, counts
    assert counts[("ob number", True)] > 0 and counts[("ob number", False)] > 0, counts


@pytest.mark.parametrize("ob_type,number,refused", [
    ("ProgramCycle", 1, False), ("ProgramCycle", 2, True), ("ProgramCycle", 122, True), ("ProgramCycle", 123, False),
    ("ProgramCycle", 32767, False), ("ProgramCycle", 32768, True), ("CyclicInterrupt", 38, False),
    ("CyclicInterrupt", 39, True), ("HardwareInterrupt", 47, False), ("HardwareInterrupt", 48, True),
    ("Startup", 100, False), ("Startup", 101, True), ("TimeDelayInterrupt", 24, True),
    ("DiagnosticErrorInterrupt", 82, False), ("DiagnosticErrorInterrupt", 123, True),
    ("TimeError", 80, False), ("TimeError", 5000, False),  # a class whose range was not found stated: not judged
])
def test_ob_numbers_by_event_class(ob_type: str, number: int, refused: bool) -> None:
    assert bool(number_findings("OB", number, ob_type)) == refused


def test_data_block_numbers_per_family() -> None:
    assert number_findings("DB", 59999, None, "S7-1200") == []
    assert [f[:2] for f in number_findings("DB", 60000, None, "S7-1200")] == [("BLOCK_NUMBER", "Warning")]
    assert number_findings("DB", 60999, None, "S7-1500") == []
    assert [f[:2] for f in number_findings("DB", 61000, None, "S7-1500")] == [("BLOCK_NUMBER", "Warning")]
    assert [f[:2] for f in number_findings("FC", 0, None)] == [("BLOCK_NUMBER", "Error")]
    assert number_findings("FB", 65535, None, "S7-1500") == []
