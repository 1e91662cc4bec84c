"""PLCSim Simulation over HTTP: runtime manager, instances and their states, settings, network, stepping,
diagnostics, profiles, the session and import-legacy.

One app serves the whole module (starting one costs seconds on a loaded machine); an autouse fixture
removes every instance after each test, so tests do not see each other's instances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import assert_error, data
from tests.simulation_app import SIM, act, create, module_fixtures

if TYPE_CHECKING:
    from litestar.testing import TestClient

Headers = dict[str, str]
pytestmark = pytest.mark.usefixtures("clean_simulation")  # instances removed after each test
sim, keys = module_fixtures()  # the module's app and its keys


def test_runtime_status_config_and_port(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    status = data(sim.get(f"{SIM}/runtime/status", headers=viewer))
    assert status["running"] is True and status["maxInstances"] == 16 and status["apiVersion"]
    assert data(sim.post(f"{SIM}/runtime/start", headers=engineer))["running"] is True
    config = data(sim.get(f"{SIM}/runtime/config", headers=viewer))
    assert config["networkMode"] == "Softbus" and "TCPIPSingleAdapter" in config["networkModes"]
    changed = data(sim.put(f"{SIM}/runtime/config", json={"NetworkMode": "TCPIPSingleAdapter", "Port": 50000},
                           headers=engineer))
    assert (changed["networkMode"], changed["port"]) == ("TCPIPSingleAdapter", 50000)
    assert data(sim.post(f"{SIM}/runtime/port", json={"port": None}, headers=engineer))["port"] is None
    assert data(sim.post(f"{SIM}/runtime/port", json={"port": 4444}, headers=engineer))["port"] == 4444
    assert_error(sim.post(f"{SIM}/runtime/port", json={"port": 80}, headers=engineer), 422, "SIM_INVALID_ARGUMENT")
    assert_error(sim.post(f"{SIM}/runtime/port", json={}, headers=engineer), 422)
    assert_error(sim.put(f"{SIM}/runtime/config", json={"networkMode": "Carrier pigeon"}, headers=engineer), 422)
    create(sim, engineer, "On")
    act(sim, engineer, "On", "power-on")
    assert_error(sim.put(f"{SIM}/runtime/config", json={"networkMode": "Softbus"}, headers=engineer), 409,
                 "SIM_INSTANCES_RUNNING")
    assert_error(sim.put(f"{SIM}/runtime/config", json={"port": 1}, headers=engineer), 422, "SIM_INVALID_ARGUMENT")
    assert_error(sim.post(f"{SIM}/runtime/port", json={"port": 5000}, headers=viewer), 403)


def test_create_list_status_and_delete(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    made = create(sim, engineer, "PLC_1_Sim", cpuType="CPU1516", operatingMode="SingleStep")
    assert made["cpuType"] == "CPU1516" and made["operatingState"] == "Off" and made["operatingMode"] == "SingleStep"
    assert_error(sim.post(f"{SIM}/instances/create", json={"name": "plc_1_sim"}, headers=engineer), 409,
                 "SIM_INSTANCE_EXISTS")
    assert_error(sim.post(f"{SIM}/instances/create", json={"name": "X", "cpuType": "CPU9999"}, headers=engineer), 422,
                 "SIM_INVALID_ARGUMENT")
    assert_error(sim.post(f"{SIM}/instances/create", json={"name": "a/b"}, headers=engineer), 422,
                 "SIM_INVALID_ARGUMENT")
    assert_error(sim.post(f"{SIM}/instances/create", json={"name": "Y", "operatingMode": "Fast"}, headers=engineer),
                 422)
    assert_error(sim.post(f"{SIM}/instances/create", json={}, headers=engineer), 422)
    assert [i["name"] for i in data(sim.get(f"{SIM}/instances", headers=viewer))] == ["PLC_1_Sim"]
    status = data(sim.get(f"{SIM}/status", headers=viewer))
    assert status["runtimeManagerRunning"] is True and status["apiAvailable"] is True
    assert [i["name"] for i in status["registeredInstances"]] == ["PLC_1_Sim"] and status["connectedInstance"] is None
    act(sim, engineer, "PLC_1_Sim", "power-on")
    assert_error(sim.delete(f"{SIM}/instances/PLC_1_Sim", headers=engineer), 409, "SIM_INSTANCE_NOT_OFF")
    act(sim, engineer, "PLC_1_Sim", "power-off")
    assert data(sim.delete(f"{SIM}/instances/PLC_1_Sim", headers=engineer))["name"] == "PLC_1_Sim"
    assert_error(sim.delete(f"{SIM}/instances/PLC_1_Sim", headers=engineer), 404, "SIM_INSTANCE_NOT_FOUND")
    assert data(sim.get(f"{SIM}/instances", headers=viewer)) == []


def test_at_most_16_instances(sim: TestClient[Any], engineer: Headers) -> None:
    for number in range(16):
        create(sim, engineer, f"I{number}")
    assert_error(sim.post(f"{SIM}/instances/create", json={"name": "I16"}, headers=engineer), 409, "SIM_INSTANCE_LIMIT")


def test_operating_states(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    create(sim, engineer, "Cpu")
    assert data(sim.get(f"{SIM}/instances/Cpu/state", headers=viewer))["operatingState"] == "Off"
    for verb in ("run", "stop", "memory-reset"):
        assert_error(act(sim, engineer, "Cpu", verb), 409, "INSTANCE_OFF")
    assert data(act(sim, engineer, "Cpu", "power-on"))["operatingState"] == "Stop"
    assert data(act(sim, engineer, "Cpu", "power-on"))["operatingState"] == "Stop"  # idempotent, as PLCSIM
    state = data(act(sim, engineer, "Cpu", "run"))
    assert state["operatingState"] == "Run" and state["operatingMode"] == "Default"
    assert set(state["scanTime"]) == {"cycles", "lastUs", "minUs", "maxUs", "averageUs"}
    assert_error(act(sim, engineer, "Cpu", "stop"), 409, "STOP_NOT_CONFIRMED")  # in RUN: tests/api/test_stop_confirm.py
    assert data(act(sim, engineer, "Cpu", "stop", json={"confirm": True}))["operatingState"] == "Stop"
    assert data(act(sim, engineer, "Cpu", "memory-reset"))["operatingState"] == "Stop"
    assert data(act(sim, engineer, "Cpu", "power-off"))["operatingState"] == "Off"
    for verb in ("power-on", "power-off", "run", "stop", "memory-reset"):
        assert_error(act(sim, engineer, "Nope", verb), 404, "SIM_INSTANCE_NOT_FOUND")
        assert_error(act(sim, viewer, "Cpu", verb), 403)
    assert_error(sim.get(f"{SIM}/instances/Nope/state", headers=viewer), 404, "SIM_INSTANCE_NOT_FOUND")


def test_instance_config(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    create(sim, engineer, "Cfg", cpuType="CPU1515F")
    config = data(sim.get(f"{SIM}/instances/Cfg/config", headers=viewer))
    assert config == {"name": "Cfg", "cpuType": "CPU1515F", "operatingMode": "Default", "cycleTimeMs": 10.0,
                      "minCycleTimeMs": 10.0, "scaleFactor": 1.0, "communicationInterface": "Softbus"}
    changed = data(sim.put(f"{SIM}/instances/Cfg/config", headers=engineer, json={
        "operatingMode": "TimespanSynchronized", "cycleTimeMs": 1, "scaleFactor": 2, "cpuType": "CPU1515F"}))
    assert (changed["operatingMode"], changed["cycleTimeMs"], changed["scaleFactor"]) == ("TimespanSynchronized", 1, 2)
    assert_error(sim.put(f"{SIM}/instances/Cfg/config", json={"cpuType": "CPU1518"}, headers=engineer), 422,
                 "SIM_CPU_TYPE_READ_ONLY")
    assert_error(sim.put(f"{SIM}/instances/Cfg/config", json={"scaleFactor": 1000}, headers=engineer), 422,
                 "SIM_INVALID_ARGUMENT")
    assert_error(sim.put(f"{SIM}/instances/Cfg/config", json={"cycleTimeMs": 0}, headers=engineer), 422,
                 "SIM_INVALID_ARGUMENT")
    assert_error(sim.put(f"{SIM}/instances/Cfg/config", json={"operatingMode": "Turbo"}, headers=engineer), 422)
    assert_error(sim.put(f"{SIM}/instances/Nope/config", json={}, headers=engineer), 404, "SIM_INSTANCE_NOT_FOUND")
    assert_error(sim.get(f"{SIM}/instances/Nope/config", headers=viewer), 404, "SIM_INSTANCE_NOT_FOUND")


def test_instance_network(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    create(sim, engineer, "A")
    create(sim, engineer, "B")
    assert data(sim.get(f"{SIM}/instances/A/network", headers=viewer)) == {
        "name": "A", "communicationInterface": "Softbus", "ipSuites": []}
    suites = [{"interface": "IE1", "ipAddress": "192.168.0.10"}, {"interface": "IE2", "ipAddress": "10.0.0.1",
                                                                   "subnetMask": "255.0.0.0"}]
    net = data(sim.put(f"{SIM}/instances/A/network", json={"ipSuites": suites}, headers=engineer))
    assert net["communicationInterface"] == "TCPIP"
    assert [(s["interface"], s["ipAddress"], s["subnetMask"]) for s in net["ipSuites"]] == [
        ("IE1", "192.168.0.10", "255.255.255.0"), ("IE2", "10.0.0.1", "255.0.0.0")]
    flat = data(sim.put(f"{SIM}/instances/B/network", json={"IpAddress": "192.168.0.11"}, headers=engineer))
    assert flat["ipSuites"][0]["ipAddress"] == "192.168.0.11"
    assert_error(sim.put(f"{SIM}/instances/B/network", json={"ipAddress": "192.168.0.10"}, headers=engineer), 409,
                 "SIM_IP_IN_USE")
    twice = [{"interface": "IE1", "ipAddress": "1.2.3.4"}, {"interface": "IE2", "ipAddress": "1.2.3.4"}]
    assert_error(sim.put(f"{SIM}/instances/B/network", json={"ipSuites": twice}, headers=engineer), 409,
                 "SIM_IP_IN_USE")
    assert_error(sim.put(f"{SIM}/instances/B/network", json={"ipAddress": "300.1.1.1"}, headers=engineer), 422,
                 "SIM_INVALID_ARGUMENT")
    assert_error(sim.put(f"{SIM}/instances/B/network", json={"ipSuites": [{"interface": "X9", "ipAddress": "1.1.1.1"}]},
                         headers=engineer), 422, "SIM_INVALID_ARGUMENT")
    assert_error(sim.put(f"{SIM}/instances/B/network", json={}, headers=engineer), 422, "VALIDATION_FAILED")
    assert_error(sim.put(f"{SIM}/instances/Nope/network", json={"ipSuites": []}, headers=engineer), 404)
    assert_error(sim.get(f"{SIM}/instances/Nope/network", headers=viewer), 404, "SIM_INSTANCE_NOT_FOUND")
    back = data(sim.put(f"{SIM}/instances/A/network", json={"ipSuites": []}, headers=engineer))
    assert back["communicationInterface"] == "Softbus"


def test_step_needs_run_and_a_stepped_mode(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    create(sim, engineer, "Step")
    step = f"{SIM}/instances/Step/actions/step"
    assert_error(sim.post(step, json={"cycles": 1}, headers=engineer), 409, "CPU_NOT_RUNNING")
    act(sim, engineer, "Step", "power-on")
    act(sim, engineer, "Step", "run")
    assert_error(sim.post(step, json={"cycles": 1}, headers=engineer), 409, "SIM_FREE_RUNNING")
    sim.put(f"{SIM}/instances/Step/config", json={"operatingMode": "SingleStep", "cycleTimeMs": 5}, headers=engineer)
    before = data(sim.get(f"{SIM}/instances/Step/state", headers=viewer))["virtualTimeMs"]
    result = data(sim.post(step, json={"cycles": 4}, headers=engineer))
    assert (result["cycles"], result["operatingState"], result["stopped"]) == (4, "Run", False)
    assert result["virtualTimeMs"] == pytest.approx(before + 20)
    result = data(sim.post(step, json={"milliseconds": 12}, headers=engineer))
    assert result["cycles"] == 3 and result["virtualTimeMs"] == pytest.approx(before + 32)
    for bad in ({}, {"cycles": 1, "milliseconds": 5}, {"cycles": 0}, {"milliseconds": -1}, {"cycles": 10**9}):
        assert_error(sim.post(step, json=bad, headers=engineer), 422, "SIM_BAD_STEP")
    assert_error(sim.post(step, json={"cycles": 1}, headers=viewer), 403)
    assert_error(sim.post(f"{SIM}/instances/Nope/actions/step", json={"cycles": 1}, headers=engineer), 404)
    state = data(sim.get(f"{SIM}/instances/Step/state", headers=viewer))
    assert state["scanTime"]["cycles"] >= 7 and state["scanTime"]["maxUs"] >= state["scanTime"]["minUs"]
    act(sim, engineer, "Step", "power-off", json={"confirm": True})
    assert_error(sim.post(step, json={"cycles": 1}, headers=engineer), 409, "CPU_NOT_RUNNING")


def test_diagnostics_buffer(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    create(sim, engineer, "Diag")
    act(sim, engineer, "Diag", "power-on")
    act(sim, engineer, "Diag", "run")
    act(sim, engineer, "Diag", "stop", json={"confirm": True})
    diag = data(sim.get(f"{SIM}/instances/Diag/diagnostics", headers=viewer))
    assert diag["operatingState"] == "Stop"
    assert [e["event"] for e in diag["entries"]] == ["Stop", "Startup", "PowerOn"]  # newest first
    assert [e["event"] for e in data(sim.get(f"{SIM}/instances/Diag/diagnostics?limit=1", headers=viewer))["entries"]] \
        == ["Stop"]
    assert_error(sim.get(f"{SIM}/instances/Nope/diagnostics", headers=viewer), 404, "SIM_INSTANCE_NOT_FOUND")


def test_profiles_save_get_and_apply(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    body = {"name": "Line1", "description": "line 1", "instances": [
        {"name": "L1_A", "cpuType": "CPU1516", "operatingMode": "SingleStep", "ipAddress": "192.168.1.10"},
        {"name": "L1_B"}]}
    saved = data(sim.post(f"{SIM}/profiles", json=body, headers=engineer))
    assert saved["fileName"] == "Line1.json" and saved["instances"][1]["cpuType"] == "CPU1500_Unspecified"
    assert data(sim.get(f"{SIM}/instances", headers=viewer)) == []  # saving creates nothing
    assert_error(sim.post(f"{SIM}/profiles", json=body, headers=engineer), 409, "SIM_PROFILE_EXISTS")
    assert data(sim.post(f"{SIM}/profiles", json={**body, "overwrite": True}, headers=engineer))["name"] == "Line1"
    assert "Line1" in [p["name"] for p in data(sim.get(f"{SIM}/profiles", headers=viewer))]
    assert data(sim.get(f"{SIM}/profiles/Line1.json", headers=viewer))["description"] == "line 1"
    assert data(sim.get(f"{SIM}/profiles/Line1", headers=viewer))["instances"][0]["ipAddress"] == "192.168.1.10"
    assert_error(sim.get(f"{SIM}/profiles/Nope", headers=viewer), 404, "SIM_PROFILE_NOT_FOUND")
    for bad in ({"name": "../x", "instances": []}, {"name": "P", "instances": [{"name": "a"}, {"name": "A"}]},
                {"name": "P", "instances": [{"name": "a", "cpuType": "CPU42"}]},
                {"name": "P", "instances": [{"name": "a", "ipAddress": "1.2.3"}]},
                {"name": "P", "instances": [{"name": "a", "operatingMode": "Fast"}]}, {"name": "P"}):
        assert_error(sim.post(f"{SIM}/profiles", json=bad, headers=engineer), 422)
    made = data(sim.post(f"{SIM}/profiles/Line1/actions/apply", headers=engineer))
    assert [(i["name"], i["operatingMode"], i["ipAddresses"]) for i in made] == [
        ("L1_A", "SingleStep", ["192.168.1.10"]), ("L1_B", "Default", [])]
    sim.delete(f"{SIM}/instances/L1_A", headers=engineer)
    assert_error(sim.post(f"{SIM}/profiles/Line1/actions/apply", headers=engineer), 409, "SIM_INSTANCE_EXISTS")
    assert [i["name"] for i in data(sim.get(f"{SIM}/instances", headers=viewer))] == ["L1_B"]  # all or none
    assert_error(sim.post(f"{SIM}/profiles/Nope/actions/apply", headers=engineer), 404, "SIM_PROFILE_NOT_FOUND")
    folder = sim.app.state.services.backend.plcsim.state_dir / "plcsim-profiles"
    (folder / "Bad.json").write_text('{"name": "Bad", "instances": [{"name": "x", "operatingMode": "Warp"}]}')
    assert_error(sim.get(f"{SIM}/profiles/Bad", headers=viewer), 422, "SIM_PROFILE_INVALID")
    (folder / "Bad.json").unlink()


def test_session_connect_start_stop(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    create(sim, engineer, "Sess")
    assert data(sim.get(f"{SIM}/state", headers=viewer)) == {
        "connected": False, "connectedInstance": None, "running": False, "operatingState": None,
        "operatingMode": None, "virtualTimeMs": None, "device": None}
    assert_error(sim.post(f"{SIM}/stop", headers=engineer), 409, "SIM_NOT_CONNECTED")
    assert_error(sim.post(f"{SIM}/start", json={"instanceName": "Nope"}, headers=engineer), 404,
                 "SIM_INSTANCE_NOT_FOUND")
    assert_error(sim.post(f"{SIM}/start", json={}, headers=engineer), 422)
    started = data(sim.post(f"{SIM}/start", json={"InstanceName": "Sess"}, headers=engineer))
    assert (started["connectedInstance"], started["running"], started["operatingState"]) == ("Sess", True, "Run")
    assert data(sim.get(f"{SIM}/status", headers=viewer))["connectedInstance"] == "Sess"
    stopped = data(sim.post(f"{SIM}/stop", json={"confirm": True}, headers=engineer))
    assert stopped["connected"] is False
    assert data(sim.get(f"{SIM}/instances/Sess/state", headers=viewer))["operatingState"] == "Stop"
    connected = data(sim.post(f"{SIM}/connect", json={"name": "Sess"}, headers=engineer))
    assert connected == {"connected": True, "connectedInstance": "Sess", "operatingState": "Stop",
                         "tagsUpToDate": True}
    assert_error(sim.post(f"{SIM}/connect", json={"instanceName": "Nope"}, headers=engineer), 404)
    assert_error(sim.post(f"{SIM}/connect", json={}, headers=engineer), 422)
    assert data(sim.post(f"{SIM}/disconnect", headers=engineer))["connected"] is False
    assert_error(sim.post(f"{SIM}/connect", json={"instanceName": "Sess"}, headers=viewer), 403)


def test_import_legacy_is_not_supported(sim: TestClient[Any], engineer: Headers) -> None:
    body = assert_error(sim.post(f"{SIM}/import-legacy", json={"filePath": "old/line.plc"}, headers=engineer), 501,
                        "SIM_LEGACY_NOT_SUPPORTED")
    assert "Windows binary format" in body["message"]
    assert_error(sim.post(f"{SIM}/import-legacy", json={"filePath": "/etc/passwd"}, headers=engineer), 422,
                 "PATH_REJECTED")


def test_without_the_engine_instances_answer_501(sim: TestClient[Any], engineer: Headers,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ModuleNotFoundError("No module named 'fakes.runtime.image'", name="fakes.runtime.image")

    monkeypatch.setattr(sim.app.state.services.backend.plcsim, "_empty_image", missing)
    assert_error(sim.post(f"{SIM}/instances/create", json={"name": "E"}, headers=engineer), 501,
                 "SIM_ENGINE_UNAVAILABLE")


def test_runtime_exceptions_map_to_stable_codes() -> None:
    from engineering_api.backend import errors
    from fakes.runtime.cpu import CpuStateError, TagError
    from fakes.runtime.errors import ImageError, PlcRuntimeError
    from fakes.runtime.manager import SimulationError
    from fakes.simulation_ops import sim_errors, translate

    cases = [
        (SimulationError("x", "busy"), errors.ConflictError, "SIM_INSTANCE_NOT_OFF"),
        (CpuStateError("x", "needs-stop"), errors.ConflictError, "CPU_IN_RUN"),
        (TagError("NotSupported", "x"), errors.ValidationError, "SIM_TAG_NOT_SUPPORTED"),
        (ImageError("x", ["FC1: error"]), errors.ConflictError, "DOWNLOAD_COMPILE_FAILED"),
        (PlcRuntimeError("x", block="FB1", line=3), errors.ConflictError, "CPU_STOPPED_BY_ERROR"),
    ]
    for exc, cls, code in cases:
        mapped = translate(exc)
        assert type(mapped) is cls and mapped.code == code
    with pytest.raises(errors.NotFoundError) as info, sim_errors(not_found=(errors.NotFoundError, "X_NOT_FOUND")):
        raise SimulationError("gone", "not-found")
    assert info.value.code == "X_NOT_FOUND"
    with pytest.raises(ImportError), sim_errors():
        raise ImportError("other", name="numpy")  # only the engine's absence is a 501
