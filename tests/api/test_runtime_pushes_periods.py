"""The periods of scheduled pushes: shift boundaries in a time zone (across a daylight-saving change), cron
schedules, catch-up after a downtime, and boundaries a re-send must name."""

from __future__ import annotations

import datetime as dt

import pytest

from engineering_api.backend.errors import ValidationError
from engineering_api.runtime.pushes.definitions import PushSchedule
from engineering_api.runtime.pushes.schedule import last_boundary, period_ending, periods_between, trigger_for
from tests.lib.outcomes import raises_code

UTC = dt.UTC
SHIFTS = PushSchedule(shifts=["06:00", "14:00", "22:00"], timezone="Europe/Berlin")


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_the_night_shift_of_the_spring_change_is_seven_hours_long() -> None:
    trigger = trigger_for(SHIFTS)
    # 29 March 2026: Berlin goes from CET (UTC+1) to CEST (UTC+2) at 02:00
    night = period_ending(trigger, _utc(2026, 3, 29, 4, 0))  # 06:00 CEST
    assert (night.start, night.end) == (_utc(2026, 3, 28, 21, 0), _utc(2026, 3, 29, 4, 0))  # from 22:00 CET
    early = period_ending(trigger, _utc(2026, 3, 29, 12, 0))
    assert early.start == _utc(2026, 3, 29, 4, 0)
    assert last_boundary(trigger, _utc(2026, 3, 29, 11, 59, 59)) == _utc(2026, 3, 29, 4, 0)


def test_periods_that_ended_during_a_downtime_follow_each_other_and_the_newest_are_kept() -> None:
    trigger = trigger_for(SHIFTS)
    after, until = _utc(2026, 1, 5, 13, 0), _utc(2026, 1, 7, 13, 30)  # two days down
    periods = periods_between(trigger, after, until, limit=100)
    assert len(periods) == 6 and periods[0].start == after and periods[-1].end == _utc(2026, 1, 7, 13, 0)
    assert all(a.end == b.start for a, b in zip(periods, periods[1:]))
    newest = periods_between(trigger, after, until, limit=2)
    assert newest == periods[-2:]
    assert periods_between(trigger, until, until, limit=10) == []


def test_cron_weekdays_are_crons_own_numbers() -> None:
    """0 and 7 are Sunday, 1 Monday, as in crontab(5); APScheduler 3 alone would read them one day late."""
    weekdays = trigger_for(PushSchedule(cron="0 6 * * 1-5", timezone="UTC"))
    assert last_boundary(weekdays, _utc(2026, 1, 10, 12, 0)) == _utc(2026, 1, 9, 6, 0)  # Saturday: Friday's
    assert last_boundary(weekdays, _utc(2026, 1, 12, 12, 0)) == _utc(2026, 1, 12, 6, 0)  # Monday
    sundays = [trigger_for(PushSchedule(cron=f"0 0 * * {day}")) for day in ("0", "7", "sun")]
    assert {last_boundary(t, _utc(2026, 1, 10, 12, 0)) for t in sundays} == {_utc(2026, 1, 4, 0, 0)}
    every_other = trigger_for(PushSchedule(cron="0 0 * * */2"))  # Sun, Tue, Thu, Sat
    assert last_boundary(every_other, _utc(2026, 1, 9, 12, 0)) == _utc(2026, 1, 8, 0, 0)  # Friday: Thursday's


def test_a_cron_period_runs_from_the_previous_fire_time() -> None:
    weekly = trigger_for(PushSchedule(cron="30 5 * * 1", timezone="UTC"))  # Mondays 05:30
    period = period_ending(weekly, _utc(2026, 1, 12, 5, 30))
    assert period.start == _utc(2026, 1, 5, 5, 30)
    raises_code(ValidationError, "PUSH_PERIOD_INVALID", period_ending, weekly, _utc(2026, 1, 12, 5, 31))


@pytest.mark.parametrize("schedule", [
    PushSchedule(), PushSchedule(cron="0 6 * * *", shifts=["06:00"]), PushSchedule(cron="0 6 * *"),
    PushSchedule(shifts=["24:00"]), PushSchedule(shifts=["06:00"], timezone="Europe/Nowhere"),
    PushSchedule(cron="0 6 * * 8"), PushSchedule(cron="0 6 * * 5-1"), PushSchedule(cron="0 6 * * */0"),
])
def test_bad_schedules_are_refused(schedule: PushSchedule) -> None:
    raises_code(ValidationError, "PUSH_SCHEDULE_INVALID", trigger_for, schedule)
