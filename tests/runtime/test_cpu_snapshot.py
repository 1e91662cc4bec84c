"""A simulated CPU's state copied and put back (:mod:`fakes.runtime.cpu_snapshot`), against the stand-in program image
of ``test_cpu``: the data block, the clock, a cyclic interrupt's schedule and the forces come back exactly, a copy is
never shared with the CPU, and a free-running CPU restored into RUN runs on by itself."""

from __future__ import annotations

import copy
import threading

from fakes.runtime.cpu import OperatingMode, OperatingState, SimulatedCpu
from fakes.runtime.cpu_image import ObEntry, ProgramContext
from fakes.runtime.cpu_snapshot import put_back, runs_freely, same_program, take
from fakes.runtime.memory import Memory
from tests.runtime.cpu_images import MAIN, Image, count_cycle, data_of, running_cpu
from tools.bounds import HANG_GUARD_S


def _program() -> Image:
    def main(mem: Memory, rt: ProgramContext) -> None:
        count_cycle(mem, rt)
        mem.outputs[0] = mem.inputs[0]

    def every_25_ms(mem: Memory, rt: ProgramContext) -> None:
        mem.markers[0] = (mem.markers[0] + 1) & 0xFF

    return Image({"Main": main, "Cyclic": every_25_ms},
                 [ObEntry("Cyclic", 30, "CyclicInterrupt", period_ms=25), MAIN], digests={"Main": "1"})


def _seen(cpu: SimulatedCpu[Image]) -> tuple[object, ...]:
    """What the program computed and the CPU holds: the DB, a marker, an output, the clock, the forces."""
    memory = cpu.memory
    assert memory is not None
    return (copy.deepcopy(memory.dbs["data"]), memory.markers[0], memory.outputs[0], cpu.now_ns, cpu.forces())


def test_the_cycles_after_a_restore_are_the_cycles_after_the_snapshot() -> None:
    cpu = running_cpu(_program())
    cpu.force("%I0.0", True)
    cpu.step(cycles=4)
    with cpu.lock:
        snapshot = take(cpu)
    cpu.step(cycles=7)
    after = _seen(cpu)
    cpu.unforce()
    cpu.write("%I0.0", False)
    cpu.write('"Data".count', 1000)
    cpu.step(cycles=2)
    cpu.stop()
    with cpu.lock:
        assert same_program(cpu, snapshot)
        put_back(cpu, snapshot, "restored for the test")
    assert cpu.state == OperatingState.RUN and cpu.forces() == {"%I0.0": True}
    assert cpu.now_ns == 40_000_000 and not runs_freely(cpu)
    assert cpu.diagnostics[-1].event == "SnapshotRestored"
    cpu.step(cycles=7)
    assert _seen(cpu) == after
    # the snapshot was not changed by the cycles it replayed: a second restore replays them again
    cpu.stop()
    with cpu.lock:
        put_back(cpu, snapshot, "again")
    assert data_of(cpu)["count"] == 4
    cpu.step(cycles=7)
    assert _seen(cpu) == after


def test_another_program_is_not_the_same_program() -> None:
    cpu = running_cpu(_program())
    with cpu.lock:
        snapshot = take(cpu)
    cpu.load(Image({"Main": count_cycle}, [MAIN], digests={"Main": "2"}), device="PLC_1", stop_allowed=True)
    assert not same_program(cpu, snapshot)


def test_a_free_running_cpu_restored_into_run_runs_on() -> None:
    cpu = running_cpu(_program(), mode=OperatingMode.DEFAULT)
    counted = threading.Event()
    try:
        with cpu.lock:
            snapshot = take(cpu)
        cpu.stop()
        with cpu.lock:
            put_back(cpu, snapshot, "restored")
            start = runs_freely(cpu)
        assert start
        cpu._start_runner()
        before = data_of(cpu)["count"]
        for _ in range(int(HANG_GUARD_S * 100)):  # the free-running thread counts on its own
            with cpu.lock:
                if data_of(cpu)["count"] > before:
                    counted.set()
                    break
            counted.wait(0.01)
        assert counted.is_set()
    finally:
        cpu.shutdown()
