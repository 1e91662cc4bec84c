"""A free-running CPU's thread ends when the CPU is stopped or shut down, even in a cycle that never ends
(issue 12, 14: the server's shutdown waited on free-running instances)."""

from __future__ import annotations

import time
from pathlib import Path

from fakes.runtime.cpu import OperatingMode, OperatingState, SimulatedCpu
from fakes.runtime.cpu_image import ProgramContext
from fakes.runtime.manager import SimulationRuntime
from fakes.runtime.memory import Memory
from tests.runtime.test_cpu import MAIN, Image, _running

WAIT = 10.0
"""Bound on waiting for a free-running thread to start cycling (a shared, loaded machine)."""


def _endless(mem: Memory, rt: ProgramContext) -> None:
    while True:  # a program stuck in a loop: its cycle never ends
        mem.dbs["data"]["count"] += 1


def _started(cpu: SimulatedCpu[Image]) -> None:
    memory = cpu.memory
    assert memory is not None
    deadline = time.monotonic() + WAIT
    while memory.dbs["data"]["count"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert memory.dbs["data"]["count"] > 0


def test_shutdown_ends_a_free_running_thread_stuck_in_its_cycle() -> None:
    cpu = _running(Image({"Main": _endless}, [MAIN]), OperatingMode.DEFAULT)
    runner = cpu._runner
    assert runner is not None
    _started(cpu)
    cpu.shutdown()
    assert not runner.is_alive()


def test_stop_abandons_a_cycle_that_does_not_end_and_the_cpu_stops() -> None:
    cpu = _running(Image({"Main": _endless}, [MAIN]), OperatingMode.DEFAULT)
    runner = cpu._runner
    _started(cpu)
    cpu.stop()
    assert cpu.state == OperatingState.STOP and runner is not None and not runner.is_alive()
    assert [d.event for d in cpu.diagnostics][-1] == "Stop"


def test_the_runtime_manager_shuts_down_every_stuck_instance(tmp_path: Path) -> None:
    manager = SimulationRuntime(tmp_path, Image)
    cpus = [_running(Image({"Main": _endless}, [MAIN]), OperatingMode.DEFAULT) for _ in range(3)]
    for index, cpu in enumerate(cpus):
        manager.instances[f"PLC_{index}"] = cpu
        _started(cpu)
    runners = [cpu._runner for cpu in cpus]
    manager.shutdown()
    assert not any(runner is not None and runner.is_alive() for runner in runners)
