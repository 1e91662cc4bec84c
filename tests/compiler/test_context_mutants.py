"""The access families in the contexts their first generator did not reach (:mod:`tests.compiler.mutants_contexts`:
an element, an index or a bit past the width of an integer tag in a FOR loop's end value and increment, deep in an
expression, in a nested call's argument, a CASE selector, a WHILE and a REPEAT condition), over the corpus's SCL
sources: each refused at the access's line, each control accepted, and ``scl check``, ``plc check`` and the editor
give each the same finding at the same line.

Measured over every corpus source (``python -m tests.compiler.mutant_rates``, which runs them all): 103 sources,
each of the 12 (access, context) families refused 103/103 and its control accepted 103/103."""

from __future__ import annotations

from pathlib import Path

from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.lsp.project import Project
from engineering_api.rules.compiler.check import source_text
from tests.cli_findings import cli_findings
from tests.compiler.mutants import run_mutants
from tests.compiler.mutants_contexts import ACCESSES, CONTEXTS, scl_context_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "scl"
SCL = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if CORPUS.is_dir() else []
EVERY = 10
"""Every tenth corpus source in ``make test`` (all of them by hand: the module docstring)."""

pytestmark = READS_SHARED


def test_each_access_in_each_context_is_refused_at_its_line_and_its_control_accepted() -> None:
    counts, problems = run_mutants({path: list(scl_context_mutants(path, source_text(path.read_bytes())))
                                    for path in SCL[::EVERY]})
    assert not problems, "\n".join(problems[:20])
    families = {f"{family} in {context}" for family, kind, *_ in ACCESSES
                for context, (takes, _) in CONTEXTS.items() if takes == kind}
    assert len(families) == 12
    for family in families:
        assert counts[(family, True)] >= 5 and counts[(family, False)] == counts[(family, True)], (family, counts)


def test_every_entry_gives_the_access_in_a_context_one_verdict(tmp_path: Path) -> None:
    """One source, one mutant of each context (the access kinds alternating), through each entry."""
    path = next(p for p in SCL if any(True for _ in scl_context_mutants(p, source_text(p.read_bytes()))))
    mutants = [m for m in scl_context_mutants(path, source_text(path.read_bytes())) if m.refused]
    sample = list({m.family.split(" in ", 1)[1]: m for m in mutants}.values())
    assert len(sample) == len(CONTEXTS)
    editor = Project(None)
    differ = []
    for index, mutant in enumerate(sample):
        folder = tmp_path / str(index)
        folder.mkdir()
        target = folder / mutant.path.name
        target.write_bytes(mutant.data)
        scl, plc = cli_findings(["scl", "check", str(target)]), cli_findings(["plc", "check", str(folder)])
        seen = {(d.code, d.line) for d in editor.check(str(target), mutant.data.decode("utf-8"))}
        editor.closed(str(target))
        for entry, found in (("scl check", scl), ("plc check", plc), ("editor", seen)):
            if (mutant.code, mutant.line) not in found:
                differ.append(f"{mutant.family}: {entry} lacks {(mutant.code, mutant.line)}: {sorted(found)[:5]}")
    assert not differ, "\n".join(differ)
