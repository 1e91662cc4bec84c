"""Scheduled pushes to an ERP over HTTP, under a test clock (time-machine moves the wall clock APScheduler and the
outbox read): the end-of-shift push reaches a local receiver that is down at first and then fails once, exactly
once with the shift's aggregates, across a restart of the app on the same data directory; the delivery log, re-send,
dry run, auth headers, redaction of secrets, and the 4xx answers for bad definitions."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import logging
import time
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from litestar.testing import TestClient

from engineering_api.config import Settings
from engineering_api.runtime.pushes import outbox as pushes_outbox
from engineering_api.runtime.pushes.outbox import outbox_of
from tests.conftest import assert_error, data, served
from tests.scheduler_log import scheduler_log, watch_schedulers
from tools.bounds import until
from tests.api.runtime_pushes import (COUNT, MATERIAL, PUSHES, Receiver, TOKEN, UTC, admin_key, list_deliveries,
                                      log_shift, push_body, resend_shift)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from litestar import Litestar

Headers = dict[str, str]


@contextlib.contextmanager
def _restarted_after_push(
    data_dir: Path, body: dict[str, Any], down_until: dt.datetime,
) -> Iterator[tuple[TestClient[Litestar], Headers, str]]:
    """A shift logged and the push ``body`` made at 12:50 UTC, then the server down until ``down_until``: the
    restarted app's client (its scheduler woken), the admin headers and the push's id."""
    settings = Settings.from_env(data_dir=data_dir)
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, 50, tzinfo=UTC), tick=True) as clock:
        with served(settings) as client:
            headers = admin_key(data_dir)
            log_shift(client, headers)
            push_id = data(client.post(PUSHES, json=body, headers=headers), 201)["pushId"]
        clock.move_to(down_until)
        with served(settings) as client:
            client.app.state.services.scheduler.wakeup()
            yield client, headers, push_id


def test_end_of_shift_push_arrives_once_after_the_receiver_was_down_and_the_server_restarted(
    tmp_path: Path, receiver: Receiver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    watch_schedulers(monkeypatch)
    settings = Settings.from_env(data_dir=tmp_path)
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, 50, tzinfo=UTC), tick=True) as clock:
        with served(settings) as client:
            headers = admin_key(tmp_path)
            log_shift(client, headers)
            saved = data(client.post(PUSHES, json=push_body(receiver.url), headers=headers), 201)
            assert saved["nextRunAt"] == "2026-01-05T13:00:00Z"  # 14:00 in Berlin
            assert saved["target"]["secretSet"] is True and TOKEN not in json.dumps(saved)
            push_id = saved["pushId"]
            clock.move_to(dt.datetime(2026, 1, 5, 13, 0, 1, tzinfo=UTC))
            client.app.state.services.scheduler.wakeup()
            [pending] = until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["attempts"]],
                              "the first attempt")
            assert (pending["status"], pending["periodStart"], pending["periodEnd"]) == (
                "pending", "2026-01-05T05:00:00.000Z", "2026-01-05T13:00:00.000Z")
            assert pending["responseCode"] is None and "Connect" in pending["lastError"]
            assert pending["nextAttemptAt"].startswith("2026-01-05T13:00:1")  # 10 s later
        # the server is down; the receiver comes up but fails once more
        receiver.start()
        receiver.script = [500]
        clock.move_to(dt.datetime(2026, 1, 5, 13, 0, 30, tzinfo=UTC))
        with served(settings) as client:
            failed = until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["attempts"] == 2],
                           "the attempt after the restart")
            assert failed[0]["responseCode"] == 500 and failed[0]["status"] == "pending"
            clock.move_to(dt.datetime(2026, 1, 5, 13, 1, 0, tzinfo=UTC))  # past the 20 s backoff (the outbox polls)
            [done] = until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["status"] == "delivered"],
                           "the delivery")
            assert (done["attempts"], done["responseCode"]) == (3, 200)
            clock.move_to(dt.datetime(2026, 1, 5, 13, 30, 0, tzinfo=UTC))
            scheduler_log(client).settle()  # the scheduler has looked at 13:30, and what it ran then has ended
            assert len(list_deliveries(client, headers, push_id)) == 1  # no second booking of the shift
            audit = data(client.get("/api/audit", params={"pathPrefix": f"{PUSHES}/{push_id}/deliveries"},
                                    headers=headers))["records"]
            assert sorted(r["status"] for r in audit) == [200, 500, 502]  # 502: no answer (connection refused)
            assert {r["via"] for r in audit} == {"scheduler"}
    assert [r["status"] for r in receiver.requests] == [500, 200]
    keys = {r["headers"]["Idempotency-Key"] for r in receiver.requests}
    assert keys == {done["idempotencyKey"]}
    delivered = receiver.requests[-1]
    assert delivered["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert delivered["headers"]["X-Plant"] == "P1" and delivered["headers"]["Content-Type"] == "application/json"
    assert json.loads(delivered["body"]) == {
        "shiftStart": "2026-01-05T05:00:00.000Z", "shiftEnd": "2026-01-05T13:00:00.000Z",
        "produced": 420.0, "material": 20.0, "materialAvg": 2.5, "samples": 8, "note": "line 1 (Shift report)"}
    assert TOKEN not in caplog.text


def test_shifts_that_ended_while_the_server_was_down_are_each_pushed_after_the_restart(
    tmp_path: Path, receiver: Receiver,
) -> None:
    receiver.start()
    body = push_body(receiver.url)
    # the counter's value at each shift's end, not at the catch-up: from the history (no PLC runs here)
    body["template"] = json.dumps({**json.loads(body["template"]), "counter": f"${{value({COUNT})}}"})
    back = dt.datetime(2026, 1, 5, 21, 30, tzinfo=UTC)  # 14:00 and 22:00 (Berlin) passed while down
    with _restarted_after_push(tmp_path, body, back) as (client, headers, push_id):
        done = until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["status"] == "delivered"]
                     if len(list_deliveries(client, headers, push_id)) == 2 and len(receiver.requests) == 2 else [],
                     "both shifts")
        assert [d["periodEnd"] for d in done] == ["2026-01-05T21:00:00.000Z", "2026-01-05T13:00:00.000Z"]
        assert data(client.get(f"{PUSHES}/{push_id}", headers=headers))["nextRunAt"] == "2026-01-06T05:00:00Z"
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert [(b["shiftStart"], b["produced"], b["counter"]) for b in bodies] == [
        ("2026-01-05T05:00:00.000Z", 420.0, 1420), ("2026-01-05T13:00:00.000Z", 0.0, 99_999)]  # one late sample
    assert len({r["headers"]["Idempotency-Key"] for r in receiver.requests}) == 2


def test_a_catch_up_of_a_tag_that_is_not_logged_fails_instead_of_sending_a_later_value(
    tmp_path: Path, receiver: Receiver,
) -> None:
    receiver.start()
    body = push_body(receiver.url, template=json.dumps({"level": '${value("Line_DB".Level)}'}))
    back = dt.datetime(2026, 1, 5, 13, 30, tzinfo=UTC)  # the 14:00 (Berlin) boundary passed while down
    with _restarted_after_push(tmp_path, body, back) as (client, headers, push_id):
        [failed] = until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["status"] == "failed"],
                         "the refused catch-up")
        assert "not logged" in failed["lastError"] and "13:00:00" in failed["lastError"]
        assert failed["lastError"].startswith("payload not rendered: PUSH_VALUE_UNKNOWN: ")  # the documented code
        # A dry run of that period says what its delivery does: the same refusal, not a value read now.
        dry = assert_error(client.post(f"{PUSHES}/{push_id}/dry-run", json={"periodEnd": "2026-01-05T13:00:00Z"},
                                       headers=headers), 422, "PUSH_VALUE_UNKNOWN")
        assert "not logged" in dry["message"]
    assert receiver.requests == []


def test_a_busy_target_is_asked_again_no_sooner_than_its_retry_after(tmp_path: Path, receiver: Receiver) -> None:
    receiver.start()
    receiver.script, receiver.retry_after = [503], "120"
    with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=UTC), tick=True) as clock:
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            headers = admin_key(tmp_path)
            log_shift(client, headers)
            push_id = data(client.post(PUSHES, json=push_body(receiver.url), headers=headers), 201)["pushId"]
            resend_shift(client, headers, push_id)
            [busy] = until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["attempts"] == 1],
                           "the busy answer")
            # 120 s after the attempt (not the 10 s backoff); the clock ticks, so on a loaded machine the attempt
            # itself may come some seconds after 14:00
            assert busy["responseCode"] == 503
            assert "2026-01-05T14:02:00" <= busy["nextAttemptAt"] < "2026-01-05T14:03:00"
            outbox = outbox_of(client.app.state.services)
            clock.move_to(dt.datetime(2026, 1, 5, 14, 1, 0, tzinfo=UTC))
            assert outbox.send_due() == 0  # a delivery round at 14:01 sends nothing
            # The delivery thread sleeps until the retry is due, or its idle bound if that is sooner: no polling.
            assert outbox.seconds_to_next_due() == pushes_outbox._IDLE_SECONDS
            due = dt.datetime.fromisoformat(busy["nextAttemptAt"].replace("Z", "+00:00"))
            clock.move_to(due - dt.timedelta(seconds=2))
            assert 0 < outbox.seconds_to_next_due() <= 2
            # nor did the outbox's own rounds: a row they had claimed would show the claim's later next attempt
            [still] = list_deliveries(client, headers, push_id)
            assert (still["attempts"], still["nextAttemptAt"]) == (1, busy["nextAttemptAt"])
            assert len(receiver.requests) == 1
            clock.move_to(dt.datetime(2026, 1, 5, 14, 2, 30, tzinfo=UTC))
            until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["status"] == "delivered"],
                  "the delivery after Retry-After")
    assert [r["status"] for r in receiver.requests] == [503, 200]


def test_dry_run_renders_xml_without_sending_and_redacts_the_auth_header(
    tmp_path: Path, receiver: Receiver,
) -> None:
    receiver.start()
    xml = (f'<Shift start="${{periodStart}}"><Produced>${{delta({COUNT})}}</Produced>'
           f'<Material unit="kg">${{sum({MATERIAL})}}</Material></Shift>')
    basic = {"type": "basic", "username": "erp", "password": "pa55-w0rd!"}
    body = push_body(receiver.url, format="xml", template=xml, target={"url": receiver.url, "auth": basic})
    with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=UTC), tick=True):
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            headers = admin_key(tmp_path)
            log_shift(client, headers)
            push_id = data(client.post(PUSHES, json=body, headers=headers), 201)["pushId"]
            dry = data(client.post(f"{PUSHES}/{push_id}/dry-run", json={}, headers=headers))
            assert dry["periodEnd"] == "2026-01-05T13:00:00.000Z" and dry["contentType"] == "application/xml"
            assert dry["payload"] == ('<Shift start="2026-01-05T05:00:00.000Z"><Produced>420</Produced>'
                                      '<Material unit="kg">20</Material></Shift>')
            assert dry["headers"]["Authorization"] == "Basic ***" and "pa55" not in json.dumps(dry)
            assert dry["headers"]["Idempotency-Key"] == dry["idempotencyKey"]
            assert receiver.requests == []  # not sent
            earlier = data(client.post(f"{PUSHES}/{push_id}/dry-run", json={"periodEnd": "2026-01-04T21:00:00Z"},
                                       headers=headers))
            assert earlier["periodStart"] == "2026-01-04T13:00:00.000Z"
            assert "<Produced></Produced>" in earlier["payload"]  # nothing logged in that shift
            assert_error(client.post(f"{PUSHES}/{push_id}/dry-run", json={"periodEnd": "2026-01-05T12:00:00Z"},
                                     headers=headers), 422, "PUSH_PERIOD_INVALID")
            # re-sending a shift from before the push existed does not make the shifts since then due
            data(client.post(f"{PUSHES}/{push_id}/deliveries/resend", json={"periodEnd": "2026-01-04T21:00:00Z"},
                             headers=headers), 202)
            assert outbox_of(client.app.state.services).enqueue_due(push_id) == 0
            assert [d["periodEnd"] for d in list_deliveries(client, headers, push_id)] == ["2026-01-04T21:00:00.000Z"]
            until(lambda: receiver.requests, "the re-sent old shift")
            # a manual re-send of a past shift: basic auth, the period's own idempotency key
            queued = data(client.post(f"{PUSHES}/{push_id}/deliveries/resend",
                                      json={"periodEnd": "2026-01-05T13:00:00Z"}, headers=headers), 202)
            until(lambda: len(receiver.requests) == 2, "the re-sent period")
            sent = receiver.requests[1]
            assert sent["headers"]["Authorization"] == "Basic " + base64.b64encode(b"erp:pa55-w0rd!").decode()
            assert sent["headers"]["Idempotency-Key"] == queued["idempotencyKey"] == dry["idempotencyKey"]
            assert sent["body"] == dry["payload"]
            assert_error(client.post(f"{PUSHES}/{push_id}/deliveries/resend",
                                     json={"periodEnd": "2026-01-06T13:00:00Z"}, headers=headers),
                         422, "PUSH_PERIOD_INVALID")  # not ended yet
            # a key in a header of its own, as some ERP gateways want it
            keyed = push_body(receiver.url, name="Keyed", target={"url": receiver.url, "auth": {
                "type": "header", "headerName": "APIKey", "token": "k3y-0f-the-erp"}})
            keyed_id = data(client.post(PUSHES, json=keyed, headers=headers), 201)["pushId"]
            dry = data(client.post(f"{PUSHES}/{keyed_id}/dry-run", json={}, headers=headers))
            assert dry["headers"]["APIKey"] == "***" and "Authorization" not in dry["headers"]
            resend_shift(client, headers, keyed_id)
            until(lambda: len(receiver.requests) == 3, "the keyed push")
            assert receiver.requests[2]["headers"]["APIKey"] == "k3y-0f-the-erp"
            # an Azure IoT Hub wants its shared access signature as the whole Authorization value
            sas = "SharedAccessSignature sr=hub.azure-devices.net%2Fdevices%2Fline1&sig=c2lnbmF0dXJl&se=1767700000"
            hub = push_body(receiver.url, name="Hub", target={"url": receiver.url, "auth": {
                "type": "header", "headerName": "Authorization", "token": sas}})
            hub_id = data(client.post(PUSHES, json=hub, headers=headers), 201)["pushId"]
            shown = client.get(f"{PUSHES}/{hub_id}", headers=headers)
            assert data(shown)["target"]["secretSet"] is True and "c2lnbmF0dXJl" not in shown.text
            dry = data(client.post(f"{PUSHES}/{hub_id}/dry-run", json={}, headers=headers))
            assert dry["headers"]["Authorization"] == "***" and "c2lnbmF0dXJl" not in json.dumps(dry)
            resend_shift(client, headers, hub_id)
            until(lambda: len(receiver.requests) == 4, "the IoT Hub push")
            assert receiver.requests[3]["headers"]["Authorization"] == sas


def test_a_refused_delivery_fails_and_its_error_does_not_show_the_secret(
    tmp_path: Path, receiver: Receiver, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.start()
    receiver.script = [400]
    receiver.echo_headers = ["Authorization", "X-Plant"]  # a careless ERP echoes request headers in its error
    with time_machine.travel(dt.datetime(2026, 1, 5, 14, 0, tzinfo=UTC), tick=True):
        with served(Settings.from_env(data_dir=tmp_path)) as client:
            headers = admin_key(tmp_path)
            log_shift(client, headers)
            push_id = data(client.post(PUSHES, json=push_body(receiver.url), headers=headers), 201)["pushId"]
            resend_shift(client, headers, push_id)
            [failed] = until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["status"] == "failed"],
                             "the refusal")
            assert failed["responseCode"] == 400 and failed["attempts"] == 1
            assert "HTTP 400" in failed["lastError"] and TOKEN not in failed["lastError"]
            assert "***" in failed["lastError"]
            shown = client.get(f"{PUSHES}/{push_id}", headers=headers).text
            assert TOKEN not in shown and '"secretSet":true' in shown
            # an update without the token keeps it; another URL drops it
            keep = push_body(receiver.url, target={"url": receiver.url, "auth": {"type": "bearer"}})
            same = data(client.put(f"{PUSHES}/{push_id}", json=keep, headers=headers))
            assert same["target"]["secretSet"] is True
            moved = data(client.put(f"{PUSHES}/{push_id}", json=push_body(receiver.url, target={
                "url": receiver.url + "/other", "auth": {"type": "bearer"}}), headers=headers))
            assert moved["target"]["secretSet"] is False
            assert data(client.delete(f"{PUSHES}/{push_id}", headers=headers))["pushId"] == push_id
            assert_error(client.get(f"{PUSHES}/{push_id}/deliveries", headers=headers), 404, "PUSH_NOT_FOUND")
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"schedule": {"cron": "61 * * * *"}}, 422, "PUSH_SCHEDULE_INVALID"),
    ({"schedule": {"cron": "0 6 * * *", "shifts": ["06:00"]}}, 422, "PUSH_SCHEDULE_INVALID"),
    ({"schedule": {"shifts": ["25:00"]}}, 422, "PUSH_SCHEDULE_INVALID"),
    ({"schedule": {"shifts": ["06:00"], "timezone": "Mars/Olympus"}}, 422, "PUSH_SCHEDULE_INVALID"),
    ({"template": '{"a": '}, 422, "PUSH_TEMPLATE_INVALID"),
    ({"template": '{"a": "${nope}"}'}, 422, "PUSH_TEMPLATE_INVALID"),
    ({"template": '{"a": "${median(\\"Line_DB\\".Count)}"}'}, 422, "PUSH_TEMPLATE_INVALID"),
    ({"template": '{"a": "${sum(\\"Other_DB\\".X)}"}'}, 422, "PUSH_TAG_UNKNOWN"),
    ({"format": "xml", "template": "<a>${periodEnd}"}, 422, "PUSH_TEMPLATE_INVALID"),
    ({"format": "xml", "template": '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'}, 422, "PUSH_TEMPLATE_INVALID"),
    ({"target": {"url": "file:///etc/passwd"}}, 422, "PUSH_TARGET_INVALID"),
    ({"target": {"url": "ftp://erp.local/x"}}, 422, "PUSH_TARGET_INVALID"),
    ({"target": {"url": "http://user:pw@erp.local/x"}}, 422, "PUSH_TARGET_INVALID"),
    ({"target": {"url": "http://erp.local/x", "headers": {"Authorization": "x"}}}, 422, "PUSH_TARGET_INVALID"),
    ({"target": {"url": "http://erp.local/x", "auth": {"type": "basic", "password": "x"}}}, 422,
     "PUSH_TARGET_INVALID"),
    ({"target": {"url": "http://erp.local/x", "auth": {"type": "header", "headerName": "Idempotency-Key",
                                                        "token": "x"}}}, 422, "PUSH_TARGET_INVALID"),
    ({"target": {"url": "http://erp.local/x", "auth": {"type": "bearer", "token": "a\nX-Injected: 1"}}}, 422,
     "VALIDATION_FAILED"),  # no header injection through a secret
])
def test_bad_definitions_are_refused_and_nothing_is_saved(
    client: TestClient[Litestar], admin_headers: Headers, change: dict[str, Any], status: int, code: str,
) -> None:
    for tag in (COUNT, MATERIAL):
        data(client.put("/api/runtime/history/settings", json={"tag": tag, "mode": "onChange"}, headers=admin_headers))
    body = {**push_body("http://10.0.0.5:8080/erp"), **change}
    assert_error(client.post(PUSHES, json=body, headers=admin_headers), status, code)
    assert data(client.get(PUSHES, headers=admin_headers)) == []


def test_pushes_need_an_admin_key_and_value_tags_need_a_running_plc(
    client: TestClient[Litestar], admin_headers: Headers, engineer_headers: Headers, monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = push_body("https://erp.example/api", template='{"level": "${value(\\"Line_DB\\".Level)}"}')
    assert client.get(PUSHES, headers=engineer_headers).status_code == 403
    assert client.post(PUSHES, json=body, headers=engineer_headers).status_code == 403
    push_id = data(client.post(PUSHES, json=body, headers=admin_headers), 201)["pushId"]  # no PLC to check it now
    monkeypatch.setattr(pushes_outbox, "ON_TIME_MS", 10**13)  # as if the period had just ended: a live read
    assert_error(client.post(f"{PUSHES}/{push_id}/dry-run", json={}, headers=admin_headers), 503,
                 "RUNTIME_NOT_RUNNING")
    assert_error(client.get(f"{PUSHES}/nope", headers=admin_headers), 404, "PUSH_NOT_FOUND")


def test_the_outbox_works_on_postgres_too(fresh_db: str, tmp_path: Path, receiver: Receiver) -> None:
    """The outbox's statements (upsert, claim, log) on the PostgreSQL an API node may use instead of SQLite."""
    receiver.start()
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, 50, tzinfo=UTC), tick=True) as clock:
        with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
            headers = admin_key(tmp_path)
            log_shift(client, headers)
            push_id = data(client.post(PUSHES, json=push_body(receiver.url), headers=headers), 201)["pushId"]
            clock.move_to(dt.datetime(2026, 1, 5, 13, 0, 1, tzinfo=UTC))
            client.app.state.services.scheduler.wakeup()
            [done] = until(lambda: [d for d in list_deliveries(client, headers, push_id) if d["status"] == "delivered"],
                           "the delivery")
            again = data(client.post(f"{PUSHES}/{push_id}/deliveries/resend", json={"periodEnd": done["periodEnd"]},
                                     headers=headers), 202)
            assert again["deliveryId"] == done["deliveryId"]
            until(lambda: len(receiver.requests) == 2, "the re-send")
    assert json.loads(receiver.requests[0]["body"])["produced"] == 420.0
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    assert len({r["headers"]["Idempotency-Key"] for r in receiver.requests}) == 1


