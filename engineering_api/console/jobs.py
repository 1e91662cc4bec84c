"""The console's jobs page: running and finished jobs, one job's live progress over SSE, its result and
diagnostics, cancel; and starting a program compile as a job (the long operation an engineer starts most)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

from engineering_api.backend.errors import EngineeringError
from engineering_api.console.auth import audit
from engineering_api.console.calls import start
from engineering_api.console.pages import failed, page
from engineering_api.jobs.records import JobRecord
from engineering_api.lib.responses import status_for
from engineering_api.lib.security import principal_of
from engineering_api.services import services_of

__all__ = ("ROUTES", "show_job")


@get("/console/jobs", include_in_schema=False)
async def jobs_page(request: Request[Any, Any, Any]) -> Template:
    """The newest jobs, whoever started them (as ``GET /api/jobs``)."""
    records, total = services_of(request).jobs.list(limit=100)
    return page(request, "jobs.html", jobs=[msgspec.to_builtins(r) for r in records], total=total)


@get("/console/jobs/{job_id:str}", include_in_schema=False)
async def job_page(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Template:
    """One job: status, progress (live while it runs), result, error and diagnostics."""
    try:
        record = services_of(request).jobs.get(job_id)
    except EngineeringError as exc:
        return failed(request, exc, "Job")
    return show_job(request, record)


def show_job(request: Request[Any, Any, Any], record: JobRecord) -> Template:
    """The job page of ``record``: while it runs, its live progress (the page reloads itself when it ends)."""
    job = msgspec.to_builtins(record)
    result = job.get("result")
    diagnostics = result.get("diagnostics", []) if isinstance(result, dict) else []
    shown = msgspec.json.format(msgspec.json.encode(result), indent=2).decode() if result is not None else ""
    return page(request, "job.html", job=job, terminal=record.terminal, diagnostics=diagnostics, result=shown)


@get("/console/jobs/{job_id:str}/events", include_in_schema=False)
async def job_events(request: Request[Any, Any, Any], job_id: FromPath[str]) -> ServerSentEvent:
    """Each state change of the job, pushed (the page needs no polling); the stream ends with the job."""
    jobs = services_of(request).jobs
    jobs.get(job_id)

    async def stream() -> AsyncIterator[ServerSentEventMessage]:
        async for record in jobs.events(job_id):
            yield ServerSentEventMessage(
                data=msgspec.json.encode({"status": record.status, "progress": record.progress,
                                          "message": record.message, "terminal": record.terminal}).decode(),
                event="job")

    return ServerSentEvent(stream())


@post("/console/jobs/{job_id:str}/cancel", include_in_schema=False, status_code=303)
async def cancel_job(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Any:
    """Ask the job to stop (a running job stops at its next check)."""
    try:
        services_of(request).jobs.cancel(job_id)
    except EngineeringError as exc:
        audit(request, status_for(exc), job_id=job_id)
        return failed(request, exc, "Cancel job")
    audit(request, 200, job_id=job_id)
    return Redirect(f"/console/jobs/{job_id}", status_code=303)


@post("/console/devices/{device:str}/compile", include_in_schema=False, status_code=303)
async def compile_software(request: Request[Any, Any, Any], device: FromPath[str]) -> Any:
    """Compile the PLC's software as a job and show that job."""
    form = await request.form()
    try:
        record = await start(services_of(request), principal_of(request), "devices.compile-software",
                             str(form.get("idempotencyKey") or "") or None, deviceName=device)
    except EngineeringError as exc:
        audit(request, status_for(exc))
        return failed(request, exc, f"Compile {device}")
    audit(request, 202, job_id=record.job_id)
    return Redirect(f"/console/jobs/{record.job_id}", status_code=303)


ROUTES = [jobs_page, job_page, job_events, cancel_job, compile_software]
