"""The compile half of the fake backend."""

from __future__ import annotations

__all__ = ("CompileOperations",)


class CompileOperations:
    """Mixed into :class:`fakes.backend.FakeBackend`; relies on its ``_project``/``_change``/``_software``."""
