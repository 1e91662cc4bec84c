"""Issue 12, failure 6: a call that times out (or a job that is canceled) stops at a checkpoint and rolls back.

A block over TIA's size limit (300,000 SCL statements would run for minutes) is refused with 422 before any
work, and a legal block that runs past the call timeout stops at the parser's next checkpoint: the project is as
it was, and the same worker thread serves the next call (no thread is abandoned, none goes on changing the
project while every other client's call waits behind it).
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.backend.errors import OperationTimeoutError
from engineering_api.backend.models import ProgramDocument
from engineering_api.backend import worker as worker_module
from engineering_api.backend.worker import TiaWorker
from engineering_api.domain import blockgen
from fakes.backend import FakeBackend
from simatic_xml.cancel import Canceled, CancelToken, checkpoint, current, installed
from simatic_xml.generate import generate_xml
from simatic_xml.scl.limits import MAX_STATEMENTS
from tests.conftest import CPU, wait_job
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from litestar.testing import TestClient

BLOCKS = "/api/devices/PLC_1/blocks"
BIG = MAX_STATEMENTS - 5_000
"""Statements of a legal block that takes far longer to generate than the tiny timeout (seconds, not ms)."""


def _spec(name: str, statements: int) -> dict[str, Any]:
    return {
        "blockType": "FC", "name": name, "language": "SCL", "returnType": "Int",
        "interface": {"Temp": [{"name": "x", "dataType": "Int"}]},
        "networks": [{"scl": "\n".join(["#x := #x + 1;"] * statements)}],
    }


def _plc_project(client: TestClient, admin: dict[str, str]) -> None:
    for path, body in (
        ("/api/projects/actions/create-sync", {"name": "Timeouts"}),
        ("/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": "PLC_1"}),
    ):
        response = client.post(path, json=body, headers=admin)
        assert response.status_code == 200, response.text
    response = client.post(BLOCKS, json=_spec("FC_Keep", 3), headers=admin)
    assert response.status_code == 200, response.text


KEPT = {"FC_Keep", "Main"}
"""The blocks before the refused or stopped change: FC_Keep and the Main [OB1] TIA created with the PLC."""


def _block_names(client: TestClient, admin: dict[str, str]) -> set[str]:
    response = client.get(BLOCKS, headers=admin)
    assert response.status_code == 200, response.text
    return {b["name"] for b in response.json()["data"]}


def _set_call_timeout(client: TestClient, admin: dict[str, str], seconds: float) -> None:
    response = client.post("/api/settings", json={"callTimeoutSeconds": seconds}, headers=admin)
    assert response.status_code == 200, response.text


def _worker_thread_spy(client: TestClient) -> list[str]:
    """Names of the threads the backend's block listing ran on, in order."""
    backend = client.app.state.services.backend
    original = backend.blocks.list_blocks
    seen: list[str] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread().name)
        return original(*args, **kwargs)

    backend.blocks.list_blocks = spy
    return seen


class _WorkerClock:
    """The worker's clock, which stands still until a test moves it on: a deadline (and the unwind grace after
    it) passes when the test says so, never because the machine was slow."""

    def __init__(self) -> None:
        self.offset = time.monotonic()

    def monotonic(self) -> float:
        return self.offset


def _until(condition: Callable[[], bool]) -> bool:
    """Wait for ``condition`` another thread makes true (bounded, so a bug fails the test instead of hanging it)."""
    for _ in range(6_000):
        if condition():
            return True
        time.sleep(0.005)
    return False


