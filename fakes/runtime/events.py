"""What a simulated CPU queues for runtime clients at the end of its cycles: monitored items' samples and the
program's alarm events (``Program_Alarm`` edges), both stamped with the cycle's virtual time.

Monitored items behave like OPC UA's: a sampling interval in virtual time (0: every cycle) and an absolute
deadband (None: every sample is queued, as cyclic logging wants). Queues are bounded: a client that stops
draining loses the oldest samples (counted in ``dropped``), never the CPU's memory.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.rules.monitoring import value_changed

from .values import PlcArray

if TYPE_CHECKING:
    from .cpu_image import CpuImage, TagAccessor
    from .memory import Memory

__all__ = ("ALARM_LIMIT", "SAMPLE_LIMIT", "AlarmEdge", "CpuEvents", "CycledCpu", "Monitored", "Sample", "plain")

SAMPLE_LIMIT = 200_000
"""Samples a CPU keeps until they are drained (the oldest go first)."""
ALARM_LIMIT = 10_000
"""Program alarm events a CPU keeps until they are drained."""
MS = 1_000_000


class CycledCpu(Protocol):
    """What the queues read of the CPU they belong to (a ``SimulatedCpu``), under its lock."""

    @property
    def now_ns(self) -> int:
        """Virtual time of the cycle that ran last."""

    @property
    def memory(self) -> Memory | None:
        """The CPU's memory; None while powered off."""

    @property
    def image(self) -> CpuImage:
        """The program loaded last."""


@dataclass
class Monitored:
    """A monitored item: the tag, its sampling interval (ms of virtual time) and deadband."""

    item_id: str
    name: str
    sampling_ms: float = 0.0
    deadband: float | None = 0.0
    next_ns: int = 0
    last: Any = field(default=None)
    has_last: bool = False


@dataclass(frozen=True, slots=True)
class Sample:
    item_id: str
    name: str
    value: Any
    at_ns: int


@dataclass(frozen=True, slots=True)
class AlarmEdge:
    """An edge of a Program_Alarm instance's SIG; ``instance`` is its instance dict (resolved to a name on drain)."""

    instance: Any
    incoming: bool
    at_ns: int
    stamp_ns: int | None
    """The call's TIMESTAMP input (ns since 1970), when the program gave one."""
    values: tuple[Any, ...]


class CpuEvents:
    """The queues of one CPU; every method is called under the CPU's lock."""

    def __init__(self) -> None:
        self.items: list[Monitored] = []
        self.samples: deque[Sample] = deque()
        self.alarms: deque[AlarmEdge] = deque(maxlen=ALARM_LIMIT)
        self.dropped = 0
        self._accessors: tuple[Memory | None, dict[str, TagAccessor]] = (None, {})

    def set_items(self, items: list[Monitored]) -> None:
        keep = {item.item_id for item in items}
        self.items = items
        self.samples = deque(s for s in self.samples if s.item_id in keep)

    # ----- called by the CPU ---------------------------------------------------------------------
    def after_cycle(self, cpu: CycledCpu) -> None:
        """Queue the samples of the cycle that just ran at ``cpu.now_ns``."""
        memory = cpu.memory
        if not self.items or memory is None:
            return
        now = cpu.now_ns
        accessors = self._accessors_of(cpu.image, memory)
        for item in self.items:
            if now < item.next_ns:
                continue
            if item.sampling_ms > 0:
                item.next_ns = now + int(item.sampling_ms * MS)
            accessor = accessors.get(item.item_id)
            if accessor is None:
                continue
            try:
                value = plain(accessor.get())
            except (TypeError, ValueError):
                continue
            if item.has_last and not value_changed(item.last, value, item.deadband):
                continue
            item.last, item.has_last = value, True
            if len(self.samples) >= SAMPLE_LIMIT:
                self.samples.popleft()
                self.dropped += 1
            self.samples.append(Sample(item.item_id, item.name, value, now))

    def program_alarm(self, instance: Any, incoming: bool, at_ns: int, stamp_ns: int | None,
                      values: tuple[Any, ...]) -> None:
        self.alarms.append(AlarmEdge(instance, incoming, at_ns, stamp_ns, values))

    # ----- called by the backend -------------------------------------------------------------------
    def drain(self, cpu: CycledCpu) -> tuple[list[Sample], list[tuple[str, AlarmEdge]], int]:
        """(samples, (source name, edge) per alarm event, samples dropped) since the last drain."""
        samples, self.samples = list(self.samples), deque()
        edges = list(self.alarms)
        self.alarms.clear()
        dropped, self.dropped = self.dropped, 0
        names = _instance_names(cpu) if edges else {}
        return samples, [(names.get(id(e.instance), "Program_Alarm"), e) for e in edges], dropped

    def _accessors_of(self, image: CpuImage, memory: Memory) -> dict[str, TagAccessor]:
        """The items' accessors for the CPU's current memory (a download or memory reset makes a new one)."""
        cached_for, cached = self._accessors
        if cached_for is not memory or set(cached) != {i.item_id for i in self.items}:
            cached = {}
            for item in self.items:
                try:
                    cached[item.item_id] = image.resolve(memory, item.name)
                except LookupError:
                    continue  # not in this program: no samples until a program has it
            self._accessors = (memory, cached)
        return cached


def plain(value: Any) -> Any:
    """A JSON-friendly copy of a PLC value (arrays as lists, structs as dicts, private ``_`` keys left out)."""
    if isinstance(value, PlcArray):
        return [plain(v) for v in value.items]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not k.startswith("_")}
    return value


def _instance_names(cpu: CycledCpu) -> dict[int, str]:
    """id(instance dict) -> ``"DB".member[1].inner`` for every structured value in the CPU's data blocks."""
    memory = cpu.memory
    if memory is None:
        return {}
    names: dict[int, str] = {}
    proper = {n.lower(): n for n in cpu.image.digests}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            names[id(value)] = path
            for key, member in value.items():
                if not key.startswith("_") and isinstance(member, (dict, PlcArray)):
                    walk(member, f"{path}.{key}")
        elif isinstance(value, PlcArray):
            for pos, element in enumerate(value.items):
                if isinstance(element, (dict, PlcArray)):
                    walk(element, f"{path}[{value.low + pos}]")

    for key, value in memory.dbs.items():
        walk(value, '"' + proper.get(key, key) + '"')
    return names
