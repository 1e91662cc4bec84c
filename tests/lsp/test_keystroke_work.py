"""One keystroke as the server handles it does not grow with the file: a ``textDocument/didChange`` handed to the
pygls protocol in process (tools.lsp_local: the message decoded, the edit applied to the document, the check, the
diagnostics encoded and sent), counted in Python and C function calls (tools.work_count), in a 2,000-line and an
8,000-line source made of a real one (tools.scl_plant). test_edit_work counts the check alone; pygls' own
application of an edit walks every line of the document in Python, ~4x the calls at 4x the lines."""

from __future__ import annotations

from pathlib import Path

from tests.lsp.edit_work import assert_flat
from tools.lsp_local import LocalServer
from tools.work_count import WorkCount, counting


def _keystroke(text: str, tmp_path: Path) -> int:
    tmp_path.mkdir()
    local = LocalServer(tmp_path)
    uri = (tmp_path / "Plant.scl").as_uri()
    local.open(uri, text)
    at = text.index("#actual_state := #new_state;", len(text) // 2)  # a statement in a block mid-file
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    local.change(uri, 2, (line, column), (line, column), "(* edited *) ")  # pygls' first decoding of a change
    count = WorkCount()
    with counting(count):
        local.change(uri, 3, (line, column), (line, column), "(* edited *) ")
    assert local.source(uri) == text[:at] + 2 * "(* edited *) " + text[at:]
    assert local.diagnostics(uri, 3) == []
    return count.total + count.builtin_total


def test_a_keystroke_through_the_server_costs_the_same_in_a_large_file(tmp_path: Path) -> None:
    assert_flat(lambda text: _keystroke(text, tmp_path / f"lines{text.count(chr(10))}"))
