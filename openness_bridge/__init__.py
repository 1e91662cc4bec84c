"""TIA Openness bridge over pythonnet (Windows). Not implemented yet: see README "Not yet served".

The backend port, the worker thread and the contract suite are ready for it; until the bridge
lands, asking for ``--backend openness`` fails at start-up with the reason instead of pretending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openness_bridge.doctor import diagnose

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.config import Settings

__all__ = ("BridgeUnavailableError", "create_openness_backend", "diagnose")


class BridgeUnavailableError(RuntimeError):
    """The openness backend cannot run on this machine or in this build; the message says why."""


def create_openness_backend(settings: Settings) -> EngineeringBackend:
    """The Openness adapter.

    Raises:
        BridgeUnavailableError: always for now; with the doctor's findings for this machine.
    """
    problems = [c for c in diagnose(settings) if not c.ok]
    reasons = "; ".join(f"{c.name}: {c.detail}" for c in problems) or "the bridge is not implemented in this build yet"
    raise BridgeUnavailableError(f"the openness backend cannot start: {reasons}")
