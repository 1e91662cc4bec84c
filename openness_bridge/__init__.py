"""TIA Openness bridge over pythonnet (Windows), tested on Linux against a C# stand-in under Mono.

Every port method is implemented over ``Siemens.Engineering`` (and PLCSIM Advanced's
``Siemens.Simatic.Simulation.Runtime`` for simulation); those Openness has no equivalent for raise
``NotSupportedError`` with code ``NO_OPENNESS_EQUIVALENT`` and the reason (README.md lists them).
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from openness_bridge.doctor import diagnose

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.config import Settings

__all__ = ("BridgeUnavailableError", "create_openness_backend", "diagnose")


class BridgeUnavailableError(RuntimeError):
    """The openness backend cannot run on this machine or in this build; the message says why."""


def create_openness_backend(settings: Settings) -> EngineeringBackend:
    """The Openness adapter for the TIA Portal installed on this Windows machine.

    Uses ``settings.tia_version`` when that version is installed, else the newest installed one.

    Raises:
        BridgeUnavailableError: not Windows, pythonnet missing, no TIA Portal V17–V21 found, or the assemblies
            failed to load; with the doctor's findings.
    """
    problems = [c for c in diagnose(settings) if not c.ok]
    if problems or sys.platform != "win32":
        reasons = "; ".join(f"{c.name}: {c.detail}" for c in problems) or "TIA Portal runs only on Windows"
        raise BridgeUnavailableError(f"the openness backend cannot start: {reasons}")
    from openness_bridge.backend import (
        OpennessBackend,  # pragma: no cover - Windows only from here
    )
    from openness_bridge.loader import find_installations, load_api

    installations = find_installations()
    chosen = next((i for i in installations if i.version == settings.tia_version), installations[-1])
    try:
        api = load_api(chosen, runtime="netfx")
    except Exception as exc:
        raise BridgeUnavailableError(
            f"the openness backend cannot start: loading {chosen.assemblies[0]} failed: {exc}"
        ) from exc
    return OpennessBackend(
        api, installations, state_dir=settings.data_dir, simulation_api=_load_plcsim(),
        scratch_dir=settings.roots[0] / ".engineering-api-scratch",
    )


def _load_plcsim() -> Any:  # pragma: no cover - Windows only
    """PLCSIM Advanced's API when it is installed (after Openness: pythonnet runs already), else None.

    Without it every ``sim_*`` method says PLCSIM Advanced is not installed; a PLCSIM that fails to load is
    reported the same way, with the cause in the log, rather than keeping the Openness backend from starting.
    """
    from openness_bridge.plcsim import find_plcsim, load_plcsim

    found = find_plcsim()
    if found is None:
        return None
    try:
        return load_plcsim(*found)
    except Exception:  # the TIA half of the bridge still works without PLCSIM
        logging.getLogger(__name__).exception("loading PLCSIM Advanced's API %s failed", found[0])
        return None
