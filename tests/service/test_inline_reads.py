"""Quick reads of the fake skip the hop to the TIA worker, in turn with the worker's calls, never beside them."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from typing import TYPE_CHECKING, Any

from engineering_api.backend.worker import TiaWorker, on_a_worker_thread
from tests.conftest import CPU
from tests.service.conftest import key_for
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from collections.abc import Sequence
    from concurrent.futures import Future

    import pytest
    from litestar.testing import TestClient

    from engineering_api.backend.areas.devices import DevicesPort
    from engineering_api.backend.models import DeviceInfo
    from engineering_api.services import Services

__all__ = ()


def test_a_read_runs_on_the_calling_thread_only_while_the_worker_is_idle() -> None:
    async def scenario() -> None:
        worker = TiaWorker()
        try:
            assert worker.run_if_idle(lambda: (threading.current_thread().name, on_a_worker_thread())) == (
                True, (threading.current_thread().name, True))
            release, started = threading.Event(), threading.Event()

            def busy() -> str:
                started.set()
                release.wait(HANG_GUARD_S)
                return "done"

            call = asyncio.ensure_future(worker.call(busy, timeout=HANG_GUARD_S))
            await asyncio.to_thread(started.wait, HANG_GUARD_S)
            assert worker.run_if_idle(lambda: "read") == (False, None)  # a call is running: the read queues
            queued = asyncio.ensure_future(worker.call(lambda: "after", timeout=HANG_GUARD_S))
            release.set()
            assert await call == "done" and await queued == "after"
            assert worker.run_if_idle(lambda: "read") == (True, "read")  # idle again
            assert not on_a_worker_thread()
        finally:
            worker.stop()

    asyncio.run(scenario())


def test_a_call_submitted_during_an_inline_read_waits_for_its_end() -> None:
    async def scenario() -> None:
        worker = TiaWorker()
        order: list[str] = []
        try:
            await worker.call(lambda: None, timeout=HANG_GUARD_S)  # thread started
            loop = asyncio.get_running_loop()
            submitted: list[Future[None]] = []

            def read() -> str:
                # Another thread submits a write while this read holds the worker's turn.
                done = threading.Event()

                def submit() -> None:
                    submitted.append(asyncio.run_coroutine_threadsafe(
                        worker.call(lambda: order.append("write"), timeout=HANG_GUARD_S), loop))
                    done.set()

                threading.Thread(target=submit).start()
                done.wait(HANG_GUARD_S)
                order.append("read")
                return "read"

            assert worker.run_if_idle(read) == (True, "read")
            await asyncio.wrap_future(submitted[0])
            assert order == ["read", "write"]
        finally:
            worker.stop()

    asyncio.run(scenario())


def _threads_of_list_devices(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    services: Services = client.app.state.services
    engineer = key_for(client, "engineer")
    assert client.post("/api/projects/actions/create-sync", json={"name": "Inline"}, headers=engineer).is_success
    assert client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                       headers=engineer).is_success
    threads: list[str] = []
    original = type(services.backend.devices).list_devices

    def recording(self: DevicesPort) -> list[DeviceInfo]:
        threads.append(threading.current_thread().name)
        return original(self)

    monkeypatch.setattr(type(services.backend.devices), "list_devices", recording)
    for _ in range(2):
        answer = client.get("/api/projects/devices", headers=engineer)
        assert answer.status_code == 200 and answer.json()["data"][0]["name"] == "PLC_1"
    return threads


def test_a_read_of_the_fake_skips_the_worker_hop(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    threads = _threads_of_list_devices(client, monkeypatch)
    assert threads and not any(name.startswith("tia-worker") for name in threads), threads


def test_an_adapter_bound_to_its_thread_reads_on_the_worker(client: TestClient,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(client.app.state.services.backend), "reads_off_worker", False)  # as the Openness bridge
    threads = _threads_of_list_devices(client, monkeypatch)
    assert threads and all(name.startswith("tia-worker") for name in threads), threads


def test_a_plain_read_answers_what_run_operation_answers(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The route of a read without input or files takes a shorter way to run_inline: same bytes, same headers."""
    from litestar import Response
    from litestar.testing import RequestFactory

    from engineering_api.domain.devices import OPERATIONS
    from engineering_api.web.routes import run_operation
    from engineering_api.lib import responses

    services: Services = client.app.state.services
    engineer = key_for(client, "engineer")
    assert client.post("/api/projects/actions/create-sync", json={"name": "Plain"}, headers=engineer).is_success
    assert client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                       headers=engineer).is_success
    monkeypatch.setattr(responses, "utc_now", lambda: "2026-11-25T05:30:00.000Z")
    answer = client.get("/api/projects/devices", headers=engineer)
    listing = next(operation for operation in OPERATIONS if operation.name == "devices.list")

    # run_operation reads the request only for changes, jobs and failures: a listing has none of them
    unread = RequestFactory(app=client.app).get("/api/projects/devices")

    async def through_run_operation() -> Response[Any]:
        return await run_operation(services, listing, None, unread)

    sent: list[dict[str, Any]] = []

    async def capture(message: dict[str, Any]) -> None:
        sent.append(message)

    with client.portal() as portal:
        expected = portal.call(through_run_operation)
        # what the answer sends (the request is not read: no layered headers)
        portal.call(expected.to_asgi_response(client.app, None), {"type": "http", "method": "GET"}, None, capture)
    start, body = sent
    assert answer.status_code == expected.status_code == start["status"] == 200
    assert answer.content == body["body"] and b"PLC_1" in body["body"]
    # the request's id (engineering_api.lib.observability) is added around the handler's answer
    assert [h for h in answer.headers.raw if h[0] != b"x-request-id"] == start["headers"]


