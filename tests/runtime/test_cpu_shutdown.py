"""A free-running CPU's thread ends when the CPU is stopped or shut down, even in a cycle that never ends
(issue 12, 14: the server's shutdown waited on free-running instances)."""

from __future__ import annotations

import threading
from pathlib import Path

from fakes.runtime.cpu import OperatingMode, OperatingState, SimulatedCpu
from fakes.runtime.cpu_image import ProgramContext
from fakes.runtime.manager import SimulationRuntime
from fakes.runtime.memory import Memory
from tests.runtime.cpu_images import Image, MAIN, running_cpu

WAIT = 10.0
"""Bound on waiting for a free-running thread to enter its cycle (a shared, loaded machine); the wait ends at
the event, not at this bound."""


def _stuck_in_its_cycle() -> SimulatedCpu[Image]:
    """A free-running CPU whose program loops forever, returned once its thread is inside that loop."""
    entered = threading.Event()

    def endless(mem: Memory, rt: ProgramContext) -> None:
        entered.set()
        while True:  # a program stuck in a loop: its cycle never ends
            mem.dbs["data"]["count"] += 1

    cpu = running_cpu(Image({"Main": endless}, [MAIN]), OperatingMode.DEFAULT)
    assert entered.wait(WAIT), "the free-running thread never entered its first cycle"
    return cpu


def test_shutdown_ends_a_free_running_thread_stuck_in_its_cycle() -> None:
    cpu = _stuck_in_its_cycle()
    runner = cpu._runner
    assert runner is not None
    cpu.shutdown()
    assert not runner.is_alive()


def test_stop_abandons_a_cycle_that_does_not_end_and_the_cpu_stops() -> None:
    cpu = _stuck_in_its_cycle()
    runner = cpu._runner
    cpu.stop()
    assert cpu.state == OperatingState.STOP and runner is not None and not runner.is_alive()
    assert [d.event for d in cpu.diagnostics][-1] == "Stop"


def test_the_runtime_manager_shuts_down_every_stuck_instance(tmp_path: Path) -> None:
    manager = SimulationRuntime(tmp_path, Image)
    cpus = [_stuck_in_its_cycle() for _ in range(3)]
    for index, cpu in enumerate(cpus):
        manager.instances[f"PLC_{index}"] = cpu
    runners = [cpu._runner for cpu in cpus]
    manager.shutdown()
    assert not any(runner is not None and runner.is_alive() for runner in runners)
