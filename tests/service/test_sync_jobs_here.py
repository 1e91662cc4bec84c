"""A ``-sync`` call's job run on the event loop's thread (``JobManager._run_here``): when, what a client reads of it,
and when it goes back to the worker.

An operation whose last :data:`~engineering_api.jobs.inline.QUICK_RUNS_BEFORE_HERE` runs were quick runs a waited job
where the request is served, if the worker is idle: the same answer, the same job record (Running with its start,
then its end), one hop to the worker thread and back fewer. What happens to such a job when the process dies while it
runs is in tests/service/test_job_restarts.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.backend.errors import NotFoundError
from engineering_api.jobs import inline
from engineering_api.jobs.inline import QUICK_RUNS_BEFORE_HERE
from simatic_xml.cancel import Canceled, checkpoint
from tools.bounds import HANG_GUARD_S

QUICK_CPU_BOUND = inline.INLINE_READ_MAX_SECONDS
"""The real bound of a quick run (the fixture below raises it so that every run is quick)."""

EXPORT = "/api/devices/PLC_1/blocks/actions/export-sync"
CPU = "6ES7 516-3AN02-0AB0"


@pytest.fixture(name="project")
def fx_project(client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> TestClient:
    # every run is quick unless a test says otherwise: a busy machine must not make one slow by the wall clock
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", HANG_GUARD_S)
    for path, body in (("/api/projects/actions/create-sync", {"name": "Here"}),
                       ("/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": "PLC_1"}),
                       ("/api/devices/PLC_1/blocks/generate-and-import",
                        {"BlockType": "FB", "Name": "FB_Export", "Language": "SCL"})):
        answer = client.post(path, json=body, headers=admin)
        assert answer.status_code == 200, answer.text
    return client


def _threads_of_exports(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                        also: Callable[[], None] = lambda: None) -> list[str]:
    """The threads the block exports run on from now on (``also`` runs in each export)."""
    program = client.app.state.services.backend.program
    export = program.export_program_object
    threads: list[str] = []

    def recorded(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        also()
        return export(*args, **kwargs)

    monkeypatch.setattr(program, "export_program_object", recorded)
    return threads


def _export(client: TestClient, admin: dict[str, str], number: int, block: str = "FB_Export") -> Any:
    return client.post(EXPORT, json={"blockName": block, "exportPath": f"export/{number:03d}.xml"}, headers=admin)


def _on_worker(threads: list[str]) -> list[bool]:
    return [name.startswith("tia-worker") for name in threads]


def test_a_quick_sync_job_runs_where_it_is_served_with_the_same_answer_and_record(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    threads = _threads_of_exports(project, monkeypatch)
    answers = [_export(project, admin, n) for n in range(QUICK_RUNS_BEFORE_HERE + 2)]
    assert _on_worker(threads) == [True] * QUICK_RUNS_BEFORE_HERE + [False, False]
    for number, answer in enumerate(answers):
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["message"] == "blocks.export succeeded" and body["data"]["size"] > 0, body
        assert body["data"]["path"].endswith(f"export/{number:03d}.xml"), body
        job = project.get(f"/api/jobs/{answer.headers['X-Job-Id']}", headers=admin).json()["data"]
        # the answer's data is the result its record holds, byte for byte as the record is read back
        assert job["result"] == body["data"], (job, body)
        assert job["status"] == "Completed" and job["progress"] == 100 and job["message"] == "completed", job
        assert job["createdAt"] <= job["startedAt"] <= job["completedAt"], job
        assert job["operation"] == "blocks.export" and job["requestId"] == answer.headers["X-Request-ID"], job
    # the same headers either way: only the job id and the request id differ
    worker, here = (dict(answers[n].headers) for n in (0, -1))
    for differs in ("x-job-id", "x-request-id", "content-length"):
        worker.pop(differs), here.pop(differs)
    assert worker == here


def test_a_failed_sync_job_run_here_answers_and_reads_as_on_the_worker(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    threads = _threads_of_exports(project, monkeypatch)
    for number in range(QUICK_RUNS_BEFORE_HERE):
        assert _export(project, admin, number).status_code == 200
    on_worker = _export(project, admin, 10, "FB_Missing")  # a failure is not a slow run: the next still runs here
    here = _export(project, admin, 11, "FB_Missing")
    assert _on_worker(threads)[-2:] == [False, False]
    assert here.status_code == on_worker.status_code == 404, (here.text, on_worker.text)
    assert here.json()["code"] == on_worker.json()["code"] == "BLOCK_NOT_FOUND", here.text
    assert here.json()["jobId"] == here.headers["X-Job-Id"], here.text
    job = project.get(f"/api/jobs/{here.headers['X-Job-Id']}", headers=admin).json()["data"]
    assert job["status"] == "Failed" and job["errorCode"] == "BLOCK_NOT_FOUND" and job["startedAt"], job


def test_a_cancel_that_escapes_a_run_here_answers_as_on_the_worker(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint's stop with no reason (a nested call's token) that escapes the operation: the job is Canceled with
    the message the worker gives it, wherever it ran."""

    def escapes() -> None:
        raise Canceled(None)

    threads = _threads_of_exports(project, monkeypatch, escapes)
    answers = [_export(project, admin, number) for number in range(QUICK_RUNS_BEFORE_HERE + 1)]
    assert _on_worker(threads) == [True] * QUICK_RUNS_BEFORE_HERE + [False]
    worker, here = answers[0], answers[-1]
    assert worker.status_code == here.status_code == 409 and here.json()["code"] == "CANCELED", here.text
    assert here.json()["message"].replace(here.headers["X-Job-Id"], "<id>") \
        == worker.json()["message"].replace(worker.headers["X-Job-Id"], "<id>"), (worker.text, here.text)
    job = project.get(f"/api/jobs/{here.headers['X-Job-Id']}", headers=admin).json()["data"]
    assert job["status"] == "Canceled" and job["errorCode"] == "CANCELED", job


