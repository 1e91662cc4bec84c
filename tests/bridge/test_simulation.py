"""The bridge's PLCSIM Advanced idioms, against the PLCSIM stand-in (StandIn.Wire's VirtualCpus on the Softbus)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.areas.simulation_models import (
    SimIpSuite,
    SimProfileInstance,
    SimTagWrite,
)
from engineering_api.backend.errors import (
    ConflictError,
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from tests.lib.outcomes import raises_code


@pytest.fixture
def wire(bridge: Any) -> Any:
    """``StandIn.Wire.Softbus``: the virtual CPUs PLCSIM's stand-in registers (and a TIA download finds)."""
    from StandIn.Wire import Softbus

    return Softbus


@pytest.fixture
def plcsim(bridge: Any) -> Any:
    """``Siemens.Simatic.Simulation.Runtime`` of the stand-in, for what another PLCSIM client would do."""
    return bridge._simulation_api.runtime


def _download(cpu: Any, tags: dict[str, tuple[str, Any]]) -> None:
    """What a download leaves on the wire: symbolic tags with their TIA types and values."""
    import System

    casts = {"Int": System.Int16, "DInt": System.Int32, "Bool": System.Boolean, "Real": System.Single}
    for name, (data_type, value) in tags.items():
        cpu.Tags[name] = casts[data_type](value)
        cpu.TagTypes[name] = data_type


def test_without_plcsim_every_method_says_it_is_not_installed(bridge: Any) -> None:
    from openness_bridge.backend import OpennessBackend

    bare = OpennessBackend(bridge._api, bridge._installations)
    err = raises_code(NotSupportedError, "SIM_ENGINE_UNAVAILABLE", bare.simulation.create_instance, "A")
    assert "PLCSIM Advanced is not installed" in err.message
    with pytest.raises(NotSupportedError):
        bare.sim_profiles.list_profiles()
    status = bare.simulation.runtime_status()  # never raises
    assert (status.running, status.api_available) == (False, False)
    assert (
        bare.simulation.session_state().connected is False
        and bare.simulation.status().registered_instances == []
    )


def test_an_instance_is_a_virtual_cpu_on_the_softbus_with_the_ports_cycle(bridge: Any, wire: Any) -> None:
    info = bridge.simulation.create_instance("PLC1", "CPU1516", "SingleStep")
    cpu = wire.Find("plc1")
    assert (cpu.Name, cpu.Id, cpu.CpuType, cpu.OperatingMode) == ("PLC1", info.id, "CPU1516", "SingleStep")
    assert cpu.CycleTimeNs == 10_000_000  # the port's 10 ms, not PLCSIM's 100 ms default
    bridge.simulation.set_instance_network("PLC1", [SimIpSuite(ip_address="192.168.0.10"),
                                             SimIpSuite(ip_address="10.0.0.10", interface="IE2")])
    assert wire.FindByAddress("10.0.0.10").Name == "PLC1" and cpu.CommunicationInterface == "TCPIP"
    network = bridge.simulation.instance_network("PLC1")
    assert [(s.interface, s.ip_address) for s in network.ip_suites] == [("IE1", "192.168.0.10"), ("IE2", "10.0.0.10")]
    assert bridge.simulation.set_instance_network("PLC1", []).communication_interface == "Softbus"
    assert bridge.simulation.list_instances()[0].ip_addresses == []


def test_instances_of_other_plcsim_clients_are_seen_and_looked_up_afresh(bridge: Any, wire: Any, plcsim: Any) -> None:
    other = plcsim.SimulationRuntimeManager.RegisterInstance(plcsim.ECPUType.CPU1518, "FromManager")
    assert [i.name for i in bridge.simulation.list_instances()] == ["FromManager"]
    bridge.simulation.connect("frommanager")
    assert bridge.simulation.session_state().connected_instance == "FromManager"
    other.UnregisterInstance()  # gone behind the bridge's back
    assert bridge.simulation.session_state().connected is False
    raises_code(NotFoundError, "SIM_INSTANCE_NOT_FOUND", bridge.simulation.power_on, "FromManager")


