"""Pipelines through HTTP, as T-IA Connect's client calls them: save, list, get, delete, run as a job with per-step
results, execution history, roles, bad input (4xx, nothing stored) and audit."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from simatic_xml.cancel import checkpoint
from tests.conftest import assert_error, data, job_error, start_job, wait_job
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import TestClient

    from engineering_api.services import Services

Headers = dict[str, str]
BASE = "/api/pipelines"
COMPILE = {"name": "Compile", "action": "devices.compile-hardware", "params": {"deviceName": "${deviceName}"}}
BROKEN = {"blockType": "FC", "name": "FC_Broken", "language": "SCL", "number": 3, "returnType": "Int",
          "interface": {"Input": [{"name": "r", "dataType": "String"}]},
          "networks": [{"scl": "#FC_Broken := #r;"}]}
"""An FC that imports but does not compile (String into Int)."""


def _pipeline(name: str = "Build", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name, "description": "compile and list", "trigger": "manual", "variables": {"deviceName": "PLC_1"},
        "steps": [COMPILE, {"name": "List", "action": "blocks.list", "params": {"deviceName": "${deviceName}"}}],
        "onFailure": "stop",
    }
    body.update(extra)
    return body


def _run(client: TestClient[Litestar], name: str, headers: Headers, body: Any = None) -> dict[str, Any]:
    kwargs = {"json": body} if body is not None else {}
    job_id = start_job(client, "POST", f"{BASE}/{name}/run", headers, **kwargs)
    return wait_job(client, job_id, headers)


def test_save_list_get_delete_as_the_client_does(
    client: TestClient[Litestar], engineer_headers: Headers, viewer_headers: Headers, cpu: dict[str, Any],
) -> None:
    saved = data(client.post(BASE, json=_pipeline(), headers=engineer_headers))
    assert saved["name"] == "Build" and saved["createdAt"] and saved["steps"][0]["action"] == "devices.compile-hardware"
    assert data(client.get(BASE, headers=viewer_headers)) == ["Build"]
    got = data(client.get(f"{BASE}/build", headers=viewer_headers))  # names are case-insensitive
    assert got["steps"][1]["params"] == {"deviceName": "${deviceName}"} and got["nextRunAt"] is None
    assert_error(client.post(BASE, json=_pipeline(), headers=engineer_headers), 409, "PIPELINE_EXISTS")
    replaced = data(client.post(BASE, json={**_pipeline(description="v2"), "overwrite": True},
                                headers=engineer_headers))
    assert replaced["description"] == "v2" and replaced["createdAt"] == saved["createdAt"]
    assert_error(client.delete(f"{BASE}/Build", headers=viewer_headers), 403)
    data(client.delete(f"{BASE}/Build", headers=engineer_headers))
    assert data(client.get(BASE, headers=viewer_headers)) == []
    assert_error(client.get(f"{BASE}/Build", headers=viewer_headers), 404, "PIPELINE_NOT_FOUND")


def test_the_clients_own_definition_shape_is_accepted(client: TestClient[Litestar], engineer_headers: Headers) -> None:
    """types.ts PipelineDefinition, PascalCase as some callers send it, with createdAt from an earlier GET."""
    body = {
        "Name": "Client", "Trigger": "manual", "Variables": {}, "OnFailure": "continue", "CreatedAt": "2026-01-01",
        "Steps": [{"Name": "Tables", "Action": "blocks.list", "Params": {"DeviceName": "PLC_1"},
                   "TimeoutSeconds": 30, "RetryCount": 2, "RetryDelayMs": 10}],
    }
    saved = data(client.post(BASE, json=body, headers=engineer_headers))
    step = saved["steps"][0]
    assert (step["retryCount"], step["timeoutSeconds"], saved["onFailure"]) == (2, 30, "continue")


def test_bad_definitions_answer_422_and_store_nothing(
    client: TestClient[Litestar], engineer_headers: Headers,
) -> None:
    bad_steps = [
        ({"name": "A", "action": "nope.nothing"}, "is not an operation"),
        ({"name": "A", "action": "pipelines.run", "params": {"name": "x"}}, "cannot run pipeline operations"),
        ({"name": "A", "action": "blocks.list", "params": {"deviceName": "PLC_1", "colour": 1}}, "no parameter colour"),
        ({"name": "A", "action": "blocks.list"}, "needs deviceName"),
        ({"name": "A", "action": "blocks.list", "params": {"deviceName": "${nobody}"}}, "neither a variable"),
        ({"name": "A", "action": "blocks.list", "params": {"deviceName": "x"}, "condition": "rm -rf /"},
         "neither a ${reference} nor a literal"),
        ({"name": "A", "action": "blocks.list", "params": {"deviceName": "x"}, "onFailure": "goto:Nowhere"},
         "goto:<step name>"),
        ({"name": "A", "action": "blocks.list", "params": {"deviceName": "${steps.Z.status}"}}, "names no step"),
    ]
    for step, words in bad_steps:
        body = _pipeline("Bad", variables={}, steps=[step])
        problem = assert_error(client.post(BASE, json=body, headers=engineer_headers), 422, "PIPELINE_INVALID")
        assert words in problem["detail"], (step, problem["detail"])
    schedule = _pipeline("Bad", trigger="schedule", schedule={"cron": "61 * * * *"})
    assert_error(client.post(BASE, json=schedule, headers=engineer_headers), 422, "PIPELINE_SCHEDULE_INVALID")
    zone = _pipeline("Bad", trigger="schedule", schedule={"cron": "0 2 * * *", "timezone": "Mars/Olympus"})
    assert_error(client.post(BASE, json=zone, headers=engineer_headers), 422, "PIPELINE_SCHEDULE_INVALID")
    assert_error(client.post(BASE, json=_pipeline("templates"), headers=engineer_headers), 422, "PIPELINE_INVALID")
    assert_error(client.post(BASE, json=_pipeline("a/b"), headers=engineer_headers), 422, "PIPELINE_INVALID")
    twice = _pipeline("Bad", steps=[COMPILE, COMPILE])
    assert_error(client.post(BASE, json=twice, headers=engineer_headers), 422, "PIPELINE_INVALID")
    assert data(client.get(BASE, headers=engineer_headers)) == []


def test_run_records_every_step_and_references_earlier_results(
    client: TestClient[Litestar], engineer_headers: Headers, cpu: dict[str, Any],
) -> None:
    steps = [
        COMPILE,
        {"name": "Only when clean", "action": "blocks.list", "params": {"deviceName": "${deviceName}"},
         "condition": "${steps.Compile.result.errorCount} == 0"},
        {"name": "Only on failure", "action": "blocks.list", "params": {"deviceName": "${deviceName}"},
         "condition": "failure"},
    ]
    data(client.post(BASE, json=_pipeline("Clean", steps=steps), headers=engineer_headers))
    record = _run(client, "Clean", engineer_headers)
    assert record["status"] == "Completed", record
    execution = record["result"]
    assert execution["status"] == "Completed" and execution["jobId"] == record["jobId"]
    statuses = [(r["stepName"], r["status"]) for r in execution["stepResults"]]
    assert statuses == [("Compile", "Completed"), ("Only when clean", "Completed"), ("Only on failure", "Skipped")]
    assert execution["stepResults"][0]["attempts"] == 1 and execution["durationMs"] >= 0
    history = data(client.get(f"{BASE}/executions", params={"name": "clean", "limit": 5}, headers=engineer_headers))
    assert [h["id"] for h in history] == [execution["id"]]
    one = data(client.get(f"{BASE}/executions/{execution['id']}", headers=engineer_headers))
    assert one["stepResults"] == execution["stepResults"]
    assert_error(client.get(f"{BASE}/executions/nope", headers=engineer_headers), 404, "PIPELINE_EXECUTION_NOT_FOUND")


def test_a_failing_step_fails_the_job_and_stops_or_continues(
    client: TestClient[Litestar], engineer_headers: Headers, cpu: dict[str, Any],
) -> None:
    missing = {"name": "Missing", "action": "blocks.content", "params": {"deviceName": "PLC_1", "blockName": "Nope"},
               "retryCount": 2, "retryDelayMs": 0}
    later = {"name": "Later", "action": "blocks.list", "params": {"deviceName": "PLC_1"}}
    data(client.post(BASE, json=_pipeline("Stops", variables={}, steps=[missing, later]), headers=engineer_headers))
    record = _run(client, "Stops", engineer_headers)
    error = job_error(record)
    assert record["status"] == "Failed" and error["code"] == "PIPELINE_FAILED", record
    assert "step 'Missing'" in error["message"]
    execution = data(client.get(f"{BASE}/executions", headers=engineer_headers))[0]
    assert execution["status"] == "Failed" and "Missing" in execution["error"]
    first, second = execution["stepResults"]
    assert (first["status"], first["attempts"], second["status"]) == ("Failed", 3, "Skipped")
    assert "stopped at step 'Missing'" in second["resultMessage"]

    goes_on = _pipeline("Goes on", variables={}, onFailure="continue", steps=[{**missing, "retryCount": 0}, later])
    data(client.post(BASE, json=goes_on, headers=engineer_headers))
    record = _run(client, "Goes on", engineer_headers)
    assert record["status"] == "Failed"
    execution = data(client.get(f"{BASE}/executions", params={"name": "Goes on"}, headers=engineer_headers))[0]
    assert [r["status"] for r in execution["stepResults"]] == ["Failed", "Completed"]


def test_goto_runs_a_cleanup_step_and_compile_errors_fail_the_step(
    client: TestClient[Litestar], engineer_headers: Headers, cpu: dict[str, Any],
) -> None:
    data(client.post("/api/blockgeneration/generate-and-import", json={"spec": BROKEN, "deviceName": "PLC_1"},
                     headers=engineer_headers))
    steps = [
        {**COMPILE, "onFailure": "goto:Cleanup"},
        {"name": "Never", "action": "blocks.list", "params": {"deviceName": "PLC_1"}},
        {"name": "Cleanup", "action": "blocks.delete", "params": {"deviceName": "PLC_1", "blockName": "FC_Broken"},
         "condition": "failure"},
        {"name": "Recompile", "action": "devices.compile-hardware", "params": {"deviceName": "PLC_1"}},
    ]
    data(client.post(BASE, json=_pipeline("Goto", steps=steps), headers=engineer_headers))
    record = _run(client, "Goto", engineer_headers)
    assert record["status"] == "Failed" and "compile reported 1 error" in job_error(record)["message"]
    execution = data(client.get(f"{BASE}/executions", params={"name": "Goto"}, headers=engineer_headers))[0]
    names = [(r["stepName"], r["status"]) for r in execution["stepResults"]]
    assert names == [("Compile", "Failed"), ("Cleanup", "Completed"), ("Recompile", "Completed"), ("Never", "Skipped")]
    assert execution["stepResults"][0]["result"]["errorCount"] == 1  # the compile's answer is kept for the reader
    assert_error(client.get("/api/devices/PLC_1/blocks/FC_Broken/content", headers=engineer_headers), 404)


def test_variables_missing_or_unknown_and_roles(
    client: TestClient[Litestar], engineer_headers: Headers, viewer_headers: Headers, cpu: dict[str, Any],
) -> None:
    data(client.post(BASE, json=_pipeline("Vars", variables={"deviceName": None}), headers=engineer_headers))
    record = _run(client, "Vars", engineer_headers)
    assert job_error(record)["code"] == "PIPELINE_VARIABLE_MISSING"
    record = _run(client, "Vars", engineer_headers, {"variables": {"colour": "red", "deviceName": "PLC_1"}})
    assert job_error(record)["code"] == "PIPELINE_VARIABLE_UNKNOWN"
    record = _run(client, "Vars", engineer_headers, {"variables": {"deviceName": "PLC_1"}})
    assert record["status"] == "Completed", record
    assert_error(client.post(f"{BASE}/Vars/run", headers=viewer_headers), 403)
    assert_error(client.post(f"{BASE}/Nope/run-sync", headers=engineer_headers), 404, "PIPELINE_NOT_FOUND")


def test_a_step_needing_admin_is_refused_to_an_engineer_before_anything_runs(
    client: TestClient[Litestar], engineer_headers: Headers,
) -> None:
    steps = [{"name": "Admin", "action": "tia.firewall.whitelist"}]  # an admin operation
    data(client.post(BASE, json=_pipeline("Admin", variables={}, steps=steps), headers=engineer_headers))
    record = _run(client, "Admin", engineer_headers)
    assert job_error(record)["code"] == "FORBIDDEN" and "admin role" in job_error(record)["message"]
    assert data(client.get(f"{BASE}/executions", headers=engineer_headers)) == []


def test_dry_run_lists_the_steps_and_audit_records_the_calls(
    client: TestClient[Litestar], engineer_headers: Headers, admin_headers: Headers, cpu: dict[str, Any],
) -> None:
    data(client.post(BASE, json=_pipeline("Dry"), headers=engineer_headers))
    preview = data(client.post(f"{BASE}/Dry/run-sync", params={"dryRun": "true"}, headers=engineer_headers))
    assert preview["dryRun"] and [c["name"] for c in preview["changes"]] == ["Compile", "List"]
    assert '"deviceName":"PLC_1"' in preview["changes"][0]["detail"]
    assert data(client.get(f"{BASE}/executions", headers=engineer_headers)) == []
    audit = data(client.get("/api/audit", params={"pathPrefix": "/api/pipelines"}, headers=admin_headers))
    paths = {(r["method"], r["path"]) for r in audit["records"]}
    assert ("POST", "/api/pipelines") in paths and ("POST", "/api/pipelines/Dry/run-sync") in paths


@pytest.fixture
def slow_save(services: Services, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """``save_project`` runs until the returned event is set, reaching a cancel checkpoint every 10 ms as the
    fake's long loops do; so a step can time out or its job be canceled while it runs."""
    entered = threading.Event()
    original = services.backend.save_project

    def save() -> Any:
        entered.set()
        deadline = time.monotonic() + HANG_GUARD_S
        while time.monotonic() < deadline and not getattr(save, "done", False):
            checkpoint()
            time.sleep(0.01)
        return original()

    monkeypatch.setattr(services.backend, "save_project", save)
    return entered


