"""The snapshots port area on every adapter: the fake takes and restores a CPU's state (bit memory, virtual clock,
operating state; forces in tests/runtime/test_cpu_snapshot.py) with the area's errors; an adapter over PLCSIM Advanced
refuses every call with ``NO_PLCSIM_EQUIVALENT`` (its ArchiveStorage/RetrieveStorage keep only a powered-off
instance's program and retentive data, see :mod:`engineering_api.backend.areas.simulation_snapshots`).

Values are bit memory and inputs, which every CPU has, so no program is needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engineering_api.backend.areas.simulation_snapshots import MAX_SNAPSHOTS
from engineering_api.backend.errors import (AlreadyExistsError, ConflictError, NotFoundError, NotSupportedError,
                                            ValidationError)
from tests.lib.outcomes import raises_code

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend

BRIDGE_PENDING: dict[str, str] = {}
"""Every test runs on the bridge too: there it checks the refusal."""


@pytest.fixture
def running(backend: EngineeringBackend, powered_instance: str) -> str:
    backend.simulation.connect(powered_instance)
    backend.simulation.run(powered_instance)
    return powered_instance


def _refused_on_plcsim(backend: EngineeringBackend, instance: str) -> bool:
    """On an adapter other than the fake, every call answers NO_PLCSIM_EQUIVALENT (and the test ends there)."""
    if backend.name == "fake":
        return False
    snapshots = backend.sim_snapshots
    for call, args in ((snapshots.list_snapshots, (instance,)), (snapshots.create_snapshot, (instance, "s")),
                       (snapshots.restore_snapshot, (instance, "s")), (snapshots.delete_snapshot, (instance, "s"))):
        raised = raises_code(NotSupportedError, "NO_PLCSIM_EQUIVALENT", call, *args)
        assert "RetrieveStorage" in raised.message
    return True


def test_a_restore_puts_back_values_clock_state_and_forces(backend: EngineeringBackend, running: str) -> None:
    if _refused_on_plcsim(backend, running):
        return
    tags, sim, snapshots = backend.sim_tags, backend.simulation, backend.sim_snapshots
    tags.write_tag("%MW10", 513)
    sim.step(running, cycles=3)
    taken = snapshots.create_snapshot(running, "Three")
    assert (taken.name, taken.instance, taken.operating_state, taken.virtual_time_ms) == ("Three", "SIM", "Run", 30)
    tags.write_tag("%MW10", 7)
    sim.step(running, cycles=2)
    raises_code(ConflictError, "SIM_SNAPSHOT_CPU_RUNNING", snapshots.restore_snapshot, running, "Three")
    assert tags.read_tag("%MW10").value == 7
    sim.stop(running, confirm=True)
    restored = snapshots.restore_snapshot(running, "three")
    assert (restored.state.operating_state, restored.state.virtual_time_ms) == ("Run", 30)
    assert tags.read_tag("%MW10").value == 513 and restored.snapshot == taken
    assert [s.name for s in backend.sim_snapshots.list_snapshots(running)] == ["Three"]
    assert snapshots.delete_snapshot(running, "THREE") == taken and snapshots.list_snapshots(running) == []


def test_the_areas_errors(backend: EngineeringBackend, running: str) -> None:
    if _refused_on_plcsim(backend, running):
        return
    snapshots = backend.sim_snapshots
    raises_code(ValidationError, "SIM_SNAPSHOT_NAME_INVALID", snapshots.create_snapshot, running, "../up")
    raises_code(NotFoundError, "SIM_INSTANCE_NOT_FOUND", snapshots.list_snapshots, "Nope")
    raises_code(NotFoundError, "SIM_SNAPSHOT_NOT_FOUND", snapshots.restore_snapshot, running, "Nope")
    raises_code(NotFoundError, "SIM_SNAPSHOT_NOT_FOUND", snapshots.delete_snapshot, running, "Nope")
    for number in range(MAX_SNAPSHOTS):
        snapshots.create_snapshot(running, f"s{number}")
    raises_code(AlreadyExistsError, "SIM_SNAPSHOT_EXISTS", snapshots.create_snapshot, running, "S0")
    raises_code(ConflictError, "SIM_SNAPSHOT_LIMIT", snapshots.create_snapshot, running, "one more")
    backend.simulation.power_off(running, confirm=True)
    raises_code(ConflictError, "INSTANCE_OFF", snapshots.restore_snapshot, running, "s0")
    backend.simulation.delete_instance(running)
    backend.simulation.create_instance("SIM", "CPU1516", "SingleStep")
    assert snapshots.list_snapshots("SIM") == []  # a new instance of that name has none of the old one's
