"""PLC data types (UDTs): listing, content, create/update, folders (port area and its models)."""

from __future__ import annotations

from abc import ABC

__all__ = ("TypesPort",)


class TypesPort(ABC):  # noqa: B024 - methods are added as the area grows
    """PLC data types (UDTs): listing, content, create/update, folders.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised.
    """
