"""``scl check`` runs the one checker and reads each source once."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

import pytest

from engineering_api.cli import main as cli

_FB = 'FUNCTION_BLOCK "FB_T"\nVERSION : 0.1\n   VAR\n      i : Int;\n   END_VAR\nBEGIN\n\t#i := #i + 1;\n' \
      "END_FUNCTION_BLOCK\n"


def test_scl_check_reads_each_source_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file was opened twice: once to look for binary content, once to read it."""
    sources = [tmp_path / "a.scl", tmp_path / "b.scl"]
    for source in sources:
        source.write_text(_FB, encoding="utf-8")
    opened: list[str] = []
    real_open = builtins.open
    real_read_bytes = Path.read_bytes

    def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and Path(file) in sources:
            opened.append(Path(file).name)
        return real_open(file, *args, **kwargs)

    def counting_read_bytes(self: Path) -> bytes:
        if self in sources:
            opened.append(self.name)
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    assert cli(["scl", "check", "--output", str(tmp_path / "report.txt"), *map(str, sources)]) == 0
    assert sorted(opened) == ["a.scl", "b.scl"]


def test_scl_check_still_skips_a_binary_db_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "XRef.db").write_bytes(b"SQLite format 3\x00" + bytes(64))
    (tmp_path / "FB_T.scl").write_text(_FB, encoding="utf-8")
    assert cli(["scl", "check", str(tmp_path)]) == 0
    assert "an SQLite database; skipped. [NOT_SCL]" in capsys.readouterr().out