def test_inline_reads_share_one_context_that_nothing_cancels(client: TestClient) -> None:
    """A read run in turn on the event loop reuses one context (made again when the settings change); a read that
    queues to the worker gets its own, so a timeout's cancel of that call's token never reaches later reads."""
    from engineering_api.jobs.operations import Operation, OperationContext

    services: Services = client.app.state.services
    jobs = services.jobs
    seen: list[OperationContext] = []

    def record(context: OperationContext, _: None) -> str:
        seen.append(context)
        return "read"

    read: Operation[None, str] = Operation(name="test.read", summary="", section="", handler=record, input=None,
                                           output=str, mutating=False)

    async def scenario() -> None:
        assert await jobs.run_inline(read, None) == "read"
        assert await jobs.run_inline(read, None) == "read"
        assert seen[0] is seen[1] and not seen[0].cancel_requested
        release, started = threading.Event(), threading.Event()

        def busy() -> None:
            started.set()
            release.wait(HANG_GUARD_S)

        call = asyncio.ensure_future(services.worker.call(busy, timeout=HANG_GUARD_S))
        await asyncio.to_thread(started.wait, HANG_GUARD_S)
        queued = asyncio.ensure_future(jobs.run_inline(read, None))  # the worker is busy: this read queues
        await asyncio.sleep(0)
        release.set()
        await call
        assert await queued == "read" and seen[2] is not seen[0]
        seen[2].request_cancel()  # what the watchdog does to a call that timed out
        assert await jobs.run_inline(read, None) == "read" and seen[3] is seen[0] and not seen[3].cancel_requested
        jobs.settings = dataclasses.replace(services.settings)  # as PUT /api/settings replaces them
        assert await jobs.run_inline(read, None) == "read"
        assert seen[4] is not seen[0] and seen[4].settings is jobs.settings

    with client.portal() as portal:
        portal.call(scenario)



