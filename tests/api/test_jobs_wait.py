"""``GET /api/jobs/{id}?wait=SECONDS``: a long poll, so a client needs two requests per job, not one a second."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from tests.conftest import assert_error, data, start_job
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    import pytest
    from litestar.testing import TestClient

    from engineering_api.services import Services

__all__ = ()


def test_a_long_poll_answers_when_the_job_ends(
    client: TestClient, services: Services, admin_headers: dict[str, str], project: Any,
    gate: tuple[threading.Event, threading.Event], monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened, entered = gate
    job_id = start_job(client, "POST", "/api/projects/actions/save", admin_headers)
    assert entered.wait(HANG_GUARD_S)
    waiting = threading.Event()
    settled = services.jobs.settled

    async def announced(job: str, timeout: float) -> Any:
        waiting.set()
        return await settled(job, timeout)

    monkeypatch.setattr(services.jobs, "settled", announced)
    answers: list[Any] = []
    poll = threading.Thread(target=lambda: answers.append(
        client.get(f"/api/jobs/{job_id}", params={"wait": 30}, headers=admin_headers)))
    poll.start()
    assert waiting.wait(HANG_GUARD_S)
    opened.set()
    poll.join(HANG_GUARD_S)
    record = data(answers[0])
    assert record["status"] == "Completed" and record["jobId"] == job_id and record["progress"] == 100
    assert "retry-after" not in answers[0].headers


def test_a_long_poll_that_expires_answers_the_job_as_it_is(
    client: TestClient, admin_headers: dict[str, str], project: Any, gate: tuple[threading.Event, threading.Event],
) -> None:
    opened, entered = gate
    job_id = start_job(client, "POST", "/api/projects/actions/save", admin_headers)
    assert entered.wait(HANG_GUARD_S)
    answer = client.get(f"/api/jobs/{job_id}", params={"wait": 0.05}, headers=admin_headers)
    assert data(answer)["status"] == "Running" and answer.headers["retry-after"] == "1"
    opened.set()
    ended = data(client.get(f"/api/jobs/{job_id}", params={"wait": 30}, headers=admin_headers))
    assert ended["status"] == "Completed"
    again = client.get(f"/api/jobs/{job_id}", params={"wait": 30}, headers=admin_headers)  # ended: at once
    assert data(again) == ended


def test_a_wait_out_of_range_is_refused(client: TestClient, admin_headers: dict[str, str], project: Any) -> None:
    job_id = start_job(client, "POST", "/api/projects/actions/save", admin_headers)
    for wait in ("61", "-1", "soon"):
        assert_error(client.get(f"/api/jobs/{job_id}", params={"wait": wait}, headers=admin_headers), 422)
    assert_error(client.get("/api/jobs/nope", params={"wait": 1}, headers=admin_headers), 404, "JOB_NOT_FOUND")


def test_a_job_s_end_is_written_only_once_it_is_on_record(
    client: TestClient, services: Services, admin_headers: dict[str, str], project: Any,
    gate: tuple[threading.Event, threading.Event], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``end_written`` (what a farm's watch waits for before it settles a job over its end): false while the end is
    being written, though the job's live record already says it ended; a settling written then would be written
    over by the end."""
    opened, entered = gate
    job_id = start_job(client, "POST", "/api/projects/actions/save", admin_headers)
    assert entered.wait(HANG_GUARD_S)
    persist = services.jobs._store.persist
    while_writing: list[tuple[bool, bool]] = []

    def persist_seen(record: Any) -> Any:
        if record.job_id == job_id and record.terminal:
            while_writing.append((services.jobs.get(job_id).terminal, services.jobs.end_written(job_id)))
        return persist(record)

    monkeypatch.setattr(services.jobs._store, "persist", persist_seen)
    assert not services.jobs.end_written(job_id), "running"
    opened.set()
    assert data(client.get(f"/api/jobs/{job_id}", params={"wait": 30}, headers=admin_headers))["status"] == "Completed"
    assert while_writing == [(True, False)], "ended in its live record, not yet on record"
    assert services.jobs.end_written(job_id)
    assert services.jobs.end_written("no-such-job"), "swept: nothing left to write over"
