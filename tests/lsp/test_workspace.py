"""The workspace folder is the PLC: its tag tables (TIA's SimaticML and Excel exports), PLC data types, DBs and
blocks are known to an open source, so a ``MISSING_*`` is there exactly when the declaration is not; the
repository's settings apply (severities, CPU)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Sequence

from lsprotocol import types

from engineering_api.backend.areas.tags import TagInfo
from engineering_api.domain.tag_formats import write_xlsx
from tools.lsp_client import session
from tests.lsp.workspace_files import MOTOR_DB, needs_corpus, plc


def missing(found: Sequence[types.Diagnostic]) -> list[tuple[str, str]]:
    return sorted((str(d.code), d.message) for d in found if str(d.code).startswith("MISSING_"))


def opened(root: Path, source: Path) -> tuple[Sequence[types.Diagnostic], list[types.ShowMessageParams]]:
    """``source``'s diagnostics when it is opened in a session over the workspace ``root``, and the messages the
    server had shown by then."""

    async def run() -> tuple[Sequence[types.Diagnostic], list[types.ShowMessageParams]]:
        async with session(root) as client:
            return await client.open(source), list(client.client.messages)

    return asyncio.run(run())


@needs_corpus
def test_declarations_in_the_workspace_are_known_and_missing_ones_reported(tmp_path: Path) -> None:
    main = plc(tmp_path)

    async def run() -> None:
        async with session(tmp_path) as client:
            found = await client.open(main)
            assert missing(found) == [("MISSING_TAG", 'Tag "Lamp" not defined.')], found
            assert all(d.severity == types.DiagnosticSeverity.Error for d in found)
            # the tag table goes: its tag is missing again, at its two uses
            table = tmp_path / "PLC_1" / "PLC tags" / "Falhas.xml"
            table.unlink()
            before = client.count(main.as_uri())
            client.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
                types.FileEvent(uri=table.as_uri(), type=types.FileChangeType.Deleted)]))
            found = await client.diagnostics(main.as_uri(), after=before)
            assert missing(found) == [("MISSING_TAG", 'Tag "FALHA_24VDC" not defined.')] * 2 + [
                ("MISSING_TAG", 'Tag "Lamp" not defined.')]

    asyncio.run(run())


@needs_corpus
def test_an_edit_of_an_open_document_reaches_the_documents_that_use_it(tmp_path: Path) -> None:
    main = plc(tmp_path)
    db = main.with_name("Motor_DB.db")

    async def run() -> None:
        async with session(tmp_path) as client:
            await client.open(main)
            await client.open(db)
            await client.replace(db, MOTOR_DB.replace("speed : Int", "rpm : Int"))  # unsaved: the disk has speed
            found = await client.until(main.as_uri(), lambda ds: any(d.code == "UNKNOWN_MEMBER" for d in ds))
            assert [str(d.code) for d in found].count("UNKNOWN_MEMBER") == 2, found
            seen = client.count(main.as_uri())
            await client.replace(db, MOTOR_DB)  # back: main is clean of it again
            await client.until(main.as_uri(), lambda ds: not any(d.code == "UNKNOWN_MEMBER" for d in ds), after=seen)

    asyncio.run(run())


@needs_corpus
def test_a_tag_workbook_declares_tags(tmp_path: Path) -> None:
    main = plc(tmp_path, tags=False)
    tags = tmp_path / "PLC_1" / "PLC tags"
    tags.mkdir()
    write_xlsx(tags / "PLCTags.xlsx", "Default tag table",
               [TagInfo(name="FALHA_24VDC", data_type="Bool", logical_address="%I0.0"),
                TagInfo(name="Lamp", data_type="Bool", logical_address="%Q0.0")], [])
    found, _ = opened(tmp_path, main)
    assert missing(found) == [] and not [d for d in found if d.severity == 1], found


@needs_corpus
def test_the_repositorys_settings_apply(tmp_path: Path) -> None:
    main = plc(tmp_path)
    (tmp_path / "engineering-api.toml").write_text('[severity]\nMISSING_TAG = "warning"\n', encoding="utf-8")
    found, _ = opened(tmp_path, main)
    lamp = [d for d in found if d.code == "MISSING_TAG"]
    assert lamp and all(d.severity == types.DiagnosticSeverity.Warning for d in lamp), found


@needs_corpus
def test_a_bad_settings_file_is_shown_and_the_defaults_apply(tmp_path: Path) -> None:
    main = plc(tmp_path)
    (tmp_path / "engineering-api.toml").write_text('[severity]\nNO_SUCH_CODE = "warning"\n', encoding="utf-8")
    found, messages = opened(tmp_path, main)
    assert [d.severity for d in found if d.code == "MISSING_TAG"] == [types.DiagnosticSeverity.Error]
    assert any("NO_SUCH_CODE" in m.message for m in messages), messages
