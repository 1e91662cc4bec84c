"""Bad input never stops the server: a binary file, a huge one, text that is no valid Unicode, a half-typed block
and a pathological nesting each get a diagnostic (or an empty answer), and the server goes on serving."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from engineering_api.lsp.session import MAX_DOCUMENT_CHARS
from tools.lsp_client import Session, session

GOOD = 'FUNCTION "Ok" : Void\nVAR_TEMP\n  a : Int;\nEND_VAR\nBEGIN\n  #a := 1;\nEND_FUNCTION\n'


async def still_serving(client: Session, folder: Path) -> None:
    """A valid source opened after the bad one is checked as usual, and hover answers on it."""
    good = folder / "Ok.scl"
    good.write_text(GOOD, encoding="utf-8")
    assert list(await client.open(good)) == []
    found = await client.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=good.as_uri()), position=types.Position(line=5, character=4)))
    assert found is not None


async def poke(client: Session, path: Path) -> None:
    """Hover, completion, the outline and quick fixes on the bad document: answers (possibly empty), no failure."""
    doc = types.TextDocumentIdentifier(uri=path.as_uri())
    position = types.Position(line=0, character=3)
    await client.client.text_document_hover_async(types.HoverParams(text_document=doc, position=position))
    await client.client.text_document_completion_async(types.CompletionParams(text_document=doc, position=position))
    await client.client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc))
    await client.client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc, range=types.Range(start=position, end=position),
        context=types.CodeActionContext(diagnostics=[])))


def check(tmp_path: Path, name: str, text: str, code: str) -> None:
    path = tmp_path / name

    async def run() -> None:
        async with session(tmp_path) as client:
            found = await client.open(path, text)
            assert code in [d.code for d in found], found
            await poke(client, path)
            await still_serving(client, tmp_path)

    asyncio.run(run())


def test_a_binary_file(tmp_path: Path) -> None:
    # the bytes of an SQLite database, as a TIA project folder holds in XRef.db, opened by an editor
    check(tmp_path, "XRef.db", "SQLite format 3\x00\x10\x00\x01\x01\x00@  \x00\x00\x00\x02", "NOT_SCL")


def test_a_huge_file(tmp_path: Path) -> None:
    body = "\t#a := #a + 1;\n" * (MAX_DOCUMENT_CHARS // 15 + 10)
    check(tmp_path, "Huge.scl", GOOD.replace("  #a := 1;\n", body), "DOCUMENT_TOO_LARGE")


def test_text_that_is_no_valid_unicode(tmp_path: Path) -> None:
    # lone surrogates (JSON carries them as \ud800 escapes) and replacement characters of a wrong decoding
    check(tmp_path, "Bad.scl", GOOD.replace("#a := 1;", "#a := 1; // \ud800\udfff\ufffd\ud83d") + "\ud800",
          "SYNTAX_ERROR")


def test_a_half_typed_block(tmp_path: Path) -> None:
    check(tmp_path, "Half.scl", 'FUNCTION_BLOCK "Half"\n   VAR\n      a : \n', "SYNTAX_ERROR")


def test_a_pathological_nesting(tmp_path: Path) -> None:
    deep = "(" * 50000 + "1" + ")" * 50000
    found_code = "SYNTAX_ERROR"
    check(tmp_path, "Deep.scl", GOOD.replace("#a := 1;", f"#a := {deep};"), found_code)
