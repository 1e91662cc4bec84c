"""Issue 89's SCL statement families on mutants of every corpus source with code (:mod:`tests.compiler.
mutants_statements`), each with its near-miss control, and one verdict for each from every entry.

* A jump label declared twice in one block's SCL: ``GOTO_DUPLICATE_LABEL`` (a warning, as no Siemens page or TIA
  error text found states TIA's verdict) at the later declaration. Before, every entry passed it.
* ``12x``: a syntax error at its line (before too); ``16#C`` for ``12`` changes nothing.
* ``=>`` on an instruction function's input (``LIMIT``, ``MAX``, a conversion): ``WRONG_PARAMETER`` at the
  argument (before too); the call as written changes nothing.

``scl check``, ``plc check`` and the editor give each family's finding at the same line.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path


from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.lsp.project import Project
from engineering_api.rules.compiler.check import Source, check_sources, source_text
from tests.cli_findings import cli_findings
from tests.compiler.mutants import Mutant, run_mutants
from tests.compiler.mutants_statements import (ARROW, LABEL, LITERAL, judged, scl_input_arrow_mutants,
                                               scl_label_mutants, scl_literal_mutants)
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "scl"
SCL = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if CORPUS.is_dir() else []

pytestmark = READS_SHARED


def _texts() -> dict[Path, str]:
    return {path: source_text(path.read_bytes()) for path in SCL}


def test_a_jump_label_declared_twice_in_scl_is_warned_at_the_later_declaration() -> None:
    mutants = {path: list(scl_label_mutants(path, text)) for path, text in _texts().items()}
    counts, problems = run_mutants(mutants)
    assert not problems, "\n".join(problems[:20])
    assert counts[(LABEL, True)] >= 200 and counts[(LABEL, False)] == counts[(LABEL, True)], counts
    warned = check_sources([Source("dup.scl", next(m for made in mutants.values() for m in made if m.refused).data)])
    assert {d.severity for d in warned if d.code == "GOTO_DUPLICATE_LABEL"} == {"Warning"}


def test_an_integer_literal_with_a_letter_is_a_syntax_error_at_its_line() -> None:
    counts: Counter[bool] = Counter()
    problems = []
    for path, text in _texts().items():
        made = list(scl_literal_mutants(path, text))
        if not made:
            continue
        original = check_sources([Source(str(path), path.read_bytes())])
        if any(d.code in ("SYNTAX_ERROR", "CLASSIC_SCL") for d in original):
            continue
        for mutant in made:
            counts[mutant.refused] += 1
            got = check_sources([Source(str(path), mutant.data)])
            problem = judged(mutant, original, got)
            if problem:
                problems.append(f"{path.name} line {mutant.line}: {problem}")
    assert not problems, "\n".join(problems[:20])
    assert counts[True] >= 200 and counts[False] == counts[True], counts


def test_an_arrow_on_an_instruction_functions_input_is_refused_at_the_argument() -> None:
    counts, problems = run_mutants({path: list(scl_input_arrow_mutants(path, text)) for path, text in _texts().items()})
    assert not problems, "\n".join(problems[:20])
    assert counts[(ARROW, True)] >= 15, counts


def test_scl_check_plc_check_and_the_editor_give_each_family_one_verdict(tmp_path: Path) -> None:
    texts = _texts()
    sample: list[Mutant] = []
    for family, generator in ((LABEL, scl_label_mutants), (LITERAL, scl_literal_mutants),
                              (ARROW, scl_input_arrow_mutants)):
        made = [m for path, text in texts.items() for m in generator(path, text) if m.refused]
        sample += made[::max(1, len(made) // 3)][:3]
        assert made, family
    editor = Project(None)
    differ = []
    for index, mutant in enumerate(sample):
        folder = tmp_path / str(index)
        target = mutant.written_alone(folder)
        want = (mutant.code, mutant.line)
        scl, plc = cli_findings(["scl", "check", str(target)]), cli_findings(["plc", "check", str(folder)])
        seen = {(d.code, d.line) for d in editor.check(str(target), mutant.data.decode("utf-8"))}
        editor.closed(str(target))
        codes = {"CLASSIC_SCL", "SYNTAX_ERROR"} if mutant.code == "SYNTAX_ERROR" else {mutant.code}
        for entry, found in (("scl check", scl), ("plc check", plc), ("editor", seen)):
            if not any(code in codes and line == mutant.line for code, line in found):
                differ.append(f"{mutant.path.name} {mutant.family}: {entry} lacks {want}: {sorted(found)[:5]}")
    assert not differ, "\n".join(differ)
