"""The simulated CPU's small value types: operating states and modes, its errors, tag values, diagnostics.

Split from :mod:`fakes.runtime.cpu` (which re-exports every name) so the CPU's behaviour reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = (
    "CpuStateError", "IpSuite", "OperatingMode", "OperatingState", "ScanStats", "StepResult",
    "TagError", "TagReading",
)


class OperatingState(StrEnum):
    OFF = "Off"
    BOOTING = "Booting"
    STOP = "Stop"
    STARTUP = "Startup"
    RUN = "Run"
    SHUTTING_DOWN = "ShuttingDown"


class OperatingMode(StrEnum):
    DEFAULT = "Default"
    SINGLE_STEP = "SingleStep"
    TIMESPAN_SYNCHRONIZED = "TimespanSynchronized"


class CpuStateError(Exception):
    """The request does not fit the CPU's operating state (power on first, stop first...).

    ``code`` is stable: ``instance-off``, ``not-running``, ``needs-stop``, ``free-running``, ``bad-step``,
    ``not-forceable``.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class TagError(Exception):
    """A per-tag error, in PLCSIM Advanced's terms: ``DoesNotExist``, ``TypeMismatch``, ``NotUpToDate``,
    ``InstanceNotRunning``, ``NotSupported``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class TagReading:
    """What the simulated CPU answers for one tag read (PLCSIM Advanced's read result); the runtime API's wire
    record is :class:`engineering_api.runtime.schemas.TagValue`."""

    name: str
    value: Any
    data_type: str
    quality: str
    timestamp: str


@dataclass(slots=True)
class IpSuite:
    interface: str
    ip_address: str
    subnet_mask: str = "255.255.255.0"
    default_gateway: str = "0.0.0.0"  # an address value, not a bind


@dataclass(slots=True)
class ScanStats:
    cycles: int = 0
    last_us: float = 0.0
    min_us: float = 0.0
    max_us: float = 0.0
    total_us: float = 0.0

    @property
    def average_us(self) -> float:
        return self.total_us / self.cycles if self.cycles else 0.0

    def record(self, elapsed_ns: int) -> None:
        us = elapsed_ns / 1000
        self.cycles += 1
        self.last_us = us
        self.total_us += us
        self.min_us = us if self.cycles == 1 else min(self.min_us, us)
        self.max_us = max(self.max_us, us)


@dataclass(slots=True)
class StepResult:
    cycles: int
    virtual_time_ms: float
    state: str
