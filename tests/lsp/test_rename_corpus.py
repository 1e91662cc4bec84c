"""Renaming never breaks valid TIA code: for every SCL source of the corpus (TIA's exports and hand-written
sources), each variable its outline lists is renamed, through a real client, to a fresh name of the same length;
the edit is applied as an editor applies it, and the server's diagnostics of the edited text must be those of the
original (same codes, severities, lines and columns; a message naming the variable names the new name).

One server serves the whole module (started once, on its own event loop thread); each file is its own test,
opened without a workspace folder as ``scl check`` reads it, and closed at the end.
"""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from typing import Any, AsyncContextManager, Coroutine, Iterator, Optional, Sequence, TypeVar

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from simatic_xml.scl_text import needs_quotes
from tests.lsp.test_corpus_diagnostics import CORPUS, SOURCES, editor_text
from tests.lsp.test_rename import applied
from tools.bounds import HANG_GUARD_S
from tools.lsp_client import Session, session

T = TypeVar("T")
Found = list[tuple[int, int, str, int, str]]
FIRST_LETTERS = "QZXJKWVY"


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
    for letter in FIRST_LETTERS:
        candidate = letter + rest
        if candidate.lower() not in taken and not needs_quotes(candidate, reserved=True):
            return candidate
    return None


def variables(outline: Optional[Sequence[Any]]) -> list[types.DocumentSymbol]:
    """The declarations the outline lists under the blocks' sections."""
    out = []
    for block in outline or []:
        for section in block.children or []:
            if section.kind == types.SymbolKind.Namespace and not section.name.startswith("REGION"):
                out += list(section.children or [])
    return out


async def check_file(client: Session, path: Path) -> list[str]:
    """Rename each variable of ``path`` in turn (each on the text the last rename left); the problems found."""
    lsp, uri = client.client, path.resolve().as_uri()
    text = editor_text(path)
    want = found(await client.open(path, text))
    problems: list[str] = []
    try:
        outline = await lsp.text_document_document_symbol_async(types.DocumentSymbolParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        decls = variables(outline)
        taken = {w.lower() for w in re.findall(r"\w+", text)}
        renamed: dict[str, str] = {}
        for decl in decls:
            name = decl.name
            new = fresh(name, taken)
            if new is None:
                problems.append(f"no fresh name for {name}")
                continue
            taken.add(new.lower())
            position = decl.selection_range.start
            try:
                edit = await lsp.text_document_rename_async(types.RenameParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=position, new_name=new))
            except JsonRpcException as refused:
                problems.append(f"{name} (line {position.line + 1}) refused: {refused.message}")
                continue
            assert edit is not None and edit.changes is not None and set(edit.changes) <= {uri}, edit
            if not edit.changes.get(uri):
                problems.append(f"{name} (line {position.line + 1}): an empty edit")
                continue
            text = applied(text, edit, path.name)
            renamed[new] = name
            got = found(await client.replace(path, text))
            expected = [(*d[:4], _renamed(d[4], name, new)) for d in want]
            if got != expected:
                extra = [d for d in got if d not in expected][:2]
                gone = [d for d in expected if d not in got][:2]
                problems.append(f"{name} -> {new} (line {position.line + 1}): new {extra}, gone {gone}")
                text = editor_text(path)  # start again from the original text
                await client.replace(path, text)
                renamed.clear()
                continue
            want = expected
    finally:
        client.close(path)
    return problems


def _renamed(message: str, old: str, new: str) -> str:
    """``message`` naming ``new`` where it named the variable ``old``."""
    return re.sub(rf"(?<![\w]){re.escape(old)}(?![\w])", new, message)


@pytest.mark.skipif(not SOURCES, reason="../shared/corpus/scl is not there")
@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(CORPUS)) for p in SOURCES])
def test_renaming_every_variable_keeps_the_diagnostics(server: Server, path: Path) -> None:
    problems = server.run(check_file(server.client, path))
    assert not problems, "\n".join(problems[:10])
