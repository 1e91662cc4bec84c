"""Issue 12: the regression gate. A bounded Schemathesis run over every operation of the OpenAPI document.

Every operation runs in one test (the schema is loaded when it runs, see tests/openapi_fuzz.py; a failure is
reported as a subtest named ``[METHOD /path]``) and starts from the same realistic project: a PLC with blocks, a
UDT, a tag table, a watch table and a force table, built once per worker through the API, saved, and copied into
a fresh data directory for each operation, so no operation sees what another one did and a run is the same
run every time. The generated requests go in-process to the ASGI app with the admin key. Generation is
deterministic (pinned Schemathesis, fixed seed, derandomized Hypothesis, a few examples per operation, valid and
invalid inputs, no shrinking), and every answer must be:

- no server error: nothing >= 500 except 501, the documented "this backend has no equivalent" answer;
- a documented status, with a documented content type, and a body that matches the documented schema;
- a method the path does not declare (the coverage phase sends each path the ones it lacks, once per path: see
  :data:`SLICES`) answered 405 with an ``Allow`` header; or 401/403/429, which the guard answers before routing,
  or 404 for a generated name (Schemathesis' ``unsupported_method``, proved by tests/service/test_gate_probes.py).
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from schemathesis.schemas import BaseSchema

from engineering_api.config import Settings
from tests.conftest import CPU, data, served, shared_app, wait_job
from tests.openapi_fuzz import fuzz_schema
from tests.service.schemathesis_slices import CHECKS, SEED, httpx_kwargs, slice_filter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from schemathesis import Case

    from engineering_api.services import Services

EXAMPLES_PER_OPERATION = int(os.environ.get("GATE_EXAMPLES", "4"))
"""Generated cases per operation, besides the documented examples and the coverage phase's boundary values;
enough to reach each route's validation and domain errors; the ~500 operations take about five minutes of CPU.
``GATE_EXAMPLES=25`` runs a deeper search by hand (same seed, so also repeatable); ``GATE_SEED=N`` other
inputs (a NUL in a global library's name was found that way)."""

KNOWN_NAMES: dict[str, tuple[str, ...]] = {
    "deviceName": ("PLC_1",),
    "blockName": ("FB_Motor", "FC_Scale", "Motor_DB"),
    "udtName": ("UDT_Motor",),
    "tableName": ("Motors", "Motors_Force"),
    "tagName": ("Pump1_Run",),
    "constantName": ("MAX_PUMPS",),
    "memberName": ("Speed",),
}
"""Objects the fixture project holds, so generated path parameters also reach existing objects, not only 404s.
``jobId`` is added when the fixture is built: a finished job, so its event stream (Server-Sent Events) sends the
final state and ends; generated ids name no job and answer 404 before a stream starts. No stream stays open."""

PROJECT = "Line1/Line1.ap19"
"""The fixture project, relative to the workspace."""

SESSION_CHANGERS = ("/api/instance/actions/", "/api/projects/actions/", "/api/jobs/execute-sync")
"""Routes that can detach or shut down the portal or close the project (execute-sync runs any operation)."""

EXCLUDED: dict[str, str] = {
    "GET /mcp/sse": "opens an MCP session whose event stream stays open until the client leaves, which the gate's "
                    "client cannot do; tests/mcp drives it with the official SDK client",
    "POST /api/assistant/models": "asks the model provider the body names (any URL) for its models, so generated "
                                  "bodies answer 502 from unreachable hosts; tests/api/test_assistant_api.py drives it "
                                  "against a scripted provider",
}
"""Operations not run, by ``METHOD path``, each with the reason. The operations that would spoil the fixture for
their own later examples (instance shutdown and detach, project close, settings) run like the others, and
:meth:`Served.restore` puts the portal, the project and the settings back after each example."""


def _gate_settings(data_dir: Path) -> Settings:
    # The rate limits would only turn later examples into 429s (the generated wrong keys, all from one test
    # client, would block its address); the gate is about answers, not throttling.
    return Settings.from_env(data_dir=data_dir, rate_limit_per_minute=1_000_000, auth_failures_per_minute=1_000_000)


schema = schemathesis.pytest.from_fixture("gate_schema")
for _label in EXCLUDED:
    _method, _path = _label.split(" ", 1)
    schema = schema.exclude(method=_method, path=_path)


def _known_or_generated(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Half of the cases name the fixture's objects; the others keep the generated (mostly unknown) names."""
    known = {name: st.sampled_from(KNOWN_NAMES[name]) for name in path_parameters or () if name in KNOWN_NAMES}
    if not known:
        return st.just(path_parameters)
    named = st.fixed_dictionaries(known).map(lambda names: {**path_parameters, **names})
    return st.one_of(named, st.just(path_parameters))


def _build_project(client: TestClient[Any], headers: dict[str, str]) -> None:
    """The realistic project every operation starts from."""
    def post(path: str, body: dict[str, Any]) -> Any:
        return data(client.post(path, json=body, headers=headers))

    post("/api/projects/actions/create-sync", {"name": "Line1", "author": "gate"})
    post("/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": "PLC_1"})
    plc = "/api/devices/PLC_1"
    post(f"{plc}/udts", {
        "name": "UDT_Motor",
        "members": [{"name": "Speed", "dataType": "Real"}, {"name": "Running", "dataType": "Bool"}],
    })
    post(f"{plc}/blocks", {
        "blockType": "FB", "name": "FB_Motor", "language": "SCL",
        "interface": {
            "Input": [{"name": "Start", "dataType": "Bool"}], "Static": [{"name": "Speed", "dataType": "Real"}],
        },
        "networks": [{"scl": "IF #Start THEN #Speed := 1500.0; END_IF;"}],
    })
    post(f"{plc}/blocks", {
        "blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real",
        "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
        "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw) / 27648.0 * 100.0;"}],
    })
    post(f"{plc}/blocks", {"blockType": "InstanceDB", "name": "Motor_DB", "instanceOf": "FB_Motor"})
    post(f"{plc}/tag-tables/actions/create-sync", {"name": "Motors"})
    post(f"{plc}/tag-tables/Motors/tags", {"name": "Pump1_Run", "dataType": "Bool", "logicalAddress": "%Q0.0"})
    post(f"{plc}/tag-tables/Motors/constants", {"name": "MAX_PUMPS", "dataType": "Int", "value": "8"})
    post(f"{plc}/watch-tables", {"name": "Motors", "tags": ['"Pump1_Run"']})
    post(f"{plc}/force-tables", {"name": "Motors_Force", "tags": ["%Q0.0"]})
    post("/api/projects/actions/save-sync", {})
    post("/api/projects/actions/close-sync", {})


