"""PLC unit tests against a real simulated CPU: a compiled SCL program with a TON, stepped in virtual time.

* The runner over the fake backend's simulation port, with the program loaded into an instance, proves
  the case semantics on the real engine: values, data types, virtual time, a STOP on a runtime error.
* Through HTTP only: project, CPU, simulation support, SCL import, instance, download, SingleStep, and
  the test run as a job. It is skipped (with the reason) while the simulation routes are missing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from engineering_api.config import Settings
from engineering_api.domain.testharness import CreateTestInput, runner
from engineering_api.domain.testharness.store import TestStore
from engineering_api.jobs.operations import OperationContext
from engineering_api.lib.db import Database, KeyValueStore
from engineering_api.lib.paths import PathPolicy
from tests.conftest import run_job
from tests.api.motor_test_program import MOTOR, SCL, motor_program_with_its_test

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from litestar import Litestar
    from litestar.testing import TestClient

Headers = dict[str, str]
CRASH = {"name": "index out of range", "steps": [
    {"write": {"tag": '"Motor_DB".Slot', "value": 9}}, {"cycles": 1},
    {"expect": {"tag": '"Motor_DB".Running', "equals": False}},
]}


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Any]:
    """A fake backend with the program loaded into a connected instance in SingleStep, as a download leaves it."""
    pytest.importorskip("fakes.runtime.image", reason="the simulation engine (fakes.runtime.image) has not landed")
    from fakes.backend import FakeBackend
    from fakes.runtime.image import build_image
    from tools.plc_software import software_from_scl

    fake = FakeBackend(tmp_path / "state")
    fake.on_worker_thread_started()
    fake.simulation.create_instance("PLC_1_SIM", "CPU1516")
    fake.simulation.power_on("PLC_1_SIM")
    fake.simulation.connect("PLC_1_SIM")
    fake.plcsim.get("PLC_1_SIM").load(build_image(software_from_scl(SCL), "PLC_1"), device="PLC_1")
    fake.simulation.update_instance_config("PLC_1_SIM", operating_mode="SingleStep")
    yield fake
    fake.close()


def test_cases_on_the_real_engine(backend: Any, tmp_path: Path) -> None:
    kv = KeyValueStore(Database(tmp_path / "state.db"))
    ctx = OperationContext(backend, Settings(), PathPolicy((tmp_path,)), state=kv)  # the harness driven directly
    motor, crash = (msgspec.convert(c, CreateTestInput).to_case() for c in (MOTOR, CRASH))
    result = runner.run_cases(ctx, TestStore(kv), [motor, crash, motor], selection="*")
    first, stopped, after_stop = result.results
    checked = [a for step in first.steps for a in step.assertions]
    assert first.status == "Passed", [a.message for a in checked]
    assert first.instance_name == "PLC_1_SIM"  # the connected instance; its stale tag list was refreshed
    assert [a.data_type for a in checked] == ["Bool", "Bool", "Bool", "Time", "Real"]
    assert checked[3].message == '"Motor_DB".Elapsed is 2000 (Time): == 2000'
    assert (stopped.status, stopped.error_code, stopped.error_step) == ("Error", "CPU_STOPPED", "steps[2] cycles")
    assert "out of range" in (stopped.error or ""), stopped.error
    # The next case finds the CPU in STOP with the bad index still there: isolation resets it to its start values
    # before starting it, so the case passes as the first did.
    assert after_stop.status == "Passed" and after_stop.state_reset is True
    assert (result.total, result.passed, result.failed, result.errors) == (3, 2, 1, 1)
    # With keepState no memory reset runs, but starting the stopped CPU is a STOP -> STARTUP transition, which
    # initialises every non-retentive DB value (function manual A5E03461664, Table 2-1): the bad index is gone.
    kept = runner.run_cases(ctx, TestStore(kv), [crash, msgspec.convert({**MOTOR, "keepState": True},
                                                                         CreateTestInput).to_case()], selection="*")
    assert [(r.status, r.error_code) for r in kept.results] == [("Error", "CPU_STOPPED"), ("Passed", None)]
    assert kept.results[1].state_reset is False


# ----- through HTTP -----------------------------------------------------------------------------------
NEEDED = (
    ("POST", "/api/projects/actions/simulation-support"),
    ("POST", "/api/simulation/instances/create"),
    ("POST", "/api/simulation/instances/{}/power-on"),
    ("PUT", "/api/simulation/instances/{}/config"),
    ("POST", "/api/devices/{}/actions/download-sync"),
)


def _missing_routes(app: Litestar) -> list[str]:
    served = {
        (method, re.sub(r"\{[^}]+\}", "{}", route.path))
        for route in app.routes for handler in getattr(route, "route_handlers", ()) for method in handler.http_methods
    }
    return [f"{m} {p}" for m, p in NEEDED if (m, p) not in served]


def test_a_downloaded_program_is_tested_through_http(client: TestClient[Litestar], admin_headers: Headers,
                                                     cpu: dict[str, Any]) -> None:
    missing = _missing_routes(client.app)
    if missing or not hasattr(client.app.state.services.backend.simulation, "step"):
        reason = f"simulation routes not served yet: {', '.join(missing) or 'backend has no step'}"
        print(reason)
        pytest.skip(reason)
    h = admin_headers
    motor_program_with_its_test(client, h)
    record = run_job(client, "POST", "/api/tests/run", h, json={"DeviceName": "PLC_1"})
    assert record["status"] == "Completed", record
    (case,) = record["result"]["results"]
    assert case["status"] == "Passed" and case["passed"] is True, case
    assert (record["result"]["total"], record["result"]["passed"], record["result"]["failed"]) == (1, 1, 0)
