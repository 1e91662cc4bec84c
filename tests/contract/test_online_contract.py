"""The online port: binding a device to a simulated CPU, online sessions and their end, the CPU's state,
and download/compare, on every adapter.

The contract tests use the port only: instances through ``create_instance``/``set_instance_network``/
``power_on`` (operating mode SingleStep, so no program runs between calls), state through ``online_status``/
``cpu_status``/``instance_state``, values through ``write_tag``/``read_tag``.

The helpers above them serve the fake's own tests (``tests/fakes/test_online_fake.py``) and the API tests: a small
stand-in program image (:class:`StubImage`) keeps those rules apart from the PLC engine; ``stub_build`` turns a
``PlcSoftware`` into one (every object is loaded, and its digest is its SimaticML's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.errors import ConflictError, NotFoundError, ValidationError
from tests.lib.outcomes import raises_code
from tests.contract.conftest import CPU, HMI
from tests.contract.stub_engine import (SCL, StubImage, StubOb, instance, load_scl, make_instance, stub_build,
                                        use_stub_engine)


__all__ = ("SCL", "StubImage", "StubOb", "load_scl", "make_instance", "stub_build", "use_stub_engine")


# ----- contract tests (the port only) -----------------------------------------------------------
BRIDGE_PENDING: dict[str, str] = {}
"""Every contract test of this module runs on the bridge too."""


def test_online_session_binds_by_ip(online_plc: Any) -> None:
    instance(online_plc, "Sim_A", "192.168.0.1")
    instance(online_plc, "Sim_B")
    assert online_plc.online.online_status("PLC_1").online is False
    status = online_plc.online.go_online("PLC_1")
    assert (status.online, status.instance_name, status.operating_state) == (True, "Sim_A", "Stop")
    now = online_plc.online.online_status("PLC_1")
    assert (now.online, now.instance_name) == (True, "Sim_A")
    assert online_plc.online.go_online("PLC_1").instance_name == "Sim_A"  # idempotent
    raises_code(ConflictError, "ONLINE_WITH_OTHER_INSTANCE", online_plc.online.go_online, "PLC_1",
                instance_name="Sim_B")
    assert online_plc.online.go_offline("PLC_1").online is False
    assert online_plc.online.go_offline("PLC_1").online is False
    assert online_plc.online.online_status("PLC_1").online is False


def test_binding_errors(online_plc: Any) -> None:
    raises_code(NotFoundError, "NO_BOUND_INSTANCE", online_plc.online.go_online, "PLC_1")
    instance(online_plc, "Sim_B")
    instance(online_plc, "Sim_C")
    raises_code(ConflictError, "INSTANCE_AMBIGUOUS", online_plc.online.cpu_status, "PLC_1")
    raises_code(NotFoundError, "SIM_INSTANCE_NOT_FOUND", online_plc.online.cpu_status, "PLC_1", instance_name="Sim_X")
    instance(online_plc, "Sim_A", "192.168.0.1", on=False)
    raises_code(ConflictError, "INSTANCE_MISMATCH", online_plc.online.cpu_status, "PLC_1", instance_name="Sim_B")
    raises_code(ConflictError, "INSTANCE_OFF", online_plc.online.go_online, "PLC_1")
    raises_code(NotFoundError, "DEVICE_NOT_FOUND", online_plc.online.go_online, "PLC_9")


def test_a_device_that_is_no_plc_is_never_online(online_plc: Any) -> None:
    online_plc.devices.add_device(HMI, None, "HMI_1")
    assert online_plc.online.online_status("HMI_1").online is False
    assert online_plc.online.go_offline("HMI_1").online is False
    raises_code(ValidationError, "NOT_A_PLC", online_plc.online.go_online, "HMI_1")


def test_a_rolled_back_change_keeps_the_session_closing_the_project_ends_it(online_plc: Any, root: Path) -> None:
    instance(online_plc, "Sim_A", "192.168.0.1")
    online_plc.online.go_online("PLC_1")
    with pytest.raises(Exception):  # any refused change rolls the project back
        online_plc.devices.add_device(CPU, None, "PLC_1")
    assert online_plc.online.online_status("PLC_1").online is True
    online_plc.devices.rename_device("PLC_1", "PLC_2")
    assert online_plc.online.online_status("PLC_2").online is True
    path = Path(online_plc.save_project().path)
    online_plc.close_project()
    online_plc.open_project(path)
    assert online_plc.online.online_status("PLC_2").online is False


def test_deleting_the_device_or_powering_off_ends_the_session(online_plc: Any) -> None:
    instance(online_plc, "Sim_A", "192.168.0.1")
    online_plc.online.go_online("PLC_1")
    online_plc.simulation.power_off("Sim_A")
    assert online_plc.online.online_status("PLC_1").online is False
    online_plc.simulation.power_on("Sim_A")
    online_plc.online.go_online("PLC_1")
    online_plc.devices.delete_device("PLC_1")
    online_plc.devices.add_device(CPU, None, "PLC_1")
    assert online_plc.online.online_status("PLC_1").online is False
    with pytest.raises(NotFoundError):
        online_plc.online.online_status("PLC_9")


def test_download_reports_progress_and_keeps_unchanged_data_blocks(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    instance(online_plc, "Sim_A", "192.168.0.1")
    steps: list[int] = []
    first = online_plc.online.download("PLC_1", progress=lambda percent, _text: steps.append(percent))
    assert steps == [10, 40, 70, 100]
    assert (first.error_count, first.instance_name, first.operating_state) == (0, "Sim_A", "Stop")
    assert first.reinitialised_data_blocks == ["Data"] and first.object_count == 2
    assert online_plc.simulation.instance_state("Sim_A").device == "PLC_1"
    assert online_plc.online.cpu_status("PLC_1").loaded_device == "PLC_1"
    online_plc.sim_tags.refresh_tags("Sim_A")  # as PLCSIM Advanced: the tag list is out of date after a download
    online_plc.sim_tags.write_tag("Data.count", 7, instance="Sim_A")
    again = online_plc.online.download("PLC_1")
    assert again.reinitialised_data_blocks == []
    online_plc.sim_tags.refresh_tags("Sim_A")
    assert online_plc.sim_tags.read_tag("Data.count", instance="Sim_A").value == 7
    compared = online_plc.online.compare_online("PLC_1")
    assert (compared.identical, compared.identical_count, compared.loaded_device) == (True, 2, "PLC_1")


def test_compare_names_what_differs(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    instance(online_plc, "Sim_A", "192.168.0.1")
    before = online_plc.online.compare_online("PLC_1")
    assert (before.identical, before.only_offline, before.loaded_device) == (False, ["Data", "Main"], None)
    online_plc.online.download("PLC_1")
    load_scl(online_plc, SCL.replace("count : Int;", "count : Int;\n      total : DInt;"))
    after = online_plc.online.compare_online("PLC_1")
    assert (after.identical, after.different, after.only_offline) == (False, ["Data"], [])


def test_download_needs_simulation_support_and_a_powered_instance(online_plc: Any) -> None:
    instance(online_plc, "Sim_A", "192.168.0.1", on=False)
    raises_code(ConflictError, "INSTANCE_OFF", online_plc.online.download, "PLC_1")
    online_plc.set_simulation_support(False)
    raises_code(ConflictError, "SIMULATION_SUPPORT_DISABLED", online_plc.online.download, "PLC_1")
    assert online_plc.simulation.instance_state("Sim_A").device is None


def test_stop_and_download_refuse_a_running_cpu_without_confirmation(online_plc: Any) -> None:
    instance(online_plc, "Sim_A", "192.168.0.1")
    started = online_plc.online.start_cpu("PLC_1")
    assert (started.previous_state, started.operating_state) == ("Stop", "Run")
    for call in (lambda: online_plc.online.stop_cpu("PLC_1"), lambda: online_plc.online.download("PLC_1")):
        with pytest.raises(ConflictError) as refused:
            call()
        assert refused.value.code in ("STOP_NOT_CONFIRMED", "CPU_IN_RUN")
        assert online_plc.online.cpu_status("PLC_1").operating_state == "Run"
    result = online_plc.online.download("PLC_1", stop_cpu=True)
    assert (result.stopped_cpu, result.started_cpu, result.operating_state) == (True, False, "Stop")
    assert online_plc.simulation.instance_state("Sim_A").operating_state == "Stop"
    restarted = online_plc.online.download("PLC_1", start_after_download=True)
    assert (restarted.started_cpu, restarted.operating_state) == (True, "Run")
    stopped = online_plc.online.stop_cpu("PLC_1", confirm=True)
    assert (stopped.previous_state, stopped.operating_state) == ("Run", "Stop")