def test_symbolic_tags_load_the_tag_list_first_and_again_after_a_download(bridge: Any, wire: Any) -> None:
    bridge.simulation.create_instance("T")
    bridge.simulation.power_on("T")
    cpu = wire.Find("T")
    _download(cpu, {"Data.count": ("Int", 3), "Motor_On": ("Bool", False)})
    assert bridge.sim_tags.read_tag('"Data".count', instance="T").value == 3  # quotes dropped, list loaded first
    stored = bridge.sim_tags.write_tag("Data.count", 40000, instance="T")
    assert (stored.value, stored.data_type) == (-25536, "Int")  # wrapped into an Int
    _download(cpu, {"Speed": ("Real", 1.5)})  # a new download: PLCSIM's stored list is out of date
    bridge.simulation.connect("T")
    _download(cpu, {"Ramp": ("DInt", 7)})
    assert bridge.sim_tags.read_tag("Ramp").value == 7  # NotUpToDate -> UpdateTagList -> read again
    _download(cpu, {"Limit": ("DInt", 9)})
    raises_code(ConflictError, "SIM_TAG_LIST_NOT_UP_TO_DATE", bridge.sim_tags.list_tags)
    listed = bridge.sim_tags.refresh_tags()
    assert {(t.name, t.data_type) for t in listed.tags} >= {("Data.count", "Int"), ("Limit", "DInt"), ("Speed", "Real")}
    assert [t.name for t in bridge.sim_tags.list_tags(filter="mot*").tags] == ["Motor_On"]
    raises_code(ValidationError, "SIM_TAG_TYPE_MISMATCH", bridge.sim_tags.write_tag, "Motor_On", "yes")


def test_plcsim_error_codes_keep_the_exception(bridge: Any) -> None:
    bridge.simulation.create_instance("T")
    bridge.simulation.power_on("T")
    error = raises_code(NotFoundError, "SIM_TAG_NOT_FOUND", bridge.sim_tags.read_tag, "Ghost", instance="T")
    assert error.details["runtimeErrorCode"] == "DoesNotExist"
    assert error.details["plcsim"]["type"] == "Siemens.Simatic.Simulation.Runtime.SimulationRuntimeException"
    with pytest.raises(NotFoundError) as outside:
        bridge.sim_tags.read_tag("%MB99999", instance="T")  # beyond the marker area: IndexOutOfRange
    assert outside.value.details["runtimeErrorCode"] == "IndexOutOfRange"
    result = bridge.sim_tags.batch_read(["%MB99999", "%DB1.DBX0.0"], instance="T")
    assert [r.error.code for r in result] == ["DoesNotExist", "DoesNotExist"]


def test_absolute_addresses_use_the_io_areas_big_endian(bridge: Any, wire: Any) -> None:
    bridge.simulation.create_instance("T")
    bridge.simulation.power_on("T")
    cpu = wire.Find("T")
    bridge.sim_tags.write_tag("%MD20", 0x01020304, instance="T")
    bridge.sim_tags.write_tag("%Q1.7", True, instance="T")
    assert list(cpu.Markers)[20:24] == [1, 2, 3, 4] and cpu.Outputs[1] == 0x80
    results = bridge.sim_tags.batch_write([SimTagWrite(name="%IW2", value=-1), SimTagWrite(name="%I0.0", value=2)],
                                     instance="T")
    assert (results[0].value, results[0].data_type) == (0xFFFF, "Word")
    assert results[1].error is not None and results[1].error.code == "TypeMismatch"
    bridge.simulation.power_off("T")
    assert list(cpu.Markers)[20:24] == [0, 0, 0, 0]  # non-retentive data is lost


def test_steps_run_to_the_next_sync_point_and_restore_the_cycle_time(bridge: Any, wire: Any, plcsim: Any) -> None:
    bridge.simulation.create_instance("S", operating_mode="SingleStep")
    bridge.simulation.power_on("S")
    assert bridge.simulation.run("S").operating_state == "Run"
    instance = plcsim.SimulationRuntimeManager.CreateInterface("S")
    assert str(instance.OperatingState) == "Freeze"  # PLCSIM's state of a stepped CPU between cycles
    result = bridge.simulation.step("S", milliseconds=25)
    cpu = wire.Find("S")
    assert (result.cycles, result.virtual_time_ms, cpu.Cycles, cpu.CycleTimeNs) == (3, 25, 3, 10_000_000)
    config = bridge.simulation.update_instance_config("S", cycle_time_ms=4, scale_factor=2, min_cycle_time_ms=5)
    assert (config.cycle_time_ms, config.scale_factor, config.min_cycle_time_ms) == (4, 2, 5)
    assert bridge.simulation.step("S", cycles=2).virtual_time_ms == pytest.approx(33)
    state = bridge.simulation.instance_state("S")
    assert state.scan_time.cycles == 5 and state.virtual_time_ms == pytest.approx(33)
    events = [e.event for e in bridge.simulation.diagnostics("S").entries]
    assert events[:3] == ["Startup", "PowerOn", "Register"]


