"""The corpus the incremental unit tests read."""

from __future__ import annotations

from pathlib import Path

__all__ = ("CORPUS",)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "scl"
