"""Quick fixes over stdio: each applied to the text makes the diagnostic it answers go away."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Sequence

from lsprotocol import types

from tools.lsp_client import Session, session
from tests.lsp.text_edits import apply

FC = '''FUNCTION "Scale" : Void
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR_INPUT
      raw : Int;
   END_VAR
   VAR_TEMP
      tmp : Int;
   END_VAR

BEGIN
	#tmp := #raw * 2;
	#scaled := INT_TO_REAL(#tmp) / 27648.0;
	#ready := TRUE;
END_FUNCTION
'''


async def actions(client: Session, path: Path, found: Sequence[types.Diagnostic], whole: bool = False
                  ) -> list[types.CodeAction]:
    last = types.Position(line=len(path.read_text().split("\n")), character=0)
    answer = await client.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=types.Range(start=types.Position(line=0, character=0),
                          end=last if whole else types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=list(found))))
    return [a for a in answer or [] if isinstance(a, types.CodeAction)]


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])


def test_declare_the_undeclared_with_the_inferred_type(tmp_path: Path) -> None:
    path = tmp_path / "Scale.scl"
    path.write_text(FC, encoding="utf-8")

    async def run() -> None:
        async with session(tmp_path) as client:
            found = await client.open(path)
            assert sorted(d.message for d in found) == ['Tag "#ready" not defined.', 'Tag "#scaled" not defined.']
            text = FC
            for wanted in ("scaled : Real;", "ready : Bool;"):
                found = await client.replace(path, text)
                undeclared = [d for d in found if d.code == "UNDECLARED"]
                fixes = await actions(client, path, undeclared[:1])
                [fix] = [a for a in fixes if a.title.startswith("Declare")]
                assert "VAR_TEMP" in fix.title
                text = apply(text, edits_of(fix, path.as_uri()))
                assert f"      {wanted}\n   END_VAR" in text
            assert list(await client.replace(path, text)) == []

    asyncio.run(run())


def test_add_the_missing_end_if_and_write_keywords_as_tia(tmp_path: Path) -> None:
    path = tmp_path / "Scale.scl"
    broken = FC.replace("\t#ready := TRUE;\n", "\tif #tmp > 0 then\n\t    #tmp := 0;\n").replace(
        "   VAR_TEMP\n      tmp : Int;", "   VAR_TEMP\n      tmp : Int;\n      scaled : Real;")
    path.write_text(broken, encoding="utf-8")

    async def run() -> None:
        async with session(tmp_path) as client:
            found = await client.open(path)
            [syntax] = [d for d in found if d.code == "SYNTAX_ERROR"]
            assert "END_IF" in syntax.message
            [fix] = [a for a in await actions(client, path, [syntax]) if "END_IF" in a.title]
            text = apply(broken, edits_of(fix, path.as_uri()))
            assert "\t    #tmp := 0;\n\tEND_IF;\nEND_FUNCTION" in text
            assert list(await client.replace(path, text)) == []
            path.write_text(text, encoding="utf-8")
            [case] = [a for a in await actions(client, path, [], whole=True) if "upper case" in a.title]
            text = apply(text, edits_of(case, path.as_uri()))
            assert "\tIF #tmp > 0 THEN\n" in text and "if" not in text.replace("Scale", "")
            assert list(await client.replace(path, text)) == []

    asyncio.run(run())
