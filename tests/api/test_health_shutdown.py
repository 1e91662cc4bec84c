"""POST /api/health/shutdown: admin only, audited, a dry run, 202 with a job that asks the server to stop.

The stop itself (a served process that exits) is tested in tests/realclient/test_shutdown_serve.py; here the
stopper that ``engineering_api.asgi.create`` installs is replaced by one that records the call.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.domain import health
from tests.conftest import assert_error, data, job_error, run_job
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from collections.abc import Iterator

ROUTE = "/api/health/shutdown"


@pytest.fixture
def stopped() -> Iterator[threading.Event]:
    """A stopper that only records that it was called."""
    called = threading.Event()
    health.install_stopper(health.Stopper(pid=4711, how="test stopper (pid 4711)", grace_seconds=15.0, stop=called.set))
    yield called
    health.install_stopper(None)


def _audit(client: Any, admin_headers: dict[str, str]) -> list[dict[str, Any]]:
    return data(client.get("/api/audit", params={"pathPrefix": ROUTE}, headers=admin_headers))["records"]


def test_only_an_admin_may_stop_the_server(client, viewer_headers, engineer_headers, stopped):
    assert_error(client.post(ROUTE, headers=viewer_headers), 403)
    assert_error(client.post(ROUTE, headers=engineer_headers), 403)
    assert_error(client.post(ROUTE), 401)
    assert not stopped.wait(health.STOP_DELAY_SECONDS + 0.3)


def test_the_dry_run_says_what_would_stop_and_stops_nothing(client, admin_headers, stopped):
    preview = data(client.post(ROUTE, params={"dryRun": "true"}, headers=admin_headers))
    assert preview["dryRun"] is True and preview["operation"] == "health.shutdown"
    assert preview["changes"] == [{"action": "stop", "kind": "server", "name": "pid 4711", "device": None,
                                   "detail": "test stopper (pid 4711)"}]
    assert "jobs queued before the stop finish first" in preview["summary"]
    assert not stopped.wait(health.STOP_DELAY_SECONDS + 0.3)
    (record,) = _audit(client, admin_headers)
    assert record["status"] == 200 and "dry run" in record["outcome"].lower()


def test_shutdown_answers_202_and_then_asks_the_server_to_stop(client, admin_headers, stopped):
    record = run_job(client, "POST", ROUTE, admin_headers)
    assert record["status"] == "Completed", record
    assert record["result"]["pid"] == 4711 and record["result"]["graceSeconds"] == 15.0
    assert stopped.wait(HANG_GUARD_S), "the stopper was not called"
    # a second request while stopping completes without a second stop
    stopped.clear()
    assert run_job(client, "POST", ROUTE, admin_headers)["status"] == "Completed"
    assert not stopped.wait(health.STOP_DELAY_SECONDS + 0.3)
    audit = _audit(client, admin_headers)
    assert [r["status"] for r in audit] == [202, 202] and all(r["role"] == "admin" for r in audit)


def test_a_server_that_cannot_stop_itself_says_so(client, admin_headers):
    health.install_stopper(None)
    assert_error(client.post(ROUTE, params={"dryRun": "true"}, headers=admin_headers), 501, "SHUTDOWN_NOT_SUPPORTED")
    record = run_job(client, "POST", ROUTE, admin_headers)
    assert record["status"] == "Failed"
    assert job_error(record)["code"] == "SHUTDOWN_NOT_SUPPORTED" and job_error(record)["status"] == 501
