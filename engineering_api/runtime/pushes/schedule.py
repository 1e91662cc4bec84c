"""When scheduled pushes run: their APScheduler triggers, the periods they cover, and the scheduler glue.

As for pipeline schedules (:mod:`engineering_api.domain.pipelines.schedules`), APScheduler keeps each push's trigger
and next run time in a persistent SQLAlchemy job store (table ``push_schedules`` of the service database,
:mod:`engineering_api.lib.job_stores`), so a boundary passed while the server was down fires once at start-up
(``coalesce``, no misfire limit). A firing does not send anything itself: it writes one outbox row per period that ended
since the push's last one (:meth:`~engineering_api.runtime.pushes.outbox.Outbox.enqueue_due`), and the outbox delivers.

A period runs from one boundary of the schedule to the next: with shifts ``06:00/14:00/22:00`` the push at 14:00
covers 06:00-14:00 in the configured time zone; with a cron schedule, the time since the previous fire time.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engineering_api.errors import codes
from engineering_api.lib.job_stores import app_key, claim, job_store
from engineering_api.lib.scheduler_pools import PUSHES
from engineering_api.backend.errors import ValidationError
from engineering_api.lib.crontab import crontab_trigger

if TYPE_CHECKING:
    from collections.abc import Callable

    from apscheduler.schedulers.base import BaseScheduler

    from engineering_api.runtime.pushes.definitions import PushSchedule
    from engineering_api.services import Services

__all__ = ("JOBSTORE", "Period", "attach", "detach", "last_boundary", "next_run", "periods_between", "reschedule",
           "trigger_for")

logger = logging.getLogger(__name__)

JOBSTORE = "runtime-pushes"
_FIRE = f"{__name__}:fire"
_JOB_PREFIX = "push:"
_SECOND = dt.timedelta(seconds=1)
_MAX_LOOKBACK = dt.timedelta(days=800)


@dataclass(frozen=True)
class Period:
    """[start, end) of one push, in UTC."""

    start: dt.datetime
    end: dt.datetime


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code=codes.PUSH_SCHEDULE_INVALID)


def trigger_for(schedule: PushSchedule) -> Any:
    """The APScheduler trigger of a schedule: the cron expression, or one cron trigger per shift boundary.

    Raises:
        ValidationError: ``PUSH_SCHEDULE_INVALID``: neither or both of cron and shifts, a wrong cron expression,
            boundary or time zone.
    """
    from apscheduler.triggers.combining import OrTrigger
    from apscheduler.triggers.cron import CronTrigger

    try:
        zone = zoneinfo.ZoneInfo(schedule.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _invalid(f"Unknown time zone '{schedule.timezone}' (an IANA name such as UTC or Europe/Berlin).") \
            from None
    if (schedule.cron is None) == (schedule.shifts is None):
        raise _invalid("A schedule has either cron or shifts.")
    if schedule.cron is not None:
        try:
            return crontab_trigger(schedule.cron, zone)
        except ValueError as exc:
            raise _invalid(f"Cron expression '{schedule.cron}': {exc} (five fields: minute hour day month "
                           "day-of-week, e.g. '0 6 * * 1-5').") from None
    triggers = []
    for boundary in dict.fromkeys(schedule.shifts or ()):
        hour, minute = (int(part) for part in boundary.split(":"))
        if hour > 23 or minute > 59:
            raise _invalid(f"Shift boundary {boundary!r} is not a time of day (HH:MM, 00:00..23:59).")
        triggers.append(CronTrigger(hour=hour, minute=minute, timezone=zone))
    return triggers[0] if len(triggers) == 1 else OrTrigger(triggers)


def _next(trigger: Any, at: dt.datetime) -> dt.datetime | None:
    fire: dt.datetime | None = trigger.get_next_fire_time(None, at)
    return fire


def last_boundary(trigger: Any, at: dt.datetime) -> dt.datetime | None:
    """The latest fire time of ``trigger`` at or before ``at`` (UTC), or None within the last 800 days."""
    window = dt.timedelta(minutes=1)
    while window <= _MAX_LOOKBACK * 4:
        found = _next(trigger, at - window)
        if found is not None and found <= at:
            while True:  # fire times are whole seconds: the next one is at or after found + 1 s
                later = _next(trigger, found + _SECOND)
                if later is None or later > at:
                    return found.astimezone(dt.UTC)
                found = later
        window *= 4
    return None


def period_ending(trigger: Any, end: dt.datetime) -> Period:
    """The period that ends at the boundary ``end``.

    Raises ValidationError (``PUSH_PERIOD_INVALID``): ``end`` is not a boundary of the schedule.
    """
    end = end.astimezone(dt.UTC)
    if last_boundary(trigger, end) != end:
        raise ValidationError(f"{end.isoformat()} is not a boundary of this push's schedule.",
                              code=codes.PUSH_PERIOD_INVALID)
    start = last_boundary(trigger, end - _SECOND)
    return Period(start or end - dt.timedelta(days=1), end)


def periods_between(trigger: Any, after: dt.datetime, until: dt.datetime, limit: int) -> list[Period]:
    """The periods whose end lies in (after, until], the newest ``limit`` of them, oldest first."""
    ends: list[dt.datetime] = []
    found = _next(trigger, after + _SECOND)
    while found is not None and found <= until:
        ends.append(found.astimezone(dt.UTC))
        ends = ends[-(limit + 1):]
        found = _next(trigger, found + _SECOND)
    if not ends:
        return []
    starts = [last_boundary(trigger, ends[0] - _SECOND) or after, *ends[:-1]]
    return [Period(s, e) for s, e in zip(starts, ends, strict=True)][-limit:]


# ----- the scheduler -------------------------------------------------------------------------------------------
@dataclass(eq=False)
class _Attached:
    scheduler: BaseScheduler
    services: Services
    on_due: Callable[[str], object]
    """Wakes the app's outbox for a push whose period ended (given by the outbox, which imports this module)."""


