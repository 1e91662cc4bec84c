"""The snapshots area of the fake: copies of a simulated CPU's state (:mod:`fakes.runtime.cpu_snapshot`), kept per
instance in memory for as long as the instance exists (instances are in memory too)."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.simulation import SimSnapshotsPort
from engineering_api.backend.areas.simulation_snapshots import (MAX_SNAPSHOTS, SimSnapshotInfo, SimSnapshotRestored,
                                                                check_snapshot_name)
from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError
from engineering_api.errors import codes
from engineering_api.lib.encoded_paths import segment
from engineering_api.lib.schema import utc_now
from fakes.runtime.cpu import OperatingState, SimulatedCpu
from fakes.runtime.cpu_snapshot import CpuSnapshot, put_back, runs_freely, same_program, take
from fakes.simulation_ops import cpu_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.simulation_models import SimInstanceState
    from fakes.runtime.manager import SimulationRuntime

__all__ = ("FakeSimSnapshots",)


@dataclass(frozen=True, slots=True)
class _Kept:
    info: SimSnapshotInfo
    state: CpuSnapshot


class FakeSimSnapshots(SimSnapshotsPort):
    """Snapshots of the fake's simulated CPUs.

    Args:
        plcsim: the machine's PLCSIM Advanced, whose instances the snapshots are of.
        state_of: the simulation area's ``instance_state`` (a restore answers the state after it).
    """

    def __init__(self, plcsim: SimulationRuntime, *, state_of: Callable[[str], SimInstanceState]) -> None:
        self._plcsim = plcsim
        self._state_of = state_of
        # Keyed by the CPU object: a deleted instance's snapshots go with it, and a new instance of the same name
        # does not find them.
        self._kept: weakref.WeakKeyDictionary[SimulatedCpu[Any], dict[str, _Kept]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def _of(self, cpu: SimulatedCpu[Any]) -> dict[str, _Kept]:
        with self._lock:
            return self._kept.setdefault(cpu, {})

    def _find(self, cpu: SimulatedCpu[Any], name: str) -> _Kept:
        kept = self._of(cpu).get(name.casefold())
        if kept is None:
            raise NotFoundError(f'The instance "{cpu.name}" has no snapshot "{name}". List its snapshots (GET '
                                f"/api/simulation/instances/{segment(cpu.name)}/snapshots).",
                                code=codes.SIM_SNAPSHOT_NOT_FOUND, details={"instance": cpu.name, "snapshot": name})
        return kept

    def list_snapshots(self, instance: str) -> list[SimSnapshotInfo]:
        cpu = cpu_of(self._plcsim, instance)
        return [kept.info for kept in self._of(cpu).values()]

    def create_snapshot(self, instance: str, name: str) -> SimSnapshotInfo:
        cpu = cpu_of(self._plcsim, instance)
        check_snapshot_name(name)
        kept = self._of(cpu)
        if name.casefold() in kept:
            raise AlreadyExistsError(f'The instance "{cpu.name}" already has a snapshot "{name}". Delete it first, or '
                                     "take the snapshot under another name.", code=codes.SIM_SNAPSHOT_EXISTS,
                                     details={"instance": cpu.name, "snapshot": name})
        if len(kept) >= MAX_SNAPSHOTS:
            raise ConflictError(f'The instance "{cpu.name}" keeps at most {MAX_SNAPSHOTS} snapshots. Delete one '
                                "first.", code=codes.SIM_SNAPSHOT_LIMIT, details={"instance": cpu.name})
        with cpu.lock:  # between two cycles of a free-running CPU
            _require_on(cpu)
            state = take(cpu)
        info = SimSnapshotInfo(
            name=name, instance=cpu.name, created_at=utc_now(), virtual_time_ms=state.now_ns / 1_000_000,
            operating_state=str(state.state), operating_mode=str(state.mode), cycle_time_ms=state.cycle_ms,
            device=state.device, data_block_count=len(state.memory.dbs), force_count=len(state.forces))
        kept[name.casefold()] = _Kept(info, state)
        return info

    def restore_snapshot(self, instance: str, name: str) -> SimSnapshotRestored:
        cpu = cpu_of(self._plcsim, instance)
        kept = self._find(cpu, name)
        with cpu.lock:
            _require_on(cpu)
            if cpu.state == OperatingState.RUN:
                raise ConflictError(
                    f'The CPU "{cpu.name}" is in RUN. Stop it first (POST '
                    f'/api/simulation/instances/{segment(cpu.name)}/stop with '
                    '{"confirm": true}), then restore: the CPU goes back to the snapshot\'s operating state.',
                    code=codes.SIM_SNAPSHOT_CPU_RUNNING, details={"instance": cpu.name, "snapshot": kept.info.name})
            if not same_program(cpu, kept.state):
                raise ConflictError(
                    f'Another program was downloaded to "{cpu.name}" since the snapshot "{kept.info.name}" was taken, '
                    "so its data blocks may not fit. Download the program it was taken with, or take a new "
                    "snapshot.", code=codes.SIM_SNAPSHOT_PROGRAM_CHANGED,
                    details={"instance": cpu.name, "snapshot": kept.info.name, "device": kept.info.device})
            put_back(cpu, kept.state, f'Snapshot "{kept.info.name}" restored: virtual time '
                                      f"{kept.info.virtual_time_ms:g} ms, {kept.info.operating_state.upper()}.")
            start = runs_freely(cpu)
        if start:
            cpu._start_runner()
        return SimSnapshotRestored(snapshot=kept.info, state=self._state_of(cpu.name))

    def delete_snapshot(self, instance: str, name: str) -> SimSnapshotInfo:
        cpu = cpu_of(self._plcsim, instance)
        kept = self._find(cpu, name)
        self._of(cpu).pop(name.casefold(), None)
        return kept.info


def _require_on(cpu: SimulatedCpu[Any]) -> None:
    if cpu.state == OperatingState.OFF:
        raise ConflictError(f'The instance "{cpu.name}" is powered off. Power it on first.', code=codes.INSTANCE_OFF,
                            details={"instance": cpu.name})