def test_a_step_timeout_stops_only_that_step_and_retries_it(
    client: TestClient[Litestar], engineer_headers: Headers, cpu: dict[str, Any], slow_save: threading.Event,
) -> None:
    steps = [{"name": "Save", "action": "projects.save", "timeoutSeconds": 0.2, "retryCount": 1, "retryDelayMs": 0},
             {"name": "After", "action": "blocks.list", "params": {"deviceName": "PLC_1"}, "condition": "failure"}]
    data(client.post(BASE, json=_pipeline("Slow", variables={}, steps=steps, onFailure="continue"),
                     headers=engineer_headers))
    record = _run(client, "Slow", engineer_headers)
    assert record["status"] == "Failed"
    execution = data(client.get(f"{BASE}/executions", params={"name": "Slow"}, headers=engineer_headers))[0]
    save, after = execution["stepResults"]
    assert (save["status"], save["attempts"], save["errorCode"]) == ("Failed", 2, "PIPELINE_STEP_TIMEOUT")
    assert after["status"] == "Completed"  # the job went on after the step's timeout


def test_canceling_the_job_stops_the_running_step_and_the_pipeline(
    client: TestClient[Litestar], engineer_headers: Headers, cpu: dict[str, Any], slow_save: threading.Event,
) -> None:
    steps = [{"name": "Save", "action": "projects.save"},
             {"name": "After", "action": "blocks.list", "params": {"deviceName": "PLC_1"}}]
    data(client.post(BASE, json=_pipeline("Cancel me", variables={}, steps=steps), headers=engineer_headers))
    job_id = start_job(client, "POST", f"{BASE}/Cancel me/run", engineer_headers)
    assert slow_save.wait(HANG_GUARD_S)
    data(client.post(f"/api/jobs/{job_id}/actions/cancel", headers=engineer_headers))
    record = wait_job(client, job_id, engineer_headers)
    assert record["status"] == "Canceled"
    execution = data(client.get(f"{BASE}/executions", params={"name": "Cancel me"}, headers=engineer_headers))[0]
    assert execution["status"] == "Cancelled" and execution["jobId"] == job_id
    assert [(r["stepName"], r["status"]) for r in execution["stepResults"]] == [("Save", "Cancelled"),
                                                                                ("After", "Skipped")]


