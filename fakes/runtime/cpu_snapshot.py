"""A simulated CPU's whole state, copied between two cycles and put back: what a snapshot of an instance holds.

The state is what the next cycles of the same program depend on (see
:mod:`engineering_api.backend.areas.simulation_snapshots` for what is in and what is left out, and why): the memory
(I, Q, M and every data block, the IEC timers' and counters' instances among them), the virtual clock and its
``SystemTime`` base, the cyclic interrupts' next times, the first-cycle flag, the forces, the operating state and the
operating mode with its timing. The functions work on :class:`~fakes.runtime.cpu.SimulatedCpu`'s own fields (this
module is the CPU's, split from it for its size) and are called with the CPU's lock held by the caller, which checks
the operating state first.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .cpu import OperatingMode, OperatingState, _Force
from .values import clone

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .cpu import SimulatedCpu
    from .memory import Memory

__all__ = ("CpuSnapshot", "put_back", "runs_freely", "same_program", "take")


@dataclass(frozen=True, slots=True)
class CpuSnapshot:
    """A copy of a CPU's state (never shared with the CPU: taking and restoring both copy)."""

    memory: Memory
    now_ns: int
    clock_base_ns: int
    next_fire: Mapping[str, int]
    first_cycle: bool
    state: OperatingState
    mode: OperatingMode
    cycle_ms: float
    min_cycle_ms: float
    scale_factor: float
    forces: Mapping[str, Any]
    """Forced operand (as it was named) -> value."""
    digests: Mapping[str, str]
    """The program's objects and their digests: a restore needs the same program loaded."""
    device: str | None


def take(cpu: SimulatedCpu[Any]) -> CpuSnapshot:
    """A copy of ``cpu``'s state; the CPU is powered on (its memory exists) and its lock is held."""
    if cpu.memory is None:
        raise ValueError(f'The instance "{cpu.name}" is powered off: it has no state to copy.')
    config = cpu.config
    return CpuSnapshot(
        memory=copy.deepcopy(cpu.memory), now_ns=cpu.now_ns, clock_base_ns=cpu.clock_base_ns,
        next_fire=dict(cpu._next_fire), first_cycle=cpu._first_cycle, state=cpu.state, mode=config.mode,
        cycle_ms=config.cycle_ms, min_cycle_ms=config.min_cycle_ms, scale_factor=config.scale_factor,
        forces={f.name: clone(f.value) for f in cpu._forces.values()}, digests=dict(cpu.image.digests),
        device=cpu.device,
    )


def same_program(cpu: SimulatedCpu[Any], snapshot: CpuSnapshot) -> bool:
    """Whether ``cpu`` runs the program the snapshot was taken with (each object's digest, as a download compares)."""
    return dict(cpu.image.digests) == dict(snapshot.digests)


def put_back(cpu: SimulatedCpu[Any], snapshot: CpuSnapshot, note: str) -> None:
    """Give ``cpu`` the snapshot's state; the CPU is in STOP, runs the same program, and its lock is held.

    A snapshot taken in RUN leaves the CPU in RUN at the snapshot's time, without a startup (which would give the
    non-retentive values their start values again); in operating mode Default the caller then starts the
    free-running thread (:func:`runs_freely`). ``note`` goes to the diagnostic buffer.
    """
    memory = copy.deepcopy(snapshot.memory)
    cpu.memory = memory
    cpu.now_ns, cpu.clock_base_ns = snapshot.now_ns, snapshot.clock_base_ns
    cpu._next_fire = dict(snapshot.next_fire)
    cpu._first_cycle = snapshot.first_cycle
    config = cpu.config
    config.mode, config.cycle_ms = snapshot.mode, snapshot.cycle_ms
    config.min_cycle_ms, config.scale_factor = snapshot.min_cycle_ms, snapshot.scale_factor
    forces = {}
    for name, value in snapshot.forces.items():
        forces[name.lower()] = _Force(name, clone(value), cpu.image.resolve(memory, name))
    cpu._forces = forces
    cpu._apply_forces()
    for item in cpu.events.items:  # sampling deadlines were on the clock that moved: sample from the next cycle
        item.next_ns = 0
    cpu.state = snapshot.state
    cpu._log("SnapshotRestored", note)


def runs_freely(cpu: SimulatedCpu[Any]) -> bool:
    """Whether the restored CPU is in RUN in operating mode Default, so its free-running thread must be started."""
    return cpu.state == OperatingState.RUN and cpu.config.mode == OperatingMode.DEFAULT
