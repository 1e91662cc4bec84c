"""Work per edit in the language server: the growth allowed and the check that it stays flat."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import skip_or_fail
from tests.lsp.unit_corpus import CORPUS
from tools.scl_plant import DOORLOCK, plant_source

__all__ = ("GROWTH", "assert_flat", "doorlock")

GROWTH = 1.3
"""The most one keystroke's count may grow from 2,000 to 8,000 lines."""


def doorlock() -> str:
    """The real source the plant-sized texts repeat (skipped, or failed on CI, without the corpus)."""
    source = CORPUS / DOORLOCK
    if not source.is_file():
        skip_or_fail(f"{source} is not there (../shared/corpus)", "the keystroke work tests")
    return source.read_bytes().decode("utf-8-sig")


def assert_flat(keystroke: Callable[[str], int]) -> None:
    """``keystroke(text)``'s count grows at most :data:`GROWTH` from a 2,000-line to an 8,000-line text."""
    text = doorlock()
    small, large = keystroke(plant_source(text, 2000)), keystroke(plant_source(text, 8000))
    assert large <= GROWTH * small, (small, large)
