"""Celery's remote control tells the truth about a busy agent (issue 91): ``celery inspect active`` names the call an
agent runs and ``ping`` answers, while the solo pool's loop is blocked by that call; one answer per request."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from engineering_api.farm.celery_app import CALL_TASK
from engineering_api.farm.codec import encode
from engineering_api.farm.registry import agent_queue
from tests.farm.farm_calls import until

pytestmark = pytest.mark.xdist_group("farm-1")

REPLY_WINDOW = 8.0
"""How long a broadcast collects replies: the busy call ends within it, so a second answer from the worker's
loop, once free, would arrive within it too; long enough for the first answer on a loaded machine (milliseconds
when idle)."""


def test_ping_and_inspect_active_answer_while_an_agent_runs_a_call_once_each(timed_farm, tmp_path):
    farm, _ = timed_farm("600:create_project")
    target = farm.registry.free_agent()
    control = farm.app.control
    call_id = uuid.uuid4().hex
    farm.app.send_task(CALL_TASK, args=["create_project", {"args": encode([tmp_path, "Busy"]),
                                                           "kwargs": encode({"author": "", "comment": ""})},
                                        call_id, "", {"instance": target.instance, "token": None}],
                       queue=agent_queue(target.agent), task_id=call_id)
    until(lambda: (farm.registry.agent(target.agent).current_call or "").startswith("create_project"), "it runs")

    active = control.inspect(timeout=10, limit=1).active()  # before issue 91: None (no worker answered)
    assert active is not None, "a busy agent answers inspect active"
    (node, running), = active.items()
    assert node.startswith(f"{target.agent}@"), active
    assert [(task["id"], task["name"]) for task in running] == [(call_id, CALL_TASK)], running
    assert control.ping(destination=[node], timeout=10, limit=1) == [{node: {"ok": "pong"}}]

    # the busy call ends while a ping collects its replies: the worker's loop, free again, reads that ping too and
    # leaves it to the answer already given
    replies: list[Any] = []

    def end_call(reply: Any) -> None:
        replies.append(reply)
        (tmp_path / "gate").touch()

    answered = control.ping(timeout=REPLY_WINDOW, callback=end_call)  # to every worker: replies for the window
    assert answered == [{node: {"ok": "pong"}}], answered
    until(lambda: not farm.registry.agent(target.agent).current_call, "the call ended")

    # idle: the worker's own loop answers, once
    assert control.ping(timeout=10, limit=1) == [{node: {"ok": "pong"}}]
    assert control.inspect(timeout=10, limit=1).active() == {node: []}
