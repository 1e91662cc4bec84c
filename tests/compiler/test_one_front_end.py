"""``scl check`` runs the one checker and reads each source once."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.cli import main as cli
from tests.file_reads import reads_of

_FB = 'FUNCTION_BLOCK "FB_T"\nVERSION : 0.1\n   VAR\n      i : Int;\n   END_VAR\nBEGIN\n\t#i := #i + 1;\n' \
      "END_FUNCTION_BLOCK\n"


def test_scl_check_reads_each_source_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file was opened twice: once to look for binary content, once to read it."""
    sources = [tmp_path / "a.scl", tmp_path / "b.scl"]
    for source in sources:
        source.write_text(_FB, encoding="utf-8")
    opened = reads_of(monkeypatch, sources)
    assert cli(["scl", "check", "--output", str(tmp_path / "report.txt"), *map(str, sources)]) == 0
    assert sorted(opened) == ["a.scl", "b.scl"]


def test_scl_check_still_skips_a_binary_db_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "XRef.db").write_bytes(b"SQLite format 3\x00" + bytes(64))
    (tmp_path / "FB_T.scl").write_text(_FB, encoding="utf-8")
    assert cli(["scl", "check", str(tmp_path)]) == 0
    assert "an SQLite database; skipped. [NOT_SCL]" in capsys.readouterr().out
