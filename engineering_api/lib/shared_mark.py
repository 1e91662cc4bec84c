"""A mark that every process using one database file sees change at once, read from shared memory.

The key store remembers verified keys, so a request with a key in use costs no database lookup; a revocation by
another process (the CLI, a second server on the same data directory) must still refuse that key from its next
request. Asking SQLite whether another connection committed (``PRAGMA data_version``) begins a read transaction,
with two file-lock system calls: the largest single cost of an authenticated read. This mark is 8 bytes of a
small file beside the database, mapped into every process that opens the store: reading it is a memory read.

Whoever revokes writes fresh random bytes after the change is committed, so a process that remembered a key
under the old mark sees a different one on its next request and looks the key up again. Random rather than a
counter: two processes revoking at the same time need no lock, since each write differs from any mark a reader
remembered (a torn read, part old and part new, differs too, and only costs a lookup).
"""

from __future__ import annotations

import mmap
import os
from typing import TYPE_CHECKING

from engineering_api.lib.private_files import FILE_MODE

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("SharedMark",)

_SIZE = 8


class SharedMark:
    """8 shared bytes in ``path`` (created 0600 if missing): :meth:`read` them, :meth:`move` them."""

    def __init__(self, path: Path) -> None:
        # Windows: no newline mapping
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE)
        try:
            if os.fstat(fd).st_size < _SIZE:  # new (two processes may both fill it: either content will do)
                os.write(fd, os.urandom(_SIZE))
                os.chmod(path, FILE_MODE)  # os.open's mode is masked by the umask
            self._map = mmap.mmap(fd, _SIZE, access=mmap.ACCESS_WRITE)
        finally:
            os.close(fd)  # the mapping keeps the file open

    def read(self) -> bytes:
        """The current mark."""
        return self._map[:_SIZE]

    def move(self) -> None:
        """Give the mark a new value every process sees at once (call after the change is committed)."""
        self._map[:_SIZE] = os.urandom(_SIZE)

    def close(self) -> None:
        """Unmap the file."""
        self._map.close()
