"""Cancelling a farm call: one still queued behind another call on its agent is revoked and never runs, and its
caller is told at once (the job's cancel, or its timeout, reaches the agent the same way as the running call's)."""

from __future__ import annotations

import threading
import time

import pytest

from engineering_api.backend.errors import OperationCanceledError
from engineering_api.farm import FarmBackend, FarmConfig
from simatic_xml.cancel import CancelToken, installed
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.xdist_group("farm")


def test_a_call_canceled_while_queued_never_runs(agents):
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
        token.cancel(OperationCanceledError("the job was canceled"))
        started = time.monotonic()
        with installed(token), pytest.raises(OperationCanceledError):
            backend._send(agent, "simulation.create_instance", ("Never",), {}, None)
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
