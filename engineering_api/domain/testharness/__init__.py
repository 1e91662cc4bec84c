"""PLC unit tests (``/api/testharness``): test cases that set inputs, run cycles or time, and assert outputs.

A test case (:class:`~.models.TestCase`) is stored on the server (SQLite, it survives a restart) and run as a job
against a simulated PLC instance through the backend port's simulation methods. ``POST /api/testharness/tests``
takes T-IA Connect's client format or this server's earlier one (:mod:`.convert`):

    {"name": "Motor starts after 2 s", "deviceName": "PLC_1", "instanceName": "PLC_1_SIM",
     "setup": {"description": "Motor off", "write": {"\"Motor_DB\".Start": false}},
     "steps": [{"description": "Start", "write": {"\"Motor_DB\".Start": true}, "waitMs": 2000,
                "assert": {"\"Motor_DB\".Running": {"expected": true}}}]}

``GET /api/testharness/tests`` lists the names (as the client's test explorer reads them), ``GET /api/testharness/
cases`` the cases themselves. ``POST /api/testharness/run?testName=`` takes a name, ``*`` or a glob (``Motor*``)
and answers 202 with a job whose result is the run's ``TestSuiteResult``; ``POST /api/tests/run`` ``{DeviceName}``
runs the cases declared for a PLC. ``GET /api/testharness/results`` is the newest run (or ``runId``), ``GET
/api/testharness/runs`` the recent ones, and ``GET /api/testharness/results/{runId}/junit`` a run as JUnit XML
(:mod:`.junit`). The newest 50 runs are kept.
"""

from __future__ import annotations

import fnmatch
from typing import Annotated, Any, ClassVar

import msgspec

from engineering_api.backend import errors as e
from engineering_api.domain.common import DeviceRef
from engineering_api.errors import codes
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.jobs.preview import PlannedChange, Preview, plan, plural
from engineering_api.lib.schema import CamelStruct

from .convert import to_steps
from .models import MAX_STEPS, TestCase, TestCaseInfo, check_case
from .results import TestSuiteResult
from .runner import run_cases, suite
from .store import MAX_CASES, RUNS_KEPT, store_for

__all__ = ("OPERATIONS", "SECTION", "select_cases")

SECTION = "Test Harness"
BASE = "/api/testharness"
_RUN_ERRORS = (e.NotFoundError, e.ConflictError, e.ValidationError, e.OperationCanceledError)
_GLOB = frozenset("*?[")
_EXAMPLE = {
    "name": "Motor starts after 2 s",
    "description": "Start latches, Running follows after the TON delay of 2 s.",
    "deviceName": "PLC_1",
    "instanceName": "PLC_1_SIM",
    "startCpu": True,
    "setup": {"description": "Motor off", "write": {'"Motor_DB".Start': False}, "waitMs": 100},
    "steps": [
        {"description": "Start, not yet running", "write": {'"Motor_DB".Start': True}, "waitMs": 100,
         "assert": {'"Motor_DB".Running': {"expected": False}}},
        {"description": "Running after 2 s", "waitMs": 2000,
         "assert": {'"Motor_DB".Running': {"expected": True}, '"Motor_DB".Elapsed': {"min": 2000},
                    '"Motor_DB".Speed': {"expected": 1500.0, "tolerance": 0.5}}},
    ],
    "teardown": {"description": "Stop", "write": {'"Motor_DB".Start': False}},
    "overwrite": False,
}
_PHASE_DOC = ("one step object or a list of steps, in T-IA Connect's format ({description, write: {tag: value}, "
              "waitMs, assert: {tag: {expected, tolerance, min, max, notEqual}}}) or the earlier one ({write: {tag, "
              "value}} | {cycles} | {advanceMs} | {expect: {tag, equals...}})")


class ListTestsInput(CamelStruct):
    """Optionally only the cases of one PLC."""

    device_name: str | None = None


class TestRef(CamelStruct):
    """A test case by name (case-insensitive)."""

    __test__ = False

    name: str
    """Name of the test case (case-insensitive)."""


