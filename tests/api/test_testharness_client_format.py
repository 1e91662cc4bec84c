"""PLC unit tests as T-IA Connect's client and CI use them: its TestCase format, names from listTests, a
TestSuiteResult its test view reads, selection by glob, isolation between cases, JUnit XML that validates.

Runs use :class:`FakeSim` from ``test_testharness_runner.py`` on the app's backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from lxml import etree

from tests.api.testharness_support import create, fake_simulation
from tests.api.fake_sim import FakeSim
from tests.conftest import assert_error, data, run_job
from tests.api.junit_schema import XSD

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.testing import TestClient

    from engineering_api.services import Services

Headers = dict[str, str]

# The client's own format (src/api/types.ts TestCase/TestStep/TestAssertion), as its users write it.
CLIENT_CASE = {
    "name": "Motor client",
    "description": "Running follows Start after 2 s",
    "setup": {"description": "Motor off", "write": {"Start": False}, "waitMs": 10},
    "steps": [
        {"description": "Start", "write": {"Start": True}, "waitMs": 10, "assert": {"Running": {"expected": False}}},
        {"description": "After 2 s", "waitMs": 2000,
         "assert": {"Running": {"expected": True}, "Elapsed": {"min": 2000, "max": 2100},
                    "Speed": {"expected": 1500, "tolerance": 0.5}, "Label": {"notEqual": "busy"}}},
        {"description": "bare value", "assert": {"Running": True}},
    ],
    "teardown": {"description": "Stop", "write": {"Start": False}},
}


@pytest.fixture
def sim(api: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch) -> FakeSim:
    return fake_simulation(api.app.state.services, monkeypatch)


def test_the_client_format_is_stored_in_the_one_model(api: TestClient[Litestar], engineer: Headers,
                                                      viewer: Headers) -> None:
    made = data(create(api, engineer, CLIENT_CASE))
    assert made["setup"] == [{"description": "Motor off", "write": [{"tag": "Start", "value": False}], "waitMs": 10}]
    assert made["steps"][1]["expect"] == [
        {"tag": "Running", "equals": True}, {"tag": "Elapsed", "greaterOrEqual": 2000, "lessOrEqual": 2100},
        {"tag": "Speed", "approx": 1500, "tolerance": 0.5}, {"tag": "Label", "notEquals": "busy"},
    ]
    assert made["steps"][2]["expect"] == [{"tag": "Running", "equals": True}]
    assert made["teardown"] == [{"description": "Stop", "write": [{"tag": "Start", "value": False}]}]
    # listTests reads names; getTest reads steps[].description.
    assert data(api.get("/api/testharness/tests", headers=viewer)) == ["Motor client"]
    got = data(api.get("/api/testharness/tests/Motor client", headers=viewer))
    assert [s["description"] for s in got["steps"]] == ["Start", "After 2 s", "bare value"]
    # What a client reads back it can send again: the stored form is accepted as input too.
    again = {k: got[k] for k in ("name", "setup", "steps", "teardown", "description")}
    assert data(create(api, engineer, {**again, "overwrite": True}))["steps"] == got["steps"]


def test_a_run_answers_the_test_views_suite(api: TestClient[Litestar], engineer: Headers, viewer: Headers,
                                            sim: FakeSim) -> None:
    data(create(api, engineer, CLIENT_CASE))
    record = run_job(api, "POST", "/api/testharness/run?testName=Motor%20client", engineer)
    assert record["status"] == "Completed"
    suite = record["result"]
    assert (suite["total"], suite["passed"], suite["failed"]) == (1, 1, 0)
    assert suite["startedAt"] and suite["completedAt"] and suite["durationMs"] >= 0
    last = suite["results"][-1]  # the view reads Results[last]
    assert last["testName"] == "Motor client" and last["passed"] is True and last["error"] is None
    assert last["description"] == "Running follows Start after 2 s" and last["durationMs"] >= 0
    assert [(s["stepIndex"], s["description"], s["passed"]) for s in last["steps"]] == [
        (0, "Start", True), (1, "After 2 s", True), (2, "bare value", True)]
    first = last["steps"][1]["assertions"][0]
    assert set(first) >= {"tagName", "passed", "message", "expectedValue", "actualValue"}
    assert (first["tagName"], first["expectedValue"], first["actualValue"]) == ("Running", {"equals": True}, True)
    assert [s["description"] for s in last["setup"]] == ["Motor off"]
    assert [s["description"] for s in last["teardown"]] == ["Stop"] and sim.tags["Start"][0] is False
    assert data(api.get("/api/testharness/results", headers=viewer)) == suite


def test_an_assertion_failure_and_a_later_error_are_both_counted(api: TestClient[Litestar], engineer: Headers,
                                                                  sim: FakeSim) -> None:
    case = {"name": "both", "steps": [
        {"description": "fails", "assert": {"Running": {"expected": True}}},
        {"description": "errors", "assert": {"Ghost": {"expected": 1}}},
        {"description": "never runs", "assert": {"Running": False}},
    ], "teardown": {"write": {"Start": False}}}
    data(create(api, engineer, case))
    suite = data(api.post("/api/testharness/run-sync", json={"testName": "both"}, headers=engineer))
    (result,) = suite["results"]
    assert (result["status"], result["passed"], result["failedAssertions"]) == ("Error", False, 1)
    assert result["errorCode"] == "SIM_TAG_NOT_FOUND" and result["errorStep"] == "steps[2] expect"
    assert [(s["stepIndex"], s["passed"], s["error"] is not None) for s in result["steps"]] == [
        (0, False, False), (1, False, True)]  # step 3 did not run: the view marks it skipped
    assert len(result["teardown"]) == 1 and result["teardown"][0]["passed"] is True  # the teardown still ran
    assert (suite["total"], suite["passed"], suite["failed"], suite["failures"], suite["errors"]) == (1, 0, 1, 1, 1)
    xml = api.get(f"/api/testharness/results/{suite['runId']}/junit", headers=engineer)
    case_element = etree.fromstring(xml.content).find("testsuite/testcase")
    assert case_element is not None
    assert [child.tag for child in case_element] == ["error", "failure"]


def test_each_case_starts_from_a_clean_state_unless_it_keeps_it(api: TestClient[Litestar], engineer: Headers,
                                                               sim: FakeSim) -> None:
    dirty = {"name": "a dirty", "steps": [{"write": {"Start": True}, "assert": {"Start": True}}]}
    clean = {"name": "b clean", "steps": [{"assert": {"Start": False}}]}
    kept = {"name": "c kept", "keepState": True, "steps": [{"assert": {"Start": True}}]}
    for case in (dirty, clean):
        data(create(api, engineer, case))
    sim.forces = {"Start": True}
    suite = data(api.post("/api/testharness/run-sync", json={"testName": "*"}, headers=engineer))
    assert [(r["testName"], r["passed"], r["stateReset"]) for r in suite["results"]] == [
        ("a dirty", True, True), ("b clean", True, True)]
    assert ("unforce", "SIM") in sim.calls and sim.forces == {}
    assert sum(1 for call, _ in sim.calls if call == "reset") == 2
    sim.tags["Start"][0] = True
    data(create(api, engineer, kept))
    sim.calls.clear()
    suite = data(api.post("/api/testharness/run-sync", json={"testName": "c*"}, headers=engineer))
    assert [(r["testName"], r["passed"], r["stateReset"]) for r in suite["results"]] == [("c kept", True, False)]
    assert not any(call in ("reset", "unforce") for call, _ in sim.calls)


def test_a_wait_on_a_free_running_cpu_waits_in_real_time(api: TestClient[Litestar], engineer: Headers,
                                                         sim: FakeSim) -> None:
    sim.mode = "Default"
    data(create(api, engineer, {"name": "free", "steps": [{"waitMs": 120, "assert": {"Label": "idle"}}]}))
    suite = data(api.post("/api/testharness/run-sync", json={"testName": "free"}, headers=engineer))
    assert suite["passed"] == 1 and suite["results"][0]["durationMs"] >= 120
    assert not any(call == "step" for call, _ in sim.calls)


@pytest.mark.parametrize(("pattern", "device", "names"), [
    ("*", None, ["Motor A", "Motor B", "Pump"]), ("motor*", None, ["Motor A", "Motor B"]),
    ("?ump", None, ["Pump"]), ("Motor [AB]", "PLC_2", ["Motor B"]), ("pump", None, ["Pump"]),
])
def test_runs_select_by_name_or_glob(api: TestClient[Litestar], engineer: Headers, sim: FakeSim, pattern: str,
                                     device: str | None, names: list[str]) -> None:
    for name, plc in (("Motor A", "PLC_1"), ("Motor B", "PLC_2"), ("Pump", "PLC_1")):
        data(create(api, engineer, {"name": name, "deviceName": plc, "steps": [{"assert": {"Running": False}}]}))
    body: dict[str, Any] = {"testName": pattern, **({"deviceName": device} if device else {})}
    suite = data(api.post("/api/testharness/run-sync", json=body, headers=engineer))
    assert [r["testName"] for r in suite["results"]] == names


def test_a_selection_without_cases_changes_nothing(api: TestClient[Litestar], engineer: Headers,
                                                   viewer: Headers, sim: FakeSim) -> None:
    data(create(api, engineer, {"name": "one", "steps": [{"assert": {"Running": False}}]}))
    assert_error(api.post("/api/testharness/run-sync", json={"testName": "x*"}, headers=engineer), 404,
                 "TESTS_NOT_FOUND")
    assert_error(api.post("/api/testharness/run-sync", json={"testName": "one", "deviceName": "PLC_9"},
                          headers=engineer), 404, "TEST_NOT_FOUND")
    assert data(api.get("/api/testharness/runs", headers=viewer)) == []
    assert sim.calls == []


def test_junit_xml_of_a_run_validates_against_the_xsd(api: TestClient[Litestar], engineer: Headers,
                                                      viewer: Headers, sim: FakeSim) -> None:
    data(create(api, engineer, CLIENT_CASE))
    data(create(api, engineer, {"name": "too early", "deviceName": "PLC_1",
                                "steps": [{"description": "x < y & z", "assert": {"Running": True}}]}))
    suite = data(api.post("/api/testharness/run-sync", json={"testName": "*"}, headers=engineer))
    answer = api.get(f"/api/testharness/results/{suite['runId']}/junit", headers=viewer)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    assert f"plc-tests-{suite['runId']}.xml" in answer.headers["content-disposition"]
    document = etree.fromstring(answer.content)
    XSD.assertValid(document)
    (testsuite,) = document.findall("testsuite")
    assert {k: testsuite.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "2", "failures": "1", "errors": "0", "skipped": "0"}
    cases = testsuite.findall("testcase")
    assert [(c.get("name"), c.get("classname")) for c in cases] == [("Motor client", "plc.any"),
                                                                    ("too early", "plc.PLC_1")]
    (failure,) = cases[1].findall("failure")
    assert failure.get("message") == "Running is false (Bool); expected == true"
    assert failure.text is not None and failure.text.startswith("x < y & z: Running")
    assert_error(api.get("/api/testharness/results/nope/junit", headers=viewer), 404, "TEST_RUN_NOT_FOUND")
    assert api.get(f"/api/testharness/results/{suite['runId']}/junit").status_code == 401


def test_viewers_cannot_create_or_run_and_bad_input_changes_nothing(api: TestClient[Litestar], engineer: Headers,
                                                                   viewer: Headers, sim: FakeSim) -> None:
    assert_error(create(api, viewer, CLIENT_CASE), 403, "FORBIDDEN")
    assert_error(api.post("/api/testharness/run?testName=*", headers=viewer), 403, "FORBIDDEN")
    bad = {**CLIENT_CASE, "steps": [*CLIENT_CASE["steps"], {"assert": {"X": {"expected": 1, "min": "low"}}}]}
    body = assert_error(create(api, engineer, bad), 422, "TEST_CASE_INVALID")
    assert body["details"]["step"] == "steps[4]"
    assert data(api.get("/api/testharness/tests", headers=viewer)) == []
    assert sim.calls == []


def test_mutating_calls_are_audited(api: TestClient[Litestar], engineer: Headers, sim: FakeSim) -> None:
    services: Services = api.app.state.services
    data(create(api, engineer, CLIENT_CASE))
    data(api.post("/api/testharness/run-sync?testName=*", headers=engineer))
    data(api.delete("/api/testharness/tests/Motor client", headers=engineer))
    rows = services.db.all("SELECT * FROM audit ORDER BY rowid DESC LIMIT 10")
    seen = [(dict(r).get("method"), dict(r).get("path")) for r in rows]
    for call in (("POST", "/api/testharness/tests"), ("POST", "/api/testharness/run-sync"),
                 ("DELETE", "/api/testharness/tests/Motor client")):
        assert any(m == call[0] and (p or "").startswith(call[1]) for m, p in seen), seen
