"""What a restart says of the jobs of a process that died (SIGKILL) with them at each step: accepted and never
started, started with no progress written yet (a job's first 0.25 s), running with its progress written, a -sync job
running on the event loop's thread (JobManager._run_here); and of a read that had started.

The dying process is a real one (:mod:`tests.service.held_jobs`: the service on a data directory, its jobs held
where the step needs them); the next start is an app on the same directory, read through the API. A job that never
ran reads Failed ``INTERRUPTED`` with no start time (nothing changed); a change that ran reads Failed
``OUTCOME_UNKNOWN`` with the start time it had (it may have changed the project before the stop); a read that ran
changed nothing: ``INTERRUPTED`` with its start time."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.service.conftest import make_client
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL are POSIX")


def _killed_at(data_dir: Path, step: str) -> dict[str, Any]:
    """Run :mod:`tests.service.held_jobs` for ``step``, kill it (SIGKILL, its whole group) once its jobs are held,
    and return what it said of them."""
    log = data_dir.parent / f"held-{step}.log"
    with log.open("wb") as errors:
        process = subprocess.Popen([sys.executable, "-m", "tests.service.held_jobs", str(data_dir), step],
                                   stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:  # select.select fails for descriptors >= 1024
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(HANG_GUARD_S)
        line = process.stdout.readline() if ready else b""
        assert line, f"the held process said nothing within {HANG_GUARD_S} s:\n{log.read_text()}"
        return dict(json.loads(line))
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=HANG_GUARD_S)
        if process.stdout is not None:
            process.stdout.close()


def _after_restart(data_dir: Path, *job_ids: str) -> list[dict[str, Any]]:
    with make_client(data_dir) as client:
        key = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        answers = [client.get(f"/api/jobs/{job_id}", headers=key) for job_id in job_ids]
    assert all(answer.status_code == 200 for answer in answers), [answer.text for answer in answers]
    return [answer.json()["data"] for answer in answers]


def _failed(job: dict[str, Any], code: str) -> None:
    assert job["status"] == "Failed" and job["errorCode"] == code, job
    assert job["message"] == "interrupted by restart" and job["completedAt"], job
    assert job["errorDetails"] == {"cause": "API_NODE_STOPPED"}, job


def test_a_job_killed_in_its_first_moments_reads_back_with_its_start(tmp_path: Path) -> None:
    """The process died after the job's operation began and before any progress write was due: the row had stayed
    Pending, and the restart failed it with no start time, as if it had never run."""
    data_dir = tmp_path / "var"
    held = _killed_at(data_dir, "started")
    [job] = _after_restart(data_dir, held["started"])
    _failed(job, "OUTCOME_UNKNOWN")
    assert job["startedAt"] == held["startedAt"] and job["startedAt"], job


def test_a_job_killed_after_its_progress_was_written_and_one_killed_while_queued(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    held = _killed_at(data_dir, "progressed")
    running, queued = _after_restart(data_dir, held["progressed"], held["queued"])
    _failed(running, "OUTCOME_UNKNOWN")
    assert running["startedAt"] and running["progress"] == 10, running
    _failed(queued, "INTERRUPTED")
    assert queued["startedAt"] is None and queued["progress"] == 0, queued  # it never ran: true


def test_a_read_killed_while_it_ran_changed_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    held = _killed_at(data_dir, "read")
    [job] = _after_restart(data_dir, held["read"])
    _failed(job, "INTERRUPTED")
    assert job["operation"] == "devices.list" and job["startedAt"], job


def test_a_sync_job_killed_while_it_ran_where_it_was_served_reads_back_with_its_start(tmp_path: Path) -> None:
    """A -sync export whose job ran on the event loop's thread (JobManager._run_here), killed while it ran: its row
    was written Running with its start before the export began, as the worker writes it, so the restart fails it
    as a change that may have been made."""
    data_dir = tmp_path / "var"
    held = _killed_at(data_dir, "sync-here")
    assert not held["thread"].startswith("tia-worker"), held
    [job] = _after_restart(data_dir, held["syncHere"])
    _failed(job, "OUTCOME_UNKNOWN")
    assert job["operation"] == "blocks.export" and job["startedAt"] == held["startedAt"] and job["startedAt"], job


def test_a_job_the_worker_took_as_the_server_stopped_stays_one_that_never_ran(tmp_path: Path) -> None:
    """The worker took a queued job and the server stopped before it wrote the job's start: the stop failed the row
    ``INTERRUPTED`` with no start time, and that stays true: the start is not written after it, and the operation
    does not run on a stopped server."""
    data_dir = tmp_path / "var"
    taken, release, past = threading.Event(), threading.Event(), threading.Event()
    saves: list[str] = []
    with make_client(data_dir) as client:
        services = client.app.state.services
        key = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
        assert client.post("/api/projects/actions/create-sync", json={"name": "Late"}, headers=key).status_code == 200
        progressed = services.jobs._progressed

        def held(live: Any, percent: int, message: str) -> None:
            if live.record.status == "Pending":  # the worker took the job: held just before its start is written
                taken.set()
                release.wait(HANG_GUARD_S)
                try:
                    progressed(live, percent, message)
                finally:
                    past.set()
            else:
                progressed(live, percent, message)

        services.jobs._progressed = held  # bound into the job's context as it is accepted
        services.backend.save_project = lambda *args, **kwargs: saves.append("save")
        job_id = client.post("/api/projects/actions/save", headers=key).json()["data"]["jobId"]
        assert taken.wait(HANG_GUARD_S)
    release.set()  # the server has stopped: the worker goes on to the start
    assert past.wait(HANG_GUARD_S)
    [job] = _after_restart(data_dir, job_id)
    _failed(job, "INTERRUPTED")
    assert job["startedAt"] is None and not saves, (job, saves)
