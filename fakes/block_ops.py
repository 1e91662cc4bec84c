"""The blocks and external sources half of the fake backend."""

from __future__ import annotations

__all__ = ("BlockOperations",)


class BlockOperations:
    """Mixed into :class:`fakes.backend.FakeBackend`; relies on its ``_project``/``_change``/``_software``."""
