"""What the bridge's PLCSIM Advanced half shares: error translation, per-instance bookkeeping, name mappings.

PLCSIM Advanced reports failures as ``SimulationRuntimeException`` (or ``SimulationInitializationException``)
carrying an ``ERuntimeErrorCode``; :func:`sim_error` turns a code into the domain error with the fake's code
(contract tests assert the codes). Tag calls of a batch report the code's name per item instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from engineering_api.backend.areas.simulation_models import (
    SimDiagnosticEntry,
    SimScanTime,
)
from engineering_api.backend.errors import (
    AlreadyExistsError,
    ConflictError,
    EngineeringError,
    NotFoundError,
    ValidationError,
)
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from openness_bridge.errors import (  # the .NET type chain, as errors.kind_of reads it
    _type_chain,
    describe,
)

__all__ = (
    "TIMEOUT_MS",
    "InstanceRecord",
    "SimState",
    "TagFailure",
    "mode_candidates",
    "mode_name",
    "runtime_code",
    "sim_error",
    "state_name",
    "tag_failure",
)

TIMEOUT_MS = 60000
"""Timeout of PowerOn/PowerOff/Run/Stop/MemoryReset (the value Siemens recommends); they then return when done."""

_ERRORS: dict[str, tuple[type[EngineeringError], str]] = {
    "DoesNotExist": (NotFoundError, codes.SIM_TAG_NOT_FOUND),
    "IndexOutOfRange": (NotFoundError, codes.SIM_TAG_NOT_FOUND),
    "TypeMismatch": (ValidationError, codes.SIM_TAG_TYPE_MISMATCH),
    "NotSupported": (ValidationError, codes.SIM_TAG_NOT_SUPPORTED),
    "NotUpToDate": (ConflictError, codes.SIM_TAG_LIST_NOT_UP_TO_DATE),
    "InstanceNotRunning": (ConflictError, codes.INSTANCE_OFF),
    "InterfaceRemoved": (NotFoundError, codes.SIM_INSTANCE_NOT_FOUND),
    "AlreadyExists": (AlreadyExistsError, codes.SIM_INSTANCE_EXISTS),
    "LimitReached": (ConflictError, codes.SIM_INSTANCE_LIMIT),
    "WrongArgument": (ValidationError, codes.SIM_INVALID_ARGUMENT),
    "RuntimeNotAvailable": (ConflictError, codes.SIM_RUNTIME_STOPPED),
    "InvalidOperatingState": (ConflictError, codes.SIM_INVALID_OPERATING_STATE),
    "Timeout": (ConflictError, codes.SIM_TIMEOUT),
    "LicenseNotFound": (ConflictError, codes.SIM_NO_LICENSE),
    "NoLicenseAvailable": (ConflictError, codes.SIM_NO_LICENSE),
    "WrongCommunicationInterface": (ConflictError, codes.SIM_COMMUNICATION_INTERFACE),
    "CommunicationInterfaceNotAvailable": (ConflictError, codes.SIM_COMMUNICATION_INTERFACE),
}
"""ERuntimeErrorCode name -> domain error and code (the fake's codes where the fake has one)."""
_FALLBACK: tuple[type[EngineeringError], str] = (ConflictError, codes.SIMULATION_ERROR)
_BATCH_CODES = {"IndexOutOfRange": "DoesNotExist", "WrongArgument": "TypeMismatch"}
"""Codes a batch item reports under the name the port's TAG_ERROR_CODES use."""
_HINTS = {
    "InstanceNotRunning": "Power it on first.",
    "DoesNotExist": "List the tags (GET /api/simulation/tags) or download the program that declares it.",
    "NotUpToDate": "Refresh the tag list (POST /api/simulation/tags/refresh).",
    "RuntimeNotAvailable": "Start PLCSIM Advanced (its Runtime Manager) on this machine.",
}
_EXCEPTIONS = ("SimulationRuntimeException", "SimulationInitializationException", "SimulationRuntimeWarning")


class TagFailure(Exception):
    """A tag access the bridge refuses itself, with the ERuntimeErrorCode name PLCSIM would report."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def runtime_code(exc: BaseException) -> str | None:
    """The ``ERuntimeErrorCode`` name a PLCSIM exception carries, or None for any other exception."""
    if not any(n in _EXCEPTIONS for n in _type_chain(exc)):
        return None
    return str(getattr(exc, "RuntimeErrorCode"))  # a .NET property of those exception types, unknown to BaseException


def tag_failure(exc: BaseException) -> TagFailure | None:
    """``exc`` as a :class:`TagFailure` when it is one or a PLCSIM exception (the batch's per-item error)."""
    if isinstance(exc, TagFailure):
        return exc
    code = runtime_code(exc)
    if code is None:
        return None
    return TagFailure(_BATCH_CODES.get(code, code), f"PLCSIM Advanced refused the access: {code}.")


def sim_error(code: str, operation: str, message: str | None = None, *, exc: BaseException | None = None,
              overrides: dict[str, tuple[type[EngineeringError], str]] | None = None) -> EngineeringError:
    """The domain error for ERuntimeErrorCode ``code`` raised by ``operation`` (``overrides`` win by code)."""
    cls, domain_code = (overrides or {}).get(code) or _ERRORS.get(code, _FALLBACK)
    text = message or f"{operation} failed: PLCSIM Advanced reported {code}."
    hint = _HINTS.get(code)
    details: dict[str, Any] = {"runtimeErrorCode": code, "operation": operation}
    if exc is not None and not isinstance(exc, TagFailure):
        details["plcsim"] = describe(exc)
    return cls(f"{text} {hint}" if hint and hint not in text else text, code=domain_code, details=details)


def state_name(state: Any) -> str:
    """The port's operating-state name: PLCSIM's ``Freeze`` (a stepped CPU waiting at a sync point) is RUN."""
    name = str(state)
    return "Run" if name == "Freeze" else name


def mode_name(mode: Any) -> str:
    """The port's operating-mode name of a PLCSIM ``EOperatingMode`` (API 4+ splits ``SingleStep_C``/``_CP``/...)."""
    name = str(mode)
    for family in ("TimespanSynchronized", "SingleStep"):
        if name.startswith(family + "_"):
            return family
    return name


def mode_candidates(mode: str) -> tuple[str, ...]:
    """``EOperatingMode`` names that play the port's ``mode``, best first (API 1.0 names, then API 4+ variants)."""
    if mode == "SingleStep":
        # CT/CPT advance virtual time by OverwrittenMinimalCycleTime_ns per cycle, as the port's steps do.
        return ("SingleStep", "SingleStep_CPT", "SingleStep_CT", "SingleStep_CP", "SingleStep_C")
    if mode == "TimespanSynchronized":
        return ("TimespanSynchronized", "TimespanSynchronized_CPT", "TimespanSynchronized_CP",
                "TimespanSynchronized_C")
    return (mode,)


@dataclass
class InstanceRecord:
    """What the bridge remembers of one instance: PLCSIM's API has no counters for these."""

    id: int
    base_ticks: int | None = None
    """``SystemTime.Ticks`` when the bridge first saw the instance: virtual time counts from there."""
    cycles: int = 0
    durations_ns: list[int] = field(default_factory=list)
    tags_loaded: bool = False
    tag_list_loads: int = 0
    """How often PLCSIM read the loaded program's tags (``UpdateTagList``): a new value means a new download."""
    released: tuple[tuple[str, int], Any] | None = None
    """The released tags of the program in the instance, with the (PLC, tag-list load) they were computed for."""
    min_cycle_ms: float = 10.0
    log: list[SimDiagnosticEntry] = field(default_factory=list)
    sequence: int = 0
    last_virtual_ms: float = 0.0

    def note(self, event: str, message: str) -> None:
        """Append an entry to the bridge's event log of this instance (at most 200 kept)."""
        self.sequence += 1
        self.log.append(SimDiagnosticEntry(sequence=self.sequence, timestamp=utc_now(),
                                           virtual_time_ms=self.last_virtual_ms, event=event, message=message))
        del self.log[:-200]

    def timed(self, fn: Any, cycles: int = 1) -> Any:
        """Run ``fn`` (stepping ``cycles`` cycles) and record its real duration per cycle."""
        started = time.perf_counter_ns()
        result = fn()
        self.durations_ns.extend([(time.perf_counter_ns() - started) // cycles] * min(cycles, 10000))
        del self.durations_ns[:-10000]
        self.cycles += cycles
        return result

    def scan_time(self) -> SimScanTime:
        """Real execution time of the cycles this service stepped (microseconds)."""
        us = [d / 1000 for d in self.durations_ns]
        return SimScanTime(cycles=self.cycles, last_us=us[-1] if us else 0.0, min_us=min(us, default=0.0),
                           max_us=max(us, default=0.0), average_us=sum(us) / len(us) if us else 0.0)


@dataclass
class SimState:
    """The bridge's simulation session: the connected instance and the records, by lower-cased name."""

    connected: str | None = None
    records: dict[str, InstanceRecord] = field(default_factory=dict)