class CreateTestInput(CamelStruct, forbid_unknown_fields=True):  # an unknown field is refused, not ignored
    """A test case as a client sends it (see TestCase for the meaning, convert for the step formats); ``overwrite``
    replaces a case of the same name instead of answering 409."""

    name: Annotated[str, msgspec.Meta(max_length=100)]
    """Test case name, unique (case-insensitive)."""
    steps: Annotated[list[dict[str, Any]], msgspec.Meta(min_length=1, max_length=MAX_STEPS, description=_PHASE_DOC)]
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    device_name: str | None = None
    """The PLC the case tests; a run given this device runs its cases."""
    instance_name: str | None = None
    """The PLCSIM instance to run on; the connected simulation instance when omitted."""
    start_cpu: bool = False
    """Start a CPU found in STOP before the case runs (otherwise the case is an Error)."""
    keep_state: bool = False
    """Run on the PLC's current state instead of a clean one (no memory reset first)."""
    snapshot: str | None = None
    """A snapshot of the instance to restore instead of the clean state."""
    save_snapshot: str | None = None
    """A snapshot to take after the steps, for later cases."""
    # setup and teardown take the format of steps; their descriptions say so rather than repeat it (the core profile's
    # listing, which every assistant pays for, has a byte budget: tests/mcp/test_mcp_profiles.py)
    setup: Annotated[dict[str, Any] | list[dict[str, Any]] | None, msgspec.Meta(
        description="Steps before steps, as steps are given (a failing one is an error)")] = None
    teardown: Annotated[dict[str, Any] | list[dict[str, Any]] | None, msgspec.Meta(
        description="Steps after steps, as steps are given; they run whatever happened")] = None
    overwrite: bool = False

    def to_case(self) -> TestCase:
        """The case in the one internal model, checked.

        Raises:
            ValidationError: ``TEST_CASE_INVALID`` (a step, naming it), ``TEST_NAME_INVALID``.
        """
        case = TestCase(
            name=self.name, steps=to_steps("steps", self.steps), description=self.description,
            device_name=self.device_name, instance_name=self.instance_name, start_cpu=self.start_cpu,
            keep_state=self.keep_state, snapshot=self.snapshot, save_snapshot=self.save_snapshot,
            setup=to_steps("setup", self.setup),
            teardown=to_steps("teardown", self.teardown),
        )
        if len(case.setup) > MAX_STEPS or len(case.teardown) > MAX_STEPS:
            raise e.ValidationError(f"At most {MAX_STEPS} steps per phase.", code=codes.TEST_CASE_INVALID)
        check_case(case)
        return case


class ResultsInput(CamelStruct):
    """One run by ``runId``; the newest without it."""

    run_id: str | None = None
    """Id of the test run; the newest run when omitted."""


class RunsInput(CamelStruct):
    """The newest ``limit`` runs."""

    limit: Annotated[int, msgspec.Meta(ge=1, le=RUNS_KEPT)] = 20


class RunInput(CamelStruct):
    """``testName``: one case, ``*`` for every case, or a glob such as ``Motor*`` (case-insensitive; required, in the
    body or the query string as T-IA Connect's client sends it: running everything is never a default);
    ``deviceName`` keeps only the cases of that PLC; ``instanceName`` overrides each case's instance."""

    test_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    """One case, * for every case, or a glob such as Motor* (case-insensitive)."""
    device_name: str | None = None
    """Only the cases of this PLC."""
    instance_name: str | None = None
    """The PLCSIM instance to run on, instead of each case's own."""


