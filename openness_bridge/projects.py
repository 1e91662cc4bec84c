"""The bridge's project archive/retrieve, history, infrastructure, simulation support and index.

Mixed into :class:`openness_bridge.backend.OpennessBackend`; port methods not defined here stay pending
(:mod:`openness_bridge.pending`).
"""

from __future__ import annotations

__all__ = ("ProjectOperations",)


class ProjectOperations:
    """Mixed into ``OpennessBackend``; relies on its ``_call``/``_change``, ``_project`` and helpers."""
