"""A PLCSIM instance's values as a runtime client sees them (port area): released tags, reads and writes as an
HMI/OPC UA client with the CPU's access-level check, values stamped with their scan time, monitored items and
the program's alarms.

The runtime API (:mod:`engineering_api.runtime`) reads a simulated CPU only through these methods, never through
an adapter's internals. Unlike the ``sim_*`` tag methods of :mod:`.simulation` (an engineering tool, which reads
any operand), these answer as the CPU's HMI/OPC UA interface does: a protected CPU refuses below HMI access, and
a value's timestamp is the virtual time of the CPU cycle that produced it (PLCSIM Advanced's ``SystemTime``, the
instance's own clock that virtual time drives), not the moment it was read.

Monitored items follow OPC UA's: a sampling interval (0: every cycle) and an absolute deadband (None: report every
sample). The adapter queues a sample at the end of each cycle that passes them, and the program's alarm events
(``Program_Alarm`` edges) as they happen; :meth:`RuntimeValuesPort.drain_events` hands both over in scan order.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Literal

from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from engineering_api.backend.areas.simulation_models import SimTagError, SimTagWrite

__all__ = (
    "RuntimeValuesPort", "SimAlarmEvent", "SimMonitoredItem", "SimReleasedTag", "SimRuntimeEvents", "SimSample",
    "SimScanRead", "SimScanValue", "scan_timestamp",
)


def scan_timestamp(ns_since_epoch: int) -> str:
    """A scan time (ns since 1970, UTC) as the wire's ISO 8601 with milliseconds and ``Z``."""
    millis = ns_since_epoch // 1_000_000
    moment = dt.datetime.fromtimestamp(millis // 1000, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


class SimReleasedTag(CamelStruct):
    """A leaf of the downloaded program that is accessible from HMI/OPC UA/Web API (TIA's ``ExternalAccessible``
    on the PLC tag, or on every DB member on its path); ``writable``: ``ExternalWritable`` too."""

    name: str
    data_type: str
    writable: bool


class SimScanValue(CamelStruct):
    """One item read or written: the value and the time of the cycle that produced it, or its error (value None,
    quality Bad). ``error.code`` is one of the simulation area's tag error codes."""

    name: str
    value: Any
    data_type: str | None
    quality: Literal["Good", "Uncertain", "Bad"]
    """Good in RUN; Uncertain in STOP (the last usable value: the program no longer updates it)."""
    timestamp: str
    error: SimTagError | None = None


class SimScanRead(CamelStruct):
    """Values of one pause between two cycles (the CPU does not cycle while they are read or written)."""

    instance: str
    operating_state: str
    scan_time: str
    """The virtual time of the last cycle as UTC (the instance's clock), which every value here carries."""
    values: list[SimScanValue]


class SimMonitoredItem(CamelStruct):
    """A tag the CPU samples at the end of its cycles (an OPC UA monitored item)."""

    item_id: str
    """The caller's handle; samples carry it (one tag may be monitored by several items)."""
    name: str
    sampling_ms: float = 0.0
    """Sample at most this often in virtual time; 0: at the end of every cycle."""
    deadband: float | None = 0.0
    """Queue a sample only when it differs from the last queued one by more than this (numbers) or at all (others);
    None: queue every sample (cyclic logging)."""


class SimSample(CamelStruct):
    """A monitored item's value at the end of a cycle."""

    item_id: str
    name: str
    value: Any
    timestamp: str
    """The scan time of the cycle."""


class SimAlarmEvent(CamelStruct):
    """An edge of a ``Program_Alarm`` instance's SIG input: ``incoming`` (0 to 1) or ``outgoing`` (1 to 0)."""

    source: str
    """The instance as the PLC names it: ``"Tank_DB".HighLevel`` (a multi-instance in an FB's instance DB)."""
    state: Literal["incoming", "outgoing"]
    timestamp: str
    """The scan time of the cycle that called it (or its TIMESTAMP input, when the program gives one)."""
    associated_values: list[Any]
    """SD_1..SD_10 as the call passed them (unassigned ones are left out at the end)."""


class SimRuntimeEvents(CamelStruct):
    """What the CPU queued since the last drain, oldest first."""

    instance: str
    operating_state: str
    scan_time: str
    samples: list[SimSample]
    alarm_events: list[SimAlarmEvent]
    dropped: int = 0
    """Samples lost because the queue was full (nobody drained it for too long)."""


class RuntimeValuesPort(ABC):
    """Runtime access to one PLCSIM instance, named explicitly (no connected-instance default here)."""

    @abstractmethod
    def released_tags(self, instance: str) -> list[SimReleasedTag]:
        """Every released leaf of the program downloaded to ``instance``, in the PLC's order; none before a
        download. The rule is :mod:`engineering_api.rules.released_tags`. The fake reads the flags from the program
        as downloaded; the Openness bridge from that PLC in the open project (PLCSIM Advanced's tag list does not
        carry them), so there they follow edits made since the download.

        Raises:
            NotFoundError: no such instance (``SIM_INSTANCE_NOT_FOUND``).
            ConflictError: powered off (``INSTANCE_OFF``); on the bridge, no project open (``NO_PROJECT_OPEN``) or
                the downloaded PLC is not in it (``PROGRAM_NOT_IN_PROJECT``).
        """

    @abstractmethod
    def clock(self, instance: str) -> str:
        """The instance's clock now, as UTC (what values read now carry; the virtual time of a stepped CPU), so a
        runtime client's acknowledgement is stamped on the CPU's clock like the alarms it acknowledges.

        Raises:
            NotFoundError: no such instance.
            ConflictError: powered off (``INSTANCE_OFF``).
        """

    @abstractmethod
    def hmi_read(self, names: list[str], instance: str) -> SimScanRead:
        """Read tags between two cycles as an HMI client: one value per name, each with its own error.

        Raises:
            NotFoundError: no such instance.
            ConflictError: powered off (``INSTANCE_OFF``).
            PermissionDeniedError: ``CPU_ACCESS_DENIED``, the CPU's protection is below HMI access.
            ValidationError: no names, or more than 1000 (``SIM_BATCH_SIZE``).
        """

    @abstractmethod
    def hmi_write(self, items: list[SimTagWrite], instance: str) -> SimScanRead:
        """Write tags in order between two cycles as an HMI client; each answers the value read back.

        Raises:
            as :meth:`hmi_read` (``CPU_ACCESS_DENIED`` when HMI access is not enough to write).
        """

    @abstractmethod
    def set_monitored_items(self, instance: str, items: list[SimMonitoredItem]) -> None:
        """Replace the instance's monitored items (an empty list ends monitoring); queued samples of items no longer
        monitored are dropped.

        Raises:
            NotFoundError: no such instance.
            ValidationError: a negative sampling interval or deadband (``SIM_INVALID_ARGUMENT``).
            NotSupportedError: the adapter cannot sample at the end of a cycle (``NO_PLCSIM_EQUIVALENT``).
        """

    @abstractmethod
    def drain_events(self, instance: str) -> SimRuntimeEvents:
        """Hand over (and forget) the samples and program alarm events queued since the last call.

        Raises:
            NotFoundError: no such instance.
            NotSupportedError: as :meth:`set_monitored_items`.
        """

