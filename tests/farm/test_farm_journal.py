"""A job's journal is in Redis before its call is sent, and a node that stops sends nothing more: so a node that
stops or dies at any moment leaves each job with its call named (an agent may run it) or with nothing sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from redis.exceptions import ConnectionError as RedisConnectionError

from engineering_api.backend.errors import PortalUnavailableError
from engineering_api.farm.send_gate import SendGate
from tests.conftest import assert_error, data

pytestmark = pytest.mark.xdist_group("farm-1")


@pytest.fixture
def farm_node(timed_farm: Any, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An API node (in process) on a farm of one agent; its client and admin headers."""
    from engineering_api.app import create_app
    from engineering_api.config import Settings

    farm, _ = timed_farm("0")
    settings = Settings.from_env(data_dir=tmp_path / "node", farm_url=farm.config.broker_url)
    with TestClient(create_app(settings)) as client:
        yield client, {"X-API-Key": settings.secret_path.read_text().strip()}


def test_a_journal_redis_refuses_for_a_moment_is_written_before_the_call_is_sent(farm_node, monkeypatch) -> None:
    client, headers = farm_node
    backend = client.app.state.services.backend
    refusals = [RedisConnectionError("Redis restarting")] * 2
    note_job_call = backend.registry.note_job_call
    journaled: list[str] = []

    def flaky(job_id: str, call: dict[str, Any] | None) -> None:
        if refusals:
            raise refusals.pop()
        note_job_call(job_id, call)
        if call is not None and call.get("callId"):
            journaled.append(call["callId"])

    send_task = backend.app.send_task
    sent_unjournaled: list[str] = []

    def send(*args: Any, task_id: str | None = None, **kwargs: Any) -> Any:
        if task_id not in journaled:
            sent_unjournaled.append(str(task_id))
        return send_task(*args, task_id=task_id, **kwargs)

    monkeypatch.setattr(backend.registry, "note_job_call", flaky)
    monkeypatch.setattr(backend.app, "send_task", send)
    data(client.post("/api/projects/actions/create-sync", json={"name": "Journaled", "path": "."}, headers=headers))
    assert not refusals, "Redis refused the journal"
    assert journaled and not sent_unjournaled, "every call was sent after its journal was written"


def test_a_stopping_node_sends_no_call_and_says_so(farm_node, monkeypatch) -> None:
    client, headers = farm_node
    backend = client.app.state.services.backend
    sent: list[Any] = []
    monkeypatch.setattr(backend.app, "send_task", lambda *args, **kwargs: sent.append(args))
    backend.stop_sending()
    answer = client.post("/api/projects/actions/create-sync", json={"name": "Never", "path": "."}, headers=headers)
    assert_error(answer, 503, "INTERRUPTED")
    assert answer.json()["details"]["cause"] == "API_NODE_STOPPED"
    assert not sent, "no call was sent"


def test_a_closed_send_gate_lets_no_send_begin() -> None:
    gate = SendGate()
    assert gate.close(0.05), "nothing being written: closed at once"
    with pytest.raises(PortalUnavailableError) as refused, gate.sending("m"):
        pytest.fail("a send began after the close")
    assert refused.value.code == "INTERRUPTED"


def test_a_journal_written_while_the_gate_closes_sends_nothing_and_no_journal_is_rewritten_after() -> None:
    gate = SendGate()
    with pytest.raises(PortalUnavailableError) as refused, gate.sending("m"):
        assert not gate.close(0.05)  # the stop reads the journals after this write: it names a call never sent
    assert refused.value.code == "INTERRUPTED"
    with gate.rewriting() as rewrite:
        assert not rewrite, "the job the stop left keeps naming its call"
    gate.open()
    with gate.sending("m"), gate.rewriting() as rewrite:
        assert rewrite


def test_a_stop_hands_over_only_the_jobs_still_unfinished() -> None:
    """``own`` is read before the stop's last writes: a job that ended since (its row Completed) keeps its end, and
    one whose end only this process knows (the database refused it) is left to that end."""
    from types import SimpleNamespace

    from engineering_api.farm.reattach import hand_over_jobs

    written: list[tuple[str, str]] = []
    jobs = SimpleNamespace(
        live_records=lambda: {"kept": SimpleNamespace(terminal=True), "running": SimpleNamespace(terminal=False)},
        unfinished=lambda: ["kept", "running", "queued"],
        settle_detached=lambda job_id, status, *_args, **_kwargs: written.append((job_id, status)))
    journals = {"running": {"callId": "c1", "method": "m", "agent": "a"}}
    farm = SimpleNamespace(stop_sending=lambda: None,
                           registry=SimpleNamespace(job_calls=lambda ids: [journals.get(i) for i in ids]))
    hand_over_jobs(jobs, farm, ["ended", "kept", "running", "queued"])  # type: ignore[arg-type]
    assert written == [("running", "Running"), ("queued", "Failed")], "the call's job stays with it; nothing ran"
