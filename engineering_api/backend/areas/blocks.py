"""Blocks and external sources: listing, content, interface members, folders, compile (port area and its models)."""

from __future__ import annotations

from abc import ABC

__all__ = ("BlocksPort",)


class BlocksPort(ABC):  # noqa: B024 - methods are added as the area grows
    """Blocks and external sources: listing, content, interface members, folders, compile.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised.
    """
