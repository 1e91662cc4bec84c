"""Jobs: async twins, idempotency, cancel, events, retention sweep, restart, worker time-outs."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from sqlalchemy import select

from engineering_api.jobs import runner
from engineering_api.lib.tables import jobs
from tests.conftest import wait_job
from tests.service.conftest import make_client
from tools.bounds import HANG_GUARD_S
from tests.service.blocking_job import block_backend_method

if TYPE_CHECKING:
    from pathlib import Path

    from litestar.testing import TestClient


def _create_project(client: TestClient, admin: dict[str, str], name: str = "Jobs") -> None:
    response = client.post("/api/projects/actions/create-sync", json={"name": name}, headers=admin)
    assert response.status_code == 200, response.text


def test_async_route_answers_202_with_location_and_the_job_completes(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/projects/actions/create", json={"name": "Async"}, headers=admin)
    assert response.status_code == 202
    data = response.json()["data"]
    assert response.headers["location"] == f"/api/jobs/{data['jobId']}" == data["statusUrl"]
    job = wait_job(client, data["jobId"], admin)
    assert job["status"] == "Completed" and job["progress"] == 100
    assert job["result"]["name"] == "Async"
    assert job["operation"] == "projects.create"
    assert job["createdAt"] <= job["startedAt"] <= job["completedAt"]


def test_failed_job_keeps_the_error_code(client: TestClient, admin: dict[str, str]) -> None:
    job_id = client.post("/api/projects/actions/create", json={"name": "bad:name"},
                         headers=admin).json()["data"]["jobId"]
    job = wait_job(client, job_id, admin)
    assert job["status"] == "Failed"
    assert job["errorCode"] == "INVALID_NAME" and job["errorStatus"] == 422
    assert "not permitted" in job["error"]


def test_sync_twin_runs_the_same_operation_as_a_recorded_job(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/projects/actions/create-sync", json={"name": "Twin"}, headers=admin)
    job = client.get(f"/api/jobs/{response.headers['x-job-id']}", headers=admin).json()["data"]
    assert job["operation"] == "projects.create" and job["status"] == "Completed"
    assert job["result"] == response.json()["data"]


def test_a_sync_twin_answers_its_completed_record_without_reading_it_back(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    jobs = client.app.state.services.jobs
    read_back: list[str] = []
    get = jobs.get

    def counted_get(job_id: str) -> Any:
        read_back.append(job_id)
        return get(job_id)

    monkeypatch.setattr(jobs, "get", counted_get)
    response = client.post("/api/projects/actions/create-sync", json={"name": "Stored"}, headers=admin)
    assert response.status_code == 200, response.text
    assert read_back == []
    # a job that failed on the worker is read back as stored: a second project while one is open
    failed = client.post("/api/projects/actions/create-sync", json={"name": "Second"}, headers=admin)
    assert failed.status_code == 409 and failed.json()["code"] == "PROJECT_ALREADY_OPEN", failed.text
    assert read_back == [failed.headers["x-job-id"]]
    monkeypatch.undo()
    job = client.get(f"/api/jobs/{response.headers['x-job-id']}", headers=admin).json()["data"]
    assert job["status"] == "Completed" and job["result"] == response.json()["data"]


def test_idempotency_key_returns_the_same_job(client: TestClient, admin: dict[str, str]) -> None:
    headers = {**admin, "Idempotency-Key": "create-once"}
    first = client.post("/api/projects/actions/create", json={"name": "Once"}, headers=headers).json()["data"]["jobId"]
    second = client.post("/api/projects/actions/create", json={"name": "Once"}, headers=headers).json()["data"]["jobId"]
    assert first == second
    assert wait_job(client, first, admin)["status"] == "Completed"
    assert client.get("/api/jobs?operation=projects.create", headers=admin).json()["data"]["total"] == 1


def test_cancel_a_queued_job(client: TestClient, admin: dict[str, str]) -> None:
    _create_project(client, admin)
    gate = block_backend_method(client, "save_project")
    running = client.post("/api/projects/actions/save", headers=admin).json()["data"]["jobId"]
    queued_id = client.post("/api/projects/actions/close", headers=admin).json()["data"]["jobId"]
    canceled = client.post(f"/api/jobs/{queued_id}/actions/cancel", headers=admin)
    assert canceled.status_code == 200
    gate.set()
    assert wait_job(client, queued_id, admin)["status"] == "Canceled"
    assert wait_job(client, running, admin)["status"] == "Completed"
    # The close never ran: the project is still open.
    assert client.get("/api/instance/status", headers=admin).json()["data"]["projectOpen"] is True
    again = client.post(f"/api/jobs/{queued_id}/actions/cancel", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "JOB_FINISHED"


def test_cancel_unknown_job_is_404(client: TestClient, admin: dict[str, str]) -> None:
    assert client.post("/api/jobs/nope/actions/cancel", headers=admin).status_code == 404


def test_list_filters(client: TestClient, admin: dict[str, str]) -> None:
    ok_id = client.post("/api/projects/actions/create", json={"name": "L1"}, headers=admin).json()["data"]["jobId"]
    wait_job(client, ok_id, admin)
    bad_id = client.post("/api/projects/actions/create", json={"name": "L2"}, headers=admin).json()["data"]["jobId"]
    wait_job(client, bad_id, admin)  # fails: a project is already open
    failed = client.get("/api/jobs?status=Failed", headers=admin).json()["data"]
    assert [j["jobId"] for j in failed["jobs"]] == [bad_id]
    assert client.get("/api/jobs?status=Bogus", headers=admin).status_code == 422
    page = client.get("/api/jobs?limit=1", headers=admin).json()["data"]
    assert page["total"] == 2 and len(page["jobs"]) == 1


def test_events_stream_ends_when_the_job_does(client: TestClient, admin: dict[str, str]) -> None:
    _create_project(client, admin)
    gate = block_backend_method(client, "save_project")
    job_id = client.post("/api/projects/actions/save", headers=admin).json()["data"]["jobId"]
    threading.Timer(0.3, gate.set).start()
    events = []
    with client.stream("GET", f"/api/jobs/{job_id}/events", headers=admin) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
    statuses = [e["status"] for e in events]
    assert statuses[-1] == "Completed"
    assert statuses[0] in ("Pending", "Running")
    assert len(events) >= 2


def test_head_of_a_running_job_s_events_ends_with_its_headers(client: TestClient, admin: dict[str, str]) -> None:
    """HEAD is answered as GET without content (lib/head_requests.py): a stream's HEAD ends at its headers, while
    the job it would follow still runs, and the stream is told its client left."""
    _create_project(client, admin)
    gate = block_backend_method(client, "save_project")
    job_id = client.post("/api/projects/actions/save", headers=admin).json()["data"]["jobId"]
    try:
        head = client.head(f"/api/jobs/{job_id}/events", headers=admin)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-type"].startswith("text/event-stream")
        assert client.get(f"/api/jobs/{job_id}", headers=admin).json()["data"]["status"] in ("Pending", "Running")
    finally:
        gate.set()
    assert wait_job(client, job_id, admin)["status"] == "Completed"


def test_execute_sync_runs_any_operation_by_name(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/api/jobs/execute-sync", json={"Operation": "projects.create", "Parameters": {"Name": "ByName"}}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["name"] == "ByName"
    unknown = client.post("/api/jobs/execute-sync", json={"operation": "nope"}, headers=admin)
    assert unknown.status_code == 404 and unknown.json()["code"] == "OPERATION_NOT_FOUND"
    invalid = client.post("/api/jobs/execute-sync", json={"operation": "instance.attach", "parameters": {}},
                          headers=admin)
    assert invalid.status_code == 422 and "pid" in invalid.json()["message"]


def test_execute_sync_respects_the_operation_role(client: TestClient, admin: dict[str, str]) -> None:
    _, engineer = client.app.state.services.keys.create("eng", "engineer")
    response = client.post(
        "/api/jobs/execute-sync", json={"operation": "tia.firewall.whitelist"}, headers={"X-API-Key": engineer}
    )
    assert response.status_code == 403


def test_retention_sweep_removes_old_finished_jobs(client: TestClient, admin: dict[str, str]) -> None:
    services = client.app.state.services
    job_id = client.post("/api/projects/actions/create", json={"name": "Old"}, headers=admin).json()["data"]["jobId"]
    wait_job(client, job_id, admin)
    assert services.jobs.sweep() == 0  # younger than the 24 h default
    services.db.execute("UPDATE jobs SET completed_at = '2000-01-01T00:00:00.000Z' WHERE job_id = ?", (job_id,))
    assert services.jobs.sweep() == 1
    assert client.get(f"/api/jobs/{job_id}", headers=admin).status_code == 404
    scheduled = services.scheduler.get_job("job-retention-sweep")
    assert scheduled is not None and scheduled.trigger.interval.total_seconds() == 15 * 60


def test_restart_fails_jobs_that_were_running(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    with make_client(data_dir) as first:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        job_id, gate = _running(first, admin, "Restart")
    # The process "died" with the job running; the next start must not leave it hanging. A save that had started
    # may have changed the project before the stop: its outcome is unknown, not "nothing changed".
    with make_client(data_dir) as second:
        job = second.get(f"/api/jobs/{job_id}", headers=admin).json()["data"]
        assert job["status"] == "Failed"
        assert job["message"] == "interrupted by restart"
        assert job["errorCode"] == "OUTCOME_UNKNOWN" and job["error"].startswith("interrupted by restart after it")
        assert job["errorDetails"] == {"cause": "API_NODE_STOPPED"}  # as a farm's surviving node says it
        assert job["completedAt"] and job["startedAt"]
    gate.set()


def test_a_job_that_started_has_its_start_in_its_row_before_it_runs_and_the_next_start_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process that dies within a job's first 0.25 s (before any progress is due) left its row Pending with no
    start, so the next start failed a job that had run as one that never started. The worker writes the start before
    the operation runs; its progress still waits for PROGRESS_WRITE_DELAY_SECONDS."""
    monkeypatch.setattr(runner, "PROGRESS_WRITE_DELAY_SECONDS", HANG_GUARD_S)
    data_dir = tmp_path / "var"
    with make_client(data_dir) as first:
        admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        job_id, gate = _running(first, admin, "Early")
        started = first.get(f"/api/jobs/{job_id}", headers=admin).json()["data"]["startedAt"]
        row = first.app.state.services.db.one(select(jobs.c.status, jobs.c.started_at).where(jobs.c.job_id == job_id))
        assert (row["status"], row["started_at"]) == ("Running", started) and started
    with make_client(data_dir) as second:
        job = second.get(f"/api/jobs/{job_id}", headers=admin).json()["data"]
        assert job["status"] == "Failed" and job["errorCode"] == "OUTCOME_UNKNOWN"  # it ran: it may have saved
        assert job["message"] == "interrupted by restart" and job["completedAt"]
        assert job["startedAt"] == started
    gate.set()


