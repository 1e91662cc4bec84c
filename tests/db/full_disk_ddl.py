"""A database whose disk fills during a migration's DDL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from tests.full_disk import sqlite_full

__all__ = ("full_disk_for_ddl",)


@contextmanager
def full_disk_for_ddl() -> Iterator[None]:
    """Every CREATE, ALTER or INSERT any engine sends fails as SQLite fails it on a full disk; reads work."""

    def refuse(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if re.match(r"\s*(CREATE|ALTER|INSERT)", statement, re.IGNORECASE):
            raise sqlite_full()

    event.listen(Engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", refuse)
