"""Issue 17's "Done means" as one pipeline, all through HTTP under a test clock: download a program to PLCSim,
log in, bulk-read with an unknown tag, be refused a write as a read-only user, raise and acknowledge an alarm from
the program, query the shift's average, min, max and count from history, and see the end-of-shift push arrive
exactly once at a receiver that was down at first."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from engineering_api.config import Settings
from tests.api.alarm_plant import LEVEL, running_plant
from tests.api.runtime_users import RT, login
from tests.api.runtime_pushes import PUSHES, Receiver, list_deliveries
from tests.conftest import assert_error, data, served
from tools.bounds import until

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

UTC = dt.timezone.utc
SHIFT_START = dt.datetime(2026, 1, 5, 5, 0, tzinfo=UTC)  # 06:00 in Berlin


def test_the_whole_runtime_story(tmp_path: Path) -> None:
    receiver = Receiver()  # down until started
    settings = Settings.from_env(data_dir=tmp_path)
    try:
        with time_machine.travel(SHIFT_START + dt.timedelta(seconds=1), tick=True) as clock, \
                served(settings) as client:
            h = {"X-API-Key": (tmp_path / "api.secret").read_text().strip()}
            running_plant(client, h, "Plant")
            operator, board = login(client, "operator"), login(client, "board")

            bulk = data(client.post(f"{RT}/tags/values", json={"tagNames": [LEVEL, "No_Such_Tag"]}, headers=board))
            assert [r["error"]["code"] if r["error"] else None for r in bulk] == [None, "TAG_NOT_FOUND"]
            assert_error(client.put(f"{RT}/tags/{LEVEL}/value", json={"value": 1.0}, headers=board), 403, "FORBIDDEN")

            step = lambda cycles: data(client.post("/api/simulation/instances/Line/actions/step",  # noqa: E731
                                                   json={"cycles": cycles}, headers=h))
            start = data(client.put(f"{RT}/tags/{LEVEL}/value", json={"value": 95.0}, headers=operator))["timestamp"]
            step(1)
            [alarm] = [a for a in data(client.get(f"{RT}/alarms/current", headers=board)) if a["name"] == "TankHigh"]
            assert alarm["state"] == "incoming" and alarm["acknowledgeRequired"]
            acked = data(client.post(f"{RT}/alarms/{alarm['alarmId']}/acknowledge", headers=operator))
            assert acked["state"] == "acknowledged"
            step(3599)  # an hour at 95
            data(client.put(f"{RT}/tags/{LEVEL}/value", json={"value": 10.0}, headers=operator))
            step(7 * 3600)  # seven at 10: the shift is over (virtual time)

            begun = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
            shift = {"from": begun.isoformat().replace("+00:00", "Z"),
                     "to": (begun + dt.timedelta(hours=8)).isoformat().replace("+00:00", "Z")}
            def aggregates(window: dict[str, str]) -> dict[str, float]:
                return {agg: data(client.get(f"{RT}/history", headers=board, params={
                    "tags": LEVEL, "aggregation": agg, "interval": "9h", **window}))[0]["values"][0]["value"]
                    for agg in ("avg", "min", "max", "count")}

            stats = aggregates(shift)
            assert stats["min"] == 10.0 and stats["max"] == 95.0 and 28_790 <= stats["count"] <= 28_801
            assert stats["avg"] == pytest.approx((3600 * 95 + 7 * 3600 * 10) / 28_800, rel=1e-3)

            template = {"from": "${periodStart}", "avg": f"${{avg({LEVEL})}}", "min": f"${{min({LEVEL})}}",
                        "max": f"${{max({LEVEL})}}", "count": f"${{count({LEVEL})}}"}
            push = data(client.post(PUSHES, headers=h, json={
                "name": "Shift report",
                "schedule": {"shifts": ["06:00", "14:00", "22:00"], "timezone": "Europe/Berlin"},
                "format": "json", "template": json.dumps(template), "target": {"url": receiver.url}}), 201)
            # The push reports the shift as the calendar has it (06:00-14:00 in Berlin), which begins a few seconds
            # before the first write: as many as the setup took by the (ticking) wall clock, more on a busy machine.
            # Its figures are compared with the same window read over REST, not with the write's eight hours.
            reported = aggregates({"from": SHIFT_START.isoformat().replace("+00:00", "Z"),
                                   "to": (SHIFT_START + dt.timedelta(hours=8)).isoformat().replace("+00:00", "Z")})
            clock.move_to(SHIFT_START + dt.timedelta(hours=8, seconds=1))  # 14:00:01 in Berlin: the shift ended
            client.app.state.services.scheduler.wakeup()
            until(lambda: [d for d in list_deliveries(client, h, push["pushId"]) if d["attempts"]], "the first attempt")
            receiver.start()  # the ERP comes back
            clock.move_to(SHIFT_START + dt.timedelta(hours=8, minutes=1))  # past the backoff
            [done] = until(lambda: [d for d in list_deliveries(client, h, push["pushId"])
                                    if d["status"] == "delivered"], "the delivery")
            assert done["attempts"] == 2
        assert len(receiver.requests) == 1, "exactly once"
        body = json.loads(receiver.requests[0]["body"])
        assert (body["min"], body["max"]) == (10.0, 95.0) and body["avg"] == pytest.approx(reported["avg"], rel=1e-6)
        assert body["count"] == reported["count"]
    finally:
        receiver.stop()
