"""The simulated CPU's scan statistics as the API's model.

The simulation routes (``/api/simulation``) and the online routes (``/api/devices/{name}/cpu``) show the
same runtime object, so both convert it here and answer the same shape (the diagnostic buffer already holds
the API's entries).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.simulation_models import SimScanTime

if TYPE_CHECKING:
    from fakes.runtime.cpu import ScanStats

__all__ = ("scan_time",)


def scan_time(stats: ScanStats) -> SimScanTime:
    return SimScanTime(cycles=stats.cycles, last_us=stats.last_us, min_us=stats.min_us, max_us=stats.max_us,
                       average_us=stats.average_us)
