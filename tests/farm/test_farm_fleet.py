"""The farm after faults of real fleets (issue 91), each through the REST API of an API node (the app ``serve
--farm`` runs) against a Redis and agent processes of the test's own:

1. an agent host's wall clock hours off the node's (ahead or behind, up to a day, stepped mid-session): every call
   runs and is answered; none vanishes (nothing compares a timestamp of one host with another host's clock).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.conftest import CPU, data
from tests.farm.test_farm_truth import WAIT, until
from tests.farm.test_farm_unscheduled import ADD, OwnFarm, _session, _step_clock, own_farm

__all__ = ("own_farm",)  # the fixture, imported for pytest

pytestmark = pytest.mark.xdist_group("farm")


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
    _step_clock(farm, offset)  # the agent's host, hours off the node's: the node sends, the agent runs
    # a call that vanishes is answered by the node's timeout, well inside the test's wait (not after 30 minutes)
    with farm.node(call_timeout_seconds=TIMEOUT, job_timeout_seconds=TIMEOUT) as node:
        session = _session(node, "skewed")
        created = _answered(node, "POST", "/api/projects/actions/create-sync", json={"name": "Skewed"},
                            headers=session)
        assert created.status_code == 200, created.text
        _step_clock(farm, offset + 4000.0)  # stepped again mid-session (time sync catching up, a resumed VM)
        added = _answered(node, "POST", ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=session)
        assert added.status_code == 200, added.text
        listed = _answered(node, "GET", "/api/projects/devices", headers=session)
        assert [d["name"] for d in data(listed)] == ["PLC_1"], "the session kept its unsaved work"