@pytest.fixture(scope="session", name="gate_template")
def fx_gate_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the saved realistic project and the admin key; copied for each operation."""
    data_dir = tmp_path_factory.mktemp("gate") / "var"
    with served(_gate_settings(data_dir)) as client:
        headers = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        _build_project(client, headers)
        finished = data(client.get("/api/jobs", params={"status": "Completed", "limit": 1}, headers=headers))["jobs"]
    KNOWN_NAMES["jobId"] = (finished[0]["jobId"],)
    return data_dir


@dataclass
class Served:
    """The app under test with the fixture project open, and what restores it between examples."""

    client: TestClient[Any]
    headers: dict[str, str]
    services: Services
    settings: Settings

    def restore(self, path: str) -> None:
        """Undo what makes every later example of the same operation moot.

        Settings saved through the API (``allowedHosts`` without this host answers 421 to everything), a portal
        shut down or detached (503 to everything) and a closed project (409 to everything) are put back, so the
        operations that do this are run like the others instead of being left out. Only the operations that can
        change the portal or the project pay for the check.
        """
        self.services.settings = self.services.jobs.settings = self.settings
        if not path.startswith(SESSION_CHANGERS):
            return
        health = data(self.client.get("/api/health"))
        if not health["portalConnected"]:
            running = data(self.client.get("/api/instances", headers=self.headers))
            if running:  # detached: the portal still holds the project, so attach to it again
                attach = {"pid": running[0]["pid"]}
                data(self.client.post("/api/instance/actions/attach", json=attach, headers=self.headers))
            else:
                data(self.client.post("/api/instance/actions/launch", json={}, headers=self.headers))
            health = data(self.client.get("/api/health"))
        if not health["projectOpen"]:
            data(self.client.post("/api/projects/actions/open-sync", json={"path": PROJECT}, headers=self.headers))


class Gate:
    """Serves each operation from its own copy of the fixture project.

    The lazily loaded schema runs every operation in one test (a subtest each), so the test's fixtures are made
    once; this object opens a fresh data directory and services when the operation changes, so no operation
    sees what another one did and a run is the same run every time.
    """

    def __init__(self, template: Path, scratch: Path) -> None:
        self._template = template
        self._scratch = scratch
        self._label: str | None = None
        self._served: Served | None = None
        self._open = ExitStack()

    def served(self, label: str) -> Served:
        """The app for operation ``label`` (``METHOD /path``), with the fixture project open."""
        if self._served is None or label != self._label:
            self.close()
            self._served, self._label = self._serve(), label
        return self._served

    def _serve(self) -> Served:
        data_dir = self._scratch / "var"
        shutil.copytree(self._template, data_dir)
        settings = _gate_settings(data_dir)
        app = self._open.enter_context(shared_app(settings))
        client = self._open.enter_context(TestClient(app, raise_server_exceptions=False))
        headers = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        services = app.state.services
        data(client.post("/api/projects/actions/open-sync", json={"path": PROJECT}, headers=headers))
        return Served(client, headers, services, services.settings)

    def close(self) -> None:
        """Stop the current operation's app and drop its data directory."""
        self._open.close()
        self._served = self._label = None
        shutil.rmtree(self._scratch / "var", ignore_errors=True)


