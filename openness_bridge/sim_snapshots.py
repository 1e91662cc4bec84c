"""Snapshots of a simulated CPU's state on the bridge: PLCSIM Advanced's API cannot take or restore one.

The API's nearest calls, ``IInstance.ArchiveStorage`` and ``IInstance.RetrieveStorage`` (Siemens, S7-PLCSIM
Advanced API reference, class ``IInstance``: https://developer.siemens.com/s7-plcsim-advanced/cpp-headers/classIInstance.html,
"Stores the virtual memory card in a .zip file"), save and load the virtual memory card of a powered-off instance:
the program, the hardware configuration and the retentive data. Loading one powers the CPU up through a startup,
which gives every non-retentive value its start value, and neither call reads the process images, the non-retentive
actual values or the virtual clock. Mapping a snapshot onto them would restore a different state than the one taken,
so every call answers 501 ``NO_PLCSIM_EQUIVALENT`` with that reason (the fake backend's simulated CPUs serve them).

No other member does it: the IInstance methods of the real assembly (``reference/openness_api.tsv``, read from its
metadata) are the storage calls above, operating states, events, tag and signal reads and writes, and none takes or
restores a snapshot. Reading every tag and area and writing them back would miss what no tag shows (an IEC timer's
start on the CPU's clock, the clock itself, the cyclic interrupts' phase), so the scans after such a "restore" would
differ from the scans after the snapshot.
"""

from __future__ import annotations

from typing import NoReturn

from engineering_api.backend.areas.simulation import SimSnapshotsPort
from engineering_api.backend.areas.simulation_snapshots import SimSnapshotInfo, SimSnapshotRestored
from engineering_api.backend.errors import NotSupportedError
from engineering_api.errors import codes

__all__ = ("BridgeSimSnapshots",)

_REASON = ("snapshots of a running CPU's state. IInstance.ArchiveStorage/RetrieveStorage keep only the program, the "
           "hardware configuration and the retentive data of a powered-off instance, and a retrieved card starts up "
           "with start values, so they cannot restore the actual values, process images and virtual time a snapshot "
           "holds")


def _no_equivalent() -> NoReturn:
    raise NotSupportedError(f"PLCSIM Advanced's API has no equivalent: {_REASON}. The fake backend's simulated CPUs "
                            "serve snapshots.", code=codes.NO_PLCSIM_EQUIVALENT)


class BridgeSimSnapshots(SimSnapshotsPort):
    """The snapshots area of the bridge: each call is refused with the reason (see the module)."""

    def list_snapshots(self, instance: str) -> list[SimSnapshotInfo]:
        _no_equivalent()

    def create_snapshot(self, instance: str, name: str) -> SimSnapshotInfo:
        _no_equivalent()

    def restore_snapshot(self, instance: str, name: str) -> SimSnapshotRestored:
        _no_equivalent()

    def delete_snapshot(self, instance: str, name: str) -> SimSnapshotInfo:
        _no_equivalent()
