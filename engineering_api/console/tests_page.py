"""The console's unit-test page: the test cases, running them on the simulated PLC as a job, and a run's result
per case with its assertions and timings (the service's test harness, as ``/api/testharness``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from engineering_api.backend.errors import EngineeringError
from engineering_api.console.auth import audit
from engineering_api.console.calls import run, start
from engineering_api.console.pages import failed, page
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
    """Run the cases matching the form's pattern (``*``: all) as a job, then show that job."""
    form = await request.form()
    pattern = str(form.get("testName") or "").strip()
    try:
        record = await start(services_of(request), principal_of(request), "testharness.run", None,
                             testName=pattern)
    except EngineeringError as exc:
        audit(request, status_for(exc))
        return failed(request, exc, "Run tests")
    audit(request, 202, job_id=record.job_id)
    return Redirect(f"/console/jobs/{record.job_id}", status_code=303)


ROUTES = [tests_page, run_tests]
