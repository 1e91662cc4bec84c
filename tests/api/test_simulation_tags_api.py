"""PLCSim Simulation tags over HTTP, on a program that runs: list, read, write, batches, the stale tag list
after a download, powered-off instances, timers stepped in virtual time and a programming error's STOP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.conftest import assert_error, data
from tests.simulation_app import SIM, act, create, module_fixtures

if TYPE_CHECKING:
    from litestar.testing import TestClient

    from fakes.runtime.image import ProgramImage

Headers = dict[str, str]
pytestmark = pytest.mark.usefixtures("clean_simulation")  # instances removed after each test
sim, keys = module_fixtures()  # the module's app and its keys


PROGRAM = """
DATA_BLOCK "Data"
VAR count : Int; delay : Time := T#2s; level : Real; arr : Array[0..3] of Int; END_VAR
VAR RETAIN idx : Int; END_VAR
BEGIN END_DATA_BLOCK
FUNCTION_BLOCK "FB_Delay"
VAR_INPUT start : Bool; END_VAR
VAR_OUTPUT done : Bool; END_VAR
VAR t : TON_TIME; END_VAR
BEGIN
  #t(IN := #start, PT := "Data".delay);
  #done := #t.Q;
END_FUNCTION_BLOCK
DATA_BLOCK "Delay_DB" "FB_Delay" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Init"
BEGIN
  "Data".arr["Data".idx] := 2;
END_ORGANIZATION_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Data".count := "Data".count + 1;
  "Delay_DB"(start := "Start");
  "Lamp" := "Delay_DB".done;
  "Data".arr["Data".idx] := 1;
