"""Renaming never breaks valid TIA code: for every SCL source of the corpus (TIA's exports and hand-written
sources), the variables its blocks declare and the members of its PLC data types and DBs (all of them, but a
few in the largest files: :func:`budget`) are renamed, through a real client, to a fresh name of the same length;
the edit is applied as an editor applies it, and the server's diagnostics of the edited text must be those of the
original (same codes, severities, lines and columns; a message naming the variable names the new name), except
that a finding about the old name itself on its declaration (``sInt : Int``: a data type's name) may go.

One server serves the whole module (started once, on its own event loop thread); each file is its own test,
opened without a workspace folder as ``scl check`` reads it, and closed at the end.
"""

from __future__ import annotations

import asyncio
import re
import string
import threading
from pathlib import Path
from typing import Any, AsyncContextManager, Coroutine, Iterator, Optional, Sequence, TypeVar

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from simatic_xml.scl import ast as A
from simatic_xml.scl import parse
from simatic_xml.scl.errors import SclError
from simatic_xml.scl_text import needs_quotes
from tests.lsp.corpus_checks import CORPUS, SOURCES, editor_text
from tests.lsp.rename_workspace import applied
from tools.bounds import HANG_GUARD_S
from tools.lsp_client import Session, session
from tests.lib.shared_corpus import READS_SHARED

T = TypeVar("T")
Found = list[tuple[int, int, str, int, str]]
FIRST_LETTERS = "QZXJKWVY"
RENAME_BYTES = 400_000


class Server:
    """One started session, driven from the tests' thread through its own event loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.context: AsyncContextManager[Session] = session()
        self.client = self.run(self.context.__aenter__())

    def run(self, step: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(step, self.loop).result(HANG_GUARD_S)

    def stop(self) -> None:
        try:
            self.run(self.context.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(HANG_GUARD_S)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    started = Server()
    yield started
    started.stop()


def found(diagnostics: Sequence[types.Diagnostic]) -> Found:
    return sorted((d.range.start.line, d.range.start.character, str(d.code), int(d.severity or 1), d.message)
                  for d in diagnostics)


def fresh(name: str, taken: set[str]) -> Optional[str]:
    """A name of ``name``'s length no word of the text has (so no column of a diagnostic moves)."""
    rest = re.sub(r"\W", "_", name[1:])
    for letter in FIRST_LETTERS + string.ascii_letters:
        candidate = letter + rest
        if candidate.lower() not in taken and not needs_quotes(candidate, reserved=True):
            return candidate
    return None


def variables(text: str, path: Path) -> list[tuple[str, types.Position]]:
    """Each variable the source declares, as the reader parses it: a block's (every section) and a PLC data
    type's or DB's members (its ``STRUCT``), with the LSP position of its name (none: the text does not parse)."""
    body = text.lstrip("\ufeff")
    try:
        parsed = parse(body, str(path))
    except SclError:
        return []
    lines = body.split("\n")
    bom = 1 if text.startswith("\ufeff") else 0  # the editor's first line keeps it
    out = []
    for block in parsed.blocks:
        decls = [d for section in block.sections for d in section.decls]
        decls += list(block.type.members) if isinstance(block.type, A.StructType) else []
        for decl in decls:
            before = lines[decl.line - 1][:decl.col - 1]
            character = len(before.encode("utf-16-le")) // 2 + (bom if decl.line == 1 else 0)
            out.append((decl.name, types.Position(line=decl.line - 1, character=character)))
    return out


def chosen(decls: list[tuple[str, types.Position]], size: int) -> list[tuple[str, types.Position]]:
    """At most :func:`budget` of the declarations, spread evenly over the file."""
    step = max(1, -(-len(decls) // budget(size)))
    return decls[::step]


def budget(size: int) -> int:
    """How many variables of a file of ``size`` bytes are renamed: each rename re-reads the whole text (about
    1 s for the corpus' 357 kB source on a busy machine), so the largest files get a few, the others up to 30."""
    return max(3, min(30, RENAME_BYTES // max(size, 1)))


async def check_file(client: Session, path: Path) -> tuple[list[str], int]:
    """Rename the chosen variables of ``path`` in turn (each on the text the last rename left); the problems, and
    how many were renamed."""
    lsp, uri = client.client, path.resolve().as_uri()
    text = editor_text(path)
    want = found(await client.open(path, text))
    problems: list[str] = []
    renamed = 0
    try:
        taken = {w.lower() for w in re.findall(r"\w+", text)}
        for name, position in chosen(variables(text, path), path.stat().st_size):
            line = position.line
            written = text.split("\n")[line][position.character:]
            if not written.lstrip('#"').lower().startswith(name.lower()):
                continue  # renamed already, with a same-named declaration of its block (DUPLICATE_NAME)
            new = fresh(name, taken)
            if new is None:
                problems.append(f"no fresh name for {name}")
                continue
            taken.add(new.lower())
            try:
                edit = await lsp.text_document_rename_async(types.RenameParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=position,
                    new_name=new))
            except JsonRpcException as refused:
                problems.append(f"{name} (line {line + 1}) refused: {refused.message}")
                continue
            assert edit is not None and edit.changes is not None and set(edit.changes) <= {uri}, edit
            if not edit.changes.get(uri):
                problems.append(f"{name} (line {line + 1}): an empty edit")
                continue
            text = applied(text, edit, path.name)
            renamed += 1
            got = found(await client.replace(path, text))
            before = {same(w, name, new) for w in want}
            after = {same(d, name, new) for d in got}
            new_ones = [d for d in got if same(d, name, new) not in before]
            gone = [w for w in want if same(w, name, new) not in after and not fixed(w, name, line)]
            if new_ones or gone:
                problems.append(f"{name} -> {new} (line {line + 1}): new {new_ones[:2]}, gone {gone[:2]}")
                text = editor_text(path)  # go on from the original text
                got = found(await client.replace(path, text))
            want = got
    finally:
        client.close(path)
    return problems, renamed


def same(diagnostic: tuple[int, int, str, int, str], old: str, new: str) -> tuple[int, int, str, int, str]:
    """``diagnostic`` with the renamed variable's old and new name alike in its message."""
    line, column, code, severity, message = diagnostic
    for name in (old, new):
        message = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "<renamed>", message, flags=re.IGNORECASE)
    return line, column, code, severity, message


def fixed(diagnostic: tuple[int, int, str, int, str], old: str, line: int) -> bool:
    """Whether ``diagnostic`` was about the old name itself on its declaration's line (``sInt : Int``: the name
    of a data type), which the fresh name does not have."""
    return diagnostic[0] == line and diagnostic[2] == "INVALID_DECLARATION" and old.lower() in diagnostic[4].lower()


@READS_SHARED
@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(CORPUS)) for p in SOURCES])
def test_renaming_every_variable_keeps_the_diagnostics(server: Server, path: Path) -> None:
    problems, renamed = server.run(check_file(server.client, path))
    assert not problems, "\n".join(problems[:10])
    if not renamed:
        pytest.skip("no variable to rename (no block declares one, or the text does not parse)")
