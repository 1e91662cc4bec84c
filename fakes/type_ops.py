"""The PLC data types half of the fake backend."""

from __future__ import annotations

__all__ = ("TypeOperations",)


class TypeOperations:
    """Mixed into :class:`fakes.backend.FakeBackend`; relies on its ``_project``/``_change``/``_software``."""
