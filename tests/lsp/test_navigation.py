"""Hover, go to definition, find references, the outline and completion, driven over stdio by a real client on a
workspace of TIA's own exports (a tag table and a PLC data type) and SCL sources."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Awaitable, Callable

from lsprotocol import types

from tools.lsp_client import Session, session
from tests.lsp.workspace_files import needs_corpus, plc
from tests.lsp.navigation import at, doc, hover

CONVEYOR = '''FUNCTION_BLOCK "Conveyor"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR_INPUT
      start : Bool;   // starts the belt
   END_VAR
   VAR
      delay : TON;
      calc : "UDT_CALCUL";
   END_VAR

BEGIN
	REGION run
	    #delay(IN := #start, PT := T#2s);
	    #calc.Result := INT_TO_REAL("Motor_DB".speed);
	    IF #delay.Q AND NOT "FALHA_24VDC" THEN
	        "Main"();
	    END_IF;
	END_REGION
END_FUNCTION_BLOCK
'''


def run(tmp: Path, body: Callable[[Session, Path, str], Awaitable[Any]]) -> None:
    main = plc(tmp)
    conveyor = main.with_name("Conveyor.scl")
    conveyor.write_text(CONVEYOR, encoding="utf-8")

    async def go() -> None:
        async with session(tmp) as client:
            await client.open(conveyor)
            await body(client, conveyor, conveyor.as_uri())

    asyncio.run(go())


@needs_corpus
def test_hover(tmp_path: Path) -> None:
    async def body(client: Session, path: Path, uri: str) -> None:
        text = await hover(client, uri, at(CONVEYOR, "#start", 2))
        assert "#start : Bool" in text and "Input" in text and "starts the belt" in text
        text = await hover(client, uri, at(CONVEYOR, "#calc.Result", 1))  # a local of a PLC data type (TIA's export)
        assert "UDT_CALCUL" in text and "int_1 : Int" in text
        text = await hover(client, uri, at(CONVEYOR, "#delay(", 2))  # an instance of the system FB TON
        assert "TON" in text and "PT : Time" in text and "S7-1500" in text and "information system" in text
        text = await hover(client, uri, at(CONVEYOR, "INT_TO_REAL", 2))
        assert text  # a conversion: known to the checker; the text says what is known
        text = await hover(client, uri, at(CONVEYOR, '"Main"()', 2))  # a block call: the callee's interface
        assert 'FUNCTION "Main" : Void' in text and "calc : \"UDT_CALCUL\"" in text
        text = await hover(client, uri, at(CONVEYOR, '"FALHA_24VDC"', 2))
        assert '"FALHA_24VDC" : Bool' in text and "PLC tag" in text

    run(tmp_path, body)


@needs_corpus
def test_definition_and_references_across_files(tmp_path: Path) -> None:
    async def body(client: Session, path: Path, uri: str) -> None:
        lsp = client.client
        main, db = path.with_name("Main.scl"), path.with_name("Motor_DB.db")
        found = await lsp.text_document_definition_async(types.DefinitionParams(
            text_document=doc(uri), position=at(CONVEYOR, '"Motor_DB".speed', 12)))
        assert isinstance(found, list) and found[0].uri == db.as_uri() and found[0].range.start.line == 5
        found = await lsp.text_document_definition_async(types.DefinitionParams(
            text_document=doc(uri), position=at(CONVEYOR, "#start", 3)))
        assert isinstance(found, list) and found[0].uri == uri and found[0].range.start.line == 4
        found = await lsp.text_document_definition_async(types.DefinitionParams(
            text_document=doc(uri), position=at(CONVEYOR, '"FALHA_24VDC"', 3)))
        assert isinstance(found, list) and found[0].uri.endswith("Falhas.xml") and found[0].range.start.line > 0
        refs = await lsp.text_document_references_async(types.ReferenceParams(
            text_document=doc(uri), position=at(CONVEYOR, '"FALHA_24VDC"', 3),
            context=types.ReferenceContext(include_declaration=False)))
        assert refs is not None
        assert sorted((Path(r.uri).name, r.range.start.line) for r in refs) == [
            ("Conveyor.scl", 15), ("Main.scl", 9), ("Main.scl", 12)]
        refs = await lsp.text_document_references_async(types.ReferenceParams(
            text_document=doc(uri), position=at(CONVEYOR, '"Motor_DB".speed', 12),
            context=types.ReferenceContext(include_declaration=True)))
        assert refs is not None
        assert sorted((Path(r.uri).name, r.range.start.line) for r in refs) == [
            ("Conveyor.scl", 14), ("Main.scl", 8), ("Main.scl", 10), ("Motor_DB.db", 5)]
        refs = await lsp.text_document_references_async(types.ReferenceParams(
            text_document=doc(uri), position=at(CONVEYOR, "Result", 0),
            context=types.ReferenceContext(include_declaration=True)))  # a member of TIA's UDT export
        assert refs is not None and any(r.uri.endswith("UDT_CALCUL.xml") for r in refs)
        assert main.as_uri() not in {r.uri for r in refs}

    run(tmp_path, body)


@needs_corpus
def test_outline(tmp_path: Path) -> None:
    async def body(client: Session, path: Path, uri: str) -> None:
        found = await client.client.text_document_document_symbol_async(types.DocumentSymbolParams(
            text_document=doc(uri)))
        assert found is not None
        [block] = found
        assert isinstance(block, types.DocumentSymbol) and block.name == "Conveyor"
        names = [c.name for c in block.children or []]
        assert names == ["VAR_INPUT", "VAR", "REGION run"]
        assert [d.name for d in (block.children or [])[1].children or []] == ["delay", "calc"]

    run(tmp_path, body)


@needs_corpus
def test_completion(tmp_path: Path) -> None:
    async def body(client: Session, path: Path, uri: str) -> None:
        async def labels(line_text: str) -> dict[str, types.CompletionItem]:
            text = CONVEYOR.replace("\tEND_REGION", f"\t{line_text}\n\tEND_REGION")
            await client.replace(path, text)
            found = await client.client.text_document_completion_async(types.CompletionParams(
                text_document=doc(uri), position=at(text, f"\t{line_text}\n\tEND_REGION", 1 + len(line_text))))
            assert isinstance(found, types.CompletionList)
            return {item.label: item for item in found.items}

        assert set(await labels('"Motor_DB".')) == {"speed"}
        assert {"int_1", "Result"} <= set(await labels("#calc."))
        assert {"Q", "ET", "IN", "PT"} <= set(await labels("#delay."))
        items = await labels("#st")
        assert "#start" in items and "#calc" in items and '"FALHA_24VDC"' in items and "IF" in items
        concat = items["CONCAT"]
        assert concat.insert_text_format == types.InsertTextFormat.Snippet
        assert concat.insert_text is not None and concat.insert_text.startswith("CONCAT(IN1 := ${1}")

    run(tmp_path, body)
