"""Going online and offline, the bound CPU's status, start and stop, over HTTP.

Instances are created on the fake's PLCSIM runtime directly (the simulation routes are another area),
with the stub program image of the contract tests, so these rules do not depend on the PLC engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fakes.runtime.errors import PlcRuntimeError
from tests.conftest import HMI, add_device, assert_error, configure, data
from tests.contract.stub_engine import (
    StubImage,
    StubOb,
    make_instance,
    use_stub_engine,
)

if TYPE_CHECKING:
    from fakes.runtime.manager import SimulationRuntime

BASE = "/api/devices/PLC_1"


@pytest.fixture
def sim(services: Any, monkeypatch: pytest.MonkeyPatch) -> SimulationRuntime:
    simulation = services.backend.plcsim
    use_stub_engine(simulation, monkeypatch)
    return simulation


@pytest.fixture
def bound(client: Any, admin_headers: dict[str, str], cpu: dict[str, Any], sim: SimulationRuntime) -> Any:
    """PLC_1 at 192.168.0.10 and the powered-on instance holding that address."""
    assert configure(client, admin_headers, "PLC_1", "192.168.0.10").status_code == 200
    return make_instance(sim, "Sim_PLC_1", "192.168.0.10")


# ----- online / offline ---------------------------------------------------------------------------
def test_go_online_binds_by_ip_reports_status_and_goes_offline(
    client: Any, engineer_headers: dict[str, str], viewer_headers: dict[str, str], bound: Any, sim: Any,
) -> None:
    make_instance(sim, "Other")  # a Softbus instance does not win over the IP binding
    assert data(client.get(f"{BASE}/online/status", headers=viewer_headers)) == {
        "deviceName": "PLC_1", "online": False, "instanceName": None, "operatingState": None, "tlsVerifications": []}
    online = data(client.post(f"{BASE}/online", headers=engineer_headers))
    assert online == {"deviceName": "PLC_1", "online": True, "instanceName": "Sim_PLC_1", "operatingState": "Stop",
                      "tlsVerifications": []}  # the simulated CPU presents no certificate
    assert data(client.get(f"{BASE}/online/status", headers=viewer_headers))["online"] is True
    assert data(client.post(f"{BASE}/online", json={"instanceName": "sim_plc_1"}, headers=engineer_headers))["online"]
    assert_error(client.post(f"{BASE}/online", json={"instanceName": "Other"}, headers=engineer_headers), 409,
                 "ONLINE_WITH_OTHER_INSTANCE")
    assert data(client.delete(f"{BASE}/online", headers=engineer_headers))["online"] is False
    assert data(client.delete(f"{BASE}/online", headers=engineer_headers))["online"] is False


def test_binding_by_name_or_the_only_softbus_instance_and_its_errors(
    client: Any, engineer_headers: dict[str, str], cpu: Any, sim: Any,
) -> None:
    body = assert_error(client.post(f"{BASE}/online", headers=engineer_headers), 404, "NO_BOUND_INSTANCE")
    assert "/api/simulation/instances/create" in body["message"]
    make_instance(sim, "Soft_1")
    assert data(client.post(f"{BASE}/online", headers=engineer_headers))["instanceName"] == "Soft_1"
    client.delete(f"{BASE}/online", headers=engineer_headers)
    make_instance(sim, "Soft_2")
    assert "instanceName" in assert_error(client.post(f"{BASE}/online", headers=engineer_headers), 409,
                                          "INSTANCE_AMBIGUOUS")["message"]
    assert_error(client.post(f"{BASE}/online", json={"instanceName": "Nope"}, headers=engineer_headers), 404,
                 "SIM_INSTANCE_NOT_FOUND")
    assert data(client.post(f"{BASE}/online", json={"instanceName": "Soft_2"}, headers=engineer_headers))[
        "instanceName"] == "Soft_2"


def test_named_instance_must_not_contradict_the_ip_binding(
    client: Any, engineer_headers: dict[str, str], bound: Any, sim: Any,
) -> None:
    make_instance(sim, "Elsewhere", "192.168.0.99")
    assert_error(client.post(f"{BASE}/online", json={"instanceName": "Elsewhere"}, headers=engineer_headers), 409,
                 "INSTANCE_MISMATCH")


def test_online_needs_a_powered_on_instance_and_a_running_runtime(
    client: Any, engineer_headers: dict[str, str], bound: Any, sim: Any,
) -> None:
    bound.power_off()
    body = assert_error(client.post(f"{BASE}/online", headers=engineer_headers), 409, "INSTANCE_OFF")
    assert "/api/simulation/instances/Sim_PLC_1/power-on" in body["message"]
    bound.power_on()
    data(client.post(f"{BASE}/online", headers=engineer_headers))
    bound.power_off()  # TIA loses the connection
    assert data(client.get(f"{BASE}/online/status", headers=engineer_headers))["online"] is False
    sim.running = False
    assert_error(client.post(f"{BASE}/online", headers=engineer_headers), 409, "SIM_RUNTIME_STOPPED")


def test_closing_the_project_or_deleting_the_device_ends_online_state(
    client: Any, admin_headers: dict[str, str], bound: Any, project: dict[str, Any],
) -> None:
    data(client.post("/api/projects/actions/save-sync", headers=admin_headers))
    data(client.post(f"{BASE}/online", headers=admin_headers))
    data(client.post("/api/projects/actions/close-sync", headers=admin_headers))
    data(client.post("/api/projects/actions/open-sync", json={"path": project["path"]}, headers=admin_headers))
    assert data(client.get(f"{BASE}/online/status", headers=admin_headers))["online"] is False
    data(client.post(f"{BASE}/online", headers=admin_headers))
    data(client.delete(BASE, headers=admin_headers))
    assert_error(client.get(f"{BASE}/online/status", headers=admin_headers), 404, "DEVICE_NOT_FOUND")


def test_online_routes_refuse_unknown_devices_non_plcs_and_no_project(
    client: Any, admin_headers: dict[str, str], viewer_headers: dict[str, str], cpu: Any, sim: Any,
) -> None:
    add_device(client, admin_headers, HMI, "HMI_1")
    assert_error(client.post("/api/devices/Nope/online", headers=admin_headers), 404, "DEVICE_NOT_FOUND")
    assert_error(client.delete("/api/devices/Nope/online", headers=admin_headers), 404, "DEVICE_NOT_FOUND")
    assert_error(client.post("/api/devices/HMI_1/online", headers=admin_headers), 422, "NOT_A_PLC")
    assert_error(client.get("/api/devices/HMI_1/cpu/status", headers=viewer_headers), 422, "NOT_A_PLC")
    assert_error(client.post(f"{BASE}/online", headers=viewer_headers), 403, "FORBIDDEN")
    data(client.post("/api/projects/actions/close-sync", headers=admin_headers))
    assert_error(client.get(f"{BASE}/online/status", headers=viewer_headers), 409, "NO_PROJECT_OPEN")


# ----- CPU status, start, stop ----------------------------------------------------------------------
def test_cpu_status_start_and_confirmed_stop(
    client: Any, engineer_headers: dict[str, str], viewer_headers: dict[str, str], bound: Any,
) -> None:
    status = data(client.get(f"{BASE}/cpu/status", headers=viewer_headers))
    assert (status["instanceName"], status["operatingState"], status["online"]) == ("Sim_PLC_1", "Stop", False)
    assert status["scanTimes"]["cycles"] == 0 and status["loadedDevice"] is None
    assert status["diagnostics"][0]["event"] == "PowerOn"
    started = data(client.post(f"{BASE}/cpu/actions/start", headers=engineer_headers))
    assert (started["previousState"], started["operatingState"]) == ("Stop", "Run")
    assert data(client.post(f"{BASE}/cpu/actions/start", headers=engineer_headers))["previousState"] == "Run"
    bound.step(cycles=3)
    assert data(client.get(f"{BASE}/cpu/status", headers=viewer_headers))["scanTimes"]["cycles"] == 3
    body = assert_error(client.post(f"{BASE}/cpu/actions/stop", headers=engineer_headers), 409, "STOP_NOT_CONFIRMED")
    assert '"confirm": true' in body["message"] and bound.state == "Run"
    stopped = data(client.post(f"{BASE}/cpu/actions/stop", json={"confirm": True}, headers=engineer_headers))
    assert (stopped["previousState"], stopped["operatingState"]) == ("Run", "Stop")
    assert data(client.post(f"{BASE}/cpu/actions/stop", headers=engineer_headers))["message"].startswith(
        "The CPU was already")
    assert_error(client.post(f"{BASE}/cpu/actions/start", headers=viewer_headers), 403, "FORBIDDEN")


def test_cpu_routes_need_a_powered_on_bound_instance(
    client: Any, engineer_headers: dict[str, str], bound: Any, cpu: Any,
) -> None:
    bound.power_off()
    assert data(client.get(f"{BASE}/cpu/status", headers=engineer_headers))["operatingState"] == "Off"
    for path in ("cpu/actions/start", "cpu/actions/stop"):
        assert_error(client.post(f"{BASE}/{path}", json={"confirm": True}, headers=engineer_headers), 409,
                     "INSTANCE_OFF")
    assert_error(client.get("/api/devices/Nope/cpu/status", headers=engineer_headers), 404, "DEVICE_NOT_FOUND")
    assert_error(client.get(f"{BASE}/cpu/status?instanceName=Ghost", headers=engineer_headers), 404,
                 "SIM_INSTANCE_NOT_FOUND")


def _faulty_image() -> StubImage:
    def main(_mem: Any, rt: Any) -> None:
        if rt.cycle >= 2:
            raise PlcRuntimeError('Array index 11 out of range [0..9] in "FB_Motor".', block="FB_Motor", network=2,
                                  line=5, code="index-out-of-range")

    return StubImage({"Main": b"<x/>"}, obs=[StubOb("Main", 1, "ProgramCycle")], code={"Main": main})


def test_a_runtime_error_in_run_shows_as_stop_with_its_diagnostic(
    client: Any, engineer_headers: dict[str, str], bound: Any,
) -> None:
    bound.load(_faulty_image(), device="PLC_1")
    data(client.post(f"{BASE}/cpu/actions/start", headers=engineer_headers))
    assert bound.step(cycles=5).state == "Stop"
    status = data(client.get(f"{BASE}/cpu/status", headers=engineer_headers))
    assert status["operatingState"] == "Stop" and status["loadedDevice"] == "PLC_1"
    error = status["lastError"]
    assert (error["event"], error["block"], error["network"], error["line"]) == ("ProgrammingError", "FB_Motor", 2, 5)
    assert "Array index 11" in error["message"] and status["diagnostics"][0] == error


def test_a_startup_error_answers_409_with_the_diagnostic(
    client: Any, engineer_headers: dict[str, str], bound: Any,
) -> None:
    def startup(_mem: Any, _rt: Any) -> None:
        raise PlcRuntimeError("Division by zero.", block="Startup", network=1, line=3)

    bound.load(StubImage({"Startup": b"<x/>"}, obs=[StubOb("Startup", 100, "Startup")], code={"Startup": startup}),
               device="PLC_1")
    body = assert_error(client.post(f"{BASE}/cpu/actions/start", headers=engineer_headers), 409,
                        "CPU_STOPPED_BY_ERROR")
    assert body["details"]["diagnostic"]["block"] == "Startup" and "Division by zero" in body["message"]
    assert bound.state == "Stop"
