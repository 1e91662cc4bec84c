"""Hover as the source declares it, through a real client over stdio: array bounds and struct members as written,
and the signatures of the typed instructions (``SQRT``, ``LIMIT``) the checker's table holds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tools.lsp_client import session
from tests.lsp.navigation import at, hover
from tests.lsp.workspace_files import needs_corpus, plc

SCALER = '''FUNCTION_BLOCK "Scaler"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR
      gains : Array[1..2] of Real;
      limits : Struct
         low : Real;
         high : Array[0..1, 1..3] of Int;
      END_STRUCT;
      out : Real;
   END_VAR

BEGIN
    #out := LIMIT(MN := #limits.low, IN := SQRT(#gains[1]), MX := #gains[2]);
END_FUNCTION_BLOCK
'''


@needs_corpus
def test_hover_shows_types_as_declared_and_typed_instructions(tmp_path: Path) -> None:
    scaler = plc(tmp_path).with_name("Scaler.scl")
    scaler.write_text(SCALER, encoding="utf-8")

    async def go() -> None:
        async with session(tmp_path) as client:
            await client.open(scaler)
            uri = scaler.as_uri()
            text = await hover(client, uri, at(SCALER, "#gains[1]", 2))
            assert "#gains : Array[1..2] of Real" in text
            text = await hover(client, uri, at(SCALER, "#limits.low", 2))
            assert "#limits : Struct\n    low : Real;\n    high : Array[0..1, 1..3] of Int;\nEND_STRUCT" in text
            text = await hover(client, uri, at(SCALER, "SQRT(", 1))
            assert "SQRT : Real" in text and "IN : ANY_NUM;" in text
            text = await hover(client, uri, at(SCALER, "LIMIT(", 1))
            assert "MN : T;" in text and "IN : T;" in text and "MX : T;" in text

    asyncio.run(go())
