"""The bridge's blocks, block folders and external sources (``PlcSoftware.BlockGroup``, ``ExternalSourceGroup``).

Mixed into :class:`openness_bridge.backend.OpennessBackend`; port methods not defined here stay pending
(:mod:`openness_bridge.pending`).
"""

from __future__ import annotations

__all__ = ("BlockOperations",)


class BlockOperations:
    """Mixed into ``OpennessBackend``; relies on its ``_call``/``_change``, ``_project`` and helpers."""