def test_a_call_past_its_timeout_stops_at_a_checkpoint_and_rolls_back(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The call's deadline passes once it has started its work (the worker's clock jumps past it); the call
    then waits for the watchdog to set its token, goes on into generation and stops at the first checkpoint.
    No step depends on how fast the machine is: the unwind grace is counted on the same clock, which stays."""
    _plc_project(client, admin)
    worker = client.app.state.services.worker
    thread_before = worker.thread_name
    _set_call_timeout(client, admin, 1.0)
    clock = _WorkerClock()
    monkeypatch.setattr(worker_module, "time", clock)
    backend = client.app.state.services.backend
    original_open_projects = backend.open_projects
    armed = threading.Event()
    armed.set()

    def past_the_deadline() -> Any:  # the create handler asks for the project's version, then generates
        if armed.is_set():
            armed.clear()
            token = current()
            assert token is not None
            clock.offset += 10.0
            assert _until(lambda: token.canceled)  # the watchdog's next tick sets it
        return original_open_projects()

    monkeypatch.setattr(backend, "open_projects", past_the_deadline)

    response = client.post(BLOCKS, json=_spec("FC_Big", 2_000), headers=admin)

    assert response.status_code == 504, response.text
    body = response.json()
    assert body["code"] == "TIMEOUT"
    assert "nothing it started was kept" in body["message"]
    # The work stopped: the thread was not abandoned and replaced, it unwound and serves the next call.
    assert worker.replaced_threads == 0
    assert worker.thread_name == thread_before
    # Rolled back: the project holds exactly what it held before.
    assert _block_names(client, admin) == KEPT


def test_other_clients_wait_only_until_the_timed_out_call_has_stopped(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The big call's deadline passes (on the worker's clock, which the test moves) once another client's read
    is queued behind it; the read is served by the same thread as soon as the big call has stopped."""
    _plc_project(client, admin)
    worker = client.app.state.services.worker
    # The read must queue on the worker (as every call of the Openness bridge does): the fake would answer it on
    # the event loop whenever the worker is idle, which on a slow machine may already be the case when it is sent.
    client.app.state.services.backend.reads_off_worker = False
    _set_call_timeout(client, admin, 1.0)
    clock = _WorkerClock()
    monkeypatch.setattr(worker_module, "time", clock)
    seen = _worker_thread_spy(client)
    big: dict[str, Any] = {}
    running = threading.Event()
    backend = client.app.state.services.backend
    original_import, original_open_projects = backend.program.import_program_documents, backend.open_projects

    def record_import(*args: Any, **kwargs: Any) -> Any:
        big["reached_import"] = True
        return original_import(*args, **kwargs)

    def record_start() -> Any:  # the create handler asks for the project's version, then generates
        running.set()
        token = current()
        assert token is not None
        assert _until(lambda: worker._pending >= 2)  # the read is queued behind this call
        clock.offset += 10.0
        assert _until(lambda: token.canceled)  # the watchdog's next tick sets it
        return original_open_projects()

    backend.program.import_program_documents = record_import
    backend.open_projects = record_start

    def send_big() -> None:
        big["response"] = client.post(BLOCKS, json=_spec("FC_Big", BIG), headers=admin)

    sender = threading.Thread(target=send_big)
    sender.start()
    assert running.wait(30)
    # Another client's read, queued behind the big call on the one TIA thread.
    read = client.get(BLOCKS, headers=admin)
    sender.join(HANG_GUARD_S)

    assert not sender.is_alive()
    assert big["response"].status_code == 504
    assert read.status_code == 200
    # The read was served by the same worker thread once the big call had stopped, long before the big block
    # could have been generated (it never reached the import); nothing was abandoned to keep running.
    assert "reached_import" not in big
    assert worker.replaced_threads == 0
    assert set(seen) == {worker.thread_name}
    assert {b["name"] for b in read.json()["data"]} == KEPT