_by_key: dict[str, _Attached] = {}


def _key(services: Services) -> str:
    return app_key(services.settings)


def _job_id(push_id: str) -> str:
    return _JOB_PREFIX + push_id


def attach(scheduler: BaseScheduler, services: Services, schedules: dict[str, PushSchedule],
           on_due: Callable[[str], object]) -> None:
    """Give the running scheduler the persistent push job store and bring it in line with ``schedules`` (enabled
    pushes by id). Call after ``scheduler.start()`` so boundaries missed while the server was down fire now."""
    scheduler.add_jobstore(job_store(services.db, services.settings, "push_schedules", "apscheduler_push_jobs"),
                           JOBSTORE)
    attached = _by_key[_key(services)] = _Attached(scheduler, services, on_due)
    for push_id, schedule in schedules.items():
        try:
            _schedule_one(attached, push_id, schedule, replace=False)
        except ValidationError as exc:  # e.g. a time zone this machine no longer knows
            logger.error("push %s is not scheduled: %s", push_id, exc.message)
    for job in scheduler.get_jobs(JOBSTORE):
        if job.id.removeprefix(_JOB_PREFIX) not in schedules:
            job.remove()


def detach(services: Services) -> None:
    """Forget the app's scheduler (it is shutting down)."""
    attached = _by_key.get(_key(services))
    if attached is not None and attached.services is services:
        del _by_key[_key(services)]


def _attached(services: Services) -> _Attached | None:
    attached = _by_key.get(_key(services))
    return attached if attached is not None and attached.services is services else None


def _schedule_one(attached: _Attached, push_id: str, schedule: PushSchedule, *, replace: bool) -> None:
    trigger = trigger_for(schedule)
    job = attached.scheduler.get_job(_job_id(push_id), JOBSTORE)
    if job is not None:
        claim(job, _key(attached.services))
    if job is not None and not replace and repr(job.trigger) == repr(trigger) and job.executor == PUSHES:
        return  # unchanged: keep its next run time, so a boundary passed while the server was down still fires
    attached.scheduler.add_job(
        _FIRE, trigger=trigger, args=[_key(attached.services), push_id], id=_job_id(push_id), jobstore=JOBSTORE,
        replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None, name=push_id,
        executor=PUSHES,
    )


def reschedule(services: Services, push_id: str, schedule: PushSchedule | None) -> None:
    """After a save (``schedule``; None for a disabled push) or a delete (None): the scheduler follows."""
    attached = _attached(services)
    if attached is None:
        return
    if schedule is not None:
        _schedule_one(attached, push_id, schedule, replace=True)
    elif attached.scheduler.get_job(_job_id(push_id), JOBSTORE) is not None:
        attached.scheduler.remove_job(_job_id(push_id), JOBSTORE)


def next_run(services: Services, push_id: str) -> str | None:
    """When the push fires next (ISO 8601 UTC), or None."""
    attached = _attached(services)
    job = attached.scheduler.get_job(_job_id(push_id), JOBSTORE) if attached is not None else None
    when = getattr(job, "next_run_time", None)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when is not None else None


def fire(app_key: str, push_id: str) -> None:
    """The scheduled job (a worker thread of the scheduler): queue the periods that ended, wake the outbox."""
    attached = _by_key.get(app_key)
    if attached is None:
        logger.warning("scheduled push %s: no running app for %s", push_id, app_key)
        return
    attached.on_due(push_id)
