"""Crontab expressions as APScheduler 3 triggers, with cron's own day-of-week numbers.

APScheduler 3's ``CronTrigger.from_crontab`` passes the day-of-week field to its own ``day_of_week``, where 0 is
Monday, so cron's ``1-5`` (Monday to Friday) fires Tuesday to Saturday (agronholm/apscheduler#286 and #1102; fixed
only in 4.x). Here the numbers become day names first, as cron means them (0 and 7 Sunday, 1 Monday).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

__all__ = ("crontab_trigger", "crontab_weekdays")

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field with its numbers as day names (``1-5`` → ``mon,tue,wed,thu,fri``); names and
    ``*`` stay as they are.

    Raises:
        ValueError: a number outside 0-7, or a malformed range or step.
    """
    days: list[str] = []
    for item in field.split(","):
        body, slash, step = item.partition("/")
        if any(c.isalpha() for c in item) or (body in ("*", "?") and not slash):
            days.append(item)
            continue
        stride = int(step) if slash else 1
        if body in ("*", "?"):
            low, high = 0, 6
        elif "-" in body:
            low, high = (int(part) for part in body.split("-", 1))
        else:
            low = int(body)
            high = 6 if slash else low
        if not (0 <= low <= high <= 7 and stride >= 1):
            raise ValueError(f"day of week {item!r} is not 0-7 (0 and 7: Sunday)")
        days.extend(_WEEKDAYS[day % 7] for day in range(low, high + 1, stride))
    return ",".join(dict.fromkeys(days))


def crontab_trigger(expression: str, zone: dt.tzinfo) -> Any:
    """The APScheduler 3 ``CronTrigger`` of a five-field crontab expression in ``zone``.

    Raises:
        ValueError: not five fields, or a field APScheduler refuses.
    """
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{len(fields)} fields instead of 5")
    return CronTrigger(minute=fields[0], hour=fields[1], day=fields[2], month=fields[3],
                       day_of_week=crontab_weekdays(fields[4]), timezone=zone)
