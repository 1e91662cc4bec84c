"""The runtime API's alarms, history and SSE subscriptions end to end, through HTTP only and under virtual time.

The issue's "Done means" pipeline for these parts: a program with a Program_Alarm is downloaded to a SingleStep
PLCSim instance (1 s cycles), its tags are released, a runtime user logs in, a bulk read with an unknown tag answers
per item and a read-only user's write 403; the program raises an alarm which an
operator acknowledges; an analog tag alarm with hysteresis comes and goes; a shift of eight hours is stepped in
virtual time and its average, min, max and count come from the history; a subscription streams value and alarm
changes as Server-Sent Events. No test waits on the wall clock: every time is the CPU's scan time.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.api.runtime_users import RT, login
from tests.conftest import Headers, assert_error, data
from tests.api.alarm_plant import LEVEL, step_cycles

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")


def _at(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _set_level(client: Any, who: Headers, value: float) -> str:
    """Write the level; answers the scan time the value carries."""
    return data(client.put(f"{RT}/tags/{LEVEL}/value", json={"value": value}, headers=who))["timestamp"]


def test_program_and_tag_alarms_are_raised_acknowledged_and_archived(client: Any, line: Headers) -> None:
    h = line
    data(client.post(f"{RT}/alarm-definitions", headers=h, json={
        "name": "TankHigh", "kind": "program", "source": '"Tank_DB".HighLevel', "text": "Tank level high",
        "alarmClass": "Errors"}), 201)
    data(client.post(f"{RT}/alarm-definitions", headers=h, json={
        "name": "LevelWarning", "kind": "analog", "tag": LEVEL, "limit": 80.0, "hysteresis": 5.0,
        "alarmClass": "Warnings", "text": "Level above 80"}), 201)
    assert_error(client.post(f"{RT}/alarm-definitions", headers=h, json={"name": "X", "kind": "analog", "tag": LEVEL}),
                 422, "INVALID_ALARM_DEFINITION")
    operator, board = login(client, "operator"), login(client, "board")
    bulk = data(client.post(f"{RT}/tags/values", json={"tagNames": [LEVEL, "No_Such_Tag"]}, headers=board))
    assert [r["error"]["code"] if r["error"] else None for r in bulk] == [None, "TAG_NOT_FOUND"]
    assert_error(client.put(f"{RT}/tags/{LEVEL}/value", json={"value": 1.0}, headers=board), 403, "FORBIDDEN")

    raised_at = _set_level(client, operator, 95.0)
    step_cycles(client, h, 1)
    current = {a["name"]: a for a in data(client.get(f"{RT}/alarms/current", headers=board))}
    program, warning = current["TankHigh"], current["LevelWarning"]
    assert (program["state"], program["alarmClass"], program["text"], program["acknowledgeRequired"]) == (
        "incoming", "Errors", "Tank level high", True)
    assert program["associatedValues"] == [95.0] and program["source"] == '"Tank_DB".HighLevel'
    # both at the scan time of the cycle that saw the new level: one 1 s cycle after the write
    assert _at(program["raisedAt"]) - _at(raised_at) == dt.timedelta(seconds=1) == \
        _at(warning["raisedAt"]) - _at(raised_at)
    assert warning["acknowledgeRequired"] is False and warning["value"] == 95.0

    ack = f"{RT}/alarms/{program['alarmId']}/acknowledge"
    assert_error(client.post(ack, headers=board), 403, "FORBIDDEN")
    acked = data(client.post(ack, headers=operator))
    assert acked["state"] == "acknowledged" and acked["acknowledgedBy"] == "operator" and acked["active"] is True
    # on the CPU's clock, as the alarm came: no cycle ran since, so the same instant (the server's clock runs on)
    assert acked["acknowledgedAt"] == program["raisedAt"]
    assert_error(client.post(ack, headers=operator), 409, "ALARM_ALREADY_ACKNOWLEDGED")
    assert_error(client.post(f"{RT}/alarms/{warning['alarmId']}/acknowledge", headers=operator), 409,
                 "ALARM_NEEDS_NO_ACKNOWLEDGEMENT")
    assert_error(client.post(f"{RT}/alarms/999/acknowledge", headers=operator), 404, "ALARM_NOT_FOUND")

    _set_level(client, operator, 78.0)  # below the program's 90, above the warning's 80 - 5 hysteresis
    step_cycles(client, h, 1)
    current = {a["name"]: a for a in data(client.get(f"{RT}/alarms/current", headers=board))}
    assert list(current) == ["LevelWarning"] and current["LevelWarning"]["active"] is True
    _set_level(client, operator, 74.0)
    step_cycles(client, h, 1)
    assert data(client.get(f"{RT}/alarms/current", headers=board)) == []

    errors = data(client.get(f"{RT}/alarms/archive", params={"alarmClass": "Errors"}, headers=board))
    assert [e["event"] for e in errors["entries"]] == ["incoming", "acknowledged", "outgoing"]
    assert errors["entries"][1]["timestamp"] == program["raisedAt"]
    assert errors["entries"][1]["user"] == "operator" and errors["continuationPoint"] is None
    page = data(client.get(f"{RT}/alarms/archive", params={"text": "above 80", "limit": 1}, headers=board))
    assert [e["event"] for e in page["entries"]] == ["incoming"] and page["continuationPoint"]
    rest = data(client.get(f"{RT}/alarms/archive", headers=board, params={
        "text": "above 80", "continuationPoint": page["continuationPoint"]}))
    assert [e["event"] for e in rest["entries"]] == ["outgoing"]
    late = data(client.get(f"{RT}/alarms/archive", params={"from": _iso(_at(raised_at) + dt.timedelta(seconds=2))},
                           headers=board))
    assert [(e["name"], e["event"]) for e in late["entries"]] == [("TankHigh", "outgoing"),
                                                                  ("LevelWarning", "outgoing")]
    audit = [(r["role"], r["status"]) for r in client.app.state.services.db.all(
        "SELECT role, status FROM audit WHERE path = ?", (ack,))]
    assert audit == [("runtime:read", 403), ("runtime:alarmAck,read,write", 200), ("runtime:alarmAck,read,write", 409)]


def test_a_shift_of_history_aggregates(client: Any, line: Headers) -> None:
    h = line
    data(client.put(f"{RT}/history/settings", headers=h, json={"tag": LEVEL, "mode": "cyclic", "periodMs": 1000}))
    data(client.put(f"{RT}/history/settings", headers=h, json={"tag": '"Line_DB".Count', "mode": "onChange",
                                                                "deadband": 1000}))
    # an admin may log a tag that is not released; its values never reach a runtime user
    data(client.put(f"{RT}/history/settings", headers=h, json={"tag": "Line_DB.Hidden", "mode": "cyclic"}))
    operator = login(client, "operator")
    start = _at(_set_level(client, operator, 50.0))
    step_cycles(client, h, 7200)  # two hours at 50
    _set_level(client, operator, 95.0)
    step_cycles(client, h, 3600)  # one hour at 95
    _set_level(client, operator, 10.0)
    step_cycles(client, h, 18000)  # five hours at 10
    shift = {"from": _iso(start + dt.timedelta(milliseconds=500)), "to": _iso(start + dt.timedelta(hours=8, seconds=1))}

    def query(aggregation: str, **extra: Any) -> list[dict[str, Any]]:
        series = data(client.get(f"{RT}/history", headers=operator, params={
            "tags": f'{LEVEL},"Line_DB".Count', "aggregation": aggregation, **shift, **extra}))
        return series[0]["values"]

    stats = {agg: query(agg, interval="9h")[0]["value"] for agg in ("avg", "min", "max", "count", "first", "last")}
    assert stats == {"avg": (7200 * 50 + 3600 * 95 + 18000 * 10) / 28800, "min": 10.0, "max": 95.0, "count": 28800,
                     "first": 50.0, "last": 10.0}
    hourly = query("max", interval="1h")
    assert [p["value"] for p in hourly] == [50.0, 50.0, 95.0, 10.0, 10.0, 10.0, 10.0, 10.0]
    assert hourly[2]["count"] == 3600
    raw = query("raw", limit=3)
    assert [(p["value"], _at(p["timestamp"]) - start) for p in raw] == [
        (50.0, dt.timedelta(seconds=s)) for s in (1, 2, 3)]
    counts = data(client.get(f"{RT}/history", headers=operator, params={
        "tags": '"Line_DB".Count', "aggregation": "count", "interval": "9h", **shift}))[0]["values"][0]["value"]
    assert 25 <= counts <= 30  # on change with a deadband of 1000: one value per 1000 cycles
    hidden = data(client.get(f"{RT}/history", headers=operator, params={"tags": '"Line_DB".Hidden', **shift}))
    assert hidden[0]["values"] == []
    assert_error(client.get(f"{RT}/history", headers=operator, params={"tags": LEVEL, "aggregation": "avg", **shift}),
                 422, "INTERVAL_REQUIRED")
    assert_error(client.get(f"{RT}/history", headers=operator, params={"tags": LEVEL, "from": "yesterday",
                                                                        "to": shift["to"]}), 422, "INVALID_TIME")
    assert_error(client.get(f"{RT}/history/settings", headers=operator), 401, "UNAUTHORIZED")


def test_subscription_streams_value_and_alarm_changes(client: Any, line: Headers) -> None:
    h = line
    operator = login(client, "operator")
    _set_level(client, operator, 20.0)
    sub = data(client.post(f"{RT}/subscriptions", headers=operator, json={"tags": [LEVEL, "No_Such_Tag"]}), 201)
    assert sub["tags"] == [LEVEL]
    _set_level(client, operator, 95.0)
    step_cycles(client, h, 2)
    answer = client.get(f"{RT}/subscriptions/{sub['subscriptionId']}/events", params={"maxEvents": 3},
                        headers=operator)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
    events = [block for block in answer.text.split("\r\n\r\n") if block.strip()]
    parsed = [(_field(e, "event"), json.loads(_field(e, "data"))) for e in events]
    assert [(kind, body["state"] if kind == "alarm" else body["value"]) for kind, body in parsed] == [
        ("value", 20.0), ("value", 95.0), ("alarm", "incoming")]
    board = login(client, "board")
    assert_error(client.get(f"{RT}/subscriptions/{sub['subscriptionId']}/events", headers=board), 404,
                 "SUBSCRIPTION_NOT_FOUND")
    assert data(client.delete(f"{RT}/subscriptions/{sub['subscriptionId']}", headers=operator)) is None


def _events(client: Any, who: Headers, sub_id: str, count: int, last: str | None = None) -> list[tuple[str, str, Any]]:
    """(id, event, data) of the next ``count`` events, reconnecting after ``last`` when given."""
    headers = {**who, **({"Last-Event-ID": last} if last is not None else {})}
    answer = client.get(f"{RT}/subscriptions/{sub_id}/events", params={"maxEvents": count, "waitSeconds": 0},
                        headers=headers)
    assert answer.status_code == 200, answer.text
    blocks = [block for block in answer.text.split("\r\n\r\n") if block.strip()]
    return [(_field(b, "id"), _field(b, "event"), json.loads(_field(b, "data"))) for b in blocks]


def test_a_reconnect_with_last_event_id_gets_what_the_broken_stream_lost(
    client: Any, line: Headers, monkeypatch: pytest.MonkeyPatch,
) -> None:
    h, operator = line, login(client, "operator")
    _set_level(client, operator, 20.0)
    sub = data(client.post(f"{RT}/subscriptions", headers=operator, json={"tags": [LEVEL], "alarms": False}), 201)
    sid = sub["subscriptionId"]
    for level in (30.0, 40.0):
        _set_level(client, operator, level)
        step_cycles(client, h, 1)
    first = _events(client, operator, sid, 3)
    assert [body["value"] for _, _, body in first] == [20.0, 30.0, 40.0]
    # the client saw only the first event before its connection broke: the others come again, with their ids
    again = _events(client, operator, sid, 5, last=first[0][0])
    assert again == first[1:]
    assert _events(client, operator, sid, 5, last=first[-1][0]) == []  # nothing after the newest
    assert client.get(f"{RT}/subscriptions/{sid}/events", headers={**operator, "Last-Event-ID": "x"}).status_code \
        in (400, 422)

    monkeypatch.setattr("engineering_api.runtime.subscriptions.REPLAY_LIMIT", 1)
    for level in (50.0, 60.0):
        _set_level(client, operator, level)
        step_cycles(client, h, 1)
    later = _events(client, operator, sid, 2)
    assert [body["value"] for _, _, body in later] == [50.0, 60.0]
    # only the newest is kept: resuming from before 50 says what was lost, then gives 60
    resumed = _events(client, operator, sid, 2, last=first[-1][0])
    assert [event for _, event, _ in resumed] == ["gap", "value"]
    assert resumed[0][2]["lostThrough"] == int(later[0][0]) and resumed[1] == later[1]


def test_a_stream_ticket_opens_one_stream_for_its_session_only(client: Any, line: Headers) -> None:
    operator = login(client, "operator")
    mine = data(client.post(f"{RT}/subscriptions", headers=operator, json={"tags": [LEVEL]}), 201)
    other = data(client.post(f"{RT}/subscriptions", headers=operator, json={"tags": [LEVEL]}), 201)
    assert mine["ticket"].startswith("stk_") and mine["ticket"] != other["ticket"]

    def stream(sub: dict[str, Any], ticket: str) -> Any:
        return client.get(sub["eventsUrl"], params={"ticket": ticket, "maxEvents": 1, "waitSeconds": 0})

    answer = stream(mine, mine["ticket"])  # no Authorization header: as a browser's EventSource
    assert answer.status_code == 200 and "retry: 1000" in answer.text and '"value":' in answer.text
    assert_error(stream(mine, other["ticket"]), 401, "UNAUTHORIZED")  # one subscription's ticket only
    assert_error(stream(mine, "stk_guess"), 401, "UNAUTHORIZED")
    # a ticket opens nothing but the stream
    assert_error(client.delete(f"{RT}/subscriptions/{mine['subscriptionId']}", params={"ticket": mine["ticket"]}),
                 401, "UNAUTHORIZED")
    assert_error(client.get(f"{RT}/tags", params={"ticket": mine["ticket"]}), 401, "UNAUTHORIZED")
    data(client.post(f"{RT}/auth/logout", headers=operator))
    assert_error(stream(mine, mine["ticket"]), 401, "UNAUTHORIZED")  # it dies with its session


def _field(block: str, name: str) -> str:
    return next(line.partition(":")[2].strip() for line in block.splitlines() if line.startswith(name + ":"))
