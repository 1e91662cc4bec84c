"""The corpus SCL sources and their block bodies."""

from __future__ import annotations

import re

import pytest
from tests.lib.shared_corpus import SHARED

__all__ = ("BODIES", "SOURCES")

SOURCES = SHARED / "corpus" / "scl"

_BLOCK_END = r"END_(?:DATA_BLOCK|FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|TYPE)\b"

_BODY = re.compile(
    rf"(?ms)^BEGIN[ \t]*\n((?:(?!^[ \t]*{_BLOCK_END}).)*?)^[ \t]*END_(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK)\b"
)


def _bodies():
    files = sorted(p for p in SOURCES.rglob("*") if p.suffix.lower() == ".scl") if SOURCES.is_dir() else []
    for path in files:
        text = path.read_text(encoding="utf-8-sig", errors="replace").replace("\r\n", "\n")
        for index, match in enumerate(_BODY.finditer(text), 1):
            yield pytest.param(match.group(1), id=f"{path.relative_to(SOURCES).as_posix()}#{index}")

BODIES = list(_bodies())
