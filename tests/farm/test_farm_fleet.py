"""The farm after faults of real fleets (issue 91), each through the REST API of an API node (the app ``serve
--farm`` runs) against a Redis and agent processes of the test's own:

1. an agent host's wall clock hours off the node's (ahead or behind, up to a day, stepped mid-session): every call
   runs and is answered; none vanishes (nothing compares a timestamp of one host with another host's clock);
2. a second agent started under a live agent's name (two VMs cloned from one template) leaves the live agent and
   its session alone and refuses to start, naming the live one's host and pid.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from typing import Any

import pytest

from tests.conftest import CPU, data
from tests.farm.farm_calls import WAIT, until
from tests.farm.conftest import OwnFarm
from tests.farm.unscheduled_session import ADD, device_names, session_headers, step_clock


pytestmark = pytest.mark.xdist_group("farm-1")


TIMEOUT = WAIT / 2
"""The node's call and job timeouts in the clock test: a vanished call fails it within its wait."""


def _answered(node: Any, method: str, path: str, **kwargs: Any) -> Any:
    """The answer to one request, or a failure after :data:`WAIT`."""
    answers: list[Any] = []
    sending = threading.Thread(target=lambda: answers.append(node.request(method, path, **kwargs)), daemon=True)
    sending.start()
    until(lambda: answers, f"{method} {path} was answered")
    return answers[0]


@pytest.mark.parametrize("offset", [2 * 3600.0, -2 * 3600.0, 24 * 3600.0, -24 * 3600.0])
def test_an_agents_wall_clock_hours_off_the_nodes_runs_and_answers_every_call(own_farm, offset):
    farm: OwnFarm = own_farm(1)
    step_clock(farm, offset)  # the agent's host, hours off the node's: the node sends, the agent runs
    # a call that vanishes is answered by the node's timeout, well inside the test's wait (not after 30 minutes)
    with farm.node(call_timeout_seconds=TIMEOUT, job_timeout_seconds=TIMEOUT) as node:
        session = session_headers(node, "skewed")
        created = _answered(node, "POST", "/api/projects/actions/create-sync", json={"name": "Skewed"},
                            headers=session)
        assert created.status_code == 200, created.text
        step_clock(farm, offset + 4000.0)  # stepped again mid-session (time sync catching up, a resumed VM)
        added = _answered(node, "POST", ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=session)
        assert added.status_code == 200, added.text
        listed = _answered(node, "GET", "/api/projects/devices", headers=session)
        assert [d["name"] for d in data(listed)] == ["PLC_1"], "the session kept its unsaved work"


def test_a_second_agent_under_a_live_agents_name_leaves_it_alone_and_refuses_to_start(own_farm):
    farm: OwnFarm = own_farm(1)
    name, live = next(iter(farm.agents.processes.items()))
    first = farm.registry.agent(name)
    assert first is not None
    instance = first.instance
    with farm.node() as node:
        session = session_headers(node, "cloned")
        data(node.post("/api/projects/actions/create-sync", json={"name": "Cloned"}, headers=session))
        data(node.post(ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=session))  # unsaved
        # a VM cloned from the live one's template: the same name (the host name, the default), its own process
        log = farm.root / "twin.log"
        twin = farm.agents.spawn(name, farm.root / "twin", log)
        deadline = time.monotonic() + WAIT
        try:
            while twin.poll() is None:  # the name and the claim stay the live agent's all along
                record, claim = farm.registry.agent(name), farm.registry.claim_record(name)
                assert record is not None and record.instance == instance, "the live agent's record was taken"
                assert claim is not None and claim["instance"] == instance and not claim["closing"], claim
                assert time.monotonic() < deadline, "the second agent neither started nor refused"
                with contextlib.suppress(subprocess.TimeoutExpired):
                    twin.wait(0.1)  # its exit, the event waited for; the invariants are sampled meanwhile
        finally:
            if twin.poll() is None:
                twin.kill()
            twin.wait(WAIT)
        said = log.read_text()
        assert twin.returncode not in (0, None), said
        assert f"host {socket.gethostname()}, pid {live.pid}" in said, said
        assert device_names(node, session) == ["PLC_1"], "the live agent's session kept its unsaved work"
        after = farm.registry.agent(name)
        assert after is not None and after.instance == instance and live.poll() is None