def test_a_slow_run_here_sends_the_operation_back_to_the_worker(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    threads = _threads_of_exports(project, monkeypatch)
    for number in range(QUICK_RUNS_BEFORE_HERE + 1):
        assert _export(project, admin, number).status_code == 200
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", -1.0)  # every run is slow from here on
    for number in range(10, 13):
        assert _export(project, admin, number).status_code == 200
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", HANG_GUARD_S)  # and now every run is quick
    for number in range(20, 20 + QUICK_RUNS_BEFORE_HERE + 1):
        assert _export(project, admin, number).status_code == 200
    assert _on_worker(threads) == ([True] * QUICK_RUNS_BEFORE_HERE + [False]  # proven quick, then here
                                   + [False, True, True]  # slow here: back to the worker, slow there too
                                   + [True] * QUICK_RUNS_BEFORE_HERE + [False])  # quick again, then here


def test_a_slow_run_here_that_fails_sends_the_operation_back_to_the_worker(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(QUICK_RUNS_BEFORE_HERE):
        assert _export(project, admin, number).status_code == 200
    failing = iter((True, False))

    def fails() -> None:
        if next(failing):
            raise NotFoundError("no such block", code="BLOCK_NOT_FOUND")

    threads = _threads_of_exports(project, monkeypatch, fails)
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", -1.0)  # the failing run is slow
    failed = _export(project, admin, 10)
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", HANG_GUARD_S)
    assert _export(project, admin, 11).status_code == 200
    assert failed.status_code == 404 and failed.json()["code"] == "BLOCK_NOT_FOUND", failed.text
    assert _on_worker(threads) == [False, True]  # failed here, slow: the next run is the worker's


def test_a_run_slow_by_the_wall_clock_alone_is_quick(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A busy machine holds a thread off the CPU: a run is slow only when its CPU time passes the bound too."""
    threads = _threads_of_exports(project, monkeypatch)
    wall = iter(range(0, 10**6, 10))  # 10 s between two readings of the wall clock

    class Clocks:
        perf_counter = staticmethod(lambda: float(next(wall)))
        thread_time, monotonic = staticmethod(time.thread_time), staticmethod(time.monotonic)

    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", 1.0)  # of CPU time: an export takes a few ms at most
    monkeypatch.setattr(inline, "HERE_WALL_MAX", 20.0)  # a thread held off the CPU, not a run that waits
    monkeypatch.setattr(inline, "time", Clocks)
    for number in range(QUICK_RUNS_BEFORE_HERE + 3):
        assert _export(project, admin, number).status_code == 200
    # the first run's CPU time is not read (the run before it was not slow by the wall clock): it counts as slow
    assert _on_worker(threads) == [True] * (1 + QUICK_RUNS_BEFORE_HERE) + [False, False]


def test_a_run_here_that_waits_sends_the_operation_back_to_the_worker_and_its_timeout(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With the real bounds: a run that waits (a slow file root, a lock, another thread) takes no CPU time but holds
    every other request while it runs where its call is served, so it is slow; the next call's job runs on the worker
    again, where ``jobTimeoutSeconds`` stops it (504 ``TIMEOUT``)."""
    for number in range(QUICK_RUNS_BEFORE_HERE):  # quick whatever the load (the fixture's bound)
        assert _export(project, admin, number).status_code == 200
    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", QUICK_CPU_BOUND)
    answer = project.post("/api/settings", json={"jobTimeoutSeconds": 0.5}, headers=admin)
    assert answer.status_code == 200, answer.text
    runs = iter(("wait", "hold"))

    def waits() -> None:
        if next(runs) == "wait":  # past the wall-clock bound, on no CPU
            threading.Event().wait(3 * inline.HERE_WALL_MAX)
            return
        deadline = time.monotonic() + 10  # held until its job's timeout stops it (bounded: with no timeout, 200)
        while time.monotonic() < deadline:
            checkpoint()
            time.sleep(0.01)

    threads = _threads_of_exports(project, monkeypatch, waits)
    waited = _export(project, admin, 10)
    timed_out = _export(project, admin, 11)
    assert waited.status_code == 200, waited.text
    assert _on_worker(threads) == [False, True]
    assert timed_out.status_code == 504 and timed_out.json()["code"] == "TIMEOUT", timed_out.text


def test_a_job_run_reads_the_cpu_clock_only_after_a_run_slow_by_the_wall_clock(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread's CPU clock is a system call: a run is timed by the wall clock, and only the run after one the wall
    clock found slow has its CPU time read. A run slow by the wall clock whose CPU time was not read is slow."""
    threads = _threads_of_exports(project, monkeypatch)
    step, wall, cpu_reads = [0.0], [0.0], [0]

    def stepped_perf_counter() -> float:
        wall[0] += step[0]
        return wall[0]

    def counted_thread_time() -> float:
        cpu_reads[0] += 1
        return time.thread_time()

    class Clocks:
        monotonic = staticmethod(time.monotonic)
        perf_counter = staticmethod(stepped_perf_counter)
        thread_time = staticmethod(counted_thread_time)

    monkeypatch.setattr(inline, "INLINE_READ_MAX_SECONDS", 1.0)
    monkeypatch.setattr(inline, "HERE_WALL_MAX", 20.0)
    monkeypatch.setattr(inline, "time", Clocks)
    reads = []
    for number, seconds in enumerate((0.0, 0.0, 10.0, 10.0, 10.0, 0.0, 0.0)):  # a run lasts its step
        step[0] = seconds
        before = cpu_reads[0]
        assert _export(project, admin, number).status_code == 200
        reads.append(cpu_reads[0] - before)
    assert reads == [0, 0, 0, 2, 2, 1, 0]  # after a run slow by the wall clock only (at its end if it was too)
    # quick, quick, slow (its CPU time unread), then 3 quick (by the CPU clock twice): the last runs here
    assert _on_worker(threads) == [True] * 6 + [False]


def test_a_sync_job_runs_on_the_worker_while_jobs_are_followed_from_their_start(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A follower of every job's start (the push hub's) hears of it on the event loop: it would only get to follow
    a job run there after its end, and miss its start."""
    threads = _threads_of_exports(project, monkeypatch)
    started: list[str] = []
    stop = project.app.state.services.jobs.on_started(lambda record: started.append(record.status))
    for number in range(QUICK_RUNS_BEFORE_HERE + 2):
        assert _export(project, admin, number).status_code == 200
    stop()
    assert _export(project, admin, 10).status_code == 200
    assert _on_worker(threads) == [True] * (QUICK_RUNS_BEFORE_HERE + 2) + [False]
    assert started == ["Pending"] * (QUICK_RUNS_BEFORE_HERE + 2)


def test_a_sync_job_queues_when_the_worker_is_busy(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker runs a job when the -sync call comes: the call's job queues behind it, as any job."""
    services = project.app.state.services
    for number in range(QUICK_RUNS_BEFORE_HERE):
        assert _export(project, admin, number).status_code == 200
    threads = _threads_of_exports(project, monkeypatch)
    entered, release = threading.Event(), threading.Event()

    def held(*_args: Any, **_kwargs: Any) -> None:
        entered.set()
        release.wait(30)

    monkeypatch.setattr(services.backend, "save_project", held)
    saving = project.post("/api/projects/actions/save", headers=admin)
    assert saving.status_code == 202, saving.text
    answers: list[Any] = []
    try:
        assert entered.wait(30)
        caller = threading.Thread(target=lambda: answers.append(_export(project, admin, 10)))
        caller.start()
        deadline = time.monotonic() + 30
        while not services.jobs.list(operation="blocks.export", status="Pending")[1]:  # queued behind the save
            assert time.monotonic() < deadline, "the -sync call's job was never queued"
            time.sleep(0.01)
        release.set()
        caller.join(60)
    finally:
        release.set()
    assert answers and answers[0].status_code == 200, answers
    assert _on_worker(threads) == [True]


def test_an_adapter_bound_to_its_thread_runs_every_job_on_the_worker(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(project.app.state.services.backend), "reads_off_worker", False)  # as the Openness bridge
    threads = _threads_of_exports(project, monkeypatch)
    for number in range(QUICK_RUNS_BEFORE_HERE + 2):
        assert _export(project, admin, number).status_code == 200
    assert all(_on_worker(threads)), threads


SYNC_CALLS = (
    ("/api/devices/PLC_1/actions/compile-sync", None),
    ("/api/devices/PLC_1/actions/compile-software-sync", None),
    ("/api/projects/actions/save-sync", None),
    (EXPORT, {"blockName": "FB_Export", "exportPath": "export/same.xml", "overwrite": True}),
)
"""-sync calls of jobs (long-running operations) that a project with one block can repeat, each answering the same: a
compile, a save, an export."""


def _volatile_dropped(value: Any) -> Any:
    """An answer's data without what differs between two runs of the same call: the time of a save."""
    if isinstance(value, dict):
        return {k: _volatile_dropped(v) for k, v in value.items() if k != "savedAt"}
    if isinstance(value, list):
        return [_volatile_dropped(v) for v in value]
    return value


@pytest.mark.parametrize(("path", "body"), SYNC_CALLS, ids=[path.rsplit("/", 1)[-1] for path, _ in SYNC_CALLS])
def test_every_sync_call_answers_the_same_where_its_job_runs(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch, path: str,
        body: dict[str, Any] | None) -> None:
    """The first runs go to the worker, the later ones run where the call is served: the same status, message,
    data and job record either way."""
    worker = project.app.state.services.worker
    queued: list[str] = []
    submit = worker.submit

    def counted(fn: Any, **kwargs: Any) -> Any:
        queued.append(kwargs.get("description", ""))
        return submit(fn, **kwargs)

    monkeypatch.setattr(worker, "submit", counted)
    answers = [project.post(path, json=body, headers=admin) for _ in range(QUICK_RUNS_BEFORE_HERE + 2)]
    assert len([d for d in queued if "(job " in d]) == QUICK_RUNS_BEFORE_HERE, queued  # the last two ran here
    first, last = answers[0], answers[-1]
    assert first.status_code == last.status_code == 200, (first.text, last.text)
    assert first.json()["message"] == last.json()["message"]
    assert _volatile_dropped(first.json()["data"]) == _volatile_dropped(last.json()["data"]), (first.text, last.text)
    for answer in (first, last):
        job = project.get(f"/api/jobs/{answer.headers['X-Job-Id']}", headers=admin).json()["data"]
        assert job["status"] == "Completed" and job["result"] == answer.json()["data"], (job, answer.text)


def test_a_sync_job_run_here_with_a_key_is_answered_again_from_its_record(
        project: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A retry with the job's ``Idempotency-Key`` answers the first call's outcome and exports nothing again."""
    for number in range(QUICK_RUNS_BEFORE_HERE):
        assert _export(project, admin, number).status_code == 200
    threads = _threads_of_exports(project, monkeypatch)
    keyed = {**admin, "Idempotency-Key": "export-here-1"}
    body = {"blockName": "FB_Export", "exportPath": "export/keyed.xml"}
    first, again = (project.post(EXPORT, json=body, headers=keyed) for _ in range(2))
    assert _on_worker(threads) == [False]  # ran once, here
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert again.headers["X-Job-Id"] == first.headers["X-Job-Id"]
    assert again.json()["data"] == first.json()["data"] and again.json()["message"] == first.json()["message"]
