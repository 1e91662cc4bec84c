"""One keystroke's work does not grow with the file: the check a ``didChange`` runs (Project.check of the new
text), counted in Python and C function calls (tools.work_count), in a 2,000-line and an 8,000-line source made of a
real one (tools.scl_plant). Checking the whole file on each change cost ~4x the calls at 4x the lines; block by
block (engineering_api.lsp.incremental) it costs about the same."""

from __future__ import annotations

from pathlib import Path

from engineering_api.lsp.project import Project
from tools.work_count import WorkCount, counting
from tests.lsp.edit_work import assert_flat


def _keystroke(text: str, tmp_path: Path) -> int:
    project = Project(None)
    path = str(tmp_path / "Plant.scl")
    project.check(path, text)
    at = text.index("#actual_state := #new_state;", len(text) // 2)  # a statement in a block mid-file
    count = WorkCount()
    with counting(count):
        project.check(path, text[:at] + "(* edited *) " + text[at:])
    return count.total + count.builtin_total


def test_a_keystroke_costs_the_same_in_a_large_file(tmp_path: Path) -> None:
    assert_flat(lambda text: _keystroke(text, tmp_path))
