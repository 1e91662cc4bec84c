"""The pulls' side of the server's stop (:mod:`engineering_api.runtime.pulls.stop`), between threads: a run waiting
on its source or in its backoff ends its wait at the stop, an attempt's answer or error reaches its run as if made
on the run's own thread, and the stop waits for the runs to record their outcome. The served process's stop is
tested in ``tests/realclient/test_schedule_isolation_serve.py``."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

import pytest

from engineering_api.runtime.pulls.stop import RunStop, StopInterrupted
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def _in_a_run(stop: RunStop, wait: Callable[[], object]) -> tuple[threading.Thread, list[str]]:
    """A run's thread that enters ``wait``, and how it ended."""
    outcome: list[str] = []

    def run() -> None:
        with stop.running():
            try:
                wait()
                outcome.append("ended")
            except StopInterrupted:
                outcome.append("Interrupted")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("waits_on", ["a source that never answers", "the backoff"])
def test_a_run_waiting_ends_at_the_stop_and_the_stop_waits_for_its_record(waits_on: str) -> None:
    stop, waiting, never = RunStop(), threading.Event(), threading.Event()
    source_answers: list[str] = []

    def hang() -> None:
        waiting.set()
        never.wait(HANG_GUARD_S)
        source_answers.append("late")

    def backoff() -> None:
        waiting.set()
        stop.pause(HANG_GUARD_S)

    waits: dict[str, Callable[[], object]] = {"a source that never answers": lambda: stop.unless_stopped(hang),
                                               "the backoff": backoff}
    thread, outcome = _in_a_run(stop, waits[waits_on])
    assert waiting.wait(HANG_GUARD_S)
    assert stop.stop(HANG_GUARD_S) == 0  # every run recorded its outcome
    assert outcome == ["Interrupted"] and not source_answers  # the abandoned attempt still waits, alone
    thread.join(HANG_GUARD_S)
    assert stop.stopped
    with pytest.raises(StopInterrupted):  # nothing starts once stopped
        stop.unless_stopped(lambda: "never asked")
    never.set()


def test_an_attempt_answers_or_fails_as_on_the_runs_own_thread() -> None:
    stop = RunStop()
    assert stop.unless_stopped(lambda: (200, b"{}", "application/json")) == (200, b"{}", "application/json")

    def refused() -> None:
        raise ConnectionRefusedError("no ERP here")

    with pytest.raises(ConnectionRefusedError, match="no ERP here"):
        stop.unless_stopped(refused)


def test_an_app_started_again_on_its_services_runs_its_pulls_again(tmp_path: Path) -> None:
    from engineering_api.config import Settings
    from engineering_api.runtime.pulls.runner import pulls_of, start_pulls, stop_pulls
    from engineering_api.app import create_services

    services = create_services(Settings.from_env(data_dir=tmp_path))
    start_pulls(services)
    asyncio.run(stop_pulls(services))
    assert pulls_of(services).stopping.stopped
    start_pulls(services)  # the app's start again, as a restart test's second app over the same services
    assert not pulls_of(services).stopping.stopped
