"""``textDocument/formatting`` over stdio: TIA's layout from the same formatter as ``scl fmt``, on corpus sources."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from tools.lsp_client import Session, session
from tests.lsp.text_edits import apply
from tests.scl_format.corpus import CORPUS, by_style, mutate_layout

if not (CORPUS / "SOURCES.tsv").is_file():
    pytest.skip(f"SCL corpus not found at {CORPUS}", allow_module_level=True)

EXPORT = next(rel for rel in by_style("TIA-export") if rel.endswith("FirstOrderFilter.scl"))
CLASSIC = by_style("classic-STEP7-SCL")[0]


async def formatted(client: Session, path: Path, text: str) -> list[types.TextEdit]:
    await client.open(path, text)
    answer = await client.client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=path.resolve().as_uri()),
        options=types.FormattingOptions(tab_size=3, insert_spaces=True)))
    return list(answer or [])


def test_a_badly_laid_out_export_is_formatted_back_and_the_export_itself_is_left_as_it_is(tmp_path: Path) -> None:
    export = (CORPUS / EXPORT).read_bytes().decode("utf-8").replace("\r\n", "\n")
    messy = mutate_layout(export)
    assert messy != export

    async def run() -> None:
        async with session(tmp_path) as client:
            path = tmp_path / "FirstOrderFilter.scl"
            path.write_text(messy, encoding="utf-8")
            edits = await formatted(client, path, messy)
            assert apply(messy, edits) == export
            again = tmp_path / "Export.scl"
            again.write_text(export, encoding="utf-8")
            assert await formatted(client, again, export) == []

    asyncio.run(run())


def test_a_classic_step7_source_is_not_formatted(tmp_path: Path) -> None:
    text = (CORPUS / CLASSIC).read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")

    async def run() -> None:
        async with session(tmp_path) as client:
            path = tmp_path / "Classic.scl"
            path.write_text(text, encoding="utf-8")
            assert await formatted(client, path, text) == []

    asyncio.run(run())


TYPED_AT_COLUMN_0 = 'FUNCTION_BLOCK "F"\nVAR_INPUT\na : Int;\nEND_VAR\nBEGIN\n#a := 1;\nEND_FUNCTION_BLOCK\n'
"""A source typed without indentation: TIA V13's layout by its look, but a V19 workspace's is the later one."""


@pytest.mark.parametrize("version, section", [("V19", "   VAR_INPUT\n      a : Int;"),
                                              ("V13", "VAR_INPUT\n  a : Int;")])
def test_the_workspaces_tia_version_chooses_the_layout(tmp_path: Path, version: str, section: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.engineering-api]\ntia-version = "{version}"\n')
    (tmp_path / ".git").mkdir()

    async def run() -> None:
        async with session(tmp_path) as client:
            path = tmp_path / "F.scl"
            path.write_text(TYPED_AT_COLUMN_0, encoding="utf-8")
            assert section in apply(TYPED_AT_COLUMN_0, await formatted(client, path, TYPED_AT_COLUMN_0))

    asyncio.run(run())
