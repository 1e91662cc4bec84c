"""A start value a block gives a member of a PLC data type or system type it holds (inside the member's expanded
interface: :mod:`tests.compiler.mutants_expanded`) is judged as every start value is: one past its integer type's
range is an ``INVALID_DECLARATION`` at its member's line, the type's last value passes, over every such start value
of the corpus's exports, and ``simaticml check``, ``plc check`` and the REST import give one verdict. Before, no
entry judged them (the rule skipped every expanded interface as TIA's own)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.api.import_verdicts import served_project
from tests.compiler.mutants import run_mutants
from tests.compiler.mutants_expanded import FAMILY, expanded_start_mutants
from tests.compiler.refusal_rates import entry_errors
from tests.conftest import CPU, add_device
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []

pytestmark = READS_SHARED


def test_every_expanded_start_value_is_judged_by_its_type() -> None:
    mutants = {path: list(expanded_start_mutants(path, per_type=2)) for path in XML}
    counts, problems = run_mutants(mutants)
    assert not problems, "\n".join(problems[:20])
    # a UDT's member in a DB, a system type's in a DB and in an FB's static, in four exports at least
    assert counts[(FAMILY, True)] >= 8 and counts[(FAMILY, False)] == counts[(FAMILY, True)], counts
    assert sum(1 for made in mutants.values() if made) >= 4, {p.name: len(m) for p, m in mutants.items() if m}


def test_every_entry_refuses_it_at_its_member() -> None:
    path = next(p for p in XML if p.name == "Amadeusz97_SqlConfig.xml")
    refused, control = list(expanded_start_mutants(path, per_type=1))[:2]
    with tempfile.TemporaryDirectory() as folder, served_project(Path(folder)) as rest:
        add_device(rest[0], rest[1], CPU, "PLC_E")
        target = rest[2] / path.name
        for entry, errors_of in entry_errors(rest, "PLC_E").items():
            found = {}
            for mutant in (refused, control):
                target.write_bytes(mutant.data)
                errors = errors_of(target)
                assert errors is not None, entry
                found[mutant.refused] = {(code, line) for code, _, line in errors if code == "INVALID_DECLARATION"}
            assert found == {True: {("INVALID_DECLARATION", refused.line)}, False: set()}, (entry, found)
