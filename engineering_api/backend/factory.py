"""Which adapter of the port a process runs: the fake, the Openness bridge, or a farm's agents."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend
    from engineering_api.config import Settings

__all__ = ("create_backend",)


def create_backend(settings: Settings) -> EngineeringBackend:
    """The backend adapter the settings ask for: a farm's agents when ``farm_url`` is set.

    Kept apart from the app so that a farm agent starts without importing the web layer.
    """
    if settings.farm_url:
        from engineering_api.farm import FarmBackend, FarmConfig
        from engineering_api.farm.paths import PathMap

        return FarmBackend(FarmConfig(settings.farm_url, settings.farm_state_url,
                                      outage_grace_seconds=settings.farm_outage_grace_seconds),
                           path_map=PathMap.parse(settings.farm_path_map))
    if settings.backend == "fake":
        from fakes.backend import FakeBackend

        return FakeBackend(settings.data_dir, default_version=settings.tia_version)
    from openness_bridge import create_openness_backend

    return create_openness_backend(settings)
