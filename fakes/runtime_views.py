"""The simulated CPU's diagnostics and scan statistics as the API's models.

The simulation routes (``/api/simulation``) and the online routes (``/api/devices/{name}/cpu``) show the
same runtime objects, so both convert them here and answer the same shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.simulation_models import (
    SimDiagnosticEntry,
    SimScanTime,
)

if TYPE_CHECKING:
    from fakes.runtime.cpu import DiagnosticEntry, ScanStats

__all__ = ("diagnostic_entry", "scan_time")


def diagnostic_entry(entry: DiagnosticEntry) -> SimDiagnosticEntry:
    return SimDiagnosticEntry(
        sequence=entry.sequence, timestamp=entry.timestamp, virtual_time_ms=entry.virtual_time_ms, event=entry.event,
        message=entry.message, block=entry.block, network=entry.network, line=entry.line,
    )


def scan_time(stats: ScanStats) -> SimScanTime:
    return SimScanTime(cycles=stats.cycles, last_us=stats.last_us, min_us=stats.min_us, max_us=stats.max_us,
                       average_us=stats.average_us)
