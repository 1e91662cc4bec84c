"""TIA's rule on the name of a watch or force table, as both adapters check it before anything changes."""

from __future__ import annotations

import re

from engineering_api.backend.errors import ValidationError

__all__ = ("check_table_name",)

_NAME = re.compile(r'[^"\x00-\x1f]{1,128}')
"""A table name: 1..128 characters, no quotes or control characters (blanks at the ends are checked apart)."""


def check_table_name(name: str) -> str:
    """``name`` when it is a valid watch or force table name.

    Raises:
        ValidationError: ``INVALID_NAME`` (``details.field``: ``name``).
    """
    if name != name.strip() or not _NAME.fullmatch(name):
        raise ValidationError(
            f'"{name}" is not a valid table name (1..128 characters, no quotes, no control characters, no leading or '
            "trailing blanks).", code="INVALID_NAME", details={"field": "name"},
        )
    return name
