"""Download, upload and online/offline compare over HTTP.

Most tests use the stub program image of the contract tests (what is loaded, not how it runs); the
last one runs a real program on the PLC engine and is skipped until ``fakes.runtime.image`` exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import assert_error, configure, data, job_error, run_job
from tests.contract.stub_engine import SCL, make_instance
from tests.api.download_sources import BAD, BASE, import_scl

if TYPE_CHECKING:
    from pathlib import Path

EXTRA = 'FUNCTION "Extra" : Void\nBEGIN\n    ;\nEND_FUNCTION\n'


def test_download_needs_simulation_support_and_a_powered_on_instance(
    client: Any, admin_headers: dict[str, str], engineer_headers: dict[str, str], plc: Any,
) -> None:
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": False}, headers=admin_headers))
    body = assert_error(client.post(f"{BASE}/actions/download-sync", headers=engineer_headers), 409,
                        "SIMULATION_SUPPORT_DISABLED")
    assert "Support simulation during block compilation" in body["message"]
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=admin_headers))
    plc.power_off()
    assert_error(client.post(f"{BASE}/actions/download-sync", headers=engineer_headers), 409, "INSTANCE_OFF")
    assert_error(client.post("/api/devices/Nope/actions/download-sync", headers=engineer_headers), 404,
                 "DEVICE_NOT_FOUND")
    assert plc.device is None


def test_download_loads_the_program_and_keeps_unchanged_data_blocks(
    client: Any, engineer_headers: dict[str, str], services: Any, plc: Any,
) -> None:
    make_instance(services.backend.plcsim, "Other")
    services.backend.plcsim.connect("Other")  # a session on another instance is kept by the download
    result = data(client.post(f"{BASE}/actions/download-sync", headers=engineer_headers))
    assert (result["state"], result["errorCount"], result["instanceName"]) == ("Warning", 0, "Sim_PLC_1")
    assert (result["operatingState"], result["stoppedCpu"], result["startedCpu"]) == ("Stop", False, False)
    assert result["reinitialisedDataBlocks"] == ["Data"] and result["objectCount"] == 2
    assert result["warnings"] == ["stub engine: nothing runs"] and result["compileResult"]["errorCount"] == 0
    assert any(m["message"] == "2 objects loaded." for m in result["messages"])
    assert plc.device == "PLC_1" and plc.tags_stale is True  # not the connected instance: clients refresh
    services.backend.plcsim.connect("Sim_PLC_1")
    plc.memory.dbs["data"]["value"] = 5
    again = data(client.post(f"{BASE}/actions/download-sync", headers=engineer_headers))
    assert again["reinitialisedDataBlocks"] == [] and plc.memory.dbs["data"]["value"] == 5
    assert plc.tags_stale is False  # the connected instance's tag list is refreshed


def test_a_running_cpu_is_stopped_only_with_confirmation_and_started_only_when_asked(
    client: Any, engineer_headers: dict[str, str], plc: Any,
) -> None:
    plc.run()
    body = assert_error(client.post(f"{BASE}/actions/download-sync", headers=engineer_headers), 409, "CPU_IN_RUN")
    assert '"stopCpu": true' in body["message"] and plc.state == "Run" and plc.device is None
    checks = {"preDownloadChecks": {"StopModules": "StopAll"}}
    result = data(client.post(f"{BASE}/actions/download-sync", json=checks, headers=engineer_headers))
    assert (result["stoppedCpu"], result["startedCpu"], result["operatingState"]) == (True, False, "Stop")
    plc.run()
    result = data(client.post(f"{BASE}/actions/download-sync", json={"stopCpu": True, "startAfterDownload": True},
                              headers=engineer_headers))
    assert (result["stoppedCpu"], result["startedCpu"], result["operatingState"]) == (True, True, "Run")
    wrong = {"preDownloadChecks": {"StopModules": "Maybe"}}
    body = assert_error(client.post(f"{BASE}/actions/download-sync", json=wrong, headers=engineer_headers), 422)
    assert body["details"]["field"] == "preDownloadChecks.StopModules"


def test_compile_errors_fail_the_download_and_load_nothing(
    client: Any, admin_headers: dict[str, str], engineer_headers: dict[str, str], plc: Any,
) -> None:
    import_scl(client, admin_headers, BAD, "bad.scl")
    body = assert_error(client.post(f"{BASE}/actions/download-sync", headers=engineer_headers), 409,
                        "DOWNLOAD_COMPILE_FAILED")
    assert body["details"]["compileResult"]["errorCount"] >= 1 and plc.device is None


def test_async_download_and_upload_run_as_jobs(
    client: Any, engineer_headers: dict[str, str], plc: Any,
) -> None:
    job = run_job(client, "POST", f"{BASE}/actions/download", engineer_headers, json={})
    assert job["status"] == "Completed" and job["progress"] == 100, job
    assert job["result"]["instanceName"] == "Sim_PLC_1"
    upload = run_job(client, "POST", f"{BASE}/actions/upload", engineer_headers, json={})
    assert {o["name"] for o in upload["result"]["objects"]} == {"Data", "Main"}
    plc.run()
    failed = run_job(client, "POST", f"{BASE}/actions/download", engineer_headers, json={})
    assert failed["status"] == "Failed" and job_error(failed)["code"] == "CPU_IN_RUN"


def test_upload_reads_back_writes_files_and_applies_in_one_transaction(
    client: Any, admin_headers: dict[str, str], engineer_headers: dict[str, str], workspace: Path, plc: Any,
) -> None:
    assert_error(client.post(f"{BASE}/actions/upload-sync", json={}, headers=engineer_headers), 409, "NOTHING_LOADED")
    data(client.post(f"{BASE}/actions/download-sync", headers=engineer_headers))
    up = data(client.post(f"{BASE}/actions/upload-sync", json={"exportPath": "up"}, headers=engineer_headers))
    assert [(o["name"], o["kind"]) for o in sorted(up["objects"], key=lambda o: o["name"])] == [
        ("Data", "GlobalDB"), ("Main", "OB")]
    assert up["loadedDevice"] == "PLC_1" and up["applied"] is False and all(o["digest"] for o in up["objects"])
    assert sorted(p.name for p in (workspace / "up").iterdir()) == ["Data.xml", "Main.xml"]
    assert_error(client.post(f"{BASE}/actions/upload-sync", json={"exportPath": "up"}, headers=engineer_headers), 409,
                 "FILE_EXISTS")
    assert_error(client.post(f"{BASE}/actions/upload-sync", json={"exportPath": "/etc/up"}, headers=engineer_headers),
                 422, "PATH_REJECTED")
    data(client.post(f"{BASE}/actions/upload-sync", json={"exportPath": "up", "overwrite": True},
                     headers=engineer_headers))
    data(client.delete(f"{BASE}/blocks/Main", headers=admin_headers))
    applied = data(client.post(f"{BASE}/actions/upload-sync", json={"apply": True}, headers=engineer_headers))
    assert applied["applied"] is True
    names = {b["name"] for b in data(client.get(f"{BASE}/blocks", headers=admin_headers))}
    assert {"Data", "Main"} <= names
    assert data(client.post(f"{BASE}/actions/compare", headers=engineer_headers))["identical"] is True


def test_compare_lists_what_is_only_offline_only_online_and_different(
    client: Any, admin_headers: dict[str, str], engineer_headers: dict[str, str], viewer_headers: dict[str, str],
    plc: Any,
) -> None:
    data(client.post(f"{BASE}/actions/download-sync", headers=engineer_headers))
    same = data(client.post(f"{BASE}/actions/compare", headers=engineer_headers))
    assert (same["identical"], same["identicalCount"], same["offlineCompiles"]) == (True, 2, True)
    import_scl(client, admin_headers, EXTRA, "extra.scl")
    import_scl(client, admin_headers, SCL.replace("+ 1;", "+ 2;"))
    data(client.delete(f"{BASE}/blocks/Data", headers=admin_headers))
    diff = data(client.post(f"{BASE}/actions/compare", headers=engineer_headers))
    assert diff["identical"] is False
    assert (diff["onlyOffline"], diff["onlyOnline"], diff["different"]) == (["Extra"], ["Data"], ["Main"])
    entries = {e["name"]: e for e in diff["entries"]}
    assert entries["Main"]["offlineDigest"] != entries["Main"]["onlineDigest"]
    assert_error(client.post(f"{BASE}/actions/compare", headers=viewer_headers), 403, "FORBIDDEN")
    plc.power_off()
    assert_error(client.post(f"{BASE}/actions/compare", headers=engineer_headers), 409, "INSTANCE_OFF")


RUNNER = SCL.replace("count : Int;", "count : Int;\n      slots : Array[0..9] of Int;").replace(
    '"Data".count + 1;', '"Data".count + 1;\n    "Data".slots["Data".count] := "Data".count;')
"""The counter, writing slots[count]: the 10th cycle indexes past the array and stops the CPU."""


def test_a_real_program_runs_after_download_and_a_runtime_error_stops_the_cpu(
    client: Any, admin_headers: dict[str, str], cpu: Any, services: Any,
) -> None:
    engine = pytest.importorskip("fakes.runtime.image", reason="the PLC engine (fakes.runtime.image) has not landed")
    if not hasattr(engine, "build_image"):
        pytest.skip("fakes.runtime.image has no build_image yet")
    assert configure(client, admin_headers, "PLC_1", "192.168.0.10").status_code == 200
    import_scl(client, admin_headers, RUNNER)
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=admin_headers))
    sim = make_instance(services.backend.plcsim, "Sim_PLC_1", "192.168.0.10")
    result = data(client.post(f"{BASE}/actions/download-sync", json={"startAfterDownload": True},
                              headers=admin_headers))
    assert result["operatingState"] == "Run" and "Data" in result["reinitialisedDataBlocks"]
    sim.step(cycles=5)
    assert sim.read('"Data".count').value == 5
    assert data(client.post(f"{BASE}/actions/compare", headers=admin_headers))["identical"] is True
    sim.step(cycles=10)  # the 10th cycle writes slots[10]
    status = data(client.get(f"{BASE}/cpu/status", headers=admin_headers))
    assert status["operatingState"] == "Stop"
    assert status["lastError"]["block"] == "Main" and status["lastError"]["event"] == "ProgrammingError"
    uploaded = data(client.post(f"{BASE}/actions/upload-sync", json={}, headers=admin_headers))
    assert {"Data", "Main"} <= {o["name"] for o in uploaded["objects"]}


def test_the_vendor_clients_scope_download_stops_and_restarts_a_running_cpu(
    client: Any, engineer_headers: dict[str, str], plc: Any,
) -> None:
    """T-IA Connect's client (tia_download_to_plc) asks its user, then sends exactly ``{"Scope": "Software"}`` to the
    async route: TIA's pre-selected answers apply (stop all, start module), and the CPU ends in RUN as it was."""
    plc.run()
    job = run_job(client, "POST", f"{BASE}/actions/download", engineer_headers, json={"Scope": "Software"})
    assert job["status"] == "Completed", job
    result = job["result"]
    assert (result["stoppedCpu"], result["startedCpu"], result["operatingState"]) == (True, True, "Run")
    assert plc.state == "Run" and plc.device == "PLC_1"
    # A CPU in STOP stays in STOP; without Scope (our own callers) a CPU in RUN still needs stopCpu.
    plc.stop("test")
    stopped = run_job(client, "POST", f"{BASE}/actions/download", engineer_headers, json={"Scope": "Software"})
    assert stopped["result"]["startedCpu"] is False and plc.state == "Stop"
    plc.run()
    assert_error(client.post(f"{BASE}/actions/download-sync", json={}, headers=engineer_headers), 409, "CPU_IN_RUN")
    hardware = assert_error(client.post(f"{BASE}/actions/download-sync", json={"Scope": "HardwareAndSoftware"},
                                        headers=engineer_headers), 501, "NOT_SUPPORTED")
    assert '{"Scope": "Software"}' in hardware["message"] and plc.state == "Run"