def test_a_canceled_job_stops_at_a_checkpoint_and_rolls_back(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _plc_project(client, admin)
    worker = client.app.state.services.worker
    generated: list[str] = []
    original = blockgen.generate_document

    def record_generation(*args: Any, **kwargs: Any) -> Any:
        block = original(*args, **kwargs)
        generated.append(block.file_name)
        return block

    monkeypatch.setattr(blockgen, "generate_document", record_generation)
    response = client.post(
        "/api/blockgeneration/generate-and-import-async",
        json={"deviceName": "PLC_1", "spec": _spec("FC_Big", BIG)}, headers=admin,
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["data"]["jobId"]
    # The job reports Running as soon as the worker starts it.
    assert _until(lambda: client.get(f"/api/jobs/{job_id}", headers=admin).json()["data"]["status"] != "Pending")
    cancel = client.post(f"/api/jobs/{job_id}/actions/cancel", headers=admin)
    assert cancel.status_code == 200, cancel.text

    job = wait_job(client, job_id, admin)

    assert job["status"] == "Canceled", job
    # Stopped inside the generator, not after it (a cancel used to be seen only between steps).
    assert generated == []
    assert worker.replaced_threads == 0
    assert _block_names(client, admin) == KEPT


def test_a_block_over_tias_size_limit_is_refused_before_any_work(client: TestClient, admin: dict[str, str]) -> None:
    _plc_project(client, admin)
    backend = client.app.state.services.backend
    calls: list[str] = []
    original = backend.program.import_program_documents
    def counted_import(*args: Any, **kwargs: Any) -> Any:
        calls.append("import")
        return original(*args, **kwargs)

    backend.program.import_program_documents = counted_import
    statements = 300_000  # the block: 4.2 MB of SCL, under the 8 MB body limit

    response = client.post(BLOCKS, json=_spec("FC_Huge", statements), headers=admin)

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "BLOCK_TOO_LARGE"
    assert body["details"]["limit"] == MAX_STATEMENTS
    assert body["details"]["found"] == statements
    assert body["details"]["measure"] == "statements"
    assert f"{MAX_STATEMENTS:,}" in body["message"] and f"{statements:,}" in body["message"]
    assert calls == []
    assert _block_names(client, admin) == KEPT


def test_an_external_source_with_a_block_over_the_limit_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    _plc_project(client, admin)
    body = "\n".join(["#x := #x + 1;"] * (MAX_STATEMENTS + 1))
    source = f'FUNCTION "FC_Src" : Void\nVAR_TEMP\n  x : Int;\nEND_VAR\nBEGIN\n{body}\nEND_FUNCTION\n'

    response = client.post(
        "/api/devices/PLC_1/external-sources/import-and-generate",
        json={"sourceName": "Big.scl", "sclContent": source}, headers=admin,
    )

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "BLOCK_TOO_LARGE"
    assert _block_names(client, admin) == KEPT


def test_a_simaticml_block_over_the_limit_is_refused_before_it_is_parsed(client: TestClient,
                                                                         admin: dict[str, str]) -> None:
    _plc_project(client, admin)
    xml = generate_xml(_spec("FC_Xml", 1), "V19").decode("utf-8-sig")
    semicolon = xml[xml.index('<Token Text=";"'):]
    semicolon = semicolon[: semicolon.index("/>") + 2]
    statements = MAX_STATEMENTS + 1
    oversized = xml.replace(semicolon, semicolon * statements, 1)

    response = client.post("/api/blockgeneration/import-only", json={"deviceName": "PLC_1", "xml": oversized},
                           headers=admin)

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "BLOCK_TOO_LARGE"
    assert body["details"]["found"] == statements
    assert _block_names(client, admin) == KEPT


# ----- the worker and the fake's transaction, without HTTP --------------------------------------------------
def _run_on_worker(*calls: tuple[Any, float]) -> tuple[list[Any], TiaWorker]:
    """Run ``(fn, timeout)`` calls one after the other on a fresh worker; each result or raised error."""
    worker = TiaWorker(name="tia-test")

    async def run() -> list[Any]:
        outcomes: list[Any] = []
        for fn, timeout in calls:
            try:
                outcomes.append(await worker.call(fn, timeout=timeout))
            except Exception as exc:  # the outcome is what the test looks at
                outcomes.append(exc)
        return outcomes

    try:
        return asyncio.run(run()), worker
    finally:
        worker.stop()


def test_the_worker_stops_a_timed_out_call_at_its_checkpoint_without_replacing_the_thread() -> None:
    stopped = threading.Event()

    def endless_with_checkpoints() -> None:
        try:
            while True:
                checkpoint()
        finally:
            stopped.set()

    (timed_out, after), worker = _run_on_worker((endless_with_checkpoints, 0.2), (threading.current_thread, 5))

    assert isinstance(timed_out, OperationTimeoutError)
    assert stopped.is_set()  # the call itself unwound, before the caller was answered
    assert worker.replaced_threads == 0
    assert after.name == worker.thread_name  # the next call ran on the same thread


def test_the_watchdog_ticks_only_while_a_timed_call_is_waited_for() -> None:
    worker = TiaWorker(name="tia-test")

    def endless_with_checkpoints() -> None:
        while True:
            checkpoint()

    async def run() -> tuple[Any, Any]:
        await worker.call(lambda: None, timeout=5)
        # Timers fire in deadline order: the watchdog's next tick comes before this sleep ends.
        await asyncio.sleep(worker_module.WATCHDOG_INTERVAL * 3)
        idle = worker._watching
        try:
            await worker.call(endless_with_checkpoints, timeout=0.2)
        except OperationTimeoutError as exc:  # the next timed call started the watchdog again
            return idle, exc
        return idle, None

    try:
        idle, timed_out = asyncio.run(run())
    finally:
        worker.stop()
    assert idle is None  # an idle server does not wake 20 times a second
    assert isinstance(timed_out, OperationTimeoutError)


def test_a_call_without_checkpoints_is_still_abandoned_after_the_grace() -> None:
    release = threading.Event()
    (timed_out, _), worker = _run_on_worker((lambda: release.wait(10), 0.1), (lambda: None, 5))
    release.set()

    assert isinstance(timed_out, OperationTimeoutError)
    assert timed_out.details["workerRestarted"] is True
    assert worker.replaced_threads == 1


def test_an_import_stopped_between_documents_keeps_nothing(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path / "state")
    backend.on_worker_thread_started()
    backend.launch_portal(with_ui=False, version=None)
    backend.create_project(tmp_path, "Rollback", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.save_project()
    documents = [
        ProgramDocument(source=f"{name}.xml", data=generate_xml(_spec(name, 3), "V19"), folder="")
        for name in ("FC_A", "FC_B")
    ]

    class TripOnceImported(CancelToken):
        """Set as soon as the first document is in the project: the import is stopped half-way."""

        __slots__ = ()

        @property
        def _set(self) -> bool:  # type: ignore[override]  # checkpoint() reads the slot itself: answer it here
            device = backend._project().device("PLC_1")
            assert device is not None and device.software is not None
            return "FC_A" in device.software.blocks

    token = TripOnceImported.__new__(TripOnceImported)
    token.reason = OperationTimeoutError("timed out")
    with installed(token), pytest.raises(Canceled):
        backend.program.import_program_documents("PLC_1", documents, overwrite=False)

    assert [b.name for b in backend.blocks.list_blocks("PLC_1")] == ["Main"]  # only the PLC's own OB1
    assert backend.open_projects()[0].has_unsaved_changes is False