def test_a_call_past_its_timeout_answers_504_and_the_worker_recovers(tmp_path: Path) -> None:
    with make_client(tmp_path / "var", call_timeout_seconds=0.3) as client:
        admin = {"X-API-Key": (tmp_path / "var" / "api.secret").read_text().strip()}
        # The fake answers reads on the event loop when its worker is idle (they are in-memory); a TIA call that
        # hangs is one on the worker, as every call of the Openness bridge is.
        client.app.state.services.backend.reads_off_worker = False
        gate = block_backend_method(client, "open_projects")
        response = client.get("/api/projects", headers=admin)
        assert response.status_code == 504
        assert response.json()["code"] == "TIMEOUT"
        # The next call runs on a fresh worker thread, not behind the stuck one.
        started = time.monotonic()
        status = client.get("/api/instance/status", headers=admin)
        assert status.status_code == 200 and time.monotonic() - started < 2
        assert client.app.state.services.worker.replaced_threads == 1
        gate.set()


def test_backend_calls_all_run_on_one_thread(client: TestClient, admin: dict[str, str]) -> None:
    backend = client.app.state.services.backend
    backend.reads_off_worker = False  # as the Openness bridge; the fake's idle-time reads: test_inline_reads.py
    seen: set[int] = set()
    original = backend.session_status

    def spy() -> Any:
        seen.add(threading.get_ident())
        return original()

    backend.session_status = spy
    for _ in range(5):
        client.get("/api/instance/status", headers=admin)
    assert len(seen) == 1
    assert threading.get_ident() not in seen


