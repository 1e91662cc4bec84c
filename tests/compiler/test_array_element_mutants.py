"""A start value of an element an array does not have (``<Subelement Path="1001">`` of ``Array[0..1000]``, or
another count of indexes than its dimensions) is refused at the member's line by every check, generated from every
array of the corpus's exports: its last element start value moved one past the upper bound, below the lower bound
and given one index too many (the control: moved to an element that has none), or, for an array of an elementary
type without them, one added past the upper bound (the control: for the last element). Before, every entry passed
it."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.rules.compiler.check import source_text
from tests.compiler.mutants import run_mutants
from tests.compiler.mutants_arrays import SCL_ARRAY_FAMILY, array_element_mutants, scl_array_start_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
SCL = sorted(p for p in (CORPUS.parent / "scl").rglob("*") if p.suffix.lower() in SCL_SUFFIXES) if XML else []

pytestmark = READS_SHARED


def test_start_values_of_elements_an_array_has_not_are_refused_at_the_member() -> None:
    counts, problems = run_mutants({path: list(array_element_mutants(path)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    assert counts[("array element", True)] >= 9 and counts[("array element", False)] >= 6, counts  # all the corpus has


def test_an_scl_start_value_list_longer_than_its_array_is_refused_at_the_declaration() -> None:
    """The SCL form: ``Array[0..1000] of Int := [1002(0)]`` gives element 1001 a value, refused as the SimaticML
    ``<Subelement Path="1001">`` is (the same message); ``[1001(0)]`` is accepted. Before, every entry passed it."""
    counts, problems = run_mutants({path: list(scl_array_start_mutants(path, source_text(path.read_bytes())))
                                    for path in SCL})
    assert not problems, "\n".join(problems[:20])
    assert counts[(SCL_ARRAY_FAMILY, True)] == counts[(SCL_ARRAY_FAMILY, False)] >= 30, counts


_LIST = ('DATA_BLOCK "Mut_DB"\nVERSION : 0.1\n   VAR \n      a : Array[0..1000] of Int := [{}(0)];\n   END_VAR\n'
         'BEGIN\nEND_DATA_BLOCK\n')


@pytest.mark.parametrize("command", [("scl", "check"), ("plc", "check", "--allow-missing"), ("scl", "build")])
def test_every_command_refuses_a_value_for_element_1001_at_its_line(command: tuple[str, ...], tmp_path: Path) -> None:
    from tests.ci.cli_run import run_main

    for count, refused in ((1002, True), (1001, False)):
        source = tmp_path / f"db{count}.db"
        source.write_text(_LIST.format(count), encoding="utf-8")
        extra = ("--out", str(tmp_path / f"out{count}")) if command[-1] == "build" else ()
        code, out = run_main(*command, *extra, str(source))
        assert (code != 0, f"db{count}.db:4:" in out and "element [1001] is not an element of Array[0..1000] of "
                "Int" in out) == (refused, refused), (command, count, out)
