"""The simulated CPU's operating states, virtual time, OB scheduling, faults, retentive data, forces and
downloads — against a small stand-in program image, so these rules are tested apart from the engine."""

from __future__ import annotations

import threading
import time

import pytest

from fakes.runtime.cpu import CpuStateError, OperatingMode, OperatingState, TagError
from fakes.runtime.cpu_image import ObEntry, ProgramContext
from fakes.runtime.errors import PlcRuntimeError
from fakes.runtime.memory import Memory
from tools.bounds import HANG_GUARD_S
from tests.runtime.cpu_images import MAIN, Image, count_cycle, data_of, new_cpu, running_cpu


def _copy_input(mem: Memory, rt: ProgramContext) -> None:
    mem.outputs[0] = mem.inputs[0]


def test_power_on_goes_to_stop_run_and_stop_follow_plcsim_states() -> None:
    cpu = new_cpu()
    assert cpu.state == OperatingState.OFF
    with pytest.raises(CpuStateError) as off:
        cpu.run()
    assert off.value.code == "instance-off"
    cpu.power_on()
    assert cpu.state == OperatingState.STOP
    cpu.run()
    assert cpu.state == OperatingState.RUN
    cpu.stop()
    assert cpu.state == OperatingState.STOP
    cpu.power_off()
    assert cpu.state == OperatingState.OFF
    assert [d.event for d in cpu.diagnostics] == ["PowerOn", "Startup", "Stop", "PowerOff"]


def test_startup_obs_run_once_with_first_scan_then_cycles_step_virtual_time() -> None:
    seen: list[bool] = []
    image = Image({"Startup": lambda mem, rt: seen.append(rt.first_scan), "Main": count_cycle},
                  [ObEntry("Startup", 100, "Startup"), MAIN])
    cpu = running_cpu(image)
    assert seen == [True]
    result = cpu.step(cycles=3)
    assert (result.cycles, result.virtual_time_ms) == (3, 30.0)
    assert data_of(cpu)["times"] == [10, 20, 30]
    result = cpu.step(milliseconds=25)
    assert result.cycles == 3 and result.virtual_time_ms == 55.0
    assert data_of(cpu)["times"][-3:] == [40, 50, 55]
    assert cpu.stats.cycles == 6 and cpu.stats.max_us >= cpu.stats.min_us > 0