def test_runtime_manager_port_and_availability(bridge: Any, wire: Any) -> None:
    assert bridge.simulation.set_port(4444).port == 4444 and wire.ManagerPort == 4444
    assert bridge.simulation.update_runtime_config(network_mode=None, port=5555).port == 5555
    assert bridge.simulation.set_port(None).port is None and wire.ManagerPort == 0
    with pytest.raises(ValidationError):
        bridge.simulation.set_port(80)
    assert bridge.simulation.update_runtime_config(network_mode="Softbus", port=None).network_mode == "Softbus"
    wire.ManagerAvailable = False
    assert bridge.simulation.runtime_status().running is False  # never raises
    raises_code(ConflictError, "SIM_RUNTIME_STOPPED", bridge.simulation.create_instance, "A")
    with pytest.raises(ConflictError):
        bridge.simulation.start_runtime()


def test_the_promiscuous_switch_is_not_read_or_written_as_the_network_mode(bridge: Any, plcsim: Any) -> None:
    # The real API (50.42.10.0) names its promiscuous-mode switch NetworkMode; no API has a Softbus/TCP-IP one.
    manager = plcsim.SimulationRuntimeManager
    manager.NetworkMode = plcsim.ECommunicationMode.Promiscuous
    try:
        assert bridge.simulation.runtime_status().network_mode == "Softbus"
        assert bridge.simulation.runtime_config().network_mode == "Softbus"
        raises_code(NotSupportedError, "NO_OPENNESS_EQUIVALENT", bridge.simulation.update_runtime_config,
                    network_mode="TCPIPSingleAdapter", port=None)
        assert str(manager.NetworkMode) == "Promiscuous"
    finally:
        manager.NetworkMode = plcsim.ECommunicationMode.Non_Promiscuous


def test_profiles_are_json_files_in_the_state_dir(bridge: Any) -> None:
    bridge.sim_profiles.save_profile("Cell", description="d",
                                         instances=[SimProfileInstance(name="A", cpu_type="CPU1518")])
    stored = json.loads((Path(bridge._state_dir) / "plcsim-profiles" / "Cell.json").read_text(encoding="utf-8"))
    assert stored["instances"] == [{"name": "A", "cpuType": "CPU1518", "operatingMode": "Default"}]
    with pytest.raises(ValidationError):  # a CPU type this PLCSIM does not know
        bridge.sim_profiles.save_profile("Bad", description="",
                                             instances=[SimProfileInstance(name="B", cpu_type="CPU1519")])
    assert [i.cpu_type for i in bridge.sim_profiles.apply_profile("Cell")] == ["CPU1518"]


def test_plcsim_is_called_on_the_worker_thread_only(bridge: Any) -> None:
    errors: list[BaseException] = []

    def other() -> None:
        try:
            bridge.simulation.list_instances()
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)


def test_a_timespan_synchronized_step_is_one_start_processing(bridge: Any, wire: Any) -> None:
    bridge.simulation.create_instance("TS", operating_mode="TimespanSynchronized")
    bridge.simulation.power_on("TS")
    bridge.simulation.run("TS")
    result = bridge.simulation.step("TS", milliseconds=25)
    cpu = wire.Find("TS")
    assert (result.cycles, result.virtual_time_ms, result.operating_state) == (3, 25, "Run")
    assert (cpu.Cycles, cpu.VirtualTimeNs) == (3, 25_000_000)  # one call covered the whole span
    assert bridge.simulation.step("TS", cycles=2).virtual_time_ms == pytest.approx(45)
    assert bridge.simulation.instance_state("TS").scan_time.cycles == 5


def test_a_download_through_the_service_refreshes_the_connected_instances_tag_list(bridge: Any, wire: Any) -> None:
    bridge.simulation.create_instance("T")
    bridge.simulation.power_on("T")
    bridge.simulation.connect("T")
    _download(wire.Find("T"), {"Level": ("Int", 4)})
    assert bridge.simulation.instance_state("T").tags_up_to_date is False
    bridge.simulation.refresh_after_download("t")  # what the online area calls after its download
    assert bridge.simulation.instance_state("T").tags_up_to_date is True
    assert [t.name for t in bridge.sim_tags.list_tags().tags] == ["Level"]
