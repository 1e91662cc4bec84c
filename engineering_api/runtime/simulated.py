"""The simulated PLCs of this server as a runtime :class:`~engineering_api.runtime.sources.TagSource`.

The source serves one CPU, the way an HMI connection serves one PLC: a pinned instance (an instance's own OPC UA
server), else the connected PLCSim instance when it is powered on, else the only powered-on instance (with several
and none connected it answers 409 and says to connect one). It speaks to the CPU only through the backend port's
runtime-values area (:mod:`engineering_api.backend.areas.runtime_values`): released tags of the program as
downloaded, reads and writes as an HMI client (the CPU's access level applies) between two scans, each value
stamped with the scan time of the cycle that produced it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.simulation_models import SimTagWrite
from engineering_api.backend.errors import ConflictError, NotSupportedError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from engineering_api.rules.released_tags import quoted_name
from engineering_api.runtime.sources import (
    ItemError,
    RuntimeNotRunningError,
    RuntimeTag,
    TagReading,
    TagWrite,
)

if TYPE_CHECKING:
    from engineering_api.backend.areas.runtime_values import SimScanRead, SimScanValue
    from engineering_api.backend.port import EngineeringBackend

__all__ = ("SimulatedSource", "canonical_name")

_NOT_FOUND = codes.TAG_NOT_FOUND
_POWERED_OFF = "Off"


def canonical_name(name: str) -> str:
    """Lower-case lookup key; an unquoted first segment (``Motor_DB.Speed``, ``Start``) gets TIA's quotes."""
    return quoted_name(name.strip()).lower()


class SimulatedSource:
    """Released tags and values of the simulated CPU this server runs (see the module docstring)."""

    def __init__(self, backend: EngineeringBackend, instance: str | None = None) -> None:
        self._backend = backend
        self._instance = instance
        """The PLCSim instance served; None: the connected one, else the only powered-on one."""
        self._by_name: tuple[object, dict[str, RuntimeTag]] | None = None
        """(the adapter's released-tag list, the tags by lower-case name) of the last call."""

    # ----- the CPU ----------------------------------------------------------------------------------
    def instance(self) -> str:
        """The name of the PLCSim instance served now.

        Raises:
            RuntimeNotRunningError: no (such) instance is powered on; NotSupportedError: no simulated PLCs;
            ConflictError: several are powered on and none is connected (``RUNTIME_PLC_AMBIGUOUS``).
        """
        backend = self._backend
        runtime = backend.simulation.runtime_status()
        if not runtime.api_available:
            raise NotSupportedError("The runtime API reads this server's simulated PLCs, and this backend has no "
                                    "simulated PLC engine.", code=codes.RUNTIME_SOURCE_UNAVAILABLE)
        if not runtime.running:
            raise RuntimeNotRunningError("The PLCSim runtime manager is stopped, so no PLC runtime is running.")
        instances = backend.simulation.list_instances()
        powered = [i for i in instances if i.operating_state != _POWERED_OFF]
        if self._instance is not None:  # one instance's own server (the OPC UA server of a simulated PLC)
            pinned = next((i for i in powered if i.name.lower() == self._instance.lower()), None)
            if pinned is None:
                raise RuntimeNotRunningError(f'The simulated PLC "{self._instance}" is not powered on (or no '
                                             "longer exists), so its runtime is not running.")
            return pinned.name
        connected = next((i for i in powered if i.connected), None)
        if connected is not None:
            return connected.name
        if not powered:
            raise RuntimeNotRunningError("No simulated PLC is powered on, so no PLC runtime is running. Power an "
                                         "instance on and download a program to it.")
        if len(powered) > 1:
            names = ", ".join(sorted(i.name for i in powered))
            raise ConflictError(f"Several simulated PLCs are powered on ({names}); connect the one the runtime "
                                "serves (POST /api/simulation/connect).", code=codes.RUNTIME_PLC_AMBIGUOUS)
        return powered[0].name

    def _released(self, instance: str) -> dict[str, RuntimeTag]:
        tags = self._backend.runtime_values.released_tags(instance)
        cached = self._by_name
        if cached is not None and cached[0] is tags:  # an adapter that keeps the list per program gives it again
            return cached[1]
        by_name = {t.name.lower(): RuntimeTag(t.name, t.data_type, t.writable) for t in tags}
        self._by_name = (tags, by_name)
        return by_name

    # ----- TagSource ----------------------------------------------------------------------------------
    def browse(self) -> list[RuntimeTag]:
        """Every released tag of the CPU, in the PLC's order (DBs, then PLC tags)."""
        return list(self._released(self.instance()).values())

    def read(self, names: list[str]) -> list[TagReading]:
        """One reading per name, all from the same cycle."""
        instance = self.instance()
        released = self._released(instance)
        known = [released.get(canonical_name(n)) for n in names]
        wanted = [t.name for t in known if t is not None]
        scan = self._backend.runtime_values.hmi_read(wanted, instance) if wanted else None
        return _merge(names, known, scan, None)

    def now(self) -> str:
        """The served CPU's clock (its virtual time while stepped)."""
        return self._backend.runtime_values.clock(self.instance())

    def write(self, items: list[TagWrite]) -> list[TagReading]:
        """Each item written in order within one pause between scans, answered with the value read back."""
        instance = self.instance()
        released = self._released(instance)
        known = [released.get(canonical_name(i.name)) for i in items]
        writes = [SimTagWrite(name=t.name, value=i.value) for t, i in zip(known, items, strict=True)
                  if t is not None and t.writable]
        scan = self._backend.runtime_values.hmi_write(writes, instance) if writes else None
        return _merge([i.name for i in items], known, scan, items)


def _merge(names: list[str], known: list[RuntimeTag | None], scan: SimScanRead | None,
           items: list[TagWrite] | None) -> list[TagReading]:
    """The answers in request order: the CPU's for released (and, for writes, writable) tags, ours for the rest."""
    answered = iter(scan.values if scan is not None else ())
    out: list[TagReading] = []
    for name, tag in zip(names, known, strict=True):
        if tag is None:
            out.append(_failed(name, None, ItemError(
                _NOT_FOUND, f'No released tag "{name}" (unknown, or not accessible from HMI/OPC UA/Web API).', 404)))
        elif items is not None and not tag.writable:
            out.append(_failed(tag.name, tag.data_type, ItemError(
                codes.TAG_NOT_WRITABLE, f"{tag.name} is released read-only (not writable from HMI/OPC UA/Web API).",
                                                                  403)))
        else:
            out.append(_reading(tag, next(answered)))
    return out


def _reading(tag: RuntimeTag, value: SimScanValue) -> TagReading:
    if value.error is not None:
        return TagReading(tag.name, None, tag.data_type, "Bad", value.timestamp,
                          _item_error(value.error.code, value.error.message))
    return TagReading(tag.name, value.value, tag.data_type, value.quality, value.timestamp)


def _item_error(code: str, message: str) -> ItemError:
    if code == "DoesNotExist":
        return ItemError(_NOT_FOUND, message, 404)
    if code in ("TypeMismatch", "NotSupported"):
        return ItemError(codes.TYPE_MISMATCH, message, 422)
    if code == "InstanceNotRunning":
        return ItemError(codes.RUNTIME_NOT_RUNNING, message, 503)
    return ItemError(codes.RUNTIME_FAULT, message, 500)


def _failed(name: str, data_type: str | None, error: ItemError) -> TagReading:
    return TagReading(name, None, data_type, "Bad", utc_now(), error)
