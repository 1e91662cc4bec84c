"""Cancelling a farm call: one still queued behind another call on its agent is revoked and never runs, and its
caller is told at once (the job's cancel, or its timeout, reaches the agent the same way as the running call's)."""

from __future__ import annotations

import threading
import time

import pytest

from engineering_api.backend.errors import EngineeringError, OperationCanceledError
from engineering_api.farm import FarmBackend, FarmConfig
from simatic_xml.cancel import CancelToken, installed
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.xdist_group("farm-2")


def test_a_call_canceled_while_queued_never_runs(agents, monkeypatch):
    from tests.farm.conftest import give_back

    backend = FarmBackend(FarmConfig(agents.redis_url))
    try:
        agent = backend.registry.free_agent()
        assert agent is not None
        backend._send(agent, "simulation.create_instance", ("Busy",), {"operating_mode": "SingleStep"}, None)
        backend._send(agent, "simulation.power_on", ("Busy",), {}, None)
        backend._send(agent, "simulation.run", ("Busy",), {}, None)
        busy = threading.Thread(target=backend._send,
                                args=(agent, "simulation.step", ("Busy",), {"cycles": 1_000_000}, None))
        busy.start()
        deadline = time.monotonic() + HANG_GUARD_S
        while not (getattr(backend.registry.agent(agent.agent), "current_call", None) or "").startswith(
                "simulation.step"):
            assert time.monotonic() < deadline, "the step never started"
            time.sleep(0.01)
        token = CancelToken()
        publish = backend.app.send_task

        def published_then_canceled(*args, **kwargs):  # the job's cancel comes once the call is queued
            sent = publish(*args, **kwargs)
            token.cancel(OperationCanceledError("the job was canceled"))
            return sent

        monkeypatch.setattr(backend.app, "send_task", published_then_canceled)
        started = time.monotonic()
        with installed(token), pytest.raises(OperationCanceledError):
            backend._send(agent, "simulation.create_instance", ("Never",), {}, None)
        monkeypatch.undo()
        assert time.monotonic() - started < 2.0, "told at once, not after the running call"
        busy.join(HANG_GUARD_S)
        assert not busy.is_alive(), "the step ended"
        # Queued behind the canceled call on the same agent queue, which the agent takes in order, one call at a
        # time: this call is answered only after the agent has reached the canceled one and dropped it.
        names = [i.name for i in backend._send(agent, "simulation.list_instances", (), {}, None)]
        assert "Never" not in names and "Busy" in names
    finally:
        backend.close()
        give_back(agents.redis_url)


def test_a_call_whose_job_ended_before_it_was_sent_is_never_sent(agents, monkeypatch):
    """A job that timed out (or was canceled) while its next call waited for an agent (a young Redis, an outage)
    does not publish that call: published, it ran when its agent took it before the cancel was looked at."""
    from tests.farm.conftest import give_back

    backend = FarmBackend(FarmConfig(agents.redis_url))
    try:
        agent = backend.registry.free_agent()
        assert agent is not None
        published: list[object] = []
        monkeypatch.setattr(backend.app, "send_task", lambda *args, **kwargs: published.append(args))
        token = CancelToken()
        token.cancel(OperationCanceledError("the job was canceled"))
        with installed(token), pytest.raises(OperationCanceledError):
            backend._send(agent, "simulation.create_instance", ("Never",), {}, None)
        assert published == []
    finally:
        monkeypatch.undo()
        backend.close()
        give_back(agents.redis_url)


def test_an_operation_canceled_between_two_calls_after_the_first_changed_is_not_answered_canceled(farm):
    """Fault schedule seed 4014512580: a job canceled after its import had generated its blocks and before the
    call that keeps its source was sent was answered ``CANCELED``, and the generated block was then saved. The
    cancel stopped the second call only: the operation ran in part, so it is answered ``OUTCOME_UNKNOWN`` naming
    what completed, never "canceled"."""
    import asyncio

    from engineering_api.farm.dispatch import FarmWorker
    from engineering_api.lib.caller import current_caller
    from tests.farm.farm_calls import WAIT, as_caller

    farm.registry.claim("canceled-between")
    token = CancelToken()

    def operation() -> None:  # two changing port calls, as the import's generate and keep-the-source
        farm.simulation.create_instance("Generated")
        token.cancel(OperationCanceledError("the job was canceled"))  # the job's cancel, between the two calls
        farm.simulation.create_instance("Kept")

    worker = FarmWorker()
    current_caller.set("canceled-between")
    try:
        with pytest.raises(EngineeringError) as answer:
            asyncio.run(worker.call(operation, timeout=WAIT, token=token))
    finally:
        worker.stop()
    assert answer.value.code == "OUTCOME_UNKNOWN", answer.value
    assert answer.value.details["cause"] == "CANCELED"
    assert answer.value.details["completedCalls"] == ["simulation.create_instance"]
    names = [i.name for i in as_caller("canceled-between", farm.simulation.list_instances)]
    assert names.count("Generated") == 1 and "Kept" not in names, names
