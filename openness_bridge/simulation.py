"""The bridge's PLCSIM Advanced (``Siemens.Simatic.Simulation.Runtime``): the ``sim_*`` methods.

Mixed into :class:`openness_bridge.backend.OpennessBackend`; port methods not defined here stay pending
(:mod:`openness_bridge.pending`).
"""

from __future__ import annotations

__all__ = ("SimulationOperations",)


class SimulationOperations:
    """Mixed into ``OpennessBackend``; relies on its ``_call``/``_change``, ``_project`` and helpers."""