END_ORGANIZATION_BLOCK
"""
TAGS = [{"name": "Start", "address": "%I0.0", "dataType": "Bool"},
        {"name": "Lamp", "address": "%Q0.0", "dataType": "Bool"}]


@pytest.fixture(scope="module")
def image() -> ProgramImage:
    engine = pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine has not landed")
    from tools.plc_software import software_from_scl

    return engine.build_image(software_from_scl(PROGRAM, TAGS, ob_types={"Init": ("Startup", 100, None)}), "PLC_1")


@pytest.fixture
def plc(sim: TestClient[Any], engineer: Headers, image: ProgramImage) -> str:
    """An instance ``Sim`` in SingleStep mode with the program downloaded, connected, in RUN."""
    create(sim, engineer, "Sim", operatingMode="SingleStep")
    act(sim, engineer, "Sim", "power-on")
    sim.app.state.services.backend.plcsim.get("Sim").load(image, device="PLC_1")
    data(sim.post(f"{SIM}/start", json={"instanceName": "Sim"}, headers=engineer))
    return "Sim"


def tag(name: str) -> str:
    return f"{SIM}/tags/{quote(name, safe='')}"


def step(sim: TestClient[Any], headers: Headers, name: str = "Sim", **amount: Any) -> dict[str, Any]:
    return data(sim.post(f"{SIM}/instances/{name}/actions/step", json=amount, headers=headers))


def test_tag_routes_need_a_connection(sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    assert_error(sim.get(f"{SIM}/tags", headers=viewer), 409, "SIM_NOT_CONNECTED")
    assert_error(sim.get(tag("Start"), headers=viewer), 409, "SIM_NOT_CONNECTED")
    assert_error(sim.put(tag("Start"), json={"value": True}, headers=engineer), 409, "SIM_NOT_CONNECTED")
    assert_error(sim.post(f"{SIM}/tags/batch-read", json={"tagNames": ["Start"]}, headers=viewer), 409,
                 "SIM_NOT_CONNECTED")
    assert_error(sim.post(f"{SIM}/tags/refresh", headers=engineer), 409, "SIM_NOT_CONNECTED")
    assert_error(sim.get(f"{SIM}/tags?instanceName=Nope", headers=viewer), 404, "SIM_INSTANCE_NOT_FOUND")


def test_list_read_write_and_a_timer_in_virtual_time(sim: TestClient[Any], engineer: Headers, viewer: Headers,
                                                      plc: str) -> None:
    listed = data(sim.get(f"{SIM}/tags", headers=viewer))
    assert listed["instance"] == "Sim" and listed["count"] == len(listed["tags"]) == 16
    assert {"name": '"Start"', "dataType": "Bool", "address": "%I0.0"} in listed["tags"]
    assert [t["name"] for t in data(sim.get(f"{SIM}/tags?filter=ARR", headers=viewer))["tags"]] == [
        f'"Data".arr[{i}]' for i in range(4)]
    assert data(sim.get(f"{SIM}/tags?filter=*.t.?", headers=viewer))["count"] == 1
    written = data(sim.put(tag("Start"), json={"Value": True}, headers=engineer))
    assert (written["name"], written["value"], written["dataType"], written["quality"]) == ("Start", True, "Bool",
                                                                                           "Good")
    assert data(sim.put(tag('"Data".delay'), json={"value": "T#100ms"}, headers=engineer))["value"] == 100
    step(sim, engineer, milliseconds=90)
    assert data(sim.get(tag("Lamp"), headers=viewer))["value"] is False
    step(sim, engineer, milliseconds=20)
    lamp = data(sim.get(tag("%Q0.0"), headers=viewer))
    assert lamp["value"] is True and lamp["timestamp"].endswith("Z")
    assert_error(sim.put(tag('"Data".count'), json={"value": 40000}, headers=engineer), 422, "SIM_TAG_TYPE_MISMATCH")
    assert data(sim.get(tag('"Data".arr'), headers=viewer))["value"][0] == 1
    assert_error(sim.get(tag("Nope"), headers=viewer), 404, "SIM_TAG_NOT_FOUND")
    assert_error(sim.put(tag("Nope"), json={"value": 1}, headers=engineer), 404, "SIM_TAG_NOT_FOUND")
    assert_error(sim.put(tag('"Data".count'), json={"value": "many"}, headers=engineer), 422, "SIM_TAG_TYPE_MISMATCH")
    assert_error(sim.put(tag("Start"), json={}, headers=engineer), 422)
    assert_error(sim.put(tag("Start"), json={"value": True}, headers=viewer), 403)


def test_batches_answer_per_item(sim: TestClient[Any], engineer: Headers, viewer: Headers, plc: str) -> None:
    written = data(sim.post(f"{SIM}/tags/batch-write", headers=engineer, json={"tags": [
        {"name": '"Data".level', "value": 1.5}, {"name": "Ghost", "value": 1}, {"name": '"Data".idx', "value": "x"},
        {"name": "Start", "value": True}]}))
    assert [(r["name"], r["error"] and r["error"]["code"]) for r in written] == [
        ('"Data".level', None), ("Ghost", "DoesNotExist"), ('"Data".idx', "TypeMismatch"), ("Start", None)]
    assert written[1]["quality"] == "Bad" and written[1]["value"] is None and written[1]["error"]["message"]
    read = data(sim.post(f"{SIM}/tags/batch-read", json={"TagNames": ['"Data".level', "Ghost", "Start"]},
                         headers=viewer))
    assert [(r["value"], r["error"] and r["error"]["code"]) for r in read] == [
        (1.5, None), (None, "DoesNotExist"), (True, None)]
    assert_error(sim.post(f"{SIM}/tags/batch-read", json={"tagNames": []}, headers=viewer), 422, "SIM_BATCH_SIZE")
    assert_error(sim.post(f"{SIM}/tags/batch-read", json={"tagNames": ["Start"] * 1001}, headers=viewer), 422,
                 "SIM_BATCH_SIZE")
    assert_error(sim.post(f"{SIM}/tags/batch-write", json={"tags": []}, headers=engineer), 422, "SIM_BATCH_SIZE")
    assert_error(sim.post(f"{SIM}/tags/batch-write", json={}, headers=engineer), 422)
    assert_error(sim.post(f"{SIM}/tags/batch-write", json={"tags": [{"name": "Start", "value": 1}]},
                          headers=viewer), 403)


def test_stale_tag_list_after_a_download_until_refresh(sim: TestClient[Any], engineer: Headers,
                                                       viewer: Headers, plc: str, image: ProgramImage) -> None:
    cpu = sim.app.state.services.backend.plcsim.get("Sim")
    cpu.load(image, device="PLC_1", stop_allowed=True)
    assert data(sim.get(f"{SIM}/instances/Sim/state", headers=viewer))["tagsUpToDate"] is False
    assert_error(sim.get(tag("Start"), headers=viewer), 409, "SIM_TAG_LIST_NOT_UP_TO_DATE")
    assert_error(sim.get(f"{SIM}/tags", headers=viewer), 409, "SIM_TAG_LIST_NOT_UP_TO_DATE")
    assert_error(sim.put(tag("Start"), json={"value": True}, headers=engineer), 409, "SIM_TAG_LIST_NOT_UP_TO_DATE")
    batch = data(sim.post(f"{SIM}/tags/batch-read", json={"tagNames": ["Start"]}, headers=viewer))
    assert batch[0]["error"]["code"] == "NotUpToDate"
    assert data(sim.post(f"{SIM}/tags/refresh", headers=engineer))["count"] == 16
    assert data(sim.get(tag("Start"), headers=viewer))["value"] is False
    sim.app.state.services.backend.simulation.refresh_after_download(cpu)  # what a download through the API does
    cpu.load(image, device="PLC_1", stop_allowed=True)
    sim.app.state.services.backend.simulation.refresh_after_download(cpu)
    assert data(sim.get(tag("Start"), headers=viewer))["value"] is False


def test_explicit_instance_and_powered_off(sim: TestClient[Any], engineer: Headers, viewer: Headers,
                                           plc: str) -> None:
    create(sim, engineer, "Other")
    data(sim.post(f"{SIM}/connect", json={"instanceName": "Other"}, headers=engineer))
    assert data(sim.get(f"{tag('Start')}?instanceName=Sim", headers=viewer))["value"] is False
    assert data(sim.put(tag("Start"), json={"value": True, "instanceName": "Sim"}, headers=engineer))["value"] is True
    assert data(sim.get(f"{SIM}/tags?instanceName=Sim&filter=Lamp", headers=viewer))["count"] == 1
    assert data(sim.get(f"{SIM}/tags", headers=viewer))["count"] == 0  # nothing downloaded to "Other"
    assert_error(sim.get(tag("Start"), headers=viewer), 409, "INSTANCE_OFF")
    batch = data(sim.post(f"{SIM}/tags/batch-write", json={"tags": [{"name": "Start", "value": True}]},
                          headers=engineer))
    assert batch[0]["error"]["code"] == "InstanceNotRunning"
    assert_error(sim.get(f"{tag('Start')}?instanceName=Nope", headers=viewer), 404, "SIM_INSTANCE_NOT_FOUND")


def test_programming_error_stops_the_cpu_with_its_place(sim: TestClient[Any], engineer: Headers,
                                                         viewer: Headers, plc: str) -> None:
    sim.put(tag('"Data".idx'), json={"value": 7}, headers=engineer)
    result = step(sim, engineer, cycles=5)
    assert (result["cycles"], result["operatingState"], result["stopped"]) == (1, "Stop", True)
    state = data(sim.get(f"{SIM}/instances/Sim/state", headers=viewer))
    assert state["operatingState"] == "Stop" and state["lastError"]["block"] == "Main"
    entry = data(sim.get(f"{SIM}/instances/Sim/diagnostics", headers=viewer))["entries"][0]
    assert entry["event"] == "ProgrammingError" and entry["block"] == "Main" and entry["line"]
    assert_error(sim.post(f"{SIM}/instances/Sim/actions/step", json={"cycles": 1}, headers=engineer), 409,
                 "CPU_NOT_RUNNING")
    # idx is retentive, so STOP -> STARTUP keeps the bad index (function manual A5E03461664, Table 2-1) and the
    # startup OB fails too
    body = assert_error(act(sim, engineer, "Sim", "run"), 409, "CPU_STOPPED_BY_ERROR")
    assert body["details"]["block"] == "Init"
    sim.put(tag('"Data".idx'), json={"value": 0}, headers=engineer)
    assert data(act(sim, engineer, "Sim", "run"))["lastError"] is None


def test_download_through_the_api_keeps_the_connected_tag_list_fresh(
        sim: TestClient[Any], engineer: Headers, viewer: Headers) -> None:
    admin = {"X-API-Key": sim.app.state.services.settings.secret_path.read_text(encoding="utf-8").strip()}
    data(sim.post("/api/projects/actions/create-sync", json={"name": "SimTags"}, headers=admin))
    data(sim.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=admin))
    data(sim.post("/api/projects/devices/actions/add-sync", json={"orderNumber": "6ES7 516-3AN02-0AB0",
                                                                  "name": "PLC_1"}, headers=admin))
    data(sim.post("/api/devices/PLC_1/external-sources/import-and-generate",
                  json={"SourceName": "prog.scl", "SclContent": PROGRAM.replace('"Start"', "TRUE")
                        .replace('"Lamp" := "Delay_DB".done;', "")}, headers=engineer))
    create(sim, engineer, "Dl", operatingMode="SingleStep")
    act(sim, engineer, "Dl", "power-on")
    data(sim.post(f"{SIM}/connect", json={"instanceName": "Dl"}, headers=engineer))
    download = sim.post("/api/devices/PLC_1/actions/download-sync", headers=engineer,
                        json={"instanceName": "Dl", "startAfterDownload": True})
    if download.status_code == 404 and download.json()["code"] == "ROUTE_NOT_FOUND":
        pytest.skip("the download route has not landed")
    data(download)
    assert data(sim.get(f"{SIM}/instances/Dl/state", headers=viewer))["tagsUpToDate"] is True
    step(sim, engineer, cycles=3, name="Dl")
    assert data(sim.get(tag('"Data".count'), headers=viewer))["value"] == 3
    # a client connected to another instance: Dl's list goes stale (a download with none connected connects Dl)
    create(sim, engineer, "Other", operatingMode="SingleStep")
    act(sim, engineer, "Other", "power-on")
    data(sim.post(f"{SIM}/connect", json={"instanceName": "Other"}, headers=engineer))
    data(sim.post("/api/devices/PLC_1/actions/download-sync", headers=engineer,
                  json={"instanceName": "Dl", "stopCpu": True}))
    assert_error(sim.get(tag('"Data".count') + "?instanceName=Dl", headers=viewer), 409,
                 "SIM_TAG_LIST_NOT_UP_TO_DATE")
