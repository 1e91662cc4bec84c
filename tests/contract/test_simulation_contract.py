"""The simulation port: what every adapter's PLCSIM Advanced must do, and the errors it raises.

Programs are not downloaded here (that is the online area's port); absolute addresses (``%MW10``, ``%I0.1``)
exist in every CPU, so tag access is exercised on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engineering_api.backend.areas.simulation_models import SimIpSuite, SimProfileInstance, SimTagWrite
from engineering_api.backend.errors import (
    AlreadyExistsError, ConflictError, NotFoundError, NotSupportedError, ValidationError,
)
from tests.lib.outcomes import raises_code

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend

BRIDGE_PENDING: dict[str, str] = {}
"""Every test runs on the bridge too (PLCSIM Advanced's stand-in; it runs no program, which no test here needs)."""


@pytest.fixture
def stepped(backend: EngineeringBackend, powered_instance: str) -> str:
    """A powered-on SingleStep instance, connected."""
    backend.simulation.connect(powered_instance)
    return powered_instance


def test_harness_calls_run_step_read_write_state(backend: EngineeringBackend, stepped: str) -> None:
    assert backend.simulation.run(stepped).operating_state == "Run"
    assert backend.sim_tags.write_tag("%MW10", 513).value == 513
    assert backend.sim_tags.read_tag("%MB11").value == 1
    assert backend.sim_tags.read_tag("%MB10", instance=stepped).value == 2
    assert backend.sim_tags.write_tag("%I0.1", True, instance=None).value is True
    result = backend.simulation.step(stepped, cycles=3)
    assert (result.cycles, result.operating_state, result.stopped) == (3, "Run", False)
    assert backend.simulation.step(None, milliseconds=25).virtual_time_ms == pytest.approx(55)
    state = backend.simulation.instance_state(stepped)
    assert state.operating_state == "Run" and state.scan_time.cycles == 6 and state.virtual_time_ms == pytest.approx(55)
    assert backend.simulation.stop(stepped, confirm=True).operating_state == "Stop"
    assert backend.sim_tags.read_tag("%MW10").value == 513  # STOP keeps the values
    assert backend.simulation.memory_reset(stepped).operating_state == "Stop"
    assert backend.sim_tags.read_tag("%MW10").value == 0


def test_state_errors(backend: EngineeringBackend, stepped: str) -> None:
    raises_code(ConflictError, "CPU_NOT_RUNNING", backend.simulation.step, stepped, cycles=1)
    backend.simulation.run(stepped)
    raises_code(ValidationError, "SIM_BAD_STEP", backend.simulation.step, stepped)
    backend.simulation.update_instance_config(stepped, operating_mode="Default")
    raises_code(ConflictError, "SIM_FREE_RUNNING", backend.simulation.step, stepped, cycles=1)
    backend.simulation.power_off(stepped, confirm=True)
    raises_code(ConflictError, "INSTANCE_OFF", backend.simulation.run, stepped)
    raises_code(NotFoundError, "SIM_INSTANCE_NOT_FOUND", backend.simulation.instance_state, "Nope")


def test_tag_errors_single_and_batch(backend: EngineeringBackend, stepped: str) -> None:
    raises_code(NotFoundError, "SIM_TAG_NOT_FOUND", backend.sim_tags.read_tag, "NoSuchTag")
    raises_code(ValidationError, "SIM_TAG_TYPE_MISMATCH", backend.sim_tags.write_tag, "%MW0", "lots")
    results = backend.sim_tags.batch_write([SimTagWrite(name="%MB0", value=7), SimTagWrite(name="Ghost", value=1),
                                       SimTagWrite(name="%MB1", value="x")])
    assert [r.error.code if r.error else None for r in results] == [None, "DoesNotExist", "TypeMismatch"]
    assert [r.value for r in backend.sim_tags.batch_read(["%MB0", "Ghost"])] == [7, None]
    backend.simulation.power_off(stepped)
    raises_code(ConflictError, "INSTANCE_OFF", backend.sim_tags.read_tag, "%MB0")
    [answer] = backend.sim_tags.batch_read(["%MB0"])
    assert answer.error is not None and answer.error.code == "InstanceNotRunning"
    backend.simulation.disconnect()
    raises_code(ConflictError, "SIM_NOT_CONNECTED", backend.sim_tags.batch_read, ["%MB0"])
    with pytest.raises(ValidationError):
        backend.sim_tags.batch_read([], instance=stepped)


def test_registry_rules(backend: EngineeringBackend) -> None:
    backend.simulation.create_instance("A")
    with pytest.raises(AlreadyExistsError):
        backend.simulation.create_instance("a")
    with pytest.raises(ValidationError):
        backend.simulation.create_instance("B", "CPU315")
    raises_code(ValidationError, "SIM_CPU_TYPE_READ_ONLY", backend.simulation.update_instance_config, "A",
                cpu_type="CPU1518")
    for number in range(15):
        backend.simulation.create_instance(f"N{number}")
    raises_code(ConflictError, "SIM_INSTANCE_LIMIT", backend.simulation.create_instance, "N15")
    backend.simulation.power_on("A")
    with pytest.raises(ConflictError):
        backend.simulation.delete_instance("A")
    backend.simulation.power_off("A")
    assert backend.simulation.delete_instance("A").name == "A"
    assert len(backend.simulation.list_instances()) == 15


def test_network_addresses_are_unique(backend: EngineeringBackend) -> None:
    backend.simulation.create_instance("A")
    backend.simulation.create_instance("B")
    backend.simulation.set_instance_network("A", [SimIpSuite(ip_address="192.168.0.1")])
    raises_code(ConflictError, "SIM_IP_IN_USE", backend.simulation.set_instance_network, "B",
                [SimIpSuite(ip_address="192.168.0.1")])
    assert backend.simulation.instance_network("B").ip_suites == []


def test_profiles_round_trip_and_apply_all_or_none(backend: EngineeringBackend) -> None:
    instances = [SimProfileInstance(name="P1", cpu_type="CPU1515", ip_address="10.0.0.1"),
                 SimProfileInstance(name="P2", operating_mode="TimespanSynchronized")]
    saved = backend.sim_profiles.save_profile("Cell", description="cell", instances=instances)
    assert backend.sim_profiles.get_profile("Cell.json") == saved and backend.sim_profiles.list_profiles() == [
        saved
    ]
    with pytest.raises(AlreadyExistsError):
        backend.sim_profiles.save_profile("Cell", description="", instances=[])
    backend.simulation.create_instance("P2")
    with pytest.raises(AlreadyExistsError):
        backend.sim_profiles.apply_profile("Cell")
    assert [i.name for i in backend.simulation.list_instances()] == ["P2"]
    backend.simulation.delete_instance("P2")
    made = backend.sim_profiles.apply_profile("Cell")
    assert [(i.name, i.cpu_type, i.operating_mode, i.ip_addresses) for i in made] == [
        ("P1", "CPU1515", "Default", ["10.0.0.1"]), ("P2", "CPU1500_Unspecified", "TimespanSynchronized", [])]
    raises_code(NotFoundError, "SIM_PROFILE_NOT_FOUND", backend.sim_profiles.get_profile, "Nope")


def test_session_and_status(backend: EngineeringBackend) -> None:
    backend.simulation.create_instance("S", operating_mode="SingleStep")
    session = backend.simulation.start_session("S")
    assert (session.connected_instance, session.running, session.operating_state) == ("S", True, "Run")
    status = backend.simulation.status()
    assert status.connected_instance == "S" and [i.name for i in status.registered_instances] == ["S"]
    assert backend.simulation.stop_session(confirm=True).connected is False
    assert backend.simulation.instance_state("S").operating_state == "Stop"
    with pytest.raises(ConflictError):
        backend.simulation.stop_session()
    raises_code(NotSupportedError, "SIM_LEGACY_NOT_SUPPORTED", backend.sim_profiles.import_legacy, None)
