"""A keystroke's context does not grow with the workspace: a check of an open document after an edit, in a PLC
folder of 10 and of 40 other sources, costs the same calls (tools.work_count). Grouping every workspace file by PLC on
each check cost a few calls per file; the context is kept while no file changed and no other document was checked.
And it is gathered again when one did: a declaration written to disk (and reported) is known to the next check."""

from __future__ import annotations

from pathlib import Path

from engineering_api.lsp.project import Project
from tests.lsp.edit_work import GROWTH
from tests.lsp.workspace_files import MOTOR_DB
from tools.work_count import WorkCount, counting

MAIN = '''FUNCTION "Main" : Void
BEGIN
	"Motor_DB".speed := 1;
END_FUNCTION

FUNCTION "Other" : Void
BEGIN
	"Motor_DB".speed := 0;
END_FUNCTION
'''
"""Two blocks: a document of one is checked whole (engineering_api.lsp.incremental), its cost the checker's."""

def _workspace(root: Path, others: int) -> tuple[Project, str]:
    blocks = root / "PLC_1" / "Program blocks"
    blocks.mkdir(parents=True)
    for n in range(others):
        (blocks / f"Helper_{n}.scl").write_text(f'FUNCTION "Helper_{n}" : Void\nBEGIN\nEND_FUNCTION\n', "utf-8")
    main = blocks / "Main.scl"
    main.write_text(MAIN, encoding="utf-8")
    (blocks / "Motor_DB.db").write_text(MOTOR_DB, encoding="utf-8")
    return Project(root), str(main)


def _keystroke(root: Path, others: int) -> int:
    project, main = _workspace(root, others)
    assert project.check(main, MAIN) == []  # whole, then cut into units: the keystrokes after reuse them
    assert project.check(main, MAIN.replace(":= 1;", ":= 3;")) == []
    count = WorkCount()
    with counting(count):
        found = project.check(main, MAIN.replace(":= 1;", ":= 2;"))
    assert found == []
    return count.total + count.builtin_total


def test_a_keystroke_costs_the_same_in_a_larger_workspace(tmp_path: Path) -> None:
    small, large = _keystroke(tmp_path / "small", 10), _keystroke(tmp_path / "large", 40)
    assert large <= GROWTH * small, (small, large)


def test_a_changed_file_changes_the_context(tmp_path: Path) -> None:
    project, main = _workspace(tmp_path, 2)
    assert project.check(main, MAIN) == []
    motor_db = str(Path(main).with_name("Motor_DB.db"))
    Path(motor_db).write_text(MOTOR_DB.replace("speed", "rpm"), encoding="utf-8")
    project.changed(motor_db)
    assert [d.code for d in project.check(main, MAIN)] != []
    Path(motor_db).unlink()
    project.changed(motor_db)
    assert [d.code for d in project.check(main, MAIN)] != []
    Path(motor_db).write_text(MOTOR_DB, encoding="utf-8")
    project.changed(motor_db)
    assert project.check(main, MAIN) == []
