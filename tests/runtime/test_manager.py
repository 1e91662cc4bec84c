"""The fake PLCSIM Advanced runtime manager: instance limits and names, deletion rules, IP suites, the
connected instance and profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes.runtime.cpu import IpSuite
from fakes.runtime.manager import MAX_INSTANCES, Profile, SimulationError, SimulationRuntime
from tests.runtime.cpu_images import Image


@pytest.fixture
def runtime(tmp_path: Path) -> SimulationRuntime[Image]:
    return SimulationRuntime(tmp_path, empty_image=Image)


def _code(call, *args) -> str:  # a callable and its arguments
    with pytest.raises(SimulationError) as err:
        call(*args)
    return err.value.code


def test_at_most_sixteen_instances_with_unique_names(runtime: SimulationRuntime[Image]) -> None:
    for n in range(MAX_INSTANCES):
        runtime.create(f"PLC_{n}", "CPU1516")
    assert _code(runtime.create, "plc_3") == "exists"
    assert _code(runtime.create, "PLC_99") == "limit"
    assert [c.id for c in runtime.instances.values()] == list(range(1, MAX_INSTANCES + 1))


def test_names_and_cpu_types_are_validated(runtime: SimulationRuntime[Image]) -> None:
    assert _code(runtime.create, "../evil") == "invalid"
    assert _code(runtime.create, "") == "invalid"
    assert _code(runtime.create, "PLC", "CPU9999") == "invalid"


def test_an_instance_is_deleted_only_when_powered_off(runtime: SimulationRuntime[Image]) -> None:
    cpu = runtime.create("PLC_A")
    runtime.connect("plc_a")
    cpu.power_on()
    assert _code(runtime.delete, "PLC_A") == "busy"
    cpu.power_off()
    runtime.delete("PLC_A")
    assert runtime.instances == {} and runtime.connected is None
    assert _code(runtime.get, "PLC_A") == "not-found"


def test_ip_suites_are_checked_and_unique(runtime: SimulationRuntime[Image]) -> None:
    a = runtime.create("A")
    b = runtime.create("B")
    runtime.set_network("A", [IpSuite("IE1", "192.168.0.1")])
    assert a.communication_interface == "TCPIP"
    assert runtime.by_ip("192.168.0.1") is a
    assert _code(runtime.set_network, "B", [IpSuite("IE1", "192.168.0.1")]) == "exists"
    assert _code(runtime.set_network, "B", [IpSuite("IE1", "192.168.0.300")]) == "invalid"
    runtime.set_network("A", [])
    assert a.communication_interface == "Softbus" and b.ip_suites == []


def test_connection_and_stopped_runtime(runtime: SimulationRuntime[Image]) -> None:
    assert _code(runtime.connected_cpu) == "not-connected"
    runtime.create("A")
    assert runtime.connect("a").name == "A" and runtime.connected_cpu().name == "A"
    runtime.disconnect()
    runtime.running = False
    assert _code(runtime.create, "B") == "runtime-stopped"
    runtime.start()
    runtime.set_port(4444)
    assert runtime.port == 4444
    assert _code(runtime.set_port, 80) == "invalid"


def test_profiles_are_saved_listed_and_read_back(runtime: SimulationRuntime[Image]) -> None:
    profile = Profile("Line1", "two CPUs", [{"name": "A", "cpuType": "CPU1516"}, {"name": "B"}])
    runtime.save_profile(profile)
    assert [p.name for p in runtime.profiles()] == ["Line1"]
    assert runtime.profile("Line1.json") == profile
    assert _code(runtime.profile, "../etc/passwd") == "not-found"
    assert _code(runtime.profile, "Missing") == "not-found"
    assert _code(runtime.save_profile, Profile("../x")) == "invalid"
    assert _code(runtime.save_profile, Profile("P", instances=[{"name": "A", "cpuType": "Z80"}])) == "invalid"
