"""Pipelines on a cron schedule, through APScheduler with a persistent job store in the service database.

The pipeline definitions (server state) are the truth; the job store (table ``pipeline_schedules`` of the service
database, APScheduler's own SQLAlchemy store, :mod:`engineering_api.lib.job_stores`) keeps each scheduled pipeline's
trigger and next run time across restarts, which is what lets a run missed while the server was down be noticed at
start-up. Policy, per pipeline (``schedule.missedRuns``):

* ``runOnce`` (default): however many runs were missed, the pipeline runs once as soon as the server is back
  (APScheduler ``coalesce=True``, no misfire grace limit);
* ``skip``: missed runs are dropped (a one-second grace), the next one runs on time.

A scheduled run is an ordinary ``pipelines.run`` job started by the scheduler with the engineer role (saving a
schedule needs that role), audited as ``via: scheduler``. The job store holds only the pipeline's name and the
data directory (APScheduler pickles a job's arguments; nothing else is stored there).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from engineering_api.lib.job_stores import app_key, claim, job_store
from engineering_api.backend.errors import ValidationError
from engineering_api.lib.security import Principal, Role

from .checks import cron_trigger
from .models import SCHEDULER, RunPipelineInput
from .store import PipelineStore

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from engineering_api.jobs.operations import OperationContext
    from engineering_api.lib.db import KeyValueStore
    from engineering_api.services import Services

    from .models import PipelineDefinition

__all__ = ("JOBSTORE", "attach", "detach", "next_run", "reschedule")

logger = logging.getLogger(__name__)

JOBSTORE = "pipelines"
_FIRE = f"{__name__}:fire"
_JOB_PREFIX = "pipeline:"


@dataclass(eq=False)
class _Attached:
    scheduler: BaseScheduler
    services: Services
    key: str


_by_state: WeakKeyDictionary[KeyValueStore, _Attached] = WeakKeyDictionary()
_by_key: dict[str, _Attached] = {}



def _job_id(name: str) -> str:
    return _JOB_PREFIX + name.lower()


def _schedule_one(attached: _Attached, definition: PipelineDefinition, *, replace: bool) -> None:
    assert definition.schedule is not None
    trigger = cron_trigger(definition.schedule)
    grace = None if definition.schedule.missed_runs == "runOnce" else 1
    job = attached.scheduler.get_job(_job_id(definition.name), JOBSTORE)
    if job is not None:
        claim(job, attached.key)
    if job is not None and not replace and repr(job.trigger) == repr(trigger) and job.misfire_grace_time == grace:
        return  # unchanged: keep its next run time, so a run missed while the server was down is still due
    attached.scheduler.add_job(
        _FIRE, trigger=trigger, args=[attached.key, definition.name], id=_job_id(definition.name), jobstore=JOBSTORE,
        replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=grace, name=definition.name,
    )


def attach(scheduler: BaseScheduler, services: Services) -> None:
    """Give the running scheduler the persistent pipeline store and bring it in line with the saved pipelines.

    Call after ``scheduler.start()``: the scheduler has read the store by then, and runs that were missed while the
    server was down are queued by the policy of each pipeline as it was saved.
    """
    scheduler.add_jobstore(job_store(services.db, services.settings, "pipeline_schedules", "apscheduler_jobs"),
                           JOBSTORE)
    attached = _Attached(scheduler, services, app_key(services.settings))
    _by_state[services.jobs.state] = attached
    _by_key[attached.key] = attached
    scheduled = {}
    for definition in PipelineStore(services.jobs.state).definitions():
        if definition.trigger == "schedule" and definition.schedule is not None:
            scheduled[_job_id(definition.name)] = definition
            try:
                _schedule_one(attached, definition, replace=False)
            except ValidationError as exc:  # e.g. a time zone this machine no longer knows
                logger.error("pipeline %s is not scheduled: %s", definition.name, exc.message)
    for job in scheduler.get_jobs(JOBSTORE):
        if job.id not in scheduled:
            job.remove()


def detach(services: Services) -> None:
    """Forget the app's scheduler (it is shutting down)."""
    attached = _by_state.pop(services.jobs.state, None)
    if attached is not None and _by_key.get(attached.key) is attached:
        del _by_key[attached.key]


def reschedule(ctx: OperationContext, definition: PipelineDefinition | None, removed: str | None = None) -> None:
    """Bring the scheduler in line after a save (``definition``) or a delete (``removed``); a no-op without one."""
    attached = _by_state.get(ctx.state) if ctx.state is not None else None
    if attached is None:
        return
    name = removed or (definition.name if definition else None)
    if name is None:
        return
    if definition is not None and definition.trigger == "schedule" and definition.schedule is not None:
        _schedule_one(attached, definition, replace=True)
        return
    if attached.scheduler.get_job(_job_id(name), JOBSTORE) is not None:
        attached.scheduler.remove_job(_job_id(name), JOBSTORE)


def next_run(ctx: OperationContext, definition: PipelineDefinition) -> str | None:
    """When the scheduler runs the pipeline next (ISO 8601 UTC), or None."""
    attached = _by_state.get(ctx.state) if ctx.state is not None else None
    if attached is None or definition.trigger != "schedule":
        return None
    job = attached.scheduler.get_job(_job_id(definition.name), JOBSTORE)
    when: dt.datetime | None = getattr(job, "next_run_time", None)
    if when is None:
        return None
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def fire(app_key: str, name: str) -> None:
    """The scheduled job: start the pipeline's run as a job of the app that owns the data directory."""
    attached = _by_key.get(app_key)
    if attached is None:
        logger.warning("scheduled pipeline %s: no running app for %s", name, app_key)
        return
    services = attached.services
    operation = services.operations.get("pipelines.run")
    assert operation is not None
    principal = Principal(key_id=SCHEDULER, name=SCHEDULER, role=Role.ENGINEER)
    record = await services.jobs.start(operation, RunPipelineInput(name=name), principal=principal,
                                       idempotency_key=None)
    services.audit.record(
        method="POST", path=f"/api/pipelines/{name}/run", status=202, key_id=None, role=Role.ENGINEER.value,
        client=SCHEDULER, job_id=record.job_id, via="scheduler",
    )
    logger.info("scheduled pipeline %s started as job %s", name, record.job_id)
