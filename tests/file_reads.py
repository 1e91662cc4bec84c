"""Which files a command reads, for the tests that hold it to reading each source once."""

from __future__ import annotations

import builtins
import os
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

__all__ = ("reads_of",)


def reads_of(monkeypatch: pytest.MonkeyPatch, watched: Collection[Path]) -> list[str]:
    """The list the test's later reads of ``watched`` files are appended to, by file name, one entry per
    ``open``, ``os.open`` (the safe file walker's: regular files only, no blocking on a FIFO) or
    ``Path.read_bytes`` (the ways the commands read a source)."""
    reads: list[str] = []
    real_open, real_os_open, real_read_bytes = builtins.open, os.open, Path.read_bytes

    def counting_os_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and Path(file) in watched:
            reads.append(Path(file).name)
        return real_os_open(file, *args, **kwargs)

    def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and Path(file) in watched:
            reads.append(Path(file).name)
        return real_open(file, *args, **kwargs)

    def counting_read_bytes(self: Path) -> bytes:
        if self in watched:
            reads.append(self.name)
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(os, "open", counting_os_open)
    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    return reads
