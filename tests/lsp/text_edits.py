"""Applying a language server's text edits to a text."""

from __future__ import annotations

from typing import Sequence

from lsprotocol import types

__all__ = ("apply",)


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """The text with ``edits`` applied (positions in UTF-16 units; the texts here are ASCII)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text
