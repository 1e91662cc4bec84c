"""A folder chain deeper than Python's recursion limit, for the tests of every walk of a folder from outside."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ("DEEP_LEVELS", "deep_chain")

DEEP_LEVELS = 1_500
"""Deeper than Python's recursion limit (1000): ``os.walk``, ``Path.rglob`` and ``shutil.rmtree`` of Python 3.11
recurse once per level."""


@contextlib.contextmanager
def deep_chain(top: Path, levels: int, bottom: tuple[str, bytes] | None = None) -> Iterator[None]:
    """``top/d/d/…`` ``levels`` folders deep, with the file ``bottom`` (name, bytes) at the bottom; made and removed
    through folder descriptors, so neither this process's working folder nor a recursive removal is involved."""
    fds = [os.open(top, os.O_RDONLY | os.O_DIRECTORY)]
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=fds[-1])
            fds.append(os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
        if bottom is not None:
            written = os.open(bottom[0], os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fds[-1])
            os.write(written, bottom[1])
            os.close(written)
        yield
    finally:
        if bottom is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(bottom[0], dir_fd=fds[-1])
        while len(fds) > 1:
            os.close(fds.pop())
            os.rmdir("d", dir_fd=fds[-1])
        os.close(fds.pop())