def test_an_idempotency_key_reused_for_another_request_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    _create_project(client, admin)
    headers = {**admin, "Idempotency-Key": "k-1"}
    assert client.post("/api/projects/actions/save", headers=headers).status_code == 202
    other = client.post("/api/projects/actions/close", headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    changed_input = client.post("/api/projects/actions/archive", json={"archivePath": "a.zap19"}, headers=headers)
    assert changed_input.status_code == 422
    assert client.get("/api/instance/status", headers=admin).json()["data"]["projectOpen"] is True


def test_an_unexpected_failure_does_not_leak_its_cause(client: TestClient, admin: dict[str, str]) -> None:
    _create_project(client, admin)

    def broken() -> None:
        raise NotADirectoryError(20, "Not a directory", "/srv/secret/location")

    client.app.state.services.backend.save_project = broken
    job_id = client.post("/api/projects/actions/save", headers=admin).json()["data"]["jobId"]
    job = wait_job(client, job_id, admin)
    assert job["status"] == "Failed" and job["errorCode"] == "INTERNAL_ERROR" and job["errorStatus"] == 500
    assert "/srv/secret" not in json.dumps(job)
    sync = client.post("/api/projects/actions/save-sync", headers=admin)
    assert sync.status_code == 500 and "/srv/secret" not in sync.text


def _job_writes(client: TestClient) -> list[str]:
    """The statements on the jobs table sent from now on (SQLite's trace), the list filled as they run."""
    sent: list[str] = []
    client.app.state.services.db.driver_connection.set_trace_callback(
        lambda sql: sent.append(sql.split(" ", 1)[0]) if " jobs" in sql and not sql.startswith("SELECT") else None)
    return sent


def test_a_job_that_ends_before_its_progress_is_due_is_written_accepted_started_and_ended(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its start is written before it runs (a restart must know it ran), its progress not on its own: its end holds
    it (startedAt, progress)."""
    monkeypatch.setattr(runner, "PROGRESS_WRITE_DELAY_SECONDS", HANG_GUARD_S)  # the job surely ends before
    writes = _job_writes(client)
    try:
        response = client.post("/api/projects/actions/create-sync", json={"name": "Twice"}, headers=admin)
    finally:
        client.app.state.services.db.driver_connection.set_trace_callback(None)
    assert response.status_code == 200, response.text
    assert writes == ["INSERT", "UPDATE", "UPDATE"]
    job = client.get(f"/api/jobs/{response.headers['x-job-id']}", headers=admin).json()["data"]
    assert job["status"] == "Completed" and job["progress"] == 100 and job["message"] == "completed"
    assert job["createdAt"] <= job["startedAt"] <= job["completedAt"]
    assert job["result"] == response.json()["data"]


def _running(client: TestClient, admin: dict[str, str], project: str = "Jobs") -> tuple[str, threading.Event]:
    """A save job held Running (as this process sees it) until the returned gate is set."""
    _create_project(client, admin, project)
    gate = block_backend_method(client, "save_project")
    job_id = client.post("/api/projects/actions/save", headers=admin).json()["data"]["jobId"]
    deadline = time.monotonic() + HANG_GUARD_S
    while client.get(f"/api/jobs/{job_id}", headers=admin).json()["data"]["status"] != "Running":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return job_id, gate


def _row_status(client: TestClient, job_id: str) -> str:
    return str(client.app.state.services.db.one(select(jobs.c.status).where(jobs.c.job_id == job_id))["status"])


def test_a_running_job_is_listed_as_running_before_its_progress_is_written(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "PROGRESS_WRITE_DELAY_SECONDS", HANG_GUARD_S)  # not due while this test looks
    job_id, gate = _running(client, admin)
    assert _row_status(client, job_id) == "Running"  # its start, written before it ran
    running = client.get("/api/jobs?status=Running", headers=admin).json()["data"]
    assert [j["jobId"] for j in running["jobs"]] == [job_id] and running["total"] == 1
    pending = client.get("/api/jobs?status=Pending", headers=admin).json()["data"]
    assert pending["jobs"] == [] and pending["total"] == 0
    completed = client.get("/api/jobs?status=Completed", headers=admin).json()["data"]
    assert [j["operation"] for j in completed["jobs"]] == ["projects.create"]  # rows of ended jobs as before
    gate.set()
    assert wait_job(client, job_id, admin)["status"] == "Completed"
    assert _row_status(client, job_id) == "Completed"
    assert client.get("/api/jobs?status=Running", headers=admin).json()["data"]["total"] == 0


def test_a_running_job_has_its_progress_written_when_due(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another node, or the next start, reads a job that runs on as Running, with its start time."""
    monkeypatch.setattr(runner, "PROGRESS_WRITE_DELAY_SECONDS", 0.0)
    job_id, gate = _running(client, admin)
    deadline = time.monotonic() + HANG_GUARD_S
    while _row_status(client, job_id) != "Running":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    row = client.app.state.services.db.one(select(jobs.c.started_at, jobs.c.progress).where(jobs.c.job_id == job_id))
    assert row["started_at"] == client.get(f"/api/jobs/{job_id}", headers=admin).json()["data"]["startedAt"]
    gate.set()
    assert wait_job(client, job_id, admin)["status"] == "Completed"
    assert _row_status(client, job_id) == "Completed"


def test_a_job_that_ends_unwatched_takes_no_turn_of_the_event_loop_at_its_start(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker marks it Running and records its progress itself; the loop hears of the job at its end only (one
    hop, not one more for its start and one per report)."""
    _create_project(client, admin)
    monkeypatch.setattr(runner, "PROGRESS_WRITE_DELAY_SECONDS", HANG_GUARD_S)  # its start is not due for a write
    jobs_ = client.app.state.services.jobs
    woken: list[str] = []
    changed = jobs_._changed

    def counted(live: Any) -> None:
        woken.append(live.record.status)
        changed(live)

    monkeypatch.setattr(jobs_, "_changed", counted)
    response = client.post("/api/projects/actions/save-sync", headers=admin)  # a job that reports no progress
    assert response.status_code == 200, response.text
    archived = client.post("/api/projects/actions/archive-sync", json={"archivePath": "quiet.zap19"}, headers=admin)
    assert archived.status_code == 200, archived.text  # a job that reports its progress (10%, "archiving project")
    assert woken == []
    job = client.get(f"/api/jobs/{response.headers['x-job-id']}", headers=admin).json()["data"]
    assert job["status"] == "Completed" and job["createdAt"] <= job["startedAt"] <= job["completedAt"]


def test_a_follower_sees_the_start_of_a_job_that_was_queued_when_it_began_to_follow(
    client: TestClient, admin: dict[str, str],
) -> None:
    _create_project(client, admin)
    saving, closing = block_backend_method(client, "save_project"), block_backend_method(client, "close_project")
    running = client.post("/api/projects/actions/save", headers=admin).json()["data"]["jobId"]
    queued = client.post("/api/projects/actions/close", headers=admin).json()["data"]["jobId"]
    jobs_ = client.app.state.services.jobs
    seen: list[str] = []

    async def follow() -> None:  # on the app's event loop, as the events route follows a job
        async for record in jobs_.events(queued):
            seen.append(record.status)
            if seen == ["Pending"]:
                saving.set()  # the queued job starts now, and waits in close_project
            elif seen == ["Pending", "Running"]:
                closing.set()

    client.blocking_portal.call(follow)
    assert seen == ["Pending", "Running", "Completed"]
    assert wait_job(client, running, admin)["status"] == "Completed"
    assert jobs_.get(queued).status == "Completed"


def test_shutdown_drops_a_pending_progress_write_and_schedules_none_after(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A loop that outlives the app (an in-process restart) would otherwise write Running over the row the stop
    marks Failed INTERRUPTED."""
    monkeypatch.setattr(runner, "PROGRESS_WRITE_DELAY_SECONDS", HANG_GUARD_S)
    job_id, gate = _running(client, admin)
    jobs_ = client.app.state.services.jobs
    live = jobs_._live[job_id]
    pending = live.unwritten
    assert pending is not None
    client.blocking_portal.call(jobs_.shutdown)
    assert pending.cancelled() and live.unwritten is None
    assert jobs_.fail_interrupted([job_id]) == 1
    live.context.progress(50, "still running")  # a report the worker makes after the stop
    client.blocking_portal.call(asyncio.sleep, 0)  # the loop runs what the report scheduled, if anything
    assert live.unwritten is None
    gate.set()
    assert _row_status(client, job_id) == "Failed"
