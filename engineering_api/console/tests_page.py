"""The console's unit-test page: the test cases, running them on the simulated PLC as a job, and a run's result
per case with its assertions and timings (the service's test harness, as ``/api/testharness``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from engineering_api.backend.errors import EngineeringError, NotFoundError
from engineering_api.console.auth import audit
from engineering_api.console.calls import run, start
from engineering_api.console.jobs import show_job
from engineering_api.console.pages import failed, page
from engineering_api.errors import codes
from engineering_api.lib.responses import status_for
from engineering_api.lib.security import principal_of
from engineering_api.services import services_of

__all__ = ("ROUTES",)


@get("/console/tests", include_in_schema=False)
async def tests_page(request: Request[Any, Any, Any], run_id: FromQuery[str] = "") -> Template:
    """The cases, the recent runs, and one run (the newest, or ``run_id``) case by case."""
    services, principal = services_of(request), principal_of(request)
    try:
        cases = await run(services, principal, "testharness.cases.list")
        runs = await run(services, principal, "testharness.runs", limit=20)
        result = await run(services, principal, "testharness.results", runId=run_id or None)
    except EngineeringError as exc:
        return failed(request, exc, "Unit tests")
    return page(request, "tests.html", cases=cases if isinstance(cases, list) else cases.get("cases", []),
                runs=runs if isinstance(runs, list) else runs.get("runs", []), result=result)


@post("/console/tests/run", include_in_schema=False, status_code=303)
async def run_tests(request: Request[Any, Any, Any]) -> Any:
    """Run the cases matching the form's pattern (``*``: all) as a job, then follow it to its result."""
    form = await request.form()
    pattern = str(form.get("testName") or "").strip()
    try:
        record = await start(services_of(request), principal_of(request), "testharness.run", None,
                             testName=pattern)
    except EngineeringError as exc:
        audit(request, status_for(exc))
        return failed(request, exc, "Run tests")
    audit(request, 202, job_id=record.job_id)
    return Redirect(f"/console/tests/jobs/{record.job_id}", status_code=303)


@get("/console/tests/jobs/{job_id:str}", include_in_schema=False)
async def test_run_job(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Template | Redirect:
    """Where *Run* lands: the run's job with its live progress while it runs (the page reloads itself when the job
    ends), then the run's result case by case on the tests page; a run that failed or was canceled stays on its
    job page, which says why."""
    try:
        record = services_of(request).jobs.get(job_id)
    except EngineeringError as exc:
        return failed(request, exc, "Test run")
    if record.operation != "testharness.run":
        return failed(request, NotFoundError(f"The job '{job_id}' is not a test run.", code=codes.NOT_A_TEST_RUN),
                      "Test run")
    run_id = record.result.get("runId") if record.status == "Completed" and isinstance(record.result, dict) else None
    if run_id:
        return Redirect(f"/console/tests?run_id={quote(str(run_id), safe='')}#run-result", status_code=303)
    return show_job(request, record)


ROUTES = [tests_page, run_tests, test_run_job]
