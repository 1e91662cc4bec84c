"""PLC unit tests through HTTP: test case CRUD and validation, runs as jobs, results, roles, persistence.

Runs use :class:`FakeSim` (the six simulation port methods over a dict of tags) set on the app's
backend, so they do not need the simulated CPU; ``test_testharness_e2e.py`` runs a real program.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app
from engineering_api.config import Settings
from tests.api.fake_sim import MOTOR_STEPS, START, FakeSim
from tests.conftest import assert_error, data, job_error, run_job, start_job, wait_job
from tools.bounds import HANG_GUARD_S
from tests.api.testharness_support import TESTS, create, fake_simulation

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Litestar

    from engineering_api.services import Services

Headers = dict[str, str]
MOTOR = {"name": "Motor starts", "deviceName": "PLC_1", "steps": MOTOR_STEPS}


@pytest.fixture
def sim(api: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch) -> FakeSim:
    return fake_simulation(api.app.state.services, monkeypatch)


# ----- test cases ---------------------------------------------------------------------------------
def test_create_get_list_and_delete_a_case(api: TestClient[Litestar], engineer: Headers,
                                           viewer: Headers) -> None:
    made = data(create(api, engineer, {**MOTOR, "description": "TON 2 s"}))
    assert made["name"] == "Motor starts" and made["startCpu"] is False and made["setup"] == []
    assert made["steps"][0] == {"write": [START["write"]]} and made["steps"][1] == {"cycles": 1}
    assert made["createdAt"] == made["updatedAt"]
    other = data(create(api, engineer, {"name": "b_other", "steps": [{"expect": {"tag": "X", "equals": 1}}]}))
    assert other["deviceName"] is None

    assert data(api.get(TESTS, headers=viewer)) == ["b_other", "Motor starts"]
    assert data(api.get(TESTS, params={"deviceName": "plc_1"}, headers=viewer)) == ["Motor starts"]
    assert data(api.get("/api/testharness/cases", params={"deviceName": "plc_1"}, headers=viewer)) == [made]
    assert data(api.get(f"{TESTS}/MOTOR starts", headers=viewer)) == made

    assert data(api.delete(f"{TESTS}/motor starts", headers=engineer))["name"] == "Motor starts"
    assert_error(api.get(f"{TESTS}/Motor starts", headers=viewer), 404, "TEST_NOT_FOUND")
    assert_error(api.delete(f"{TESTS}/Motor starts", headers=engineer), 404, "TEST_NOT_FOUND")


def test_pascal_case_bodies_are_accepted(api: TestClient[Litestar], engineer: Headers) -> None:
    body = {"Name": "pascal", "StartCpu": True, "Setup": [{"Write": {"Tag": "Start", "Value": False}}],
            "Steps": [{"AdvanceMs": 50}, {"Expect": {"Tag": "Speed", "Approx": 0, "Tolerance": 0.1}}]}
    made = data(create(api, engineer, body))
    assert made["startCpu"] is True and made["setup"] == [{"write": [{"tag": "Start", "value": False}]}]
    assert made["steps"][1] == {"expect": [{"tag": "Speed", "approx": 0, "tolerance": 0.1}]}


def test_names_are_unique_unless_overwrite(api: TestClient[Litestar], engineer: Headers) -> None:
    first = data(create(api, engineer, MOTOR))
    body = assert_error(create(api, engineer, {**MOTOR, "name": "MOTOR STARTS"}), 409, "TEST_EXISTS")
    assert "overwrite" in body["message"]
    replaced = data(create(api, engineer, {**MOTOR, "description": "v2", "overwrite": True}))
    assert replaced["description"] == "v2" and replaced["createdAt"] == first["createdAt"]
    assert "overwrite" not in replaced


@pytest.mark.parametrize(("change", "code", "words"), [
    ({"steps": [{"wait": 5}]}, "TEST_CASE_INVALID", "unknown field 'wait'"),
    ({"steps": [{"force": {"tag": "Start", "value": True}}]}, "TEST_CASE_INVALID", "unknown field 'force'"),
    ({"steps": [{"cycles": 1, "advanceMs": 5}]}, "TEST_CASE_INVALID", "at most one of"),
    ({"steps": [{"waitMs": 5, "cycles": 1}]}, "TEST_CASE_INVALID", "found: cycles, waitMs"),
    ({"steps": [{}]}, "TEST_CASE_INVALID", "a step does something"),
    ({"steps": [{"description": "only words"}]}, "TEST_CASE_INVALID", "a step does something"),
    ({"steps": [{"assert": {"X": {"expected": 1, "around": 2}}}]}, "TEST_CASE_INVALID", "unknown field 'around'"),
    ({"steps": [{"assert": {"X": {"tolerance": 2}}}]}, "TEST_CASE_INVALID", "tolerance goes with expected"),
    ({"steps": [{"assert": {"X": {"min": "low"}}}]}, "TEST_CASE_INVALID", "Expected `float | null`"),
    ({"steps": [{"assert": [1]}]}, "TEST_CASE_INVALID", "assert is"),
    ({"steps": [{"write": 5, "assert": {"X": 1}}]}, "TEST_CASE_INVALID", "write is"),
    ({"steps": [{"waitMs": 600_001, "assert": {"X": 1}}]}, "TEST_CASE_INVALID", "<= 600000"),
    ({"steps": [5]}, "VALIDATION_FAILED", "Expected `object`"),
    ({"teardown": {"waitMs": -1}}, "TEST_CASE_INVALID", "teardown[1]"),
    ({"steps": [START, {"cycles": 2}]}, "TEST_CASE_INVALID", "asserts nothing"),
    ({"steps": [{"expect": {"tag": "X"}}]}, "TEST_CASE_INVALID", "needs a comparison"),
    ({"steps": [{"expect": {"tag": "X", "equals": 1, "tolerance": 0.1}}]}, "TEST_CASE_INVALID", "goes with approx"),
    ({"steps": [{"expect": {"tag": "X", "equals": 1, "within": 3}}]}, "TEST_CASE_INVALID", "unknown field `within`"),
    ({"steps": [{"expect": {"tag": "X", "greaterThan": "high"}}]}, "TEST_CASE_INVALID", "Expected `float | null`"),
    ({"steps": [{"expect": {"tag": "X", "approx": 1, "tolerance": -1}}]}, "TEST_CASE_INVALID", ">= 0"),
    ({"steps": [{"cycles": 0}]}, "TEST_CASE_INVALID", ">= 1"),
    ({"steps": [{"cycles": 1_000_001}]}, "TEST_CASE_INVALID", "<= 1000000"),
    ({"steps": [{"advanceMs": -5}]}, "TEST_CASE_INVALID", "at `advanceMs`"),
    ({"steps": []}, "VALIDATION_FAILED", "length >= 1"),
    ({"steps": "cycles"}, "VALIDATION_FAILED", "Expected `array`"),
    ({"setup": [{"cycles": 1, "waitMs": 1}]}, "TEST_CASE_INVALID", "setup[1]"),
    ({"name": "a/b"}, "TEST_NAME_INVALID", "not a valid test case name"),
    ({"name": "*"}, "TEST_NAME_INVALID", "not a valid test case name"),
    ({"name": ""}, "TEST_NAME_INVALID", "not a valid test case name"),
    ({"name": "x" * 101}, "VALIDATION_FAILED", "length <= 100"),
])
def test_invalid_cases_answer_422(api: TestClient[Litestar], engineer: Headers, change: dict[str, Any],
                                  code: str, words: str) -> None:
    body = assert_error(create(api, engineer, {**MOTOR, **change}), 422, code)
    assert words in body["message"], body["message"]
    assert data(api.get(TESTS, headers=engineer)) == []


def test_a_missing_body_answers_422(api: TestClient[Litestar], engineer: Headers) -> None:
    assert_error(api.post(TESTS, headers=engineer), 422)
    assert_error(create(api, engineer, {"name": "no steps"}), 422)


def test_viewers_read_and_engineers_change(api: TestClient[Litestar], engineer: Headers,
                                           viewer: Headers) -> None:
    assert_error(create(api, viewer, MOTOR), 403, "FORBIDDEN")
    data(create(api, engineer, MOTOR))
    assert_error(api.delete(f"{TESTS}/Motor starts", headers=viewer), 403, "FORBIDDEN")
    for path in ("/api/testharness/run", "/api/testharness/run-sync", "/api/tests/run", "/api/tests/run-sync"):
        assert_error(api.post(path, json={"testName": "*", "deviceName": "PLC_1"}, headers=viewer), 403)
    empty = data(api.get("/api/testharness/results", headers=viewer))
    assert (empty["status"], empty["total"], empty["results"], empty["runId"]) == ("NotRun", 0, [], None)


# ----- runs -------------------------------------------------------------------------------------------
def test_run_all_as_a_job_and_read_the_results(api: TestClient[Litestar], engineer: Headers,
                                                viewer: Headers, sim: FakeSim) -> None:
    data(create(api, engineer, MOTOR))
    failing = {"name": "too early", "steps": [START, {"cycles": 1}, {"expect": {"tag": "Running", "equals": True}}],
               "setup": [{"write": {"tag": "Start", "value": False}}, {"cycles": 1}]}
    data(create(api, engineer, failing))
    record = run_job(api, "POST", "/api/testharness/run", engineer, json={"testName": "*"})
    assert record["status"] == "Completed" and record["progress"] == 100
    result = record["result"]
    assert result["selection"] == "*" and result["status"] == "Completed"
    counts = {k: result[k] for k in ("total", "passed", "failed", "failures", "errors")}
    assert counts == {"total": 2, "passed": 1, "failed": 1, "failures": 1, "errors": 0}
    assert [(c["testName"], c["passed"]) for c in result["results"]] == [("Motor starts", True), ("too early", False)]
    miss = result["results"][1]["steps"][2]
    assert miss == {"stepIndex": 2, "description": "", "passed": False, "error": None, "assertions": [
        {"tagName": "Running", "expectedValue": {"equals": True}, "actualValue": False, "passed": False,
         "message": "Running is false (Bool); expected == true", "dataType": "Bool"}]}

    again = data(api.post("/api/testharness/run-sync", json={"testName": "too early"}, headers=engineer))
    assert again["selection"] == "too early" and again["total"] == 1
    assert data(api.get("/api/testharness/results", headers=viewer)) == again
    runs = data(api.get("/api/testharness/runs", headers=viewer))
    assert [r["runId"] for r in runs] == [again["runId"], result["runId"]]
    assert data(api.get("/api/testharness/runs", params={"limit": 1}, headers=viewer)) == [again]
    one = data(api.get("/api/testharness/results", params={"runId": result["runId"]}, headers=viewer))
    assert one == result


def test_results_errors(api: TestClient[Litestar], viewer: Headers) -> None:
    assert_error(api.get("/api/testharness/results", params={"runId": "nope"}, headers=viewer), 404,
                 "TEST_RUN_NOT_FOUND")
    for limit in (0, 51):
        assert_error(api.get("/api/testharness/runs", params={"limit": limit}, headers=viewer), 422)


def test_run_errors(api: TestClient[Litestar], engineer: Headers, sim: FakeSim) -> None:
    none = assert_error(api.post("/api/testharness/run-sync", json={"testName": "*"}, headers=engineer),
                        404, "TESTS_NOT_FOUND")
    assert "POST /api/testharness/tests" in none["message"]
    data(create(api, engineer, MOTOR))
    record = run_job(api, "POST", "/api/testharness/run", engineer, json={"testName": "other"})
    assert record["status"] == "Failed" and job_error(record)["code"] == "TEST_NOT_FOUND"
    # T-IA Connect's client puts testName in the query string; it wins over the body.
    queried = data(api.post("/api/testharness/run-sync?testName=Motor%20starts", json={"testName": "other"},
                            headers=engineer))
    assert queried["selection"] == "Motor starts" and queried["passed"] == 1
    record = run_job(api, "POST", "/api/testharness/run?testName=*", engineer)
    assert record["status"] == "Completed" and record["result"]["selection"] == "*"
    assert_error(api.post("/api/testharness/run", headers=engineer), 422)
    assert_error(api.post("/api/testharness/run", json={"testName": ""}, headers=engineer), 422)
    assert_error(api.post("/api/tests/run", json={}, headers=engineer), 422)


def test_a_tag_error_is_reported_per_case(api: TestClient[Litestar], engineer: Headers,
                                          sim: FakeSim) -> None:
    data(create(api, engineer, {"name": "a", "steps": [{"expect": {"tag": "Ghost", "equals": 1}}]}))
    data(create(api, engineer, {**MOTOR, "name": "b"}))
    result = data(api.post("/api/testharness/run-sync", json={"testName": "*"}, headers=engineer))
    first, second = result["results"]
    assert (first["status"], first["errorCode"],
            first["errorStep"]) == ("Error", "SIM_TAG_NOT_FOUND", "steps[1] expect")
    assert second["status"] == "Passed"
    assert (result["total"], result["passed"], result["failed"], result["errors"]) == (2, 1, 1, 1)


def test_run_the_cases_of_a_device(api: TestClient[Litestar], engineer: Headers, sim: FakeSim) -> None:
    data(create(api, engineer, MOTOR))
    data(create(api, engineer, {**MOTOR, "name": "elsewhere", "deviceName": "PLC_2"}))
    record = run_job(api, "POST", "/api/tests/run", engineer, json={"DeviceName": "plc_1"},)
    assert record["status"] == "Completed"
    assert record["result"]["selection"] == "device:plc_1"
    assert [c["testName"] for c in record["result"]["results"]] == ["Motor starts"]
    synced = data(api.post("/api/tests/run-sync", json={"deviceName": "PLC_2", "instanceName": "SIM_2"},
                              headers=engineer))
    assert [(c["testName"], c["instanceName"]) for c in synced["results"]] == [("elsewhere", "SIM_2")]
    body = assert_error(api.post("/api/tests/run-sync", json={"deviceName": "PLC_9"}, headers=engineer),
                        404, "TESTS_NOT_FOUND")
    assert '"deviceName": "PLC_9"' in body["message"]


def test_a_run_can_be_canceled_between_steps(api: TestClient[Litestar], engineer: Headers,
                                             viewer: Headers, sim: FakeSim) -> None:
    data(create(api, engineer, MOTOR))
    data(create(api, engineer, {**MOTOR, "name": "second"}))
    entered, release = threading.Event(), threading.Event()

    def block() -> None:
        entered.set()
        assert release.wait(HANG_GUARD_S)

    sim.on_step = block
    job_id = start_job(api, "POST", "/api/testharness/run", engineer, json={"testName": "*"})
    assert entered.wait(HANG_GUARD_S)
    data(api.post(f"/api/jobs/{job_id}/actions/cancel", headers=engineer))
    release.set()
    record = wait_job(api, job_id, engineer)
    assert record["status"] == "Canceled"
    run = data(api.get("/api/testharness/results", headers=viewer))
    assert run["status"] == "Canceled" and run["results"] == [] and run["completedAt"]


def test_cases_and_results_survive_a_restart(client: TestClient[Litestar], engineer_headers: Headers,
                                             settings: Settings, services: Services,
                                             make_key: Callable[[str], Headers],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fake_simulation(services, monkeypatch)
    data(create(client, engineer_headers, MOTOR))
    result = data(client.post("/api/testharness/run-sync", json={"testName": "*"}, headers=engineer_headers))
    viewer = make_key("viewer")
    client.__exit__(None, None, None)  # the app shuts down: worker, jobs, backend
    services.db.close()
    with TestClient(create_app(settings)) as second:
        assert data(second.get(TESTS, headers=viewer)) == ["Motor starts"]
        assert data(second.get("/api/testharness/results", headers=viewer)) == result


def test_a_case_field_the_harness_does_not_know_is_refused_not_ignored(api: TestClient[Litestar], engineer: Headers,
                                                                     viewer: Headers) -> None:
    refused = create(api, engineer, {**MOTOR, "retentiveMemoryBytes": 16})  # a field of `test run`'s files only
    assert_error(refused, 422, "VALIDATION_FAILED")
    assert "retentiveMemoryBytes" in refused.json()["message"]
    assert data(api.get(TESTS, headers=viewer)) == [], "nothing was stored"
