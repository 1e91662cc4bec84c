"""What a busy agent's heartbeat thread costs Redis (issue 52: 32 agents on one Redis): it waits on the running
call's cancel wake-up until the next heartbeat, one round trip a heartbeat, instead of asking for the cancel flag
every 0.1 s. Counted on a clock the test moves, never timed; no Redis needed (a registry that counts)."""

from __future__ import annotations

import threading
import types
from typing import Any, cast

import pytest

from engineering_api.farm import agent as agent_module
from engineering_api.farm.agent import AgentRunner
from engineering_api.farm.registry import HEARTBEAT_SECONDS, AgentRecord
from simatic_xml.cancel import CancelToken

SECONDS = 10.0


class _Registry:
    """Counts the heartbeat thread's round trips and moves the clock by what each waited; asks for a cancel at
    ``cancel_at`` seconds (never: None). Also the runner's stop event, set after :data:`SECONDS`."""

    def __init__(self, clock: dict[str, float], cancel_at: float | None) -> None:
        self.clock, self.cancel_at, self.stopped = clock, cancel_at, False
        self.trips = {"cancel": 0, "heartbeat": 0}

    def _passed(self, seconds: float) -> bool:
        self.clock["now"] += seconds
        if self.clock["now"] >= SECONDS:
            self.stopped = True
        return self.cancel_at is not None and self.clock["now"] >= self.cancel_at

    def cancel_requested(self, call_id: str) -> bool:  # the flag asked for (what the thread did every 0.1 s)
        self.trips["cancel"] += 1
        return self._passed(0.0)

    def wait_for_cancel(self, call_id: str, timeout: float, *, flag: bool = False) -> bool:
        self.trips["cancel"] += 1
        return self._passed(timeout)

    # the runner's stop event: its waits pass on the test's clock
    def is_set(self) -> bool:
        return self.stopped

    def set(self) -> None:
        self.stopped = True

    def wait(self, seconds: float) -> bool:
        self._passed(seconds)
        return self.stopped

    def heartbeat(self, record: AgentRecord) -> int:
        self.trips["heartbeat"] += 1
        record.heartbeat_at = self.clock["now"]
        return 0  # nothing rebuilt


def _beat(monkeypatch: pytest.MonkeyPatch, cancel_at: float | None) -> tuple[_Registry, CancelToken]:
    clock = {"now": 0.0}
    monkeypatch.setattr(agent_module, "time", types.SimpleNamespace(
        time=lambda: clock["now"], monotonic=lambda: clock["now"], sleep=lambda _: None))
    registry = _Registry(clock, cancel_at)
    runner = AgentRunner(cast(Any, types.SimpleNamespace()), cast(Any, registry), AgentRecord("a1", "fake", ["V19"]))
    runner._stop = cast(Any, registry)
    token = CancelToken()
    runner._current = ("call-1", token)  # a call running for the whole time
    thread = threading.Thread(target=runner.beat, daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive()
    return registry, token


def test_a_busy_agent_asks_redis_once_a_heartbeat_for_its_calls_cancel(monkeypatch):
    registry, token = _beat(monkeypatch, cancel_at=None)
    assert not token.canceled
    beats = SECONDS / HEARTBEAT_SECONDS
    assert registry.trips["heartbeat"] >= beats - 1, registry.trips
    assert registry.trips["cancel"] <= beats + 1, registry.trips  # it was 10 a second


def test_a_cancel_asked_for_is_passed_to_the_call_and_not_asked_for_again(monkeypatch):
    registry, token = _beat(monkeypatch, cancel_at=3.0)
    assert token.canceled
    assert registry.trips["cancel"] <= 3 / HEARTBEAT_SECONDS + 1, registry.trips
