"""Issue 89's SCL statement families in the SCL networks of the corpus's SimaticML exports
(:mod:`tests.compiler.mutants_st`): a jump label declared twice (``GOTO_DUPLICATE_LABEL``, a warning; before,
every entry passed it), ``800x`` (``NETWORK_SYNTAX``), ``=>`` on an instruction's input (``WRONG_PARAMETER``), a
parameter given twice (``PARAMETER_TWICE``), each with its control; ``simaticml check`` and ``plc check`` give each
family's finding at the same line (the network's text line, with its network)."""

from __future__ import annotations

import io
import json
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from engineering_api.cli import main
from engineering_api.rules.compiler.check import Source, check_sources
from tests.compiler.mutants import Mutant
from tests.compiler.mutants_st import judged, st_arrow_mutants, st_label_mutants, st_literal_mutants, st_twice_mutants

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "simaticml"
XML = sorted(p for p in CORPUS.rglob("*.xml") if b"StructuredText" in p.read_bytes()) if CORPUS.is_dir() else []
GENERATORS = (st_label_mutants, st_literal_mutants, st_arrow_mutants, st_twice_mutants)

pytestmark = pytest.mark.skipif(not XML, reason="../shared/corpus is not there")


def test_each_family_in_every_scl_network_export_gains_its_finding_at_its_line() -> None:
    counts: Counter[tuple[str, bool]] = Counter()
    problems = []
    for path in XML:
        original = check_sources([Source(str(path), path.read_bytes())])
        for generator in GENERATORS:
            for mutant in generator(path):
                counts[(mutant.family, mutant.refused)] += 1
                problem = judged(mutant, original, check_sources([Source(str(path), mutant.data)]))
                if problem:
                    problems.append(f"{path.name} {mutant.family} line {mutant.line}: {problem}")
    assert not problems, "\n".join(problems[:20])
    assert counts[("duplicate label (SCL network)", True)] >= 15, counts
    assert counts[("integer literal (SCL network)", True)] >= 10, counts
    assert counts[("assignment arrow (SCL network instruction input)", True)] >= 8, counts
    assert counts[("parameter twice (SCL network)", True)] >= 10, counts
    assert all(counts[(family, False)] == n for (family, refused), n in counts.items()
               if refused and "twice" not in family), counts


def _cli(argv: list[str]) -> set[tuple[str, int]]:
    out = io.StringIO()
    with redirect_stdout(out):
        main([*argv, "--format", "json"])
    return {(d["code"], d["line"]) for d in json.loads(out.getvalue())["diagnostics"]}


def test_simaticml_check_and_plc_check_give_each_family_one_verdict(tmp_path: Path) -> None:
    sample: list[Mutant] = []
    for generator in GENERATORS:
        made = [m for path in XML for m in generator(path) if m.refused]
        sample += made[:2]
    differ = []
    for index, mutant in enumerate(sample):
        folder = tmp_path / str(index)
        folder.mkdir()
        target = folder / mutant.path.name
        target.write_bytes(mutant.data)
        for entry, found in (("simaticml check", _cli(["simaticml", "check", str(target)])),
                             ("plc check", _cli(["plc", "check", str(folder)]))):
            if (mutant.code, mutant.line) not in found:
                differ.append(f"{mutant.path.name} {mutant.family}: {entry} lacks {(mutant.code, mutant.line)}")
    assert not differ, "\n".join(differ)