def test_secrets_are_run_variables_never_stored_or_answered(
    client: TestClient[Litestar], engineer_headers: Headers, admin_headers: Headers, cpu: dict[str, Any],
) -> None:
    download = {"name": "Download", "action": "devices.download",
                "params": {"deviceName": "PLC_1", "password": "s3cret"}}
    problem = assert_error(client.post(BASE, json=_pipeline("Secret", variables={}, steps=[download]),
                                       headers=engineer_headers), 422, "PIPELINE_INVALID")
    assert "password is a secret" in problem["detail"] and "s3cret" not in problem["detail"]
    stored = _pipeline("Secret", variables={"password": "s3cret"}, steps=[{**download, "params": {
        "deviceName": "PLC_1", "password": "${password}"}}])
    assert_error(client.post(BASE, json=stored, headers=engineer_headers), 422, "PIPELINE_INVALID")
    ok_body = {**stored, "variables": {"password": None}}
    data(client.post(BASE, json=ok_body, headers=engineer_headers))
    preview = data(client.post(f"{BASE}/Secret/run-sync", params={"dryRun": "true"},
                               json={"variables": {"password": "s3cret"}}, headers=engineer_headers))
    assert "s3cret" not in str(preview) and "***" in preview["changes"][0]["detail"]
    _run(client, "Secret", engineer_headers, {"variables": {"password": "s3cret"}})
    execution = data(client.get(f"{BASE}/executions", params={"name": "Secret"}, headers=engineer_headers))[0]
    assert execution["variables"] == {"password": "***"}
    jobs = data(client.get("/api/jobs", params={"operation": "pipelines.run"}, headers=admin_headers))["jobs"]
    assert "s3cret" not in str(jobs) and "s3cret" not in str(execution)
