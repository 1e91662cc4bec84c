"""The runtime-values half of the fake backend
(:class:`~engineering_api.backend.areas.runtime_values.RuntimeValuesPort`): a simulated CPU's released tags, reads and
writes as an HMI client, monitored items and Program_Alarm events.

What is released comes from the program *as downloaded* (the SimaticML objects the CPU holds), as a real CPU's
OPC UA server or web API decides from what was downloaded, not from later edits in the project: a PLC tag's and a
DB member's ``ExternalAccessible`` ("accessible from HMI/OPC UA/Web API") releases it, ``ExternalWritable`` lets it
be written. Both default to true, as in TIA; a member is released only when every member on its path is. The rule
is :mod:`engineering_api.rules.released_tags`, which the Openness bridge applies too.
Values carry the scan time: the CPU's clock (``clock_base_ns``) plus the virtual time of its last cycle.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Literal

from engineering_api.backend.areas.runtime_values import (RuntimeValuesPort, SimAlarmEvent, SimReleasedTag,
                                                          SimRuntimeEvents, SimSample, SimScanRead, SimScanValue,
                                                          scan_timestamp)
from engineering_api.backend.areas.simulation_models import SimTagError
from engineering_api.backend.errors import ConflictError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.released_tags import released_tags as released_leaves
from fakes.runtime.cpu import OperatingState, TagError
from fakes.security_ops import check_cpu_access
from fakes.runtime.events import Monitored
from fakes.runtime_errors import message_of, runtime_errors
from fakes.simulation_ops import cpu_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.runtime_values import SimMonitoredItem
    from engineering_api.backend.areas.simulation_models import SimTagWrite
    from fakes.runtime.cpu import SimulatedCpu, TagReading
    from fakes.runtime.manager import SimulationRuntime

__all__ = ("FakeRuntimeValues", "released_tags")

HMI_BATCH_LIMIT = 1000
_RELEASED_CACHE: dict[int, tuple[Any, list[SimReleasedTag]]] = {}
_CACHE_LOCK = threading.Lock()


def released_tags(image: Any) -> list[SimReleasedTag]:
    """Every released leaf of a program image, in the PLC's order (:mod:`engineering_api.rules.released_tags`
    over its tag list and downloaded SimaticML); computed once per image."""
    with _CACHE_LOCK:
        cached = _RELEASED_CACHE.get(id(image))
        if cached is not None and cached[0] is image:
            return cached[1]
    out = released_leaves(((info.name, info.data_type) for info in image.tag_list()), image.objects.values())
    with _CACHE_LOCK:
        if len(_RELEASED_CACHE) > 64:  # images of instances long gone
            _RELEASED_CACHE.clear()
        _RELEASED_CACHE[id(image)] = (image, out)
    return out


def _scan_time(cpu: SimulatedCpu) -> str:
    return scan_timestamp(cpu.clock_base_ns + cpu.now_ns)


class FakeRuntimeValues(RuntimeValuesPort):
    """The runtime-values area of the fake: what a runtime client (OPC UA, an HMI) reads of the simulated CPUs.

    Args:
        plcsim: the machine's PLCSIM Advanced, whose instances the simulation area drives.
    """

    def __init__(self, plcsim: SimulationRuntime) -> None:
        self._plcsim = plcsim

    def _cpu(self, instance: str) -> SimulatedCpu:
        return cpu_of(self._plcsim, instance)

    def _powered(self, instance: str) -> SimulatedCpu:
        cpu = self._cpu(instance)
        if cpu.memory is None:
            raise ConflictError(f'The instance "{cpu.name}" is powered off. Power it on first.',
                                code=codes.INSTANCE_OFF)
        return cpu

    def released_tags(self, instance: str) -> list[SimReleasedTag]:
        cpu = self._powered(instance)
        check_cpu_access(cpu, None, "read")
        return released_tags(cpu.image)

    def _hmi_batch(self, instance: str, items: list[Any], what: str,
                   one: Callable[[SimulatedCpu, Any], TagReading], name_of: Callable[[Any], str]) -> SimScanRead:
        if not items or len(items) > HMI_BATCH_LIMIT:
            raise ValidationError(f"A batch holds 1..{HMI_BATCH_LIMIT} tags (got {len(items)}).",
                                  code=codes.SIM_BATCH_SIZE)
        cpu = self._powered(instance)
        check_cpu_access(cpu, None, what)
        with cpu.lock:  # one pause between cycles: a free-running CPU does not cycle meanwhile
            stamp = _scan_time(cpu)
            # In STOP the program no longer updates values: the last usable value, as OPC UA would mark it.
            quality: Literal["Good", "Uncertain"] = "Good" if cpu.state == OperatingState.RUN else "Uncertain"
            values = []
            for item in items:
                try:
                    tag = one(cpu, item)
                except TagError as exc:
                    values.append(SimScanValue(name=name_of(item), value=None, data_type=None, quality="Bad",
                                               timestamp=stamp, error=SimTagError(code=exc.code,
                                                                                  message=message_of(exc))))
                    continue
                values.append(SimScanValue(name=tag.name, value=tag.value, data_type=tag.data_type, quality=quality,
                                           timestamp=stamp))
            return SimScanRead(instance=cpu.name, operating_state=str(cpu.state), scan_time=stamp, values=values)

    def clock(self, instance: str) -> str:
        cpu = self._powered(instance)
        with cpu.lock:
            return _scan_time(cpu)

    def hmi_read(self, names: list[str], instance: str) -> SimScanRead:
        return self._hmi_batch(instance, names, "read", lambda cpu, name: cpu.read(name), str)

    def hmi_write(self, items: list[SimTagWrite], instance: str) -> SimScanRead:
        return self._hmi_batch(instance, items, "hmi-write", lambda cpu, item: cpu.write(item.name, item.value),
                               lambda item: item.name)

    def set_monitored_items(self, instance: str, items: list[SimMonitoredItem]) -> None:
        for item in items:
            if item.sampling_ms < 0 or (item.deadband is not None and item.deadband < 0):
                raise ValidationError(f"Monitored item {item.item_id}: the sampling interval and deadband must not "
                                      "be negative.", code=codes.SIM_INVALID_ARGUMENT)
        cpu = self._cpu(instance)
        with cpu.lock:
            cpu.events.set_items([Monitored(i.item_id, i.name, i.sampling_ms, i.deadband) for i in items])

    def drain_events(self, instance: str) -> SimRuntimeEvents:
        cpu = self._cpu(instance)
        with runtime_errors(), cpu.lock:
            samples, edges, dropped = cpu.events.drain(cpu)
            base = cpu.clock_base_ns
            stamps: dict[int, str] = {}  # the samples of one cycle share its scan time: format it once
            for s in samples:
                if s.at_ns not in stamps:
                    stamps[s.at_ns] = scan_timestamp(base + s.at_ns)
            return SimRuntimeEvents(
                instance=cpu.name, operating_state=str(cpu.state), scan_time=_scan_time(cpu), dropped=dropped,
                samples=[SimSample(item_id=s.item_id, name=s.name, value=s.value, timestamp=stamps[s.at_ns])
                         for s in samples],
                alarm_events=[SimAlarmEvent(
                    source=source, state="incoming" if edge.incoming else "outgoing",
                    timestamp=scan_timestamp(edge.stamp_ns if edge.stamp_ns is not None else base + edge.at_ns),
                    associated_values=list(edge.values)) for source, edge in edges],
            )