def _timed_reads(client: TestClient, monkeypatch: pytest.MonkeyPatch, work: Any, runs: int,
                 wall_step: float | Sequence[float], cpu_step: float | None = None) -> tuple[list[bool], int]:
    """``runs`` inline runs of a read doing ``work``, the wall clock of the manager moving ``wall_step`` seconds from
    one reading to the next (so no busy machine decides for the test; a sequence gives each run's step) and its
    thread's CPU clock ``cpu_step`` seconds (the real clock when None): whether each ran on the calling thread (not
    the worker), and how often the thread's CPU clock was read meanwhile."""
    import time
    from types import SimpleNamespace

    from engineering_api.jobs import inline
    from engineering_api.jobs.operations import Operation

    jobs = client.app.state.services.jobs
    on_caller: list[bool] = []
    clock_reads = 0
    wall = [0.0]
    cpu = [0.0]
    steps = [wall_step] * runs if isinstance(wall_step, (int, float)) else list(wall_step)
    run = 0

    def perf_counter() -> float:
        wall[0] += steps[run]
        return wall[0]

    def thread_time() -> float:
        nonlocal clock_reads
        clock_reads += 1
        if cpu_step is None:
            return time.thread_time()
        cpu[0] += cpu_step
        return cpu[0]

    def read(_context: Any, _: None) -> str:
        on_caller.append(not threading.current_thread().name.startswith("tia-worker"))
        work()
        return "read"

    operation: Operation[None, str] = Operation(name="test.timed_read", summary="", section="", handler=read,
                                                input=None, output=str, mutating=False)

    async def scenario() -> None:
        nonlocal run
        for run in range(runs):
            assert await jobs.run_inline(operation, None) == "read"

    clocks = {name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    monkeypatch.setattr(inline, "time", SimpleNamespace(**{**clocks, "perf_counter": perf_counter,
                                                            "thread_time": thread_time}))
    with client.portal() as portal:
        portal.call(scenario)
    return on_caller, clock_reads


def test_a_quick_read_never_reads_the_threads_cpu_clock(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread's CPU clock is a system call, dearer than a quick read's bookkeeping: the wall clock, which never
    reads less, times a quick read."""
    on_caller, clock_reads = _timed_reads(client, monkeypatch, lambda: None, 20, wall_step=0.0)
    assert all(on_caller) and clock_reads == 0


def test_a_read_slow_by_the_wall_clock_only_stays_on_the_loop(client: TestClient,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that waits (a busy machine, a sleep) but uses little CPU is not sent to the worker: once the wall
    clock finds it slow, its CPU time decides."""
    on_caller, clock_reads = _timed_reads(client, monkeypatch, lambda: None, 10, wall_step=1.0)
    assert all(on_caller) and clock_reads > 0


def test_a_read_quick_by_the_wall_clock_takes_no_strike_from_a_coarse_cpu_clock(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A strike needs both clocks over the bound. On Windows the thread's CPU clock moves by the scheduler's tick
    (~15.6 ms): a quick read that crosses a tick reads as slow by its CPU time alone, and must not be sent to the
    worker for that. The wall clock is asked first, so a quick run does not read the CPU clock at its end."""
    from engineering_api.jobs.inline import INLINE_READ_MAX_SECONDS, INLINE_READ_STRIKES

    runs = 1 + INLINE_READ_STRIKES + 2
    on_caller, clock_reads = _timed_reads(client, monkeypatch, lambda: None, runs,
                                          wall_step=[1.0] + [0.0] * (runs - 1), cpu_step=1.0)
    assert 1.0 > INLINE_READ_MAX_SECONDS
    # The first run is slow by the wall clock; the second reads the CPU clock as it starts, then is quick by the
    # wall clock, so its record is cleared and the rest time nothing but the wall clock.
    assert all(on_caller) and clock_reads == 1


def test_a_read_slow_by_its_cpu_time_goes_to_the_worker(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that uses more CPU than INLINE_READ_MAX_SECONDS runs on the loop until the wall clock found it slow
    once and its CPU time did INLINE_READ_STRIKES times in a row; then on the worker."""
    import time

    from engineering_api.jobs.inline import INLINE_READ_MAX_SECONDS, INLINE_READ_STRIKES

    def burn() -> None:
        until = time.thread_time() + 2 * INLINE_READ_MAX_SECONDS
        while time.thread_time() < until:
            pass

    on_caller, _ = _timed_reads(client, monkeypatch, burn, 1 + INLINE_READ_STRIKES + 2, wall_step=1.0)
    assert on_caller == [True] * (1 + INLINE_READ_STRIKES) + [False, False]
