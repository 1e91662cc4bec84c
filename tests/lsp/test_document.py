"""The server's documents (engineering_api.lsp.document) apply an incremental change as pygls' own TextDocument
does, positions counted in UTF-16 units: random changes of a text of umlauts, emoji and every line end, each
compared with pygls'; the end of the text; and an edit after umlauts and an emoji through the server, whose
diagnostic lands at the right column."""

from __future__ import annotations

import random
from pathlib import Path

from lsprotocol import types
from pygls.workspace import TextDocument

from engineering_api.lsp.document import LineDocument
from engineering_api.lsp.text import utf16_units
from tests.lsp.edit_work import doorlock
from tools.lsp_local import LocalServer

PIECES = ["a", "Tür", "ö", "ß", "\U0001F6AA", "😀x", " ", "\n", "\r\n", "\r", ";"]
URI = "file:///Plant.scl"


def _text(rng: random.Random, most: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, most)))


def _change(lines: list[str], rng: random.Random) -> types.TextDocumentContentChangePartial:
    """A change inside the text's lines, columns in UTF-16 units up to a line's end (some inside an emoji)."""
    def position() -> types.Position:
        line = rng.randrange(len(lines))
        content = lines[line].splitlines()[0] if lines[line] else ""
        return types.Position(line=line, character=rng.randint(0, utf16_units(content)))

    start, end = sorted([position(), position()], key=lambda p: (p.line, p.character))
    return types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=_text(rng, 4))


def test_changes_give_what_pygls_gives() -> None:
    rng = random.Random(87)
    for _ in range(40):
        text = _text(rng, 60) or "x"
        ours, theirs = LineDocument(URI, text), TextDocument(URI, text)
        for _ in range(30):
            lines = list(theirs.lines) or [""]
            change = _change(lines, rng)
            ours.apply_change(change)
            theirs.apply_change(change)
            assert ours.source == theirs.source, (text, change)
            assert list(ours.lines) == list(theirs.lines)
        ours.apply_change(types.TextDocumentContentChangeWholeDocument(text="new"))
        assert (ours.source, list(ours.lines)) == ("new", ["new"])


def test_a_column_past_the_end_of_its_line() -> None:
    """LSP: a column greater than the line's length is its length (pygls' codec lands one short, or between the
    CR and the LF of a CRLF)."""
    for text in ("aä😀\nb", "aä😀\r\nb"):
        document = LineDocument(URI, text)
        document.apply_change(types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(0, 9), end=types.Position(0, 99)), text="!"))
        assert document.source == text.replace("😀", "😀!"), text


def test_a_change_at_the_end_of_the_text() -> None:
    at_end = types.Range(start=types.Position(2, 0), end=types.Position(2, 0))
    document = LineDocument(URI, "a\nä😀\n")
    document.apply_change(types.TextDocumentContentChangePartial(range=at_end, text="END"))
    assert document.source == "a\nä😀\nEND"
    document = LineDocument(URI, "a\nä😀")  # no line end: a position past the last line is the end of the text
    document.apply_change(types.TextDocumentContentChangePartial(range=at_end, text="!"))
    assert document.source == "a\nä😀!"
    document = LineDocument(URI, "")
    document.apply_change(types.TextDocumentContentChangePartial(range=at_end, text="x"))
    assert document.source == "x"


def test_an_edit_after_umlauts_and_an_emoji(tmp_path: Path) -> None:
    text = doorlock().replace(
        "#actual_state := #new_state;", "(* Türöffner 🚪 *) #actual_state := #new_state;", 1)
    local = LocalServer(tmp_path)
    uri = (tmp_path / "DoorLock.scl").as_uri()
    local.open(uri, text)
    assert local.diagnostics(uri, 1) == []
    at = text.index("#new_state;", text.index("🚪"))
    line_start = text.rfind("\n", 0, at) + 1
    line, column = text.count("\n", 0, at), utf16_units(text[line_start:at])  # the emoji counts twice
    local.change(uri, 2, (line, column), (line, column + len("#new_state")), "#no_such_state")
    assert local.source(uri) == text[:at] + "#no_such_state" + text[at + len("#new_state"):]
    found = local.diagnostics(uri, 2)
    assert found is not None and [(d["code"], d["range"]["start"]) for d in found] == [
        ("UNDECLARED", {"line": line, "character": column})], found
