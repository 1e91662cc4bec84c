"""The bridge's tag tables, tags and user constants (``PlcSoftware.TagTableGroup``).

Mixed into :class:`openness_bridge.backend.OpennessBackend`; port methods not defined here stay pending
(:mod:`openness_bridge.pending`).
"""

from __future__ import annotations

__all__ = ("TagOperations",)


class TagOperations:
    """Mixed into ``OpennessBackend``; relies on its ``_call``/``_change``, ``_project`` and helpers."""
