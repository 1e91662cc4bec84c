"""The backend port, its domain errors and models, and the TIA worker thread."""

from __future__ import annotations

__all__: list[str] = []
