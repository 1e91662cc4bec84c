"""Compiling PLC software: blocks, a device's software, consistency after interface changes (port area)."""

from __future__ import annotations

from abc import ABC

__all__ = ("CompilePort",)


class CompilePort(ABC):  # noqa: B024 - methods are added as the area grows
    """Compiling PLC software as TIA's compiler does.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised.
    """
