"""A call that assigns one formal parameter twice is refused (``PARAMETER_TWICE``) at the second assignment by every
check, in every call of the corpus's SCL sources (a block by name, an instance, a multi-instance, an instruction):
the call's first named argument written again after it, ``a := 1, a := 1``, or in another letter case. The editor
gives exactly ``scl check``'s diagnostics on each. Before, every entry passed it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path


from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.lsp.project import Project
from engineering_api.rules.compiler.check import Source, check_sources, source_text
from tests.compiler.mutants import Mutant, run_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "scl"
SCL = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if CORPUS.is_dir() else []
_CALL = re.compile(r'(?:"[^"\n]+"|#[A-Za-z_]\w*|\b[A-Z][A-Z_0-9]*)[ \t]*\((?P<args>[^();]*?)\)')
_FIRST = re.compile(r"\s*(?P<name>[A-Za-z_]\w*)\s*(?::=|=>)\s*(?:#[\w.]+|\d[\w.#]*|TRUE|FALSE)\s*(?=,|\Z)",
                    re.IGNORECASE)
"""A call's first argument when its value is a local or a literal (a copy of a global would add a second finding of
a tag the corpus file lacks, ``MISSING_TAG``, besides the rule's one)."""
PER_FILE = 3

pytestmark = READS_SHARED


def parameter_twice_mutants(path: Path, text: str) -> Iterator[Mutant]:
    """Up to :data:`PER_FILE` calls of ``text`` with named arguments, each with its first one assigned again."""
    made = 0
    for call in _CALL.finditer(text):
        first = _FIRST.match(call.group("args"))
        if first is None or made >= PER_FILE:
            continue
        argument = first.group(0).strip()
        again = argument if made % 2 else argument.replace(first.group("name"), first.group("name").upper(), 1)
        at = call.start("args") + first.end()
        made += 1
        yield Mutant("parameter twice", path, (text[:at] + ", " + again + text[at:]).encode("utf-8"),
                     text.count("\n", 0, at) + 1, "PARAMETER_TWICE")


def test_a_parameter_assigned_twice_is_refused_at_the_second_by_scl_check_and_the_editor() -> None:
    mutants = {path: list(parameter_twice_mutants(path, source_text(path.read_bytes()))) for path in SCL}
    counts, problems = run_mutants(mutants)
    assert not problems, "\n".join(problems[:20])
    assert counts[("parameter twice", True)] >= 40, counts

    editor = Project(None)
    differ = []
    for path, found in list(mutants.items())[::4]:
        for mutant in found[:2]:
            checked = check_sources([Source(str(path), mutant.data)])
            want = sorted((d.line, d.column, d.code, d.message) for d in checked)
            got = sorted((d.line, d.column, d.code, d.message)
                         for d in editor.check(str(path), mutant.data.decode("utf-8")))
            if got != want:
                differ.append(f"{path.name}: editor {sorted(set(got) ^ set(want))[:3]}")
            editor.closed(str(path))
    assert not differ, "\n".join(differ[:10])
