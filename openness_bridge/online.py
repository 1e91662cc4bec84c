"""The bridge's online sessions, download, upload and compare (``OnlineProvider``, ``DownloadProvider``).

Mixed into :class:`openness_bridge.backend.OpennessBackend`; port methods not defined here stay pending
(:mod:`openness_bridge.pending`).
"""

from __future__ import annotations

__all__ = ("OnlineOperations",)


class OnlineOperations:
    """Mixed into ``OpennessBackend``; relies on its ``_call``/``_change``, ``_project`` and helpers."""