def test_value_placeholders_read_the_running_plc_and_unreleased_tags_are_refused(
    client: TestClient[Litestar], admin_headers: Headers, running_plc: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    hourly = {"cron": "0 * * * *", "timezone": "UTC"}
    secret = push_body("http://10.0.0.5/erp", schedule=hourly, template='{"s": "${value(\\"Motor_DB\\".secret)}"}')
    assert_error(client.post(PUSHES, json=secret, headers=admin_headers), 404, "PUSH_TAG_UNKNOWN")  # not released
    template = json.dumps({"${pushName}": {"limit": '${value("Motor_DB".limit)}',
                                           "text": 'limit ${value("Motor_DB".limit)} at ${periodEnd}'}})
    body = push_body("http://10.0.0.5/erp", name="Hourly", schedule=hourly, template=template)
    push_id = data(client.post(PUSHES, json=body, headers=admin_headers), 201)["pushId"]
    # Within a minute of the period's end a delivery reads the live value, and so does the dry run.
    hour_ms = int(time.time() // 3600 * 3600 * 1000)
    monkeypatch.setattr(pushes_outbox, "_now_ms", lambda: hour_ms + 30_000)
    dry = data(client.post(f"{PUSHES}/{push_id}/dry-run", json={}, headers=admin_headers))
    assert dry["periodEnd"].endswith(":00:00.000Z")
    assert json.loads(dry["payload"]) == {"Hourly": {"limit": 100, "text": f"limit 100 at {dry['periodEnd']}"}}
    # Later, that period's delivery could not know the value at its end (the tag is not logged): nor can the dry run.
    monkeypatch.setattr(pushes_outbox, "_now_ms", lambda: hour_ms + 120_000)
    assert_error(client.post(f"{PUSHES}/{push_id}/dry-run", json={}, headers=admin_headers), 422, "PUSH_VALUE_UNKNOWN")
