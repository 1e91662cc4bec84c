"""The corpus the incremental unit tests read."""

from __future__ import annotations

from tests.lib.shared_corpus import SHARED

__all__ = ("CORPUS",)

CORPUS = SHARED / "corpus" / "scl"
