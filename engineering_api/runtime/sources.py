"""Where runtime values come from: the :class:`TagSource` interface and its errors.

The runtime routes speak to one source. Today that is the simulated PLCs of this server
(:mod:`engineering_api.runtime.simulated`); an OPC UA source (``asyncua``) and an S7 source (``python-snap7``)
implement the same three calls later. A source answers only for *released* tags (TIA's "accessible from
HMI/OPC UA/Web API"); anything else is, to a runtime client, a tag that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from engineering_api.backend.errors import EngineeringError, PortalUnavailableError
from engineering_api.errors import codes

__all__ = (
    "ItemError", "Quality", "RuntimeFaultError", "RuntimeNotRunningError", "RuntimeTag", "TagReading", "TagSource",
    "TagWrite",
)


class RuntimeNotRunningError(PortalUnavailableError):
    """No PLC runtime is running (no simulated PLC is powered on with a program)."""

    default_code = codes.RUNTIME_NOT_RUNNING


class RuntimeFaultError(EngineeringError):
    """The PLC runtime failed to answer (a fault of the runtime, not of the request)."""

    default_code = codes.RUNTIME_FAULT


@dataclass(frozen=True, slots=True)
class RuntimeTag:
    """A released tag: its name as the PLC spells it, TIA data type, and whether it may be written."""

    name: str
    data_type: str
    writable: bool


@dataclass(frozen=True, slots=True)
class ItemError:
    """One item's failure inside a bulk call: a stable code and a sentence."""

    code: str
    description: str
    status: int
    """The HTTP status the single-item route answers for it (404 unknown, 403 not writable, ...)."""


Quality = Literal["Good", "Uncertain", "Bad"]
"""How far a value can be trusted (OPC UA's status classes)."""


@dataclass(frozen=True, slots=True)
class TagReading:
    """A value with its quality and time, or the item's error (then ``value`` is None and quality Bad)."""

    name: str
    value: Any
    data_type: str | None
    quality: Quality
    """``Good``, ``Uncertain`` (e.g. the CPU is in STOP: the program no longer updates it) or ``Bad``."""
    timestamp: str
    error: ItemError | None = None


@dataclass(frozen=True, slots=True)
class TagWrite:
    """One value to write."""

    name: str
    value: Any


class TagSource(Protocol):
    """A runtime's released tags and their values. Every call may raise :class:`RuntimeNotRunningError`."""

    def browse(self) -> list[RuntimeTag]:
        """Every released tag, in a stable order (names sorted as the PLC lists them)."""

    def read(self, names: list[str]) -> list[TagReading]:
        """One reading per name, in order; unknown or unreleased names carry ``TAG_NOT_FOUND``."""

    def now(self) -> str:
        """The PLC's time now, as UTC ISO: a simulated CPU's own clock (virtual while stepped), the server's clock for
        a real PLC (its own clock is not read). What an operator's acknowledgement is stamped with."""

    def write(self, items: list[TagWrite]) -> list[TagReading]:
        """Write each item and answer the value read back; per-item errors as for :meth:`read`, plus
        ``TAG_NOT_WRITABLE`` and ``TYPE_MISMATCH``. The caller has checked the user's write role."""