class DeviceRunInput(DeviceRef):
    """Run every case whose ``deviceName`` is this PLC; ``instanceName`` overrides each case's instance."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"device_name", "instance_name"})
    """A run stores nothing in the project (its results are the server's): the names are looked up as a read's."""

    instance_name: str | None = None


def _create(ctx: OperationContext, data: CreateTestInput) -> TestCaseInfo:
    return store_for(ctx).put_case(data.to_case(), overwrite=data.overwrite)


def _results(ctx: OperationContext, data: ResultsInput) -> TestSuiteResult:
    store = store_for(ctx)
    if data.run_id:
        return store.run(data.run_id)
    return store.latest() or suite(None, "", "NotRun", [], None, None)


def select_cases(cases: list[TestCaseInfo], pattern: str, device: str | None = None) -> list[TestCaseInfo]:
    """The cases a run selects: by name, ``*`` or a glob (case-insensitive), then by device.

    Raises:
        NotFoundError: ``TEST_NOT_FOUND`` (a name), ``TESTS_NOT_FOUND`` (nothing matches).
    """
    wanted = pattern.strip().lower()
    if device is not None:
        cases = [c for c in cases if (c.device_name or "").lower() == device.lower()]
    if not _GLOB & set(wanted):
        found = [c for c in cases if c.name.lower() == wanted]
        if not found:
            on = f' of the device "{device}"' if device is not None else ""
            raise e.NotFoundError(f'The test case "{pattern}"{on} does not exist (GET /api/testharness/tests lists '
                                  "them).", code=codes.TEST_NOT_FOUND)
        return found
    found = [c for c in cases if fnmatch.fnmatchcase(c.name.lower(), wanted)]
    if not found:
        on = f' of the device "{device}"' if device is not None else ""
        raise e.NotFoundError(f'No stored test case{on} matches "{pattern}"; create one (POST /api/testharness/tests) '
                              "first.", code=codes.TESTS_NOT_FOUND)
    return found


def _run(ctx: OperationContext, data: RunInput) -> TestSuiteResult:
    store = store_for(ctx)
    cases = select_cases(store.list_cases(), data.test_name, data.device_name)
    selection = data.test_name.strip() + (f" device:{data.device_name}" if data.device_name else "")
    return run_cases(ctx, store, cases, selection=selection, instance=data.instance_name)


def _run_device(ctx: OperationContext, data: DeviceRunInput) -> TestSuiteResult:
    store = store_for(ctx)
    cases = store.list_cases(data.device_name)
    if not cases:
        raise e.NotFoundError(
            f'No test case is declared for the device "{data.device_name}"; create cases with '
            f'"deviceName": "{data.device_name}" (POST /api/testharness/tests).', code=codes.TESTS_NOT_FOUND,
        )
    return run_cases(ctx, store, cases, selection=f"device:{data.device_name}", instance=data.instance_name)


def _case_detail(case: TestCaseInfo) -> str:
    return f"{plural(len(case.steps), 'step')} for {case.device_name or 'any device'}, updated {case.updated_at}"


def _preview_delete(ctx: OperationContext, data: TestRef) -> Preview:
    case = store_for(ctx).get_case(data.name)
    return plan(f"Would delete the test case '{case.name}' (its past results stay).",
                [PlannedChange(action="delete", kind="testCase", name=case.name, detail=_case_detail(case))])


def _preview_create(ctx: OperationContext, data: CreateTestInput) -> Preview:
    data.to_case()
    cases = store_for(ctx).list_cases()
    old = next((c for c in cases if c.name.lower() == data.name.lower()), None)
    if old is None:
        if len(cases) >= MAX_CASES:
            raise e.ConflictError(f"At most {MAX_CASES} test cases can be stored; delete some first.",
                                  code=codes.TESTS_LIMIT)
        return plan(f"Would store the new test case '{data.name}'; nothing would be overwritten.",
                    [PlannedChange(action="create", kind="testCase", name=data.name,
                                   detail=f"{plural(len(data.steps), 'step')} for {data.device_name or 'any device'}")])
    if not data.overwrite:
        raise e.AlreadyExistsError(
            f'A test case named "{old.name}" already exists; send "overwrite": true to replace it.',
                                   code=codes.TEST_EXISTS,
        )
    return plan(f"Would overwrite the test case '{old.name}' ({_case_detail(old)}).",
                [PlannedChange(action="overwrite", kind="testCase", name=old.name, detail=_case_detail(old))])


_RUN_DESCRIPTION = (
    "Each case runs on its instance (instanceName, else the connected simulation instance). A CPU in STOP is "
    "started only when the case says startCpu: true (else the case is an Error). Unless the case says keepState: "
    "true it starts from a clean PLC state: forces removed, memory reset (actual values back to start values, "
    "retentive data cleared) and restart. Setup, steps and teardown run in order (the teardown whatever happened); "
    "cycles/advanceMs need the instance in SingleStep or TimespanSynchronized mode (the run does not switch "
    "modes), waitMs is stepped there and waited in real time on a free-running instance. A failed assertion fails "
    "the case; a tag error, a CPU that STOPs or a wrong mode makes it an Error (failed assertions before it still "
    "count); the run goes on with the next case. The answer is the run's TestSuiteResult, kept among the results "
    "(with a JUnit report); a run can be canceled between steps."
)

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    read("testharness.tests.list", SECTION, "Names of the stored PLC test cases (optionally of one device).",
         f"{BASE}/tests", lambda ctx, d: [c.name for c in store_for(ctx).list_cases(d.device_name)], ListTestsInput,
         list[str]),
    read("testharness.cases.list", SECTION, "The stored PLC test cases with their steps (optionally of one device).",
         f"{BASE}/cases", lambda ctx, d: store_for(ctx).list_cases(d.device_name), ListTestsInput,
         list[TestCaseInfo]),
    read("testharness.tests.get", SECTION, "A stored PLC test case by name.", f"{BASE}/tests/{{name}}",
         lambda ctx, d: store_for(ctx).get_case(d.name), TestRef, TestCaseInfo, errors=(e.NotFoundError,)),
    Operation(
        name="testharness.tests.create", summary="Create (or with overwrite replace) a PLC test case.",
        section=SECTION, handler=_create, input=CreateTestInput, output=TestCaseInfo,
        route=RouteSpec("POST", f"{BASE}/tests"), errors=(e.ValidationError, e.AlreadyExistsError, e.ConflictError),
        example=_EXAMPLE,
        destructive=True, preview=_preview_create,
    ),
    Operation(
        name="testharness.tests.delete", summary="Delete a PLC test case (its past results stay).", section=SECTION,
        handler=lambda ctx, d: store_for(ctx).delete_case(d.name), input=TestRef, output=TestCaseInfo,
        route=RouteSpec("DELETE", f"{BASE}/tests/{{name}}"), errors=(e.NotFoundError,),
        destructive=True, preview=_preview_delete,
    ),
    read("testharness.results", SECTION, "The newest test run's results (or one run's by runId).",
         f"{BASE}/results", _results, ResultsInput, TestSuiteResult, errors=(e.NotFoundError,),
         description="A TestSuiteResult: with no run recorded yet, an empty one with status NotRun."),
    read("testharness.runs", SECTION, "The recent test runs with their results, newest first.", f"{BASE}/runs",
         lambda ctx, d: store_for(ctx).runs(d.limit), RunsInput, list[TestSuiteResult]),
    Operation(
        name="testharness.run", summary="Run PLC test cases by name, '*' or a glob pattern.", section=SECTION,
        handler=_run, input=RunInput, output=TestSuiteResult, route=RouteSpec("POST", f"{BASE}/run-sync"),
        query=("test_name",),
        async_route=RouteSpec("POST", f"{BASE}/run"), long_running=True, errors=_RUN_ERRORS,
        description=_RUN_DESCRIPTION, example={"testName": "*"},
    ),
    Operation(
        name="tests.run", summary="Run every PLC test case declared for a device.", section=SECTION,
        handler=_run_device, input=DeviceRunInput, output=TestSuiteResult,
        route=RouteSpec("POST", "/api/tests/run-sync"),
        async_route=RouteSpec("POST", "/api/tests/run"), long_running=True, errors=_RUN_ERRORS,
        description=_RUN_DESCRIPTION, example={"deviceName": "PLC_1"},
    ),
)
