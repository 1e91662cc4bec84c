"""Parse every file of the shared SCL corpus (../shared/corpus/scl).

TIA-style files (TIA exports and hand-written/generated TIA sources) must parse
into named blocks. Classic STEP 7 files must either parse or be refused with
ClassicSclNotSupportedError. The style comes from SOURCES.tsv: a file is
classic when its ``style`` column says so or its ``notes`` say it is a classic
STEP 7 source (goosy's example/PE.scl is a classic generator template that the
style heuristic marks TIA-style).
"""
from __future__ import annotations

import csv
from collections import Counter

import pytest

from simatic_xml.scl import ClassicSclNotSupportedError, SclSyntaxError, parse, read_source
from tests.lib.shared_corpus import SHARED, require_shared

CORPUS = SHARED / "corpus" / "scl"
SUFFIXES = {".scl", ".udt", ".db"}

require_shared()


def _load_sources() -> dict:
    rows = {}
    tsv = CORPUS / "SOURCES.tsv"
    if tsv.is_file():
        with tsv.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                rows[row["local_file"]] = row
    return rows


SOURCES = _load_sources()


def _is_classic(rel: str) -> bool:
    row = SOURCES.get(rel)
    if row is None:
        return False
    return row.get("style", "").lower().startswith("classic") or "CLASSIC STEP 7" in row.get("notes", "")


def _files() -> list:
    found = {
        p.relative_to(CORPUS).as_posix()
        for p in CORPUS.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES
    }
    # any other text SCL file listed in SOURCES.tsv
    found |= {rel for rel in SOURCES if (CORPUS / rel).is_file()}
    return sorted(found)


FILES = _files()


def _outcome(rel: str):
    """('parsed', source) | ('classic', error) | ('error', error)."""
    text = read_source(CORPUS / rel)
    try:
        return "parsed", parse(text, rel)
    except ClassicSclNotSupportedError as err:
        return "classic", err
    except SclSyntaxError as err:
        return "error", err


@pytest.mark.parametrize("rel", FILES)
def test_corpus_file(rel):
    outcome, result = _outcome(rel)
    if _is_classic(rel):
        assert outcome in ("parsed", "classic"), f"{rel}: {result}"
        if outcome == "classic":
            assert "classic STEP 7 SCL syntax is not supported" in str(result)
            assert result.line >= 1 and result.col >= 1
    else:
        assert outcome == "parsed", f"{rel}: {result}"
    if outcome == "parsed":
        assert result.blocks, rel
        for block in result.blocks:
            assert block.name, rel
            assert block.kind in ("FUNCTION_BLOCK", "FUNCTION", "ORGANIZATION_BLOCK", "DATA_BLOCK", "TYPE")
            assert block.line >= 1 and block.end_line >= block.line
        row = SOURCES.get(rel)
        if row and row.get("block_count", "").isdigit():
            assert len(result.blocks) == int(row["block_count"]), rel


def test_corpus_counts(capsys):
    counts: Counter[tuple[str, str]] = Counter()
    for rel in FILES:
        outcome, _ = _outcome(rel)
        counts[("classic" if _is_classic(rel) else "tia", outcome)] += 1
    tia_total = counts[("tia", "parsed")] + counts[("tia", "error")] + counts[("tia", "classic")]
    classic_total = sum(v for (group, _), v in counts.items() if group == "classic")
    with capsys.disabled():
        print(
            f"\nSCL corpus: TIA-style parsed {counts[('tia', 'parsed')]}/{tia_total}; "
            f"classic parsed {counts[('classic', 'parsed')]}, refused as classic "
            f"{counts[('classic', 'classic')]} (of {classic_total})"
        )
    assert counts[("tia", "parsed")] == tia_total
    assert counts[("classic", "error")] == 0
    assert len(FILES) >= 250
