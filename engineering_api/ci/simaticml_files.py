"""One SimaticML file read and turned into something else, for the ``simaticml`` commands that take one file
(``convert``, ``textconv``): an unreadable file or one that is no SimaticML is one ``error:`` line on standard error."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ("read_simaticml",)

T = TypeVar("T")


def read_simaticml(source: Path, transform: Callable[[bytes], T]) -> T | None:
    """``transform`` of the file's bytes; None, after the one error line, when it cannot be read or transformed
    (``SimaticMLError``)."""
    from simatic_xml import SimaticMLError

    try:
        return transform(source.read_bytes())
    except OSError as exc:
        print(f"error: {source}: {exc.strerror or exc}", file=sys.stderr)
    except SimaticMLError as exc:
        print(f"error: {source}: {exc}", file=sys.stderr)
    return None
