"""Issue 89's SCL statement families in the SCL networks of the corpus's SimaticML exports
(:mod:`tests.compiler.mutants_st`): a jump label declared twice (``GOTO_DUPLICATE_LABEL``, a warning; before,
every entry passed it), ``800x`` (``NETWORK_SYNTAX``), ``=>`` on an instruction's input (``WRONG_PARAMETER``), a
parameter given twice (``PARAMETER_TWICE``), each with its control; ``simaticml check`` and ``plc check`` give each
family's finding at the same line (the network's text line, with its network); the REST import's report carries
each error family at that line."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any


from engineering_api.rules.compiler.check import Source, check_sources
from tests.cli_findings import cli_findings
from tests.compiler.mutants import Mutant
from tests.compiler.mutants_st import judged, st_arrow_mutants, st_label_mutants, st_literal_mutants, st_twice_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(p for p in CORPUS.rglob("*.xml") if b"StructuredText" in p.read_bytes()) if CORPUS.is_dir() else []
_IMPORTABLE = re.compile(rb'<Engineering version="V1[4-9]')
"""An export the REST test's project (V19) imports (a newer one is refused: NEWER_VERSION)."""
GENERATORS = (st_label_mutants, st_literal_mutants, st_arrow_mutants, st_twice_mutants)

pytestmark = READS_SHARED


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


def test_simaticml_check_and_plc_check_give_each_family_one_verdict(tmp_path: Path) -> None:
    sample: list[Mutant] = []
    for generator in GENERATORS:
        made = [m for path in XML for m in generator(path) if m.refused]
        sample += made[:2]
    differ = []
    for index, mutant in enumerate(sample):
        folder = tmp_path / str(index)
        target = mutant.written_alone(folder)
        for entry, found in (("simaticml check", cli_findings(["simaticml", "check", str(target)])),
                             ("plc check", cli_findings(["plc", "check", str(folder)]))):
            if (mutant.code, mutant.line) not in found:
                differ.append(f"{mutant.path.name} {mutant.family}: {entry} lacks {(mutant.code, mutant.line)}")
    assert not differ, "\n".join(differ)


def test_the_rest_import_reports_each_error_family_of_an_scl_network(
        client: Any, admin_headers: dict[str, str], cpu: dict[str, Any], workspace: Path) -> None:
    """The import stores the block and its report carries the errors TIA's compile will give (warnings, such as a
    label declared twice, are not in an import's report: :mod:`engineering_api.domain.import_findings`)."""
    missing = []
    for generator in (st_literal_mutants, st_arrow_mutants, st_twice_mutants):
        mutant = next(m for path in XML if _IMPORTABLE.search(path.read_bytes()) for m in generator(path) if m.refused)
        (workspace / mutant.path.name).write_bytes(mutant.data)
        answer = client.post("/api/devices/PLC_1/blocks/actions/import-sync",
                             json={"importFilePath": mutant.path.name, "overwrite": True}, headers=admin_headers)
        assert answer.status_code in (200, 201), answer.text
        found = {(d["code"], d["line"]) for d in _wire_diagnostics(answer.json())}
        if (mutant.code, mutant.line) not in found:
            missing.append(f"{mutant.path.name} {mutant.family}: {sorted(found)[:5]}")
    assert not missing, "\n".join(missing)


def _wire_diagnostics(answer: object) -> Iterator[dict[str, Any]]:
    """Every diagnostic (an object with a code and a line) anywhere in a JSON answer."""
    if isinstance(answer, dict):
        if "code" in answer and "line" in answer:
            yield answer
        for value in answer.values():
            yield from _wire_diagnostics(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from _wire_diagnostics(value)
