"""The server's diagnostics equal ``scl check``'s on every SCL source of the corpus (TIA's own exports and
hand-written sources): same codes, messages and severities, at the same line and column, each range covering the
token there. The client opens each file without a workspace folder: each source on its own, as ``scl check`` has it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path


from tools.lsp_client import session
from tests.lsp.corpus_checks import CORPUS, SEVERITY, SOURCES, editor_text, expected_start, scl_check
from tests.lib.shared_corpus import READS_SHARED



@READS_SHARED
def test_every_corpus_source_gets_scl_checks_diagnostics(tmp_path: Path) -> None:
    async def run() -> list[str]:
        problems: list[str] = []
        compared = 0
        async with session() as client:
            for path in SOURCES:
                text = editor_text(path)
                got = await client.open(path, text)
                client.close(path)
                want = scl_check(path, tmp_path / "report.json")
                lines = text.split("\n")
                bom = text.startswith("\ufeff")
                expected = sorted((*expected_start(lines, int(str(d["line"])), int(str(d["column"])), bom),
                                   str(d["code"]), str(d["severity"]), str(d["message"])) for d in want)
                actual = sorted((d.range.start.line, d.range.start.character, str(d.code),
                                 SEVERITY[int(d.severity or 1)], d.message) for d in got)
                compared += len(expected)
                if actual != expected:
                    problems.append(f"{path.relative_to(CORPUS)}: server {actual[:3]}... != scl check "
                                    f"{expected[:3]}...")
                for d in got:
                    if d.range.start.line == d.range.end.line and d.range.end.character <= d.range.start.character:
                        problems.append(f"{path.relative_to(CORPUS)}: empty range {d.range} for {d.code}")
        assert compared > 1000, "the corpus gives scl check's diagnostics to compare"
        return problems

    problems = asyncio.run(run())
    assert not problems, "\n".join(problems[:20])
    assert len(SOURCES) > 200
