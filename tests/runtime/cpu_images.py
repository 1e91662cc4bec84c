"""Program images for the simulated CPU's tests and a running CPU."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes.runtime.cpu import OperatingMode, SimulatedCpu
from fakes.runtime.cpu_image import ObEntry, ProgramContext
from fakes.runtime.memory import Memory
from fakes.runtime.rtlib import DEFAULT_MAX_CYCLE_MS

__all__ = ("MAIN", "Bit", "Image", "Member", "ObCode", "count_cycle", "data_of", "new_cpu", "running_cpu")

ObCode = Callable[[Memory, ProgramContext], None]
"""An OB of the stand-in program: a Python function of (memory, rt)."""


def _memory() -> Memory:
    """The stand-in program's memory: one DB "Data" (a count, a retentive kept value, a list of times)."""
    memory = Memory(retain_paths=[("data", ("kept",))])
    memory.dbs["data"] = {"count": 0, "kept": 0, "times": []}
    return memory


class Bit:
    def __init__(self, area: bytearray, byte: int, bit: int, address: str) -> None:
        self.area, self.byte, self.bit, self.address, self.data_type = area, byte, bit, address, "Bool"

    def get(self) -> bool:
        return bool(self.area[self.byte] >> self.bit & 1)

    def set(self, value: Any) -> None:
        if not isinstance(value, bool):
            raise TypeError("a Bool needs true or false")
        mask = 1 << self.bit
        self.area[self.byte] = self.area[self.byte] | mask if value else self.area[self.byte] & ~mask


class Member:
    address = None
    data_type = "Int"

    def __init__(self, db: dict[str, Any], key: str) -> None:
        self.db, self.key = db, key

    def get(self) -> Any:
        return self.db[self.key]

    def set(self, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("an Int needs an integer")
        self.db[self.key] = value


class Image:
    """A stand-in for ProgramImage (a :class:`~fakes.runtime.cpu_image.CpuImage`): OBs are Python functions."""

    def __init__(self, code: dict[str, ObCode] | None = None, obs: list[ObEntry] | None = None,
                 digests: dict[str, str] | None = None) -> None:
        self.code = code or {}
        self.obs = obs or []
        self.digests = digests or {}
        self.max_cycle_ms = DEFAULT_MAX_CYCLE_MS

    def new_memory(self) -> Memory:
        return _memory()

    def run_ob(self, entry: ObEntry, mem: Memory, rt: ProgramContext) -> None:
        self.code[entry.name](mem, rt)

    def resolve(self, mem: Memory, name: str) -> Bit | Member:
        areas = {"%I": mem.inputs, "%Q": mem.outputs, "%M": mem.markers}
        if name[:2] in areas and "." in name:
            byte, bit = name[2:].split(".")
            return Bit(areas[name[:2]], int(byte), int(bit), name)
        if name in ('"Data".count', '"Data".kept'):
            return Member(mem.dbs["data"], name.split(".")[1])
        raise LookupError(name)


def new_cpu(image: Image | None = None, mode: OperatingMode = OperatingMode.SINGLE_STEP) -> SimulatedCpu[Image]:
    cpu = SimulatedCpu("PLC_Sim", instance_id=1, empty_image=image or Image())
    cpu.config.mode = mode
    return cpu


def running_cpu(image: Image, mode: OperatingMode = OperatingMode.SINGLE_STEP) -> SimulatedCpu[Image]:
    cpu = new_cpu(image, mode)
    cpu.power_on()
    cpu.run()
    return cpu

MAIN = ObEntry("Main", 1, "ProgramCycle")


def count_cycle(mem: Memory, rt: ProgramContext) -> None:
    """An OB of the stand-in program: counts its cycles in DB "Data" and notes each one's virtual time (ms)."""
    mem.dbs["data"]["count"] += 1
    mem.dbs["data"]["times"].append(rt.now_ns // 1_000_000)


def data_of(cpu: SimulatedCpu[Image]) -> dict[str, Any]:
    """The stand-in's DB "Data" as the CPU holds it (its members: a count, a kept value, a list of times)."""
    assert cpu.memory is not None
    data: dict[str, Any] = cpu.memory.dbs["data"]
    return data
