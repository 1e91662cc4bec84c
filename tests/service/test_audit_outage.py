"""The audit of a mutating call when the database goes away during the call (engineering_api.lib.audit).

The record is written before the call runs and completed after its answer was sent. A database that dies in
between can no longer change the answer: the completion is logged as an error, counted in
``engineering_api_audit_unfinished_total``, kept, and written by the next audited call once the database is back.
Before, the completion's error went up after the answer (the server logged a traceback, a test client raised it)
and the record stayed ``started`` for good. A call whose record cannot be written at all does not run (503).
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from typing import Any

import pytest

from engineering_api.config import Settings
from tools.bounds import until
from tests.conftest import assert_error, data, served
from tests.pgserver import PostgresServer

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

RT = "/api/runtime/users"


def _user(name: str) -> dict[str, Any]:
    return {"username": name, "password": "correct horse battery", "roles": ["read"]}


def _metric(client: Any, headers: dict[str, str], name: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(client.get("/metrics", headers=headers).text):
        for sample in family.samples:
            if sample.name == name:
                return float(sample.value)
    raise AssertionError(f"{name} is not in /metrics")


def test_an_audit_completion_on_a_dead_database_is_logged_counted_and_written_once_it_is_back(
        fresh_db: str, postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture):
    settings = Settings.from_env(data_dir=tmp_path, db=fresh_db, metrics_role="admin")
    with served(settings) as client:
        _, secret = client.app.state.services.keys.create("audit", "admin")
        headers = {"X-API-Key": secret}
        audit = client.app.state.services.audit
        complete = audit.finish

        def database_dies_before(*args: Any, **kwargs: Any) -> None:
            monkeypatch.setattr(audit, "finish", complete)  # once
            postgres.stop(signal.SIGINT)  # fast shutdown: the node's connection is ended under it
            complete(*args, **kwargs)

        monkeypatch.setattr(audit, "finish", database_dies_before)
        try:
            with caplog.at_level(logging.ERROR, logger="engineering_api.lib.audit"):
                answer = client.post(RT, json=_user("ran"), headers=headers)
            assert answer.status_code == 201, answer.text  # the call ran and said so: its answer stands
            assert any("could not be completed" in r.getMessage() and f"POST {RT}" in r.getMessage()
                       for r in caplog.records if r.levelno == logging.ERROR), caplog.text
        finally:
            if postgres.process is None:
                postgres.start()
        until(lambda: client.get("/api/health").json()["data"]["status"] == "Healthy", "the node to be healthy")
        assert _metric(client, headers, "engineering_api_audit_unfinished_total") == 1
        assert _metric(client, headers, "engineering_api_audit_unfinished_waiting") == 1
        started = data(client.get("/api/audit", params={"outcome": "started"}, headers=headers))["records"]
        assert [(r["method"], r["path"]) for r in started] == [("POST", RT)]
        # the next audited call writes the kept completion
        data(client.post(RT, json=_user("next"), headers=headers), 201)
        records = data(client.get("/api/audit", params={"pathPrefix": RT}, headers=headers))["records"]
        assert [(r["status"], r["outcome"]) for r in records] == [(201, "succeeded"), (201, "succeeded")], records
        assert _metric(client, headers, "engineering_api_audit_unfinished_waiting") == 0
        assert {u["username"] for u in data(client.get(RT, headers=headers))} >= {"ran", "next"}


def _stop_the_database_before_the_next_begin(client: Any, postgres: PostgresServer,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The next audited change's record meets a database just stopped (the test starts it again)."""
    audit = client.app.state.services.audit
    write = audit.begin

    def database_dies_before(**kwargs: Any) -> int:
        monkeypatch.setattr(audit, "begin", write)
        postgres.stop(signal.SIGINT)
        return write(**kwargs)

    monkeypatch.setattr(audit, "begin", database_dies_before)


def test_a_call_whose_audit_record_cannot_be_written_does_not_run(fresh_db: str, postgres: PostgresServer,
                                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
        _, secret = client.app.state.services.keys.create("audit", "admin")
        headers = {"X-API-Key": secret}
        _stop_the_database_before_the_next_begin(client, postgres, monkeypatch)
        try:
            refused = client.post(RT, json=_user("never"), headers=headers)
        finally:
            postgres.start()
        body = assert_error(refused, 503, "DATABASE_UNAVAILABLE")
        assert "not run" in body["message"], body
        until(lambda: client.get(RT, headers=headers).status_code == 200, "the node to serve again")
        assert "never" not in {u["username"] for u in data(client.get(RT, headers=headers))}


_MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Mcp-Protocol-Version": "2026-07-28",
                "Mcp-Method": "tools/call"}
