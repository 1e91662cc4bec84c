"""Tags & Constants: tag tables, tags, user and system constants, their import and export (port area and its models)."""

from __future__ import annotations

from abc import ABC

__all__ = ("TagsPort",)


class TagsPort(ABC):  # noqa: B024 - methods are added as the area grows
    """Tags & Constants: tag tables, tags, user and system constants, their import and export.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised.
    """
