"""PLC unit tests (``/api/testharness``): test cases that set inputs, run cycles or time, and assert outputs.

A test case (:class:`~.models.TestCase`) is stored on the server (SQLite, it survives a restart) and
run as a job against a simulated PLC instance through the backend port's simulation methods:

    {"name": "Motor starts after 2 s", "deviceName": "PLC_1", "instanceName": "PLC_1_SIM",
     "setup": [{"write": {"tag": "\\"Motor_DB\\".Start", "value": false}}, {"cycles": 1}],
     "steps": [{"write": {"tag": "\\"Motor_DB\\".Start", "value": true}}, {"advanceMs": 2000},
               {"expect": {"tag": "\\"Motor_DB\\".Running", "equals": true}}]}

``POST /api/testharness/run`` takes ``testName`` (a case, or ``*`` for all) and answers 202 with a job;
``POST /api/tests/run`` ``{DeviceName}`` runs the cases declared for a PLC. Each run's results (per
case and per assertion, with totals) are listed by ``GET /api/testharness/results``, newest first.

The T-IA Connect client sends ``testName`` in the query string of the POST; the operation model
reads POST fields from the JSON body only, so ``testName`` is required in the body (a request with
only the query string answers 422 rather than silently running every case).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec
from engineering_api.jobs.preview import PlannedChange, Preview, plan, plural
from engineering_api.lib.schema import CamelStruct

from .models import TestCase, TestCaseInfo, TestRun, check_case
from .runner import run_cases
from .store import MAX_CASES, RUNS_KEPT, store_for

__all__ = ("OPERATIONS", "SECTION")

SECTION = "Test Harness"
BASE = "/api/testharness"
_RUN_ERRORS = (e.NotFoundError, e.ConflictError, e.ValidationError, e.OperationCanceledError)
_EXAMPLE = {
    "name": "Motor starts after 2 s",
    "description": "Start latches, Running follows after the TON delay of 2 s.",
    "deviceName": "PLC_1",
    "instanceName": "PLC_1_SIM",
    "startCpu": True,
    "setup": [{"write": {"tag": '"Motor_DB".Start', "value": False}}, {"cycles": 1}],
    "steps": [
        {"write": {"tag": '"Motor_DB".Start', "value": True}},
        {"cycles": 1},
        {"expect": {"tag": '"Motor_DB".Running', "equals": False}},
        {"advanceMs": 2000},
        {"expect": {"tag": '"Motor_DB".Running', "equals": True}},
        {"expect": {"tag": '"Motor_DB".Elapsed', "greaterOrEqual": 2000}},
        {"expect": {"tag": '"Motor_DB".Speed', "approx": 1500.0, "tolerance": 0.5}},
    ],
    "overwrite": False,
}


class ListTestsInput(CamelStruct):
    """Optionally only the cases of one PLC."""

    device_name: str | None = None


class TestRef(CamelStruct):
    """A test case by name (case-insensitive)."""

    __test__ = False

    name: str


class CreateTestInput(TestCase):
    """A test case (see TestCase); ``overwrite`` replaces a case of the same name instead of answering 409."""

    overwrite: bool = False


class ResultsInput(CamelStruct):
    """One run by ``runId``, or the newest ``limit`` runs."""

    run_id: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=RUNS_KEPT)] = 20


class RunInput(CamelStruct):
    """``testName``: one case, or ``*`` for every case (required, in the body or the query string as T-IA Connect's
    client sends it: running everything is never a default); ``instanceName`` overrides each case's instance."""

    test_name: Annotated[str, msgspec.Meta(min_length=1)]
    instance_name: str | None = None


class DeviceRunInput(CamelStruct):
    """Run every case whose ``deviceName`` is this PLC; ``instanceName`` overrides each case's instance."""

    device_name: str
    instance_name: str | None = None


def _create(ctx: OperationContext, data: CreateTestInput) -> TestCaseInfo:
    check_case(data)
    return store_for(ctx).put_case(data, overwrite=data.overwrite)


def _results(ctx: OperationContext, data: ResultsInput) -> list[TestRun]:
    store = store_for(ctx)
    return [store.run(data.run_id)] if data.run_id else store.runs(data.limit)


def _run(ctx: OperationContext, data: RunInput) -> TestRun:
    store = store_for(ctx)
    name = data.test_name.strip()
    cases = store.list_cases() if name == "*" else [store.get_case(name)]
    if not cases:
        raise e.NotFoundError("No test case is stored; create one (POST /api/testharness/tests) first.",
                              code="TESTS_NOT_FOUND")
    return run_cases(ctx, store, cases, selection=name, instance=data.instance_name)


