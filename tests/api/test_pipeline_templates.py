"""The shipped pipeline templates are real: each is instantiated as T-IA Connect's client does it
(``{pipelineName, parameters: {}}``) and run on the fake against a real program, simulated CPU and tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.design_spec_sample import DESIGN
from tests.api.tag_workbooks import TIA_ROWS, tia_tags_workbook
from tests.api.motor_test_program import MOTOR, motor_program_with_its_test
from tests.conftest import assert_error, data, job_error, run_job

if TYPE_CHECKING:
    from pathlib import Path

    from litestar import Litestar
    from litestar.testing import TestClient

Headers = dict[str, str]
BASE = "/api/pipelines"


def _instantiate(client: TestClient[Litestar], h: Headers, template: str, name: str, **parameters: Any) -> Any:
    return data(client.post(f"{BASE}/templates/{template}/instantiate",
                            json={"pipelineName": name, "parameters": parameters}, headers=h))


def _run(client: TestClient[Litestar], h: Headers, name: str, variables: dict[str, Any] | None = None) -> Any:
    body = {"json": {"variables": variables}} if variables else {}
    return run_job(client, "POST", f"{BASE}/{name}/run", h, **body)


def _steps(record: dict[str, Any]) -> list[tuple[str, str]]:
    execution = record["result"] or record["errorDetails"]["execution"]  # a failed pipeline fails its job
    return [(r["stepName"], r["status"]) for r in execution["stepResults"]]


def test_the_client_lists_and_instantiates_every_template(client: TestClient[Litestar], engineer_headers: Headers,
                                                          viewer_headers: Headers) -> None:
    templates = data(client.get(f"{BASE}/templates", headers=viewer_headers))
    assert len(templates) >= 5
    assert all(t["id"] and t["name"] and t["description"] and t["category"] for t in templates)
    for template in templates:
        made = _instantiate(client, engineer_headers, template["id"], f"From {template['id']}")
        assert made["steps"] and made["trigger"] == template["trigger"]
    assert len(data(client.get(BASE, headers=viewer_headers))) == len(templates)
    nightly = data(client.get(f"{BASE}/From nightly-archive", headers=viewer_headers))
    assert nightly["schedule"]["cron"] == "0 2 * * *" and nightly["nextRunAt"]
    assert_error(client.post(f"{BASE}/templates/nope/instantiate", json={"pipelineName": "X"},
                             headers=engineer_headers), 404, "PIPELINE_TEMPLATE_NOT_FOUND")
    assert_error(client.post(f"{BASE}/templates/build-and-test/instantiate",
                             json={"pipelineName": "Y", "parameters": {"colour": 1}}, headers=engineer_headers), 422,
                 "PIPELINE_VARIABLE_UNKNOWN")
    assert_error(client.post(f"{BASE}/templates/build-and-test/instantiate", json={"pipelineName": "X"},
                             headers=viewer_headers), 403)
    assert_error(client.post(f"{BASE}/templates/build-and-test/instantiate",
                             json={"pipelineName": "From build-and-test"}, headers=engineer_headers), 409,
                 "PIPELINE_EXISTS")


def test_build_and_test_compiles_tests_and_saves(client: TestClient[Litestar], admin_headers: Headers,
                                                 cpu: dict[str, Any]) -> None:
    motor_program_with_its_test(client, admin_headers)
    _instantiate(client, admin_headers, "build-and-test", "CI")
    record = _run(client, admin_headers, "CI")
    assert record["status"] == "Completed", record
    assert _steps(record) == [("Compile", "Completed"), ("Test", "Completed"), ("Save", "Completed")]
    assert record["result"]["stepResults"][1]["result"]["passed"] == 1
    failing = {**MOTOR, "name": "Wrong speed", "deviceName": "PLC_1", "instanceName": "PLC_1_SIM",
               "steps": [*MOTOR["steps"], {"expect": {"tag": '"Motor_DB".Speed', "equals": 1}}]}
    data(client.post("/api/testharness/tests", json=failing, headers=admin_headers))
    record = _run(client, admin_headers, "CI")
    assert record["status"] == "Failed" and "1 of 2 test cases failed" in job_error(record)["message"]
    assert _steps(record) == [("Compile", "Completed"), ("Test", "Failed"), ("Save", "Skipped")]


def test_design_to_plc_generates_downloads_and_tests(client: TestClient[Litestar], admin_headers: Headers,
                                                     cpu: dict[str, Any]) -> None:
    data(client.post("/api/projects/actions/simulation-support", json={"enabled": True}, headers=admin_headers))
    data(client.post("/api/simulation/instances/create", json={"name": "PLC_1_SIM", "cpuType": "CPU1516"},
                     headers=admin_headers))
    data(client.post("/api/simulation/instances/PLC_1_SIM/power-on", headers=admin_headers))
    _instantiate(client, admin_headers, "design-to-plc", "Spec", testPattern="Pump*")
    record = _run(client, admin_headers, "Spec")
    assert job_error(record)["code"] == "PIPELINE_VARIABLE_MISSING"  # the design is the run's to give
    case = {"name": "Pump stays off", "deviceName": "PLC_1", "instanceName": "PLC_1_SIM", "startCpu": True,
            "steps": [{"description": "no start", "waitMs": 100, "assert": {'"Pump1_Run"': {"expected": False}}}]}
    data(client.post("/api/testharness/tests", json=case, headers=admin_headers))
    record = _run(client, admin_headers, "Spec", {"design": DESIGN})
    assert record["status"] == "Completed", record
    assert _steps(record) == [("Load design", "Completed"), ("Generate", "Completed"), ("Compile", "Completed"),
                              ("Download", "Completed"), ("Test", "Completed")]


def test_excel_tags_then_compile(client: TestClient[Litestar], engineer_headers: Headers, workspace: Path,
                                 cpu: dict[str, Any]) -> None:
    tia_tags_workbook(workspace / "PLCTags.xlsx", TIA_ROWS)
    _instantiate(client, engineer_headers, "excel-tags-compile", "Tags", xlsxPath="PLCTags.xlsx")
    record = _run(client, engineer_headers, "Tags")
    assert record["status"] == "Completed", record
    assert record["result"]["stepResults"][0]["result"]["tagsImported"] == len(TIA_ROWS)
    tags = data(client.get("/api/devices/PLC_1/tags/all", headers=engineer_headers))
    assert {t["name"] for t in tags} >= {r[0] for r in TIA_ROWS}


def test_export_to_git_commits_and_nightly_archive_writes_a_dated_archive(
    client: TestClient[Litestar], engineer_headers: Headers, workspace: Path, cpu: dict[str, Any],
) -> None:
    _instantiate(client, engineer_headers, "export-to-git", "Git", message="Nightly export")
    record = _run(client, engineer_headers, "Git")
    assert record["status"] == "Completed", record
    assert _steps(record)[-1] == ("Push", "Skipped")  # pushToRemote is false by default
    log = data(client.get("/api/source-control/log", headers=engineer_headers))
    assert log[0]["message"].startswith("Nightly export (")
    _instantiate(client, engineer_headers, "nightly-archive", "Archive")
    record = _run(client, engineer_headers, "Archive")
    assert record["status"] == "Completed", record
    [archive] = (workspace / "archives").glob("Archive-*.zap19")
    assert archive.stat().st_size > 0
