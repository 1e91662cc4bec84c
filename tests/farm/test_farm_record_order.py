"""An agent's record in Redis is written in the order it was taken (issue 91).

The heartbeat thread and the call's thread both write the agent's record: the heartbeat every second, a call at
its start and end. A heartbeat that took the record before a call's end and reached Redis after it put the older
record back: ``test_farm_truth.py::test_the_sessions_of_a_revoked_key_give_their_agents_back`` saw the agent's
record still naming a project just after the agent had closed it and ended its claim. Here the heartbeat is held
between taking the record and writing it (an event), while the agent's own runner ends a ``close_project`` call on
the fake backend against a real Redis.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from engineering_api.farm.agent import AgentRunner
from engineering_api.farm.codec import encode
from engineering_api.farm.registry import AgentRecord, AgentRegistry
from fakes.backend import FakeBackend
from tests.farm.farm_calls import WAIT
from tools.farm_harness import RedisServer, redis_client

pytestmark = pytest.mark.xdist_group("farm-2")


def _call(runner: AgentRunner, method: str, args: list[Any], kwargs: dict[str, Any], token: int) -> dict[str, Any]:
    outcome = runner.run(method, {"args": encode(args), "kwargs": encode(kwargs)}, uuid.uuid4().hex, "",
                         {"instance": runner.record.instance, "token": token, "caller": "key/session"})
    assert outcome is not None and "error" not in outcome, outcome
    return outcome


def test_a_heartbeat_taken_before_a_calls_end_and_written_after_it_puts_no_older_record_back(
        redis_server: RedisServer, tmp_path: Path) -> None:
    registry = AgentRegistry(redis_client(redis_server.url), f"order-{uuid.uuid4().hex}")
    backend = FakeBackend(tmp_path / "state")
    backend.launch_portal(with_ui=False, version="V19")
    runner = AgentRunner(backend, registry, AgentRecord("agent-order", "fake", ["V19"]))
    registry.heartbeat(runner.record)  # the name taken
    _call(runner, "create_project", [tmp_path, "Ordered"], {"author": "", "comment": ""}, token=7)
    assert (registry.agent("agent-order") or runner.record).open_project is not None

    taken, write = threading.Event(), threading.Event()
    real_beat = registry._beat

    def beat_held_after_taking_the_record(keys: list[Any], args: list[Any]) -> Any:
        taken.set()  # the record is serialised into ``args``: the project still open
        assert write.wait(WAIT)
        return real_beat(keys=keys, args=args)

    registry._beat = beat_held_after_taking_the_record
    heartbeat = threading.Thread(target=runner._beat_once, daemon=True)
    heartbeat.start()
    assert taken.wait(WAIT), "the heartbeat took the record"
    _call(runner, "close_project", [], {}, token=7)  # its end publishes the record: no project
    write.set()
    heartbeat.join(WAIT)
    assert not heartbeat.is_alive()
    stored = registry.agent("agent-order")
    assert stored is not None and stored.instance == runner.record.instance
    assert stored.open_project is None and stored.fence is None, (
        f"the heartbeat taken before the close put back the record naming {stored.open_project!r}")
    registry._beat = real_beat
    registry.heartbeat(runner.record)  # the next heartbeat writes as before
    assert (registry.agent("agent-order") or runner.record).seq == runner.record.seq