def _run_device(ctx: OperationContext, data: DeviceRunInput) -> TestRun:
    store = store_for(ctx)
    cases = store.list_cases(data.device_name)
    if not cases:
        raise e.NotFoundError(
            f'No test case is declared for the device "{data.device_name}"; create cases with '
            f'"deviceName": "{data.device_name}" (POST /api/testharness/tests).', code="TESTS_NOT_FOUND",
        )
    return run_cases(ctx, store, cases, selection=f"device:{data.device_name}", instance=data.instance_name)


def _case_detail(case: TestCaseInfo) -> str:
    return f"{plural(len(case.steps), 'step')} for {case.device_name or 'any device'}, updated {case.updated_at}"


def _preview_delete(ctx: OperationContext, data: TestRef) -> Preview:
    case = store_for(ctx).get_case(data.name)
    return plan(f"Would delete the test case '{case.name}' (its past results stay).",
                [PlannedChange(action="delete", kind="testCase", name=case.name, detail=_case_detail(case))])


def _preview_create(ctx: OperationContext, data: CreateTestInput) -> Preview:
    check_case(data)
    cases = store_for(ctx).list_cases()
    old = next((c for c in cases if c.name.lower() == data.name.lower()), None)
    if old is None:
        if len(cases) >= MAX_CASES:
            raise e.ConflictError(f"At most {MAX_CASES} test cases can be stored; delete some first.",
                                  code="TESTS_LIMIT")
        return plan(f"Would store the new test case '{data.name}'; nothing would be overwritten.",
                    [PlannedChange(action="create", kind="testCase", name=data.name,
                                   detail=f"{plural(len(data.steps), 'step')} for {data.device_name or 'any device'}")])
    if not data.overwrite:
        raise e.AlreadyExistsError(
            f'A test case named "{old.name}" already exists; send "overwrite": true to replace it.', code="TEST_EXISTS",
        )
    return plan(f"Would overwrite the test case '{old.name}' ({_case_detail(old)}).",
                [PlannedChange(action="overwrite", kind="testCase", name=old.name, detail=_case_detail(old))])


_RUN_DESCRIPTION = (
    "Each case runs on its instance (instanceName, else the connected simulation instance). A CPU in STOP is "
    "started only when the case says startCpu: true (else the case is an Error). Setup and steps run in order; "
    "cycles/advanceMs need the instance in SingleStep or TimespanSynchronized mode (the run does not switch "
    "modes). A failed assertion fails the case; a tag error, a CPU that STOPs or a wrong mode makes it an Error; "
    "the run goes on with the next case. The run is recorded (GET /api/testharness/results) and can be canceled "
    "between steps."
)

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="testharness.tests.list", summary="List the stored PLC test cases (optionally of one device).",
        section=SECTION, handler=lambda ctx, d: store_for(ctx).list_cases(d.device_name), input=ListTestsInput,
        output=list[TestCaseInfo], route=RouteSpec("GET", f"{BASE}/tests"), mutating=False,
    ),
    Operation(
        name="testharness.tests.get", summary="A stored PLC test case by name.", section=SECTION,
        handler=lambda ctx, d: store_for(ctx).get_case(d.name), input=TestRef, output=TestCaseInfo,
        route=RouteSpec("GET", f"{BASE}/tests/{{name}}"), mutating=False, errors=(e.NotFoundError,),
    ),
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
    Operation(
        name="testharness.results", summary="Results of the recent test runs, newest first (or one by runId).",
        section=SECTION, handler=_results, input=ResultsInput, output=list[TestRun],
        route=RouteSpec("GET", f"{BASE}/results"), mutating=False, errors=(e.NotFoundError,),
    ),
    Operation(
        name="testharness.run", summary="Run one PLC test case, or every case with testName '*'.", section=SECTION,
        handler=_run, input=RunInput, output=TestRun, route=RouteSpec("POST", f"{BASE}/run-sync"), query=("test_name",),
        async_route=RouteSpec("POST", f"{BASE}/run"), long_running=True, errors=_RUN_ERRORS,
        description=_RUN_DESCRIPTION, example={"testName": "*"},
    ),
    Operation(
        name="tests.run", summary="Run every PLC test case declared for a device.", section=SECTION,
        handler=_run_device, input=DeviceRunInput, output=TestRun, route=RouteSpec("POST", "/api/tests/run-sync"),
        async_route=RouteSpec("POST", "/api/tests/run"), long_running=True, errors=_RUN_ERRORS,
        description=_RUN_DESCRIPTION, example={"deviceName": "PLC_1"},
    ),
)