def test_cyclic_interrupts_fire_at_their_period_in_virtual_time() -> None:
    fired: list[int] = []
    image = Image({"Main": count_cycle, "Cyclic": lambda mem, rt: fired.append(rt.now_ns // 1_000_000)},
                  [MAIN, ObEntry("Cyclic", 35, "CyclicInterrupt", period_ms=100)])
    cpu = running_cpu(image)
    cpu.step(milliseconds=1000)
    assert fired == [100 * k for k in range(1, 11)]
    assert data_of(cpu)["count"] == 100


def test_stepping_is_refused_when_free_running_stopped_or_malformed() -> None:
    cpu = new_cpu(Image({"Main": count_cycle}, [MAIN]))
    cpu.power_on()
    with pytest.raises(CpuStateError) as stopped:
        cpu.step(cycles=1)
    assert stopped.value.code == "not-running"
    cpu.run()
    for bad in ({}, {"cycles": 0}, {"cycles": 1, "milliseconds": 5}, {"milliseconds": -1}):
        with pytest.raises(CpuStateError) as err:
            cpu.step(**bad)
        assert err.value.code == "bad-step"
    cpu.set_mode(OperatingMode.DEFAULT)
    try:
        with pytest.raises(CpuStateError) as free:
            cpu.step(cycles=1)
        assert free.value.code == "free-running"
    finally:
        cpu.stop()


def test_default_mode_runs_by_itself_until_stopped() -> None:
    threads_before = set(threading.enumerate())
    cpu = running_cpu(Image({"Main": count_cycle}, [MAIN]), OperatingMode.DEFAULT)
    cpu.config.min_cycle_ms = 1
    deadline = time.monotonic() + HANG_GUARD_S
    while cpu.stats.cycles < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    cpu.stop()
    assert cpu.stats.cycles >= 3 and cpu.now_ns > 0
    assert cpu.state == OperatingState.STOP
    assert set(threading.enumerate()) - threads_before == set()


def test_a_runtime_error_in_run_stops_the_cpu_with_a_diagnostic_entry() -> None:
    def broken(mem: Memory, rt: ProgramContext) -> None:
        if mem.dbs["data"]["count"] == 2:
            raise PlcRuntimeError("Array index 11 is out of range [0..9].", block="FB_Motor", network=2, line=7,
                                  code="index-out-of-range")
        count_cycle(mem, rt)

    cpu = running_cpu(Image({"Main": broken}, [MAIN]))
    result = cpu.step(cycles=10)
    assert result.state == "Stop" and result.cycles == 3
    entry = cpu.diagnostics[-1]
    assert entry.event == "ProgrammingError" and entry.block == "FB_Motor" and entry.line == 7
    assert "out of range" in entry.message and "OB121" in entry.message and 'block "FB_Motor"' in entry.message


def test_retentive_data_survives_power_cycles_and_a_memory_reset_clears_it() -> None:
    cpu = new_cpu(Image())
    cpu.power_on()
    cpu.write('"Data".kept', 42)
    cpu.write('"Data".count', 7)
    cpu.power_off()
    with pytest.raises(TagError) as off:
        cpu.read('"Data".kept')
    assert off.value.code == "InstanceNotRunning"
    cpu.power_on()
    assert cpu.read('"Data".kept').value == 42
    assert cpu.read('"Data".count').value == 0
    cpu.memory_reset()
    assert cpu.read('"Data".kept').value == 0 and cpu.state == OperatingState.STOP


def test_tag_errors_name_plcsim_codes() -> None:
    cpu = new_cpu(Image())
    cpu.power_on()
    with pytest.raises(TagError) as missing:
        cpu.read('"Nope".x')
    assert missing.value.code == "DoesNotExist"
    with pytest.raises(TagError) as wrong:
        cpu.write('"Data".count', "ten")
    assert wrong.value.code == "TypeMismatch"
    value = cpu.write("%I0.1", True)
    assert (value.value, value.data_type, value.quality) == (True, "Bool", "Good")


def test_forces_hold_inputs_and_outputs_until_removed() -> None:
    def main(mem: Memory, rt: ProgramContext) -> None:
        _copy_input(mem, rt)
        mem.outputs[1] = 0xFF  # the program drives %Q1.x; a force must win over it

    cpu = running_cpu(Image({"Main": main}, [MAIN]))
    cpu.force("%I0.0", True)
    cpu.force("%Q1.0", False)
    cpu.write("%I0.0", False)  # overwritten by the force at the next cycle
    cpu.step(cycles=1)
    assert cpu.read("%Q0.0").value is True
    assert cpu.read("%Q1.0").value is False and cpu.read("%Q1.1").value is True
    assert cpu.forces() == {"%I0.0": True, "%Q1.0": False}
    assert cpu.unforce("%I0.0") == ["%I0.0"]
    cpu.write("%I0.0", False)
    cpu.step(cycles=1)
    assert cpu.read("%Q0.0").value is False
    with pytest.raises(CpuStateError) as marker:
        cpu.force("%M0.0", True)
    assert marker.value.code == "not-forceable"
    assert cpu.unforce() == ["%Q1.0"] and cpu.forces() == {}


def test_download_to_a_running_cpu_needs_the_stop_confirmed_and_keeps_unchangeddata_of() -> None:
    first = Image({"Main": count_cycle}, [MAIN], {"Main": "a", "Data": "1"})
    cpu = running_cpu(first)
    cpu.step(cycles=4)
    second = Image({"Main": count_cycle}, [MAIN], {"Main": "b", "Data": "1"})
    with pytest.raises(CpuStateError) as refused:
        cpu.load(second, device="PLC_1")
    assert refused.value.code == "needs-stop" and cpu.state == OperatingState.RUN
    assert cpu.image is first
    reinitialised = cpu.load(second, device="PLC_1", stop_allowed=True)
    assert cpu.state == OperatingState.STOP and cpu.image is second and cpu.device == "PLC_1"
    assert reinitialised == [] and cpu.read('"Data".count').value == 4 and cpu.tags_stale
    third = Image({"Main": count_cycle}, [MAIN], {"Main": "b", "Data": "2"})
    assert cpu.load(third, device="PLC_1") == ["Data"]
    assert cpu.read('"Data".count').value == 0


def test_download_needs_a_powered_instance() -> None:
    with pytest.raises(CpuStateError) as off:
        new_cpu().load(Image(), device="PLC_1")
    assert off.value.code == "instance-off"


def test_a_loop_past_the_pass_limit_stops_the_cpu_with_a_time_error_not_a_programming_error() -> None:
    def endless(mem: Memory, rt: ProgramContext) -> None:
        raise PlcRuntimeError('A loop in "Main" ran past the maximum cycle time.',
                              block="Main", line=3, code="cycle-time-exceeded")

    cpu = running_cpu(Image({"Main": endless}, [MAIN]))
    result = cpu.step(cycles=2)
    assert result.state == "Stop"
    entry = cpu.diagnostics[-1]
    assert entry.event == "TimeError" and entry.block == "Main" and entry.line == 3
    assert "maximum cycle time" in entry.message and "time error" in entry.message and "OB121" not in entry.message