@pytest.fixture(scope="session")
def gate_schema(gate_template: Path) -> BaseSchema:
    """The document as the gate loads it; made after the fixture project, whose finished job the hook names."""
    loaded = fuzz_schema(seed=SEED, max_examples=EXAMPLES_PER_OPERATION)
    loaded.hook("flatmap_path_parameters")(_known_or_generated)
    return loaded


@pytest.fixture(name="gate_runner")
def fx_gate_runner(gate_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    # The server runs in an empty working directory of its own: nothing may land there (an empty export path
    # once wrote the exported file into the working directory), and the checkout stays clean.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    gate = Gate(gate_template, tmp_path)
    try:
        yield gate
    finally:
        gate.close()


GATE_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


def _slice_test(index: int) -> Callable[[Case, Gate], None]:
    """The test of slice ``index``: every operation of its paths answers as documented."""
    @schema.include(slice_filter(index)).parametrize()
    @GATE_SETTINGS
    def test(case: Case, gate_runner: Gate) -> None:
        answers_as_documented(case, gate_runner)

    test.__name__ = test.__qualname__ = f"test_operation_answers_as_documented_{index}"
    return test


# One module-level test per slice (pytest collects them by these names; xdist spreads them over its workers).
test_operation_answers_as_documented_0 = _slice_test(0)
test_operation_answers_as_documented_1 = _slice_test(1)
test_operation_answers_as_documented_2 = _slice_test(2)
test_operation_answers_as_documented_3 = _slice_test(3)


def answers_as_documented(case: Case, gate_runner: Gate) -> None:
    served = gate_runner.served(case.operation.label)
    request = httpx_kwargs(case, served.headers)
    response = served.client.request(**request)
    if "files" in request:
        response.request.read()  # schemathesis reports the request's body; a multipart one is still a stream
    try:
        case.validate_response(response, checks=CHECKS)
    finally:
        if response.status_code == 202:  # the job ends before the next example, so each run sees the same state
            wait_job(served.client, response.json()["data"]["jobId"], served.headers)
        served.restore(case.path)
        assert not any(Path.cwd().iterdir()), f"{case.operation.label}: the server wrote into its working directory"
