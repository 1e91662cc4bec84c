"""The composition root: the one module that names an adapter of the port.

Which adapter a process runs (the fake, the Openness bridge, or a farm's agents) is chosen here and nowhere else;
the app, the command line and the farm agent ask this module for it. The other packages see only the port
(:class:`~engineering_api.backend.port.EngineeringBackend`), so the layering test can hold every other module of
``engineering_api`` to "no adapter imports" (the table in ``tools/layering.py``). Adapters are imported inside the
functions so that a process loads only the one it runs (a farm agent starts without the web layer, the fake
without pythonnet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.config import Settings
    from engineering_api.lib.doctor import Check

__all__ = ("create_backend", "openness_checks", "openness_unavailable")


def create_backend(settings: Settings) -> EngineeringBackend:
    """The backend adapter the settings ask for: a farm's agents when ``farm_url`` is set.

    Kept apart from the app so that a farm agent starts without importing the web layer.
    """
    if settings.farm_url:
        from engineering_api.farm import FarmBackend, FarmConfig
        from engineering_api.farm.paths import PathMap

        return FarmBackend(FarmConfig(settings.farm_url, settings.farm_state_url,
                                      outage_grace_seconds=settings.farm_outage_grace_seconds,
                                      lease_seconds=settings.farm_lease_seconds,
                                      lease_grace_seconds=settings.farm_lease_grace_seconds),
                           path_map=PathMap.parse(settings.farm_path_map))
    if settings.backend == "fake":
        from fakes.backend import FakeBackend

        return FakeBackend(settings.data_dir, default_version=settings.tia_version)
    from openness_bridge import create_openness_backend

    return create_openness_backend(settings)


def openness_unavailable(settings: Settings) -> str | None:
    """Why the Openness bridge cannot start on this machine (its loader's message), or None when it can."""
    from openness_bridge import BridgeUnavailableError, create_openness_backend

    try:
        create_openness_backend(settings)
    except BridgeUnavailableError as exc:
        return str(exc)
    return None


def openness_checks(settings: Settings) -> list[Check]:
    """The doctor's checks for the Openness backend (Windows, TIA Portal, the Openness group, PLCSIM)."""
    from openness_bridge import diagnose

    return diagnose(settings)
