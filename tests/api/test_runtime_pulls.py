"""Inbound pulls, end to end over HTTP against an ERP the test starts on loopback: a pull fetches the ERP's JSON with
its bearer token and writes the mapped tags of a downloaded program; a document that does not fit writes nothing and
names the field; a flaky ERP is retried, a refusing one is not; the ERP's own webhook posts XML with a runtime user's
token; bad definitions (an unknown, read-only or wrongly typed tag, a bad path or URL) are refused and change
nothing; secrets are never shown."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.config import Settings
from tests.api.runtime_users import login, make_user
from tests.api.runtime_plant import download_line
from tests.conftest import Headers, assert_error, data
from tests.erp_stubs import LOOPBACK, Erp
from tests.api.runtime_pulls import PULLS, RT, SETPOINT, TOKEN, read

if TYPE_CHECKING:
    from pathlib import Path

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

COUNT = '"Line_DB".Count'


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(data_dir=tmp_path, pull_allowed_targets=LOOPBACK)


@pytest.fixture
def erp() -> Any:
    running = Erp()
    yield running
    running.server.shutdown()


def definition(erp: Erp, **changes: Any) -> dict[str, Any]:
    return {"name": "Orders", "source": {"url": erp.url, "auth": {"type": "bearer", "token": TOKEN}},
            "mapping": [{"tag": SETPOINT, "path": "$.order.setpoint"}, {"tag": COUNT, "path": "order.lines[1].qty"}],
            **changes}


def test_a_pull_fetches_and_writes_all_or_nothing(client: Any, admin_headers: Headers, cpu: dict[str, Any],
                                                   erp: Erp) -> None:
    h = admin_headers
    download_line(client, h)
    make_user(client, h, "board", ["read"])
    board = login(client, "board")
    pull = data(client.post(PULLS, json=definition(erp), headers=h), 201)
    pid = pull["pullId"]
    assert pull["source"]["secretSet"] is True and TOKEN not in json.dumps(pull)
    assert TOKEN not in json.dumps(data(client.get(PULLS, headers=h)))

    erp.document = json.dumps({"order": {"setpoint": 7.25, "lines": [{"qty": 1}, {"qty": 42}]}}).encode()
    run = data(client.post(f"{RT}/pulls/{pid}/actions/run", headers=h))
    assert run["status"] == "Succeeded" and run["attempts"] == 1, run
    assert {w["tag"]: w["value"] for w in run["written"]} == {SETPOINT: 7.25, COUNT: 42}
    assert erp.seen[-1]["Authorization"] == f"Bearer {TOKEN}"
    assert read(client, board, SETPOINT) == 7.25 and read(client, board, COUNT) == 42

    # one field that does not fit its tag: nothing is written, and the run names it
    erp.document = json.dumps({"order": {"setpoint": 9.5, "lines": [{"qty": 1}, {"qty": "many"}]}}).encode()
    run = data(client.post(f"{RT}/pulls/{pid}/actions/run", headers=h))
    assert run["status"] == "Failed" and run["failedFields"] == ["order.lines[1].qty"], run
    assert "not a whole number for DInt" in run["error"]
    assert read(client, board, SETPOINT) == 7.25 and read(client, board, COUNT) == 42
    # a missing field and a value outside the tag's range, each named
    erp.document = json.dumps({"order": {"lines": [{"qty": 1}, {"qty": 2**40}]}}).encode()
    run = data(client.post(f"{RT}/pulls/{pid}/actions/run", headers=h))
    assert run["failedFields"] == ["$.order.setpoint", "order.lines[1].qty"], run
    assert read(client, board, COUNT) == 42

    # a flaky ERP is retried; one that refuses is not
    erp.document = json.dumps({"order": {"setpoint": 3.5, "lines": [{"qty": 0}, {"qty": 5}]}}).encode()
    erp.queued = [(503, b"busy"), (503, b"busy")]
    run = data(client.post(f"{RT}/pulls/{pid}/actions/run", headers=h))
    assert run["status"] == "Succeeded" and run["attempts"] == 3, run
    erp.queued = [(401, b"token expired\r\n2026-01-01 INFO forged line")]
    run = data(client.post(f"{RT}/pulls/{pid}/actions/run", headers=h))
    assert run["status"] == "Failed" and run["attempts"] == 1 and run["httpStatus"] == 401, run
    assert "forged" not in json.dumps(run)  # nothing of the body is kept

    runs = data(client.get(f"{RT}/pulls/{pid}/runs", headers=h))
    assert [r["status"] for r in runs] == ["Failed", "Succeeded", "Failed", "Failed", "Succeeded"]
    shown = data(client.get(f"{RT}/pulls/{pid}", headers=h))
    assert shown["lastStatus"] == "Failed" and "HTTP 401" in shown["lastError"]


def test_a_run_keeps_and_logs_nothing_of_the_sources_values(
        client: Any, admin_headers: Headers, cpu: dict[str, Any], erp: Erp, caplog: pytest.LogCaptureFixture) -> None:
    """A field that does not fit is named with the reason, never with its value: the run log, ``lastError`` and the
    server's log keep nothing of the document (before, each echoed the value, and XML errors the document's names)."""
    h = admin_headers
    download_line(client, h)
    pid = data(client.post(PULLS, json=definition(erp), headers=h), 201)["pullId"]
    caplog.set_level(logging.WARNING)
    for document, content_type, fields, reasons in (
            ({"order": {"setpoint": "CONFIDENTIAL-price-4711", "lines": [{"qty": 1}, {"qty": 2**40 + 4711}]}},
             "application/json", ["$.order.setpoint", "order.lines[1].qty"],
             ["a text is not a finite number for Real", "outside DInt's range"]),
            ("<order><CONFIDENTIAL-4711></order>", "application/xml", ["$"], ["not well-formed XML (line 1"])):
        erp.document = (document if isinstance(document, str) else json.dumps(document)).encode()
        erp.content_type = content_type
        run = data(client.post(f"{RT}/pulls/{pid}/actions/run", headers=h))
        kept = json.dumps([run, data(client.get(f"{RT}/pulls/{pid}/runs", headers=h)),
                           data(client.get(f"{RT}/pulls/{pid}", headers=h))["lastError"]])
        for shown in (kept, caplog.text):
            assert "4711" not in shown and "CONFIDENTIAL" not in shown, shown
        assert run["status"] == "Failed" and run["failedFields"] == fields, run
        assert all(reason in run["error"] for reason in reasons), run


def test_the_erp_posts_to_the_webhook(client: Any, admin_headers: Headers, cpu: dict[str, Any]) -> None:
    h = admin_headers
    download_line(client, h)
    make_user(client, h, "erp", ["read", "write"])
    make_user(client, h, "board", ["read"])
    erp_user, board = login(client, "erp"), login(client, "board")
    pull = data(client.post(PULLS, json={"name": "Orders in", "acceptWebhook": True, "mapping": [
        {"tag": SETPOINT, "path": "order.setpoint"}, {"tag": COUNT, "path": "order.@count"}]}, headers=h), 201)
    pid = pull["pullId"]
    hook = f"{RT}/pulls/{pid}/webhook"
    xml = b'<?xml version="1.0"?><order count="12"><setpoint>4.5</setpoint></order>'
    run = data(client.post(hook, content=xml, headers={**erp_user, "Content-Type": "application/xml"}))
    assert run["status"] == "Succeeded" and run["trigger"] == "webhook", run
    assert read(client, board, SETPOINT) == 4.5 and read(client, board, COUNT) == 12
    # the read role may not post; a payload of the wrong type is 422 naming the field, nothing written
    assert_error(client.post(hook, content=xml, headers={**board, "Content-Type": "application/xml"}), 403,
                 "FORBIDDEN")
    wrong = client.post(hook, json={"order": {"setpoint": "warm", "@count": 3}}, headers=erp_user)
    assert_error(wrong, 422, "PULL_MAPPING_FAILED")
    assert wrong.json()["details"]["failedFields"] == ["order.setpoint"]
    assert read(client, board, COUNT) == 12
    # a DTD is refused, its entity never expanded
    bomb = b'<!DOCTYPE o [<!ENTITY x "1">]><order count="&x;"><setpoint>1</setpoint></order>'
    assert_error(client.post(hook, content=bomb, headers={**erp_user, "Content-Type": "application/xml"}), 422,
                 "PULL_MAPPING_FAILED")
    # a pull that does not accept webhooks is not found for the ERP
    other = data(client.post(PULLS, json={"name": "Fetched", "source": {"url": "http://127.0.0.1:9/x"},
                                          "mapping": [{"tag": SETPOINT, "path": "a"}]}, headers=h), 201)
    assert_error(client.post(f"{RT}/pulls/{other['pullId']}/webhook", json={"a": 1}, headers=erp_user), 404,
                 "PULL_NOT_FOUND")
    # standard JSONPath (RFC 9535), here for a document that is an array
    recipes = data(client.post(PULLS, json={"name": "Recipes in", "acceptWebhook": True, "mapping": [
        {"tag": SETPOINT, "path": "$[0].recipe.setpoint"}]}, headers=h), 201)
    run = data(client.post(f"{RT}/pulls/{recipes['pullId']}/webhook", json=[{"recipe": {"setpoint": 6.5}}],
                           headers=erp_user))
    assert run["status"] == "Succeeded" and read(client, board, SETPOINT) == 6.5, run


def test_bad_definitions_are_refused_and_change_nothing(client: Any, admin_headers: Headers, cpu: dict[str, Any],
                                                        erp: Erp) -> None:
    h = admin_headers
    download_line(client, h)
    for mapping, message in (([{"tag": '"Lamp"', "path": "a"}], "read-only"),
                             ([{"tag": '"Nope"', "path": "a"}], "unknown or not released"),
                             ([{"tag": SETPOINT, "path": "a..b"}], "unexpected"),
                             ([{"tag": SETPOINT, "path": "$..setpoint"}], "may name several fields"),
                             ([{"tag": SETPOINT, "path": "$.order["}], "is not JSONPath (RFC 9535)"),
                             ([{"tag": SETPOINT, "path": "a"}, {"tag": SETPOINT, "path": "b"}], "more than once")):
        refused = client.post(PULLS, json=definition(erp, mapping=mapping), headers=h)
        assert_error(refused, 422, "PULL_MAPPING_INVALID")
        assert message in refused.json()["message"], refused.json()
    for source, code in (({"url": "ftp://127.0.0.1/x"}, "PULL_SOURCE_INVALID"),
                         ({"url": "http://user:pw@127.0.0.1/x"}, "PULL_SOURCE_INVALID"),
                         ({"url": erp.url, "auth": {"type": "basic", "password": "x"}}, "PULL_SOURCE_INVALID"),
                         # push-only auth kinds: a pull would fetch without them
                         ({"url": erp.url, "auth": {"type": "awsSigV4", "accessKeyId": "AKIAEXAMPLEPLANT01",
                                                    "secretAccessKey": "zQ9tR2wX7vB4nM8kL1pS6dF3gH5jK0aE",
                                                    "region": "eu-central-1", "service": "execute-api"}},
                          "PULL_SOURCE_INVALID")):
        assert_error(client.post(PULLS, json=definition(erp, source=source), headers=h), 422, code)
    assert_error(client.post(PULLS, json=definition(erp, source=None), headers=h), 422, "PULL_SOURCE_INVALID")
    assert data(client.get(PULLS, headers=h)) == []
    # an interval is scheduled on the app's scheduler, and dropped with the pull
    pull = data(client.post(PULLS, json=definition(erp, intervalSeconds=3600), headers=h), 201)
    pid = pull["pullId"]
    scheduler = client.app.state.services.scheduler
    job = scheduler.get_job(f"pull:{pull['pullId']}")
    assert job is not None and job.trigger.interval.total_seconds() == 3600
    assert_error(client.post(PULLS, json=definition(erp), headers=h), 422, "PULL_NAME_TAKEN")
    # a replaced definition keeps its secret for the same URL; a new interval replaces the old one
    edited = data(client.put(f"{RT}/pulls/{pid}", json=definition(erp, intervalSeconds=600, source={
        "url": erp.url, "auth": {"type": "bearer"}}), headers=h))
    assert edited["source"]["secretSet"] is True and edited["intervalSeconds"] == 600
    assert scheduler.get_job(f"pull:{pid}").trigger.interval.total_seconds() == 600
    moved = data(client.put(f"{RT}/pulls/{pid}", json=definition(erp, source={
        "url": erp.url + "/elsewhere", "auth": {"type": "bearer"}}), headers=h))
    assert moved["source"]["secretSet"] is False and scheduler.get_job(f"pull:{pid}") is None
    data(client.delete(f"{RT}/pulls/{pid}", headers=h))
    assert scheduler.get_job(f"pull:{pull['pullId']}") is None
    assert_error(client.get(f"{RT}/pulls/{pid}", headers=h), 404, "PULL_NOT_FOUND")


def test_a_source_sending_its_document_a_byte_at_a_time_is_cut_at_its_timeout(
        client: Any, admin_headers: Headers, cpu: dict[str, Any]) -> None:
    """httpx's timeout bounds each read, not the document: a source that answers 200 and then a byte every 50 ms
    held the run (a synchronous request) until MAX_DOCUMENT_BYTES. Now each attempt ends at the source's
    timeoutSeconds and the run fails after its attempts, naming why; nothing is written."""
    stop = threading.Event()

    class Dribble(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                while not stop.wait(0.05):
                    self.wfile.write(b" ")
                    self.wfile.flush()
            except OSError:  # the runner gave up
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Dribble)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        h = admin_headers
        download_line(client, h)
        url = f"http://127.0.0.1:{server.server_address[1]}/api/orders/current"
        body = {"name": "Slow", "source": {"url": url, "timeoutSeconds": 0.5},
                "mapping": [{"tag": SETPOINT, "path": "$.order.setpoint"}]}
        pid = data(client.post(PULLS, json=body, headers=h), 201)["pullId"]
        run = data(client.post(f"{RT}/pulls/{pid}/actions/run", headers=h))
        assert run["status"] == "Failed" and "took longer than the timeout" in run["error"], run
        assert run["written"] == []
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
