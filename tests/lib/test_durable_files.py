"""engineering_api/lib/durable_files.py: a file is replaced whole or not at all, and leaves no staged file behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.lib.durable_files import replaced_durably


def test_the_new_bytes_take_the_place_of_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    target.write_bytes(b"old")
    with replaced_durably(target, prefix=".record-", suffix=".tmp") as out:
        out.write(b"new")
        assert target.read_bytes() == b"old"  # not before the block ends
        assert [p.name for p in tmp_path.glob(".record-*.tmp")] != []
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


def test_an_error_while_writing_keeps_the_old_file_and_removes_the_staged_one(tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="cut"), replaced_durably(target, prefix=".record-") as out:
        out.write(b"half")
        raise RuntimeError("cut")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]