_MCP_META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
             "io.modelcontextprotocol/clientInfo": {"name": "outage", "version": "1"},
             "io.modelcontextprotocol/clientCapabilities": {}}


def _tool_call(client: Any, headers: dict[str, str], name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One session-less MCP ``tools/call`` over streamable HTTP; the JSON-RPC answer."""
    answer = client.post("/mcp", headers={**headers, **_MCP_HEADERS, "Mcp-Name": name}, json={
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": name, "arguments": arguments, "_meta": _MCP_META}})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_an_mcp_change_whose_audit_record_cannot_be_written_does_not_run_and_says_so(
        fresh_db: str, postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """As on REST: the tool's record is written before it runs; a database that is away refuses the call with
    DATABASE_UNAVAILABLE (status 503 in the tool's result), and the call does not run. Before, the MCP transport
    caught a full disk only, so the database's error escaped the tool as an internal error."""
    with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
        _, secret = client.app.state.services.keys.create("audit", "admin")
        headers = {"X-API-Key": secret}
        _stop_the_database_before_the_next_begin(client, postgres, monkeypatch)
        try:
            refused = _tool_call(client, headers, "projects_create", {"name": "Never"})
        finally:
            postgres.start()
        result = refused.get("result")
        assert result is not None and result["isError"], refused
        content = result["structuredContent"]
        assert content["code"] == "DATABASE_UNAVAILABLE" and "not run" in content["message"], content
        until(lambda: client.get(RT, headers=headers).status_code == 200, "the node to serve again")
        assert "never" not in {u["username"] for u in data(client.get(RT, headers=headers))}
        until(lambda: client.get("/api/health").json()["data"]["status"] == "Healthy", "the node to be healthy")
        assert data(client.get("/api/projects", headers=headers)) == []  # the call did not run
        ran = _tool_call(client, headers, "projects_create", {"name": "Never"})["result"]
        assert not ran["isError"], ran  # the same call with its record written runs, and is seen
        assert [p["name"] for p in data(client.get("/api/projects", headers=headers))] == ["Never"]


def test_an_mcp_refusal_stands_when_its_audit_record_cannot_be_written(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch):
    """A refused tool call changed nothing: a database that cannot take its record loses the record (logged),
    not the refusal. Before, the MCP transport let the database's error replace the refusal with an internal
    error."""
    from engineering_api.backend.errors import DatabaseUnavailableError

    with served(Settings.from_env(data_dir=tmp_path)) as client:
        services = client.app.state.services
        _, secret = services.keys.create("viewer", "viewer")

        def away(**_: Any) -> None:
            raise DatabaseUnavailableError("the database is away")

        monkeypatch.setattr(services.audit, "record", away)
        refused = _tool_call(client, {"X-API-Key": secret}, "projects_credentials_show", {})
        result = refused.get("result")
        assert result is not None and result["isError"], refused
        assert result["structuredContent"]["code"] == "FORBIDDEN", result


def test_a_console_change_whose_audit_record_cannot_be_written_does_not_run(
        fresh_db: str, postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The console is a transport too: its guard writes a change's record before the change runs, as REST and MCP
    do, and a change whose record cannot be written is refused (503) and does not run. Before, the console wrote
    the record only after the change had run (here the compile started and answered 303: no record was asked for
    first), so a database away by then answered an error for a change that had started."""
    from tests.conftest import CPU
    from tests.console.conftest import csrf_of, sign_in

    with served(Settings.from_env(data_dir=tmp_path, db=fresh_db)) as client:
        _, secret = client.app.state.services.keys.create("audit", "admin")
        headers = {"X-API-Key": secret}
        data(client.post("/api/projects/actions/create-sync", json={"name": "Console"}, headers=headers))
        data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                         headers=headers))
        assert sign_in(client, secret).status_code == 303
        token = csrf_of(client.get("/console/plc").text)
        _stop_the_database_before_the_next_begin(client, postgres, monkeypatch)
        try:
            refused = client.post("/console/devices/PLC_1/compile", data={"_csrf_token": token},
                                  follow_redirects=False)
        finally:
            postgres.start()
        body = assert_error(refused, 503, "DATABASE_UNAVAILABLE")
        assert "not run" in body["message"], body
        until(lambda: client.get("/api/health").json()["data"]["status"] == "Healthy", "the node to be healthy")
        assert client.app.state.services.jobs.list(operation="devices.compile-software") == ([], 0)  # none started
        started = client.post("/console/devices/PLC_1/compile", data={"_csrf_token": token}, follow_redirects=False)
        assert started.status_code == 303, started.text  # with its record written, the same change runs
        records = data(client.get("/api/audit", params={"pathPrefix": "/console/"}, headers=headers))["records"]
        assert [(r["via"], r["status"], r["outcome"]) for r in records] == [("console", 202, "accepted")], records
