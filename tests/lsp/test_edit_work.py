"""One keystroke's work does not grow with the file: the check a ``didChange`` runs (Project.check of the new
text), counted in Python and C function calls (tools.work_count), in a 2,000-line and an 8,000-line source made of a
real one (tools.scl_plant). Checking the whole file on each change cost ~4x the calls at 4x the lines; block by
block (engineering_api.lsp.incremental) it costs about the same."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engineering_api.lsp.project import Project
from tests.conftest import skip_or_fail
from tests.lsp.test_incremental_units import CORPUS
from tools.scl_plant import DOORLOCK, plant_source
from tools.work_count import WorkCount, counting

GROWTH = 1.3
"""The most one keystroke's count may grow from 2,000 to 8,000 lines."""


def _keystroke(text: str, tmp_path: Path) -> int:
    project = Project(None)
    path = str(tmp_path / "Plant.scl")
    project.check(path, text)
    at = text.index("#actual_state := #new_state;", len(text) // 2)  # a statement in a block mid-file
    count = WorkCount()
    with counting(count):
        project.check(path, text[:at] + "(* edited *) " + text[at:])
    return count.total + count.builtin_total


def doorlock() -> str:
    """The real source the plant-sized texts repeat (skipped, or failed on CI, without the corpus)."""
    source = CORPUS / DOORLOCK
    if not source.is_file():
        skip_or_fail(f"{source} is not there (../shared/corpus)", "the keystroke work tests")
    return source.read_bytes().decode("utf-8-sig")


def assert_flat(keystroke: Callable[[str], int]) -> None:
    """``keystroke(text)``'s count grows at most :data:`GROWTH` from a 2,000-line to an 8,000-line text."""
    text = doorlock()
    small, large = keystroke(plant_source(text, 2000)), keystroke(plant_source(text, 8000))
    assert large <= GROWTH * small, (small, large)


def test_a_keystroke_costs_the_same_in_a_large_file(tmp_path: Path) -> None:
    assert_flat(lambda text: _keystroke(text, tmp_path))
