"""All Openness calls run on the service's one worker thread; a replaced thread attaches again."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from engineering_api.backend.errors import OperationTimeoutError
from engineering_api.backend.worker import TiaWorker
from tools.bounds import HANG_GUARD_S


def test_calls_run_on_the_worker_thread_and_nowhere_else(bridge) -> None:
    worker = TiaWorker(bridge.on_worker_thread_started, name="tia-test")
    seen: list[str] = []

    def launch():
        seen.append(threading.current_thread().name)
        return bridge.launch_portal(with_ui=False, version=None)

    async def main():
        portal = await worker.call(launch, timeout=HANG_GUARD_S)
        status = await worker.call(bridge.session_status, timeout=HANG_GUARD_S)
        return portal, status

    try:
        portal, status = asyncio.run(main())
    finally:
        worker.stop()
    assert seen == ["tia-test-1"]
    assert (status.connected, status.pid) == (True, portal.pid)
    with pytest.raises(RuntimeError, match="worker thread"):
        bridge.list_portals()  # this (test) thread is not the worker any more


def test_a_replaced_worker_thread_attaches_again(bridge, machine) -> None:
    pid = machine.StartInteractive()
    worker = TiaWorker(bridge.on_worker_thread_started, name="tia-test")

    async def main():
        await worker.call(lambda: bridge.attach_portal(pid), timeout=HANG_GUARD_S)
        with pytest.raises(OperationTimeoutError):
            await worker.call(lambda: time.sleep(0.5), timeout=0.1)
        return await worker.call(bridge.session_status, timeout=HANG_GUARD_S)

    try:
        status = asyncio.run(main())
    finally:
        worker.stop()
    assert worker.replaced_threads == 1
    assert (status.connected, status.pid) == (True, pid)
