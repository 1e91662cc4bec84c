"""Re-checking only the edited block gives what a check of the whole file gives: a sequence of edits of a real
multi-block source (lopez-dev's DoorLock.scl, 20 blocks, clean under scl check), each compared with ``scl check`` of
the same text."""

from __future__ import annotations

import asyncio
from pathlib import Path


from tools.lsp_client import session
from tests.lsp.corpus_checks import CORPUS, SEVERITY, expected_start, scl_check
from tests.lib.shared_corpus import READS_SHARED

DOORLOCK = CORPUS / "lopez-dev__Siemens-SCL-Source-Files" / "DoorLock" / "DoorLock.scl"


@READS_SHARED
def test_edits_give_the_whole_files_verdict(tmp_path: Path) -> None:
    original = DOORLOCK.read_bytes().decode("utf-8-sig")
    edits = [
        original.replace("#actual_state := #new_state;", "#actual_state := #no_such_state;", 1),  # one block
        original,  # and back
        original.replace("timer_value[0] := 100;", "timer_value[0] := 100000000000;", 1),  # a DB's start value
        # an interface: a block's member renamed, which its users elsewhere in the file must now miss
        original.replace("timer_value { S7_SetPoint := 'True'} : Array[0..600] of Int;",
                         "timer_values { S7_SetPoint := 'True'} : Array[0..600] of Int;", 1),
        original.replace('FUNCTION_BLOCK "', 'FUNCTION_BLOCK "', 1) + "\nFUNCTION_BLOCK \"Extra\"\nBEGIN\n#x := 1;\n",
        original,
    ]
    assert all(edit != original for edit in edits[:1] + edits[2:4])
    source = tmp_path / "DoorLock.scl"
    source.write_text(original, encoding="utf-8")

    async def run() -> None:
        async with session(tmp_path) as client:
            await client.open(source, original)
            for number, text in enumerate(edits):
                got = await client.replace(source, text)
                copy = tmp_path / "check" / "DoorLock.scl"
                copy.parent.mkdir(exist_ok=True)
                copy.write_text(text, encoding="utf-8")
                want = scl_check(copy, tmp_path / "report.json")
                lines = text.split("\n")
                expected = sorted((*expected_start(lines, int(str(d["line"])), int(str(d["column"])), False),
                                   str(d["code"]), str(d["severity"]), str(d["message"])) for d in want)
                actual = sorted((d.range.start.line, d.range.start.character, str(d.code),
                                 SEVERITY[int(d.severity or 1)], d.message) for d in got)
                assert actual == expected, f"edit {number}"
                assert (number in (1, 5)) == (expected == []), f"edit {number} should change the verdict"

    asyncio.run(run())
