"""A file replaced in one step, durably: written beside its place, flushed to the disk, then renamed over it.

A reader sees the old file or the whole new one, never a part; a crash (or an error while writing) leaves the old
file as it was and no half-written one in its place. ``os.replace`` is atomic on POSIX and Windows when both names
are on one file system, which writing beside the target ensures.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("replaced_durably",)


@contextmanager
def replaced_durably(path: Path, *, prefix: str, suffix: str = "") -> Iterator[IO[bytes]]:
    """A new file in ``path``'s folder (named ``prefix``, a random part, ``suffix``: the names the staging cleanup
    knows), which takes ``path``'s place once the block ends, its bytes on the disk first (``fsync``). An error in
    the block removes the new file and leaves ``path`` untouched."""
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
