"""The runtime alarm state machine and the history store without a PLC: discrete alarms on a bit, low limits with
hysteresis, an alarm that comes again before its acknowledgement, a deleted definition, Warnings that close by
themselves, and the store's aggregates over empty and partial intervals."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.lib.db import Database
from engineering_api.runtime.alarms import AlarmDefinition, AlarmService
from engineering_api.runtime.tag_logging import DatabaseHistoryStore, TagLoggingService, LoggingSetting, parse_interval
from tests.lib.outcomes import raises_code

if TYPE_CHECKING:
    from pathlib import Path

T = "2026-01-01T00:00:0{}.000Z"


@pytest.fixture
def alarms(tmp_path: Path) -> AlarmService:
    return AlarmService(Database(tmp_path / "service.db"))


def _states(service: AlarmService) -> list[tuple[str, str, bool]]:
    return [(a.name, a.state, a.active) for a in service.current()]


def test_a_discrete_alarm_on_one_bit_of_a_word(alarms: AlarmService) -> None:
    alarms.save_definition(AlarmDefinition(name="Jam", kind="discrete", tag='"Line_DB".Faults', bit=3))
    alarms.on_tag_value("Jam", 0b0100, T.format(1))  # another bit
    assert alarms.current() == []
    alarms.on_tag_value("Jam", 0b1100, T.format(2))
    assert _states(alarms) == [("Jam", "incoming", True)]
    alarms.on_tag_value("Jam", 0b1000, T.format(3))  # still set: no second alarm
    alarms.on_tag_value("Jam", 0, T.format(4))
    assert _states(alarms) == [("Jam", "outgoing", False)]  # Errors wait for their acknowledgement
    acked = alarms.acknowledge(alarms.current()[0].alarm_id, "op")
    assert acked.state == "acknowledged" and alarms.current() == []


def test_a_low_limit_with_hysteresis_and_warnings_that_need_no_acknowledgement(alarms: AlarmService) -> None:
    alarms.save_definition(AlarmDefinition(name="LowPressure", kind="analog", tag="Pressure", limit=2.0,
                                           direction="low", hysteresis=0.5, alarm_class="Warnings"))
    for second, value in enumerate((3.0, 1.9, 2.3, 2.49), start=1):  # comes below 2.0, stays until >= 2.5
        alarms.on_tag_value("LowPressure", value, T.format(second))
    assert _states(alarms) == [("LowPressure", "incoming", True)]
    alarms.on_tag_value("LowPressure", 2.5, T.format(5))
    assert alarms.current() == []  # a warning that went is done
    events = [(e.event, e.timestamp, e.value) for e in alarms.archive(start=None, end=None, alarm_class="Warnings",
                                                                      text=None, after=0, limit=10).entries]
    assert events == [("incoming", T.format(2), 1.9), ("outgoing", T.format(5), 2.5)]
    alarms.on_tag_value("LowPressure", "not a number", T.format(6))  # cannot judge: nothing changes
    assert alarms.current() == []


def test_an_alarm_that_comes_again_before_its_acknowledgement_is_a_new_one(alarms: AlarmService) -> None:
    alarms.on_program_alarm('"Tank_DB".HighLevel', True, T.format(1), [95.0])
    alarms.on_program_alarm('"Tank_DB".HighLevel', False, T.format(2), [10.0])
    first = alarms.current()[0]
    alarms.on_program_alarm('"Tank_DB".HighLevel', True, T.format(3), [96.0])
    (second,) = alarms.current()
    assert second.alarm_id != first.alarm_id and second.associated_values == [96.0]
    assert (second.alarm_class, second.text) == ("Errors", '"Tank_DB".HighLevel')
    with pytest.raises(NotFoundError):
        alarms.acknowledge(first.alarm_id, "op")


def test_definitions_are_checked_unique_and_deleting_one_ends_its_alarm(alarms: AlarmService) -> None:
    with pytest.raises(ValidationError):
        alarms.save_definition(AlarmDefinition(name="NoTag", kind="discrete"))
    alarms.save_definition(AlarmDefinition(name="Door", kind="discrete", tag="Door_Open"))
    with pytest.raises(AlreadyExistsError):
        alarms.save_definition(AlarmDefinition(name="DOOR", kind="discrete", tag="Other"))
    alarms.on_tag_value("Door", True, T.format(1))
    alarms.acknowledge(alarms.current()[0].alarm_id, "op")
    alarms.delete_definition("door")
    assert alarms.current() == [] and alarms.definitions() == []
    with pytest.raises(NotFoundError):
        alarms.delete_definition("Door")


def test_the_store_aggregates_only_intervals_with_values(tmp_path: Path) -> None:
    db = Database(tmp_path / "service.db")
    history = TagLoggingService(db, DatabaseHistoryStore(db))
    history.save_setting(LoggingSetting(tag='"Line_DB".Speed', mode="onChange", deadband=0.5))
    history.save_setting(LoggingSetting(tag='Line_DB.speed', mode="cyclic", period_ms=100))  # the same tag
    assert [(s.tag, s.mode) for s in history.settings()] == [("Line_DB.speed", "cyclic")]
    minute = 60_000
    start = 1_767_225_600_000  # 2026-01-01T00:00:00Z
    stamps = ["2026-01-01T00:00:10.000Z", "2026-01-01T00:00:50.000Z", "2026-01-01T00:02:30.000Z"]
    assert history.log([('"Line_DB".Speed', stamp, value) for stamp, value in zip(stamps, (1, 3.0, True),
                                                                                  strict=True)]
                       + [('"Line_DB".Speed', stamps[0], "text")]) == 3
    points = history.query("line_db.SPEED", start, start + 3 * minute, "avg", minute, 100)
    assert [(p.timestamp, p.value, p.count) for p in points] == [
        ("2026-01-01T00:00:00.000Z", 2.0, 2), ("2026-01-01T00:02:00.000Z", 1.0, 1)]
    last = history.query('"Line_DB".Speed', start, start + 3 * minute, "last", 3 * minute, 100)
    assert [(p.value, p.count) for p in last] == [(1.0, 3)]
    raises_code(ValidationError, "TOO_MANY_POINTS", history.query, '"Line_DB".Speed', start, start + 86_400_000 * 30,
                "max", 60, 100)
    assert parse_interval("15m") == 15 * minute and parse_interval("2") == 2000
    with pytest.raises(ValidationError):
        parse_interval("-1h")
    history.delete_setting('"LINE_DB".speed')
    with pytest.raises(NotFoundError):
        history.delete_setting("Line_DB.speed")


def test_a_restarted_server_goes_on_logging_without_a_request(tmp_path: Path) -> None:
    from engineering_api.config import Settings
    from tests.conftest import data, served

    settings = Settings.from_env(data_dir=tmp_path)
    with served(settings) as client:
        assert "runtime" not in client.app.state.services.notes  # nothing configured: nothing started
        admin = {"X-API-Key": (tmp_path / "api.secret").read_text().strip()}
        data(client.put("/api/runtime/history/settings", headers=admin, json={"tag": "Level", "mode": "cyclic"}))
    with served(settings) as client:
        monitor = client.app.state.services.notes["runtime"].monitor
        assert monitor.running
    assert not monitor.running  # the app's end stops it
