"""Request ids and the JSON access log (engineering_api.lib.observability), through Litestar's test client: an id
per request (the client's when well-formed), echoed in ``X-Request-ID``, stored on the job the request starts,
set on the log records made while serving it and while its job runs, and one JSON access line per request."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.app import create_app, create_services
from engineering_api.config import Settings
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec
from tests.conftest import data, start_job, wait_job
from tests.api.log_records import RecordingHandler

HEX_ID = 32


def _logs_a_line(context: OperationContext, data: None) -> dict[str, str]:
    logging.getLogger("engineering_api.tests").warning("the job of the request runs")
    return {"logged": "yes"}


LOGS = Operation(
    name="tests.logs", summary="A job that writes one log line.", section="Test Harness", handler=_logs_a_line,
    input=None, output=dict[str, str], route=RouteSpec("POST", "/api/tests/logs-sync"), mutating=True,
)


@pytest.fixture
def own_client(tmp_path: Path) -> Iterator[TestClient[Any]]:
    """A client of an app of its own, with JSON access logs on and the logging test operation."""
    settings = Settings.from_env(data_dir=tmp_path, access_log="json")
    services = create_services(settings)
    services.operations.add(LOGS)
    with TestClient(create_app(settings, services=services)) as client:
        yield client


def test_every_request_gets_an_id_and_a_well_formed_one_is_taken(client: TestClient[Any]) -> None:
    made = client.get("/api/health").headers["x-request-id"]
    assert len(made) == HEX_ID and int(made, 16) >= 0
    assert client.get("/api/health").headers["x-request-id"] != made
    for taken in ("b7c1-44e0:trace.7_x", "a" * 128):
        assert client.get("/api/health", headers={"X-Request-ID": taken}).headers["x-request-id"] == taken
    # too long, or characters that do not belong in a header, URL or log line: replaced, never echoed
    for refused in ("a" * 129, "id with spaces", "id;drop", "", "%0d%0aSet-Cookie:x"):
        echoed = client.get("/api/health", headers={"X-Request-ID": refused}).headers["x-request-id"]
        assert echoed != refused and len(echoed) == HEX_ID
    # refusals (no key, unknown route) carry their id too
    assert client.get("/api/projects", headers={"X-Request-ID": "no-key-1"}).headers["x-request-id"] == "no-key-1"
    assert client.get("/nowhere", headers={"X-Request-ID": "lost-1"}).headers["x-request-id"] == "lost-1"


def test_the_job_a_request_starts_keeps_its_id(client: TestClient[Any], engineer_headers: dict[str, str],
                                              project: dict[str, Any]) -> None:
    job_id = start_job(client, "POST", "/api/projects/actions/save", {**engineer_headers, "X-Request-ID": "save-42"})
    assert wait_job(client, job_id, engineer_headers)["requestId"] == "save-42"
    listed = data(client.get("/api/jobs", headers=engineer_headers))
    jobs = listed["jobs"] if isinstance(listed, dict) else listed
    assert {job["jobId"]: job["requestId"] for job in jobs}[job_id] == "save-42"
    stored = client.app.state.services.db.one("SELECT request_id FROM jobs WHERE job_id = ?", (job_id,))
    assert stored["request_id"] == "save-42"


def test_log_records_of_a_request_and_of_its_job_carry_its_id(own_client: TestClient[Any]) -> None:
    records = RecordingHandler()
    logger = logging.getLogger("engineering_api.tests")
    logger.addHandler(records)
    try:
        secret = (own_client.app.state.services.settings.secret_path).read_text().strip()
        response = own_client.post("/api/tests/logs-sync", headers={"X-API-Key": secret, "X-Request-ID": "logs-7"})
    finally:
        logger.removeHandler(records)
    assert data(response) == {"logged": "yes"}
    assert [getattr(r, "request_id", None) for r in records.records] == ["logs-7"]
    assert logging.makeLogRecord({}).__dict__.get("request_id") is None  # outside a request: none


def test_json_access_log_has_one_line_per_request_without_the_key(own_client: TestClient[Any],
                                                                  access_lines: list[logging.LogRecord]) -> None:
    services = own_client.app.state.services
    secret = services.settings.secret_path.read_text().strip()
    key_id = services.keys.verify(secret).key_id
    own_client.get("/api/jobs/abc", headers={"X-API-Key": secret, "X-Request-ID": "r-1"})
    own_client.get("/api/projects", headers={"X-Request-ID": "r-2"})
    own_client.get("/api/projects", headers={"X-API-Key": "wrong-" + secret, "X-Request-ID": "r-3"})
    lines = [json.loads(record.getMessage()) for record in access_lines]
    assert len(lines) == 3
    first = lines[0]
    assert first["method"] == "GET" and first["route"] == "/api/jobs/{jobId}" and first["status"] == 404
    assert first["keyId"] == key_id and first["requestId"] == "r-1" and first["durationMs"] >= 0
    assert [line["status"] for line in lines[1:]] == [401, 401]
    assert [line["keyId"] for line in lines[1:]] == [None, None]
    assert all(secret not in record.getMessage() for record in access_lines)


def test_access_log_is_off_by_default_and_a_wrong_setting_is_refused(client: TestClient[Any],
                                                                     access_lines: list[logging.LogRecord]) -> None:
    client.get("/api/health")
    assert access_lines == []
    with pytest.raises(ValueError, match="accessLog"):
        Settings.from_env(access_log="yes")
