"""Snapshots of a simulated CPU's state (the simulation area's ``SimSnapshotsPort``): take, list, restore and delete
them, by name, per instance.

A snapshot is everything a running program's next cycles depend on, taken between two cycles: the process images
(%I, %Q), the bit memory (%M), the actual values of every data block (global and instance DBs, and with them the
IEC timers and counters, whose state lives in their instance), the virtual clock and the instance's ``SystemTime``
base, the schedule of the cyclic interrupt OBs and the cycle count, the forces, the operating state (RUN or STOP)
and the operating mode with its cycle time and scale factor. Restoring it puts all of that back, so the scans after
a restore compute what the scans after the snapshot computed. Left out, with the reason: the program itself (a
snapshot belongs to the program it was taken with, and a restore onto another one is refused: the data blocks'
layout may differ), the network settings and the CPU's protection (configuration, not state), the diagnostic
buffer (a history: a restore adds an entry to it), the scan-time statistics of the host and runtime clients'
monitored items.

PLCSIM Advanced's API has no such call. ``IInstance.ArchiveStorage``/``RetrieveStorage`` save and load the
*virtual memory card* as a .zip (Siemens, S7-PLCSIM Advanced API reference, class ``IInstance``:
https://developer.siemens.com/s7-plcsim-advanced/cpp-headers/classIInstance.html): the user program, the hardware
configuration and the retentive data, only on a powered-off instance, which then starts up and initialises every
non-retentive value. That is not a snapshot of a running CPU's actual values, so an adapter over PLCSIM Advanced
answers these calls with ``NotSupportedError`` (``NO_PLCSIM_EQUIVALENT``) rather than pretend.

Restoring onto a CPU in RUN is refused (``SIM_SNAPSHOT_CPU_RUNNING``: stop it first), following PLCSIM Advanced,
whose ``RetrieveStorage`` refuses an instance that is not powered off: a restore never races the program's own
cycles, and a caller stops a running process on purpose (``stop`` with ``confirm``), not as a side effect.

Snapshots live as long as their instance, in the adapter's memory: instances do not survive a restart of the
service either (docs/simulated-plc.md).
"""

from __future__ import annotations

import re

from engineering_api.backend.areas.simulation_models import SimInstanceState
from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct

__all__ = ("MAX_SNAPSHOTS", "SNAPSHOT_NAME_PATTERN", "SimSnapshotInfo", "SimSnapshotRestored", "check_snapshot_name")

MAX_SNAPSHOTS = 32
"""Snapshots one instance keeps (each holds a copy of the CPU's memory: 80 KiB of areas plus the data blocks)."""

SNAPSHOT_NAME_PATTERN = r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\- ]{0,62}[A-Za-z0-9_.\-])?$"
"""A snapshot's name: 1 to 64 letters, digits, ``_ - .`` and inner blanks, not starting with ``.`` or ``-`` (so
``.`` and ``..`` are no names, and a name is never taken for an option). Names are case-insensitive."""
_NAME = re.compile(SNAPSHOT_NAME_PATTERN)


def check_snapshot_name(name: str) -> str:
    """``name`` when it is a valid snapshot name.

    Raises:
        ValidationError: ``SIM_SNAPSHOT_NAME_INVALID``, naming the rule.
    """
    if not _NAME.match(name):
        raise ValidationError(
            f"{name!r} is not a valid snapshot name: use 1 to 64 letters, digits, _ - . and inner blanks, starting "
            "with a letter, a digit or _ (for example Warm_start or after-fill.1).",
                              code=codes.SIM_SNAPSHOT_NAME_INVALID,
            details={"name": name, "pattern": SNAPSHOT_NAME_PATTERN})
    return name


class SimSnapshotInfo(CamelStruct):
    """A snapshot of a simulated CPU's state, as it was taken."""

    name: str
    """The snapshot's name, as given when it was taken."""
    instance: str
    """The simulation instance it belongs to."""
    created_at: str
    """When it was taken (UTC, ISO 8601)."""
    virtual_time_ms: float
    """The instance's virtual time when it was taken; a restore sets the clock back to it."""
    operating_state: str
    """``Run`` or ``Stop``: the state a restore puts the CPU in."""
    operating_mode: str
    """PLCSIM's operating mode (``SingleStep``, ``TimespanSynchronized``, ``Default``), restored with it."""
    cycle_time_ms: float
    """The virtual duration of one stepped cycle, restored with it."""
    device: str | None
    """The TIA device whose program the CPU ran; a restore needs that same program loaded."""
    data_block_count: int
    """How many data blocks' actual values it holds."""
    force_count: int
    """How many forced operands it holds (a restore sets exactly these forces)."""


class SimSnapshotRestored(CamelStruct):
    """A restore's answer: the snapshot put back and the instance's state after it."""

    snapshot: SimSnapshotInfo
    state: SimInstanceState
