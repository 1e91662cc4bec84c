"""One reader for JSON that comes from outside (a request body, a webhook's or a pull source's document, a test
file, a baseline, the instance registry): its nesting is bounded, and nothing here recurses.

``json.loads`` recurses once per nested array or object and raises ``RecursionError`` past the interpreter's limit
(a 100,000-deep webhook document was a 500); a document just under that limit decodes, and the next step that
walks it recursively (key normalisation, conversion into Structs, encoding a result) fails half-way instead. So
every such document is decoded here and refused as :class:`JsonTooDeep` when it nests deeper than its reader's
limit, before anything walks it.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ("MAX_DOCUMENT_DEPTH", "JsonTooDeep", "check_depth", "loads")

MAX_DOCUMENT_DEPTH = 256
"""The deepest nesting of arrays and objects an outside document may have unless its reader says less: real
documents (block specs with nested STRUCT members, an ERP's order) stay far below 64, libxml2 refuses XML deeper
than 256 levels, and Python's recursion limit (1000) sits far above."""


class JsonTooDeep(ValueError):
    """The document nests arrays and objects deeper than ``limit`` levels (a ``ValueError``, as bad JSON is)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"its arrays and objects are nested more than {limit} levels deep")
        self.limit = limit


def check_depth(raw: str | bytes, value: Any, limit: int = MAX_DOCUMENT_DEPTH) -> None:
    """Raise :class:`JsonTooDeep` if ``value`` (decoded from ``raw``) nests deeper than ``limit``, walked
    without recursion. Counting brackets in the raw text (in C) clears nearly every document without walking it."""
    brackets = raw.count(b"[") + raw.count(b"{") if isinstance(raw, bytes) else raw.count("[") + raw.count("{")
    if brackets <= limit or not isinstance(value, (list, dict)):
        return
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node
        nested = [child for child in children if isinstance(child, (list, dict))]
        if nested:
            if depth >= limit:
                raise JsonTooDeep(limit)
            pending.extend((child, depth + 1) for child in nested)


def loads(raw: str | bytes, limit: int = MAX_DOCUMENT_DEPTH) -> Any:
    """``raw`` decoded as JSON, nesting at most ``limit`` levels.

    Raises:
        JsonTooDeep: it nests deeper (also when the decoder itself ran out of recursion).
        ValueError: it is not JSON (``json.JSONDecodeError``) or, as bytes, not UTF-8 (``UnicodeDecodeError``).
    """
    try:
        value = json.loads(raw)
    except RecursionError:  # the decoder recursed once per level: deeper than any limit here
        raise JsonTooDeep(limit) from None
    check_depth(raw, value, limit)
    return value
