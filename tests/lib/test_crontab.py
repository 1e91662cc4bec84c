"""Crontab day-of-week numbers mean what cron means (APScheduler 3's from_crontab reads them one day late)."""

from __future__ import annotations

import datetime as dt

import pytest

from engineering_api.domain.pipelines.models import ScheduleSpec
from engineering_api.domain.pipelines.checks import cron_trigger
from engineering_api.lib.crontab import crontab_trigger, crontab_weekdays

SUNDAY_NOON = dt.datetime(2026, 11, 22, 12, tzinfo=dt.timezone.utc)


def _next_days(trigger, count: int = 7) -> list[str]:
    days, at = [], SUNDAY_NOON
    for _ in range(count):
        at = trigger.get_next_fire_time(None, at + dt.timedelta(seconds=1))
        days.append(at.strftime("%a"))
    return days


def test_weekday_numbers_are_crons():
    assert crontab_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert crontab_weekdays("0") == crontab_weekdays("7") == "sun"
    assert crontab_weekdays("*/2") == "sun,tue,thu,sat"
    assert crontab_weekdays("mon-fri") == "mon-fri"
    with pytest.raises(ValueError):
        crontab_weekdays("8")


def test_mondays_to_fridays_fire_mondays_to_fridays():
    assert _next_days(crontab_trigger("0 6 * * 1-5", dt.timezone.utc), 5) == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_a_pipeline_schedule_for_monday_runs_on_monday():
    trigger = cron_trigger(ScheduleSpec(cron="0 6 * * 1", timezone="Europe/Berlin"))
    assert _next_days(trigger, 2) == ["Mon", "Mon"]
