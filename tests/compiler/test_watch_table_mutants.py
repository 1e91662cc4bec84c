"""Watch and force table exports in the check commands, by the REST tables' operand rules (before: skipped as
``UNSUPPORTED_OBJECT``): over every corpus tag table, a watch table of its tags is clean, and one entry changed is
refused at its line (bit 8 of a bit address, an Int's modify value 32768, an element of an Int tag, a force entry of
bit memory, a table name with a quote: before, passed here and refused by the REST import with no line), while the
controls at each boundary (bit 7, 32767, a force entry of an input or output, an apostrophe) add nothing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from engineering_api.rules.compiler.check import Source, check_sources
from tests.ci.cli_run import run_main
from tests.compiler.mutants import verdict, watch_table_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml" / "tagtable"
TABLES = sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []

pytestmark = READS_SHARED
WATCH_CODES = ("WATCH_OPERAND", "WATCH_NOT_FORCEABLE", "WATCH_VALUE", "WATCH_TABLE_NAME", "INVALID_SIMATICML")


def test_watch_table_mutants_are_refused_at_their_entry() -> None:
    counts: Counter[tuple[str, bool]] = Counter()
    problems: list[str] = []
    for path in TABLES:
        table = Source(str(path), path.read_bytes())
        for clean, mutant in watch_table_mutants(path):
            original = check_sources([table, Source(str(mutant.path), clean)])
            assert not [d for d in original if d.code in WATCH_CODES], (path.name, original)  # real tags: clean
            counts[(mutant.family, mutant.refused)] += 1
            problem = verdict(mutant, original, check_sources([table, Source(str(mutant.path), mutant.data)]))
            if problem:
                problems.append(f"{path.name} {mutant.family}: {problem}")
    assert not problems, "\n".join(problems[:20])
    assert counts[("watch address", True)] >= 30 and counts[("watch address", False)] >= 30, counts
    assert counts[("watch value", True)] >= 5 and counts[("watch value", False)] >= 5, counts
    assert counts[("watch member", True)] >= 5, counts
    assert counts[("force area", True)] >= 10 and counts[("force area", False)] >= 10, counts
    assert counts[("watch table name", True)] >= 10 and counts[("watch table name", False)] >= 10, counts
    assert counts[("watch entry operand", True)] >= 10 and counts[("watch entry operand", False)] >= 10, counts


@pytest.mark.parametrize("command", ["simaticml check", "plc check"])
def test_the_commands_refuse_a_watch_table_entry(command: str, tmp_path: Path) -> None:
    path = next(p for p in TABLES if any(m.family == "watch address" for _, m in watch_table_mutants(p)))
    mutant = next(m for _, m in watch_table_mutants(path) if m.family == "watch address" and m.refused)
    (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "watch.xml").write_bytes(mutant.data)
    code, out = run_main(*command.split(), str(tmp_path / path.name), str(tmp_path / "watch.xml"), "--format", "json")
    found = [(d["line"], d["code"]) for d in json.loads(out)["diagnostics"] if d["code"] in WATCH_CODES]
    assert found == [(mutant.line, "WATCH_OPERAND")] and code == 1, out
